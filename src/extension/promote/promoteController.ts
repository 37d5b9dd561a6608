/**
 * kindling.promote in VS Code: pick the file, the target context and namespace, then hand over to
 * runPromote (src/kube/promote), which does the checks, the dry-run and the apply. This file only asks
 * and shows: the diff editor, the summary in an output channel, the modal confirmation.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { runContextName } from '../../core/cluster/runContext';
import { loadConfig, type ConfigError, type KindlingConfig } from '../../core/config';
import { isComponentFile } from '../../core/component';
import { describeDocument, diffText, formatPromotedReport, orderTargets, summarizeReview } from '../../core/promote';
import { isRecord } from '../../core/values';
import { defaultKubeconfigPath, loadKubeConfig } from '../../kube/client';
import { gitInfo } from '../../kube/git';
import { listPromoted, planFromRun, PromoteError, runPromote, type ApplyFailure, type ImageTarget, type PromoteInput, type PromoteReview } from '../../kube/promote';
import { connect, RunError } from '../../kube/runs';
import { getSetting } from '../config';
import type { KindlingContext } from '../context';
import { findProjectConfig } from '../projectConfig';
import { isRunEntry } from '../run/runsTree';
import { ReviewDocuments } from './reviewDocuments';

/** Pipeline YAML, or a component file (promoted as ConfigMap + WorkflowTemplate, docs/promote.md). */
const PROMOTABLE_FILE = /\.(ya?ml|py|ipynb|sh)$/i;
const REMEMBERED_KEY = 'kindling.promote.target';
/** Diff tabs opened per promote; a larger file is reviewed in the summary. */
const MAX_DIFF_TABS = 5;

export class PromoteController implements vscode.Disposable {
  readonly documents = new ReviewDocuments();
  private readonly output: vscode.OutputChannel;

  constructor(private readonly ctx: KindlingContext) {
    this.output = vscode.window.createOutputChannel('Kindling Promote');
  }

  dispose(): void {
    this.documents.dispose();
    this.output.dispose();
  }

