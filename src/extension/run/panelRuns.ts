/**
 * Runs survive a window reload: when the DAG panel shows a pipeline file, the latest run submitted
 * from it (its provenance annotation names the file, as in the Runs view) is followed again, so the
 * panel's live colours and run view come back. A finished run is read once; a running one is
 * watched until it ends.
 */
import * as vscode from 'vscode';
import { Annotations } from '../../core/component/provenance';
import { configDefaults } from '../../core/config';
import { graphKey } from '../../core/model/statusScope';
import { graphIndexForDocument, listDocuments, mapSparkStatus, mapWorkflowStatus, type SparkApplicationLike, type WorkflowLike } from '../../core/pipelineRun';
import type { ResourceRef } from '../../core/component';
import { parseRunId } from '../../core/pipelineRun/nodeDetails';
import { documentOfRun } from '../../core/pipelineRun/runDocument';
import { connect, listRuns, readProjectConfig, watchRun, type RunWatch } from '../../kube/runs';
import type { KindlingContext } from '../context';
import type { DagStatusApi, PanelRunApi } from '../dag/statusApi';
import { findProjectConfig } from '../projectConfig';
import { runTarget } from './runSetup';

export class PanelRunFollower implements PanelRunApi, vscode.Disposable {
  private readonly follows = new Map<string, RunWatch>();

  constructor(private readonly ctx: KindlingContext) {}

  async followLatestRun(document: vscode.TextDocument, options: { again?: boolean } = {}): Promise<void> {
    const key = document.uri.toString();
    if (this.follows.has(key) && !options.again) return;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return;
    // The same relative path Submit Pipeline records in the run's provenance.
    const relativePath = vscode.workspace.asRelativePath(document.uri);
    const namespace = await this.namespaceFor(document.uri.fsPath, folder.uri.fsPath);
    const kc = connect(runTarget());
    const runs = await listRuns(kc, namespace);
    // listRuns sorts newest first.
    const latest = runs.find((r) => r.annotations[Annotations.sourcePath] === relativePath && r.ref.kind !== 'Pod');
    if (!latest) return;
    this.ctx.log.info(`DAG panel: following ${latest.ref.kind} ${latest.ref.name} (${latest.status.phase}), the latest run of ${relativePath}`);
    await this.follow(document, latest.ref, kc);
  }

  /** After a retry or resume from the panel: the run changes again, so it is watched again until it ends. */
  async followRun(document: vscode.TextDocument, runId: string): Promise<void> {
    const run = parseRunId(runId);
    if (!run) return;
    const ref: ResourceRef =
      run.kind === 'Workflow'
        ? { group: 'argoproj.io', version: 'v1alpha1', plural: 'workflows', kind: 'Workflow', name: run.name, namespace: run.namespace }
        : { group: 'sparkoperator.k8s.io', version: 'v1beta2', plural: 'sparkapplications', kind: 'SparkApplication', name: run.name, namespace: run.namespace };
    await this.follow(document, ref, connect(runTarget()));
  }

  private async follow(document: vscode.TextDocument, ref: ResourceRef, kc: ReturnType<typeof connect>): Promise<void> {
    if (ref.kind === 'Pod') return;
    const key = document.uri.toString();
    const kind = ref.kind;
    const dag = (await this.ctx.getFeature('dag')).api as DagStatusApi;
    // The spec view's colours go to the document's graph the run came from (as Submit Pipeline does).
    const parsed = await dag.parseForRun(document);
    const chosen = documentOfRun(listDocuments(document.getText(), vscode.workspace.asRelativePath(document.uri)), { kind, name: ref.name });
    const graphIndex = chosen ? graphIndexForDocument(parsed.graphs, chosen) : -1;
    const graph = parsed.graphs[graphIndex];
    const scope = graph ? graphKey(parsed.graphs, graphIndex) : undefined;

    this.follows.get(key)?.stop();
    const watch = watchRun(kc, ref, {
      onObject: (obj) => {
        dag.setRunObject(key, { kind, object: obj });
        if (graph) dag.setStatus(key, kind === 'Workflow' ? mapWorkflowStatus(graph, obj as WorkflowLike, scope) : mapSparkStatus(graph, obj as SparkApplicationLike, scope));
      },
    });
    this.follows.set(key, watch);
    void watch.done.then(() => {
      if (this.follows.get(key) === watch) this.follows.delete(key);
    });
  }

  private async namespaceFor(filePath: string, workspaceRoot: string): Promise<string> {
    const configPath = await findProjectConfig(filePath, workspaceRoot).catch(() => undefined);
    if (!configPath) return configDefaults.namespace;
    try {
      return (await readProjectConfig(configPath)).namespace ?? configDefaults.namespace;
    } catch {
      // An invalid config is reported when the user runs something; the default namespace is a fair guess.
      return configDefaults.namespace;
    }
  }

  dispose(): void {
    for (const watch of this.follows.values()) watch.stop();
    this.follows.clear();
  }
}
