/**
 * The cluster feature bundle (dist/features/cluster.js): doctor, create / warm start, delete, and
 * the Clusters view with its status-bar item. Loaded by the activation shell on first use.
 */
import type * as vscode from 'vscode';
import type { ActivateFeature } from '../context';
import { ClustersView } from '../cluster/clustersView';
import { runDoctor } from '../cluster/doctor';
import { createClusterCommand, deleteClusterCommand } from '../cluster/lifecycleCommands';

export const activateFeature: ActivateFeature = (ctx) => {
  const view = ctx.disposables.add(new ClustersView(ctx));
  const refresh = () => view.refresh();
  return {
    commands: {
      'kindling.doctor': () => runDoctor(ctx),
      'kindling.createCluster': () => createClusterCommand(ctx, refresh),
      'kindling.deleteCluster': () => deleteClusterCommand(ctx, refresh),
      'kindling.refreshClusters': refresh,
    },
    treeProviders: { 'kindling.clusters': view as vscode.TreeDataProvider<unknown> },
  };
};