  async promote(arg?: unknown): Promise<void> {
    const document = await this.resolveDocument(arg);
    if (!document) return;
    const kubeconfigPath = getSetting('kubeconfig') || undefined;
    const nearest = await readNearestConfig(document.uri);
    let imageTarget: ImageTarget | undefined;
    if (nearest.broken) {
      // Its remotes and pinned digests decide the target list and the review: never promote past a broken one.
      const { file, error } = nearest.broken;
      const where = `${vscode.workspace.asRelativePath(file)}:${error.line + 1}:${error.column + 1}`;
      const open = await vscode.window.showErrorMessage(`Kindling: cannot promote while ${where} is invalid: ${error.message}`, 'Open kindling.yaml');
      if (open) await vscode.window.showTextDocument(vscode.Uri.file(file), { selection: new vscode.Range(error.line, error.column, error.endLine, error.endColumn) });
      return;
    }
    const config = nearest.config;
    if (!config && isComponentFile(document.uri.path)) {
      void vscode.window.showWarningMessage(
        `Kindling: promoting ${path.basename(document.uri.fsPath)} needs a kindling.yaml (next to it or above it) naming the image it runs on.`,
      );
      return;
    }
    const target = await this.pickTarget(kubeconfigPath, config);
    if (!target) return;
    try {
      imageTarget = await imageTargetFor(config, target.context, nearest.file);
    } catch (err) {
      void vscode.window.showErrorMessage(`Kindling: cannot promote: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    await this.ctx.extension.workspaceState.update(REMEMBERED_KEY, target);

    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const sourcePath = folder ? path.relative(folder.uri.fsPath, document.uri.fsPath).split(path.sep).join('/') : path.basename(document.uri.fsPath);
    await this.execute(path.basename(document.uri.fsPath), target, kubeconfigPath, async () => ({
      text: document.text,
      sourcePath,
      config,
      git: await gitInfo(document.uri.fsPath),
      knownImages: config ? [config.images.default, ...Object.values(config.images.environments ?? {})] : [],
      promotedFrom: localContext(),
      imageTarget,
    }));
  }

  /**
   * Promote This Run (Runs view, on a run that succeeded): the exact spec that ran, read back from the
   * cluster it ran on, with the digest it ran on (src/kube/promote/fromRun.ts), then the same target
   * pick, image copy, preflight, review and apply as a file promote.
   */
  async promoteRun(arg?: unknown): Promise<void> {
    if (!isRunEntry(arg) || (arg.ref.kind !== 'Workflow' && arg.ref.kind !== 'SparkApplication' && arg.ref.kind !== 'Pod')) {
      void vscode.window.showWarningMessage('Kindling: right-click a run that succeeded in the Runs view to promote it.');
      return;
    }
    const run = arg;
    const runKind = run.ref.kind as 'Workflow' | 'SparkApplication' | 'Pod';
    const kubeconfigPath = run.kubeconfigPath ?? (getSetting('kubeconfig') || undefined);
    const runContext = run.context ?? localContext();
    const folders = vscode.workspace.workspaceFolders ?? [];
    // The run records its file relative to the workspace folder: the first folder that has it.
    const locate = async (sourcePath: string): Promise<string | undefined> => {
      for (const f of folders) {
        const file = path.join(f.uri.fsPath, ...sourcePath.split('/'));
        if (await readFile(file, 'utf8').then(() => true, () => false)) return file;
      }
      return run.uri?.fsPath;
    };
    const sourceFile = run.uri?.fsPath;
    const nearest = sourceFile ? await readNearestConfig(vscode.Uri.file(sourceFile)) : {};
    if (nearest.broken) {
      void vscode.window.showErrorMessage(`Kindling: cannot promote while ${vscode.workspace.asRelativePath(nearest.broken.file)} is invalid: ${nearest.broken.error.message}`);
      return;
    }
    const config = nearest.config;
    const target = await this.pickTarget(kubeconfigPath, config);
    if (!target) return;
    let imageTarget: ImageTarget | undefined;
    try {
      imageTarget = await imageTargetFor(config, target.context, nearest.file);
    } catch (err) {
      void vscode.window.showErrorMessage(`Kindling: cannot promote: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    await this.ctx.extension.workspaceState.update(REMEMBERED_KEY, target);
    await this.execute(`run ${run.ref.name}`, target, kubeconfigPath, async (progress) => {
      progress(`Reading run ${run.ref.name} from "${runContext}"…`);
      const local = connect({ kubeconfigPath, context: runContext });
      let located: string | undefined;
      const fromRun = await planFromRun({
        kc: local,
        run: { kind: runKind, name: run.ref.name, namespace: run.ref.namespace },
        namespace: target.namespace,
        readWorkspaceFile: async (sourcePath) => {
          located = await locate(sourcePath);
          return located ? readFile(located, 'utf8').catch(() => undefined) : undefined;
        },
      });
      const sourcePath = fromRun.plan.run?.sourcePath ?? run.ref.name;
      return {
        text: '',
        sourcePath,
        config,
        // The commit the run recorded, and who promotes now (the provenance's user is the promoter).
        git: { ...fromRun.git, user: located ? (await gitInfo(located)).user : fromRun.git?.user },
        knownImages: [],
        promotedFrom: runContext,
        imageTarget,
        fromRun: { plan: fromRun.plan, sourceSha256: fromRun.sourceSha256, run: fromRun.runRef },
      };
    });
  }

  /**
   * Show What Kindling Promoted Here (Clusters view, on a context): the objects carrying Kindling's
   * promote provenance there, as a Markdown document.
   */
  async showPromoted(arg?: unknown): Promise<void> {
    const kubeconfigPath = getSetting('kubeconfig') || undefined;
    // From the Clusters view: that context. From the palette: ask, as Promote does.
    let context = isRecord(arg) && typeof arg.name === 'string' ? arg.name : undefined;
    if (!context) {
      const picked = await this.pickContext(kubeconfigPath, undefined, { title: 'Kindling: Show what Kindling promoted to which cluster?', placeHolder: 'Kube context to look at' });
      if (!picked) return;
      context = picked.context;
    }
    let kc;
    try {
      kc = connect({ kubeconfigPath, context });
    } catch (err) {
      void vscode.window.showErrorMessage(`Kindling: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const name = kc.getCurrentContext();
    try {
      const listing = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Kindling: reading what was promoted to "${name}"…` },
        () => listPromoted(kc),
      );
      const text = formatPromotedReport(name, kc.getCurrentCluster()?.server, listing.records, listing.notes);
      const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
      await vscode.window.showTextDocument(doc, { preview: true });
    } catch (err) {
      void vscode.window.showErrorMessage(`Kindling: cannot list what was promoted to "${name}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The promote itself, whatever it starts from: progress notification, review, apply, outcome. */
  private async execute(
    label: string,
    target: { context: string; namespace: string },
    kubeconfigPath: string | undefined,
    prepare: (progress: (message: string) => void) => Promise<Omit<PromoteInput, 'kc' | 'namespace' | 'kindlingVersion'>>,
  ): Promise<void> {
    const promoteId = this.documents.nextPromote();
    this.output.clear();
    try {
      const kc = connect({ kubeconfigPath, context: target.context });
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Kindling: promoting ${label}`, cancellable: false },
        async (progress) =>
          runPromote(
            {
              ...(await prepare((message) => progress.report({ message }))),
              kc,
              namespace: target.namespace,
              kindlingVersion: String(this.ctx.extension.extension.packageJSON.version),
            },
            {
              progress: (message) => progress.report({ message }),
              confirm: (review) => this.confirm(review, promoteId),
              offerRestore: (failure) => this.offerRestore(failure),
            },
          ),
      );
      if (outcome.status === 'cancelled') {
        this.output.appendLine('Cancelled: nothing was applied.');
        return;
      }
      if (outcome.status === 'unchanged') {
        this.output.appendLine(`Already promoted: every object on "${target.context}" is what this promote would make of it. Nothing was written.`);
        void vscode.window.showInformationMessage(`Kindling: ${label} is already promoted to "${target.context}", namespace "${target.namespace}": nothing to write.`);
        return;
      }
      this.output.appendLine(`Applied: ${outcome.applied.join(', ')}.`);
      void vscode.window.showInformationMessage(`Kindling: promoted ${outcome.applied.length} object(s) to "${target.context}", namespace "${target.namespace}".`);
    } catch (err) {
      if (!(err instanceof PromoteError || err instanceof RunError)) throw err;
      const problems = err instanceof PromoteError ? [...err.problems, ...err.warnings.map((w) => `Warning: ${w}`)] : [err.message];
      for (const line of problems) this.output.appendLine(line);
      this.output.show(true);
      const pick = await vscode.window.showErrorMessage(`Kindling: promote stopped. ${problems[0] ?? ''}`, 'Show Details');
      if (pick) this.output.show();
    }
  }

