/** Command, view and setting ids in one place; package.json must declare the same (a unit test checks). */
import type { RunAction } from '../protocol/dagMessages';

export const CommandIds = {
  createCluster: 'kindling.createCluster',
  deleteCluster: 'kindling.deleteCluster',
  doctor: 'kindling.doctor',
  showDag: 'kindling.showDag',
  runAsComponent: 'kindling.runAsComponent',
  debugAsComponent: 'kindling.debugAsComponent',
  buildImage: 'kindling.buildImage',
  submitPipeline: 'kindling.submitPipeline',
  clearRunStatus: 'kindling.clearRunStatus',
  runAgain: 'kindling.runAgain',
  cancelRun: 'kindling.cancelRun',
  showRunLogs: 'kindling.showRunLogs',
  stopRun: 'kindling.runs.stop',
  terminateRun: 'kindling.runs.terminate',
  suspendRun: 'kindling.runs.suspend',
  resumeRun: 'kindling.runs.resume',
  retryRun: 'kindling.runs.retry',
  resubmitRun: 'kindling.runs.resubmit',
  deleteRun: 'kindling.runs.delete',
  copyRunName: 'kindling.runs.copyName',
  showNodeDetails: 'kindling.runs.showNodeDetails',
  promote: 'kindling.promote',
  promoteRun: 'kindling.promoteRun',
  showPromoted: 'kindling.showPromoted',
  wrapSageMakerPipeline: 'kindling.wrapSageMakerPipeline',
  refreshClusters: 'kindling.refreshClusters',
} as const;
export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];

export const TreeViewIds = {
  clusters: 'kindling.clusters',
  runs: 'kindling.runs',
} as const;
export type TreeViewId = (typeof TreeViewIds)[keyof typeof TreeViewIds];

export const WebviewViewIds = {
  dag: 'kindling.dag',
} as const;
export type WebviewViewId = (typeof WebviewViewIds)[keyof typeof WebviewViewIds];

/**
 * viewTypes of editor-area webview panels that come back after a window reload. Each needs an
 * `onWebviewPanel:<viewType>` activation event in package.json (a unit test checks).
 */
export const WebviewPanelIds = {
  dag: 'kindling.dagPanel',
} as const;
export type WebviewPanelId = (typeof WebviewPanelIds)[keyof typeof WebviewPanelIds];

/** Feature bundles, each loaded on first use (dist/features/<name>.js). */
export type FeatureName = 'dag' | 'cluster' | 'run' | 'promote';

/** Which feature answers which command and view. The shell registers them all at activation. */
export const commandOwners: Record<CommandId, FeatureName> = {
  'kindling.createCluster': 'cluster',
  'kindling.deleteCluster': 'cluster',
  'kindling.doctor': 'cluster',
  'kindling.refreshClusters': 'cluster',
  'kindling.showDag': 'dag',
  'kindling.wrapSageMakerPipeline': 'dag',
  'kindling.clearRunStatus': 'dag',
  'kindling.runAsComponent': 'run',
  'kindling.debugAsComponent': 'run',
  'kindling.buildImage': 'run',
  'kindling.submitPipeline': 'run',
  'kindling.runAgain': 'run',
  'kindling.cancelRun': 'run',
  'kindling.showRunLogs': 'run',
  'kindling.runs.stop': 'run',
  'kindling.runs.terminate': 'run',
  'kindling.runs.suspend': 'run',
  'kindling.runs.resume': 'run',
  'kindling.runs.retry': 'run',
  'kindling.runs.resubmit': 'run',
  'kindling.runs.delete': 'run',
  'kindling.runs.copyName': 'run',
  'kindling.runs.showNodeDetails': 'run',
  'kindling.promote': 'promote',
  'kindling.promoteRun': 'promote',
  'kindling.showPromoted': 'promote',
};

/**
 * The command behind each run action of the DAG panel (`runAction` messages; the host runs it with
 * `{ runId }`) and of the Runs view.
 */
export const runActionCommands: Record<RunAction, CommandId> = {
  stop: CommandIds.stopRun,
  terminate: CommandIds.terminateRun,
  suspend: CommandIds.suspendRun,
  resume: CommandIds.resumeRun,
  retry: CommandIds.retryRun,
  resubmit: CommandIds.resubmitRun,
  delete: CommandIds.deleteRun,
  copyName: CommandIds.copyRunName,
};

export const treeViewOwners: Record<TreeViewId, FeatureName> = {
  'kindling.clusters': 'cluster',
  'kindling.runs': 'run',
};

export const webviewViewOwners: Record<WebviewViewId, FeatureName> = {
  'kindling.dag': 'dag',
};

export const webviewPanelOwners: Record<WebviewPanelId, FeatureName> = {
  'kindling.dagPanel': 'dag',
};
