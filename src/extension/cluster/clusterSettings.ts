/**
 * Everything the cluster commands need from settings and the workspace, read fresh on each use
 * (users change settings while Kindling runs).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { KIND_DOWNLOADS, kindPlatform } from '../../core/cluster/kindRelease';
import { KIND_VERSION } from '../../core/cluster/versions';
import { defaultKubeconfigPath } from '../../kube/client';
import { getSetting } from '../config';
import type { KindlingContext } from '../context';

export interface ClusterSettings {
  clusterName: string;
  registryPort: number;
  apiServerPort: number;
  kubeconfigPath: string;
  kindSettingPath?: string;
  kindDownloadPath: string;
  addonManifestDir?: string;
  storageDir: string;
  workspaceHostPath?: string;
  nodeImage?: string;
  /** Raw setting value: createCluster validates it and says what is wrong. */
  registryMirrors: unknown;
  preloadImages: string[];
}

/** Where a verified kind download lives: the extension's global storage, by version. */
export function kindDownloadPath(ctx: KindlingContext): string {
  const platform = kindPlatform(process.platform, process.arch);
  const file = platform ? KIND_DOWNLOADS[platform].fileName : 'kind';
  return path.join(ctx.extension.globalStorageUri.fsPath, 'kind', KIND_VERSION, file);
}

export function readClusterSettings(ctx: KindlingContext): ClusterSettings {
  const kubeconfig = getSetting('kubeconfig');
  const kindPath = getSetting('cluster.kindPath');
  const manifestDir = getSetting('cluster.addonManifestDir');
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
  return {
    clusterName: getSetting('cluster.name'),
    registryPort: getSetting('cluster.registryPort'),
    apiServerPort: getSetting('cluster.apiServerPort'),
    kubeconfigPath: kubeconfig || defaultKubeconfigPath(),
    kindSettingPath: kindPath || undefined,
    kindDownloadPath: kindDownloadPath(ctx),
    addonManifestDir: manifestDir || undefined,
    storageDir: ctx.extension.globalStorageUri.fsPath,
    workspaceHostPath: folder?.uri.fsPath,
    nodeImage: getSetting('cluster.nodeImage').trim() || undefined,
    registryMirrors: getSetting('cluster.registryMirrors'),
    preloadImages: getSetting('cluster.preloadImages'),
  };
}