  /** An apply failed half-way: say exactly what is on the target now, and offer to put it back. */
  private async offerRestore(failure: ApplyFailure): Promise<boolean> {
    const applied = failure.applied.map((a) => `${a.what} (${a.created ? 'created: restore deletes it' : 'updated: restore puts back its previous state'})`);
    const detail = [`Failed: ${failure.error}`, `Applied before the failure:`, ...applied.map((a) => `  ${a}`), ...(failure.notApplied.length ? [`Not applied: ${failure.notApplied.join(', ')}`] : [])].join('\n');
    this.output.appendLine(detail);
    const answer = await vscode.window.showWarningMessage(
      `Promote failed at ${failure.failed} after ${failure.applied.length} object(s) were applied. Restore them to their state before this promote?`,
      { modal: true, detail },
      'Restore',
      'Leave as Is',
    );
    return answer === 'Restore';
  }

  /** Opens the diffs, writes the summary, and asks. Resolves true only on the explicit button. */
  private async confirm(review: PromoteReview, promoteId: number): Promise<boolean> {
    const summary = summarizeReview({
      context: review.context,
      server: review.server,
      namespace: review.namespace,
      documents: review.documents.map((d) => ({ label: describeDocument(d.doc), isNew: !d.live, changes: d.changes })),
      warnings: review.warnings,
      notes: review.notes,
    });
    this.output.appendLine(summary);
    this.output.show(true);
    for (const d of review.documents.filter((r) => r.changes.length).slice(0, MAX_DIFF_TABS)) {
      const label = `${d.doc.type.kind}-${d.doc.name}`;
      const left = this.documents.add(label, 'live', d.live ? diffText(d.live) : '# new: not on the target yet\n', promoteId);
      const right = this.documents.add(label, 'dry-run', diffText(d.proposed), promoteId);
      await vscode.commands.executeCommand('vscode.diff', left, right, `${d.doc.type.kind} ${d.doc.name}: ${review.context} ↔ after promote`, { preview: false });
    }
    const count = review.documents.length;
    const answer = await vscode.window.showWarningMessage(
      `Promote ${count} object(s) to context "${review.context}", namespace "${review.namespace}"?`,
      { modal: true, detail: summary },
      'Promote',
    );
    return answer === 'Promote';
  }

