// Kept free of `vscode` so tests and other layers can read the defaults.
import { KIND_NODE_IMAGE } from '../core/cluster/versions';

/** Setting keys under `kindling.*`, typed. Read fresh each time: users change settings while we run. */
export interface KindlingSettings {
  'cluster.name': string;
  'cluster.registryPort': number;
  'cluster.apiServerPort': number;
  'cluster.kindPath': string;
  'cluster.addonManifestDir': string;
  'cluster.nodeImage': string;
  /** Upstream registry (as in image names) → mirror URL; checked by core/cluster/mirrors.ts. */
  'cluster.registryMirrors': Record<string, string>;
  'cluster.preloadImages': string[];
  kubeconfig: string;
  'run.context': string;
  'dag.renderDelayMs': number;
  'dag.followActiveEditor': boolean;
}

/** Must match package.json contributes.configuration (a unit test checks). */
export const settingDefaults: Readonly<KindlingSettings> = {
  'cluster.name': 'kindling',
  'cluster.registryPort': 5001,
  'cluster.apiServerPort': 6445,
  'cluster.kindPath': '',
  'cluster.addonManifestDir': '',
  'cluster.nodeImage': KIND_NODE_IMAGE,
  'cluster.registryMirrors': {},
  'cluster.preloadImages': [],
  kubeconfig: '',
  'run.context': '',
  'dag.renderDelayMs': 250,
  'dag.followActiveEditor': true,
};

