/**
 * One way to get a KubeConfig and API clients, shared by cluster, run and promote code.
 * No `vscode` here: callers pass the kubeconfig path and context they resolved from settings.
 */
import { KubeConfig } from '@kubernetes/client-node';
import * as os from 'node:os';
import * as path from 'node:path';

export interface KubeTarget {
  /** Path to a kubeconfig file; empty/undefined → KUBECONFIG, then ~/.kube/config. */
  kubeconfigPath?: string;
  /** Context to use; undefined → the file's current-context. */
  context?: string;
}

export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.KUBECONFIG?.split(path.delimiter).find((p) => p.length > 0);
  return fromEnv ?? path.join(os.homedir(), '.kube', 'config');
}

export function loadKubeConfig(target: KubeTarget = {}): KubeConfig {
  const kc = new KubeConfig();
  if (target.kubeconfigPath) {
    kc.loadFromFile(target.kubeconfigPath);
  } else {
    kc.loadFromDefault();
  }
  if (target.context) {
    if (!kc.getContextObject(target.context)) {
      throw new Error(
        `Kube context "${target.context}" is not in ${target.kubeconfigPath || defaultKubeconfigPath()}. ` +
          `Known contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}.`,
      );
    }
    kc.setCurrentContext(target.context);
  }
  return kc;
}