  /** The file to promote and its saved text (a notebook's too: it may be open in the notebook editor). */
  private async resolveDocument(arg: unknown): Promise<{ uri: vscode.Uri; text: string } | undefined> {
    const uri = arg instanceof vscode.Uri ? arg : (vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri);
    if (!uri || !PROMOTABLE_FILE.test(uri.path)) {
      void vscode.window.showWarningMessage(
        'Kindling: open or select a pipeline YAML file (WorkflowTemplate, CronWorkflow, SparkApplication) or a component (.py, .ipynb, .sh) to promote it.',
      );
      return undefined;
    }
    const dirty =
      vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty) ??
      vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty);
    if (dirty) {
      // Provenance hashes what is promoted and git says whether it is committed: both mean the saved file.
      const pick = await vscode.window.showWarningMessage(`${path.basename(uri.fsPath)} has unsaved changes. Promote the saved file only after saving it.`, { modal: true }, 'Save and Promote');
      if (pick !== 'Save and Promote' || !(await dirty.save())) return undefined;
    }
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    return { uri, text };
  }

  private async pickTarget(kubeconfigPath: string | undefined, config: KindlingConfig | undefined): Promise<{ context: string; namespace: string } | undefined> {
    const picked = await this.pickContext(kubeconfigPath, config, { title: 'Kindling: Promote to which cluster?', placeHolder: 'Kube context to promote to' });
    if (!picked) return undefined;
    const namespace = await vscode.window.showInputBox({
      title: `Kindling: Promote to "${picked.context}": namespace`,
      value: picked.namespace ?? 'default',
      ignoreFocusOut: true,
      validateInput: (v) => (/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v) ? undefined : 'A namespace name: lowercase letters, digits and "-".'),
    });
    return namespace ? { context: picked.context, namespace } : undefined;
  }

  /** A kube context, remotes of kindling.yaml and the last one used first (core/promote orderTargets). */
  private async pickContext(
    kubeconfigPath: string | undefined,
    config: KindlingConfig | undefined,
    labels: { title: string; placeHolder: string },
  ): Promise<{ context: string; namespace?: string } | undefined> {
    let contexts: { name: string; namespace?: string; server?: string }[];
    try {
      const kc = loadKubeConfig({ kubeconfigPath });
      contexts = kc.getContexts().map((c) => ({ name: c.name, namespace: c.namespace, server: kc.getCluster(c.cluster)?.server }));
    } catch (err) {
      void vscode.window.showErrorMessage(`Kindling: cannot read the kubeconfig ${kubeconfigPath ?? defaultKubeconfigPath()}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    const choices = orderTargets({
      contexts,
      localContext: localContext(),
      remotes: config?.remotes,
      remembered: this.ctx.extension.workspaceState.get<{ context: string; namespace: string }>(REMEMBERED_KEY),
    });
    if (!choices.some((c) => !c.isLocal)) {
      void vscode.window.showWarningMessage('Kindling: the kubeconfig has no context besides the local one. Add the remote cluster to it (or set kindling.kubeconfig) to promote.');
    }
    const servers = new Map(contexts.map((c) => [c.name, c.server]));
    const picked = await vscode.window.showQuickPick(
      choices.map((c) => ({
        label: c.context,
        description: [c.remembered ? 'last used' : '', c.remote ? `kindling.yaml remote "${c.remote}"` : '', c.isLocal ? 'local: where runs go' : ''].filter(Boolean).join(' · '),
        detail: servers.get(c.context),
        choice: c,
      })),
      { ...labels, ignoreFocusOut: true },
    );
    return picked ? { context: picked.choice.context, namespace: picked.choice.namespace } : undefined;
  }
}

function localContext(): string {
  return runContextName({ envOverride: process.env.KINDLING_RUN_CONTEXT, setting: getSetting('run.context'), clusterName: getSetting('cluster.name') });
}

/** The nearest kindling.yaml up from the file (its remotes and pinned image digests): none is fine; a broken one is reported. */
async function readNearestConfig(file: vscode.Uri): Promise<{ config?: KindlingConfig; file?: string; broken?: { file: string; error: ConfigError } }> {
  const configPath = await findProjectConfig(file.fsPath, vscode.workspace.getWorkspaceFolder(file)?.uri.fsPath);
  if (!configPath) return {};
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch {
    return {};
  }
  const { config, errors } = loadConfig(text);
  if (config) return { config, file: configPath };
  const error = errors[0] ?? { message: 'not a valid kindling.yaml', path: '', line: 0, column: 0, endLine: 0, endColumn: 0 };
  return { broken: { file: configPath, error } };
}

/** The chosen context's remotes entry with a registry: where local images are copied (its CA read relative to kindling.yaml). */
async function imageTargetFor(config: KindlingConfig | undefined, context: string, configFile: string | undefined): Promise<ImageTarget | undefined> {
  const remote = Object.values(config?.remotes ?? {}).find((r) => r.context === context && r.registry);
  if (!remote?.registry) return undefined;
  if (!remote.registryCA) return { registry: remote.registry };
  const caPath = path.resolve(configFile ? path.dirname(configFile) : '.', remote.registryCA);
  try {
    return { registry: remote.registry, ca: await readFile(caPath, 'utf8') };
  } catch (err) {
    throw new Error(`kindling.yaml remotes registryCA ${caPath} cannot be read (${err instanceof Error ? err.message : String(err)}).`);
  }
}
