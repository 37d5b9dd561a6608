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
import { documentOfRun } from '../../core/pipelineRun/runDocument';
import { connect, listRuns, readProjectConfig, watchRun, type RunWatch } from '../../kube/runs';
import type { KindlingContext } from '../context';
import type { DagStatusApi, PanelRunApi } from '../dag/statusApi';
import { findProjectConfig } from '../projectConfig';
import { runTarget } from './runSetup';

export class PanelRunFollower implements PanelRunApi, vscode.Disposable {
  private readonly follows = new Map<string, RunWatch>();

  constructor(private readonly ctx: KindlingContext) {}

  async followLatestRun(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    if (this.follows.has(key)) return;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    if (!folder) return;
    // The same relative path Submit Pipeline records in the run's provenance.
    const relativePath = vscode.workspace.asRelativePath(document.uri);
    const namespace = await this.namespaceFor(document.uri.fsPath, folder.uri.fsPath);
    const kc = connect(runTarget());
    const runs = await listRuns(kc, namespace);
    // listRuns sorts newest first.
    const latest = runs.find((r) => r.annotations[Annotations.sourcePath] === relativePath && r.ref.kind !== 'Pod');
    if (!latest || latest.ref.kind === 'Pod') return;
    const kind = latest.ref.kind;
    const dag = (await this.ctx.getFeature('dag')).api as DagStatusApi;

    // The spec view's colours go to the document's graph the run came from (as Submit Pipeline does).
    const parsed = await dag.parseForRun(document);
    const chosen = documentOfRun(listDocuments(document.getText(), relativePath), { kind, name: latest.ref.name });
    const graphIndex = chosen ? graphIndexForDocument(parsed.graphs, chosen) : -1;
    const graph = parsed.graphs[graphIndex];
    const scope = graph ? graphKey(parsed.graphs, graphIndex) : undefined;

    this.ctx.log.info(`DAG panel: following ${kind} ${latest.ref.name} (${latest.status.phase}), the latest run of ${relativePath}`);
    const watch = watchRun(kc, latest.ref, {
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
