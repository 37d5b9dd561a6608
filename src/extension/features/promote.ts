import * as vscode from 'vscode';
import type { ActivateFeature } from '../context';
import { PromoteController } from '../promote/promoteController';
import { REVIEW_SCHEME } from '../promote/reviewDocuments';

/** The promote feature: kindling.promote (palette, editor title, explorer) and its read-only diff documents. */
export const activateFeature: ActivateFeature = (ctx) => {
  const controller = ctx.disposables.add(new PromoteController(ctx));
  ctx.disposables.add(vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, controller.documents));
  return {
    commands: {
      'kindling.promote': (arg?: unknown) => controller.promote(arg),
      'kindling.promoteRun': (arg?: unknown) => controller.promoteRun(arg),
      'kindling.showPromoted': (arg?: unknown) => controller.showPromoted(arg),
    },
  };
};
