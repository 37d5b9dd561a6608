/**
 * The DAG feature bundle (dist/features/dag.js), loaded by the activation shell on first use of
 * the DAG view or its commands.
 */
import type { ActivateFeature } from '../context';
import { DagController } from '../dag/controller';
import type { DagStatusApi } from '../dag/statusApi';
import { wrapSageMakerCommand } from '../dag/wrap';

export const activateFeature: ActivateFeature = (ctx) => {
  const controller = ctx.disposables.add(new DagController(ctx));
  return {
    commands: {
      'kindling.showDag': (arg?: unknown) => controller.showPanel(arg),
      'kindling.wrapSageMakerPipeline': (arg?: unknown) => wrapSageMakerCommand(arg),
      'kindling.clearRunStatus': () => controller.clearShownStatus(),
    },
    webviewViewProviders: {
      'kindling.dag': { resolveWebviewView: (view) => controller.resolveWebviewView(view) },
    },
    webviewPanelSerializers: {
      'kindling.dagPanel': { deserializeWebviewPanel: (panel, state: unknown) => controller.restorePanel(panel, state) },
    },
    api: {
      setStatus: (uri, status) => controller.setStatus(uri, status),
      setRunObject: (uri, run) => controller.setRunObject(uri, run),
      shownDocument: () => controller.shownDocument(),
      parseForRun: (doc) => controller.parseForRun(doc),
    } satisfies DagStatusApi,
  };
};
