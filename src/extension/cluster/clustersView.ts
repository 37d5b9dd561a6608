/**
 * The Clusters view and the status-bar item. Lists the kube contexts of the user's kubeconfig
 * (kindling.kubeconfig or the default), the Kindling cluster first with its state (running /
 * stopped / not created), its registry, and live add-on health from a watch on the controller
 * Deployments.
 */
import * as vscode from 'vscode';
import { DEFAULT_NAMESPACES, type DeploymentCheck } from '../../core/cluster/addonPlan';
import type { ExistingState } from '../../core/cluster/doctor';
import { ARGO_CONTROLLER_DEPLOYMENT, SPARK_OPERATOR_DEPLOYMENT } from '../../core/cluster/generatedObjects';
import { kindContextName } from '../../core/cluster/kindConfig';
import { registryHostAlias } from '../../core/cluster/registry';
import { loadKubeConfig } from '../../kube/client';
import { ContainerEngineCli, providerFromEnv } from '../../kube/cluster/engine';
import { watchAddonHealth, type AddonHealth, type HealthWatch } from '../../kube/cluster/health';
import { ADDON_LABELS } from '../../kube/cluster/readiness';
import { CommandIds } from '../ids';
import type { KindlingContext } from '../context';
import { readClusterSettings } from './clusterSettings';

type Node =
  | { type: 'context'; name: string; server?: string; current: boolean; kindling: boolean; state?: ExistingState; registry?: ExistingState }
  | { type: 'missing'; clusterName: string; state: ExistingState }
  | { type: 'addon'; health: AddonHealth }
  | { type: 'info'; label: string; description?: string; icon: string; tooltip?: string };

/** The add-on Deployments of a cluster Kindling created (default namespaces). */
export const KINDLING_HEALTH_CHECKS: DeploymentCheck[] = [
  { addon: 'argo', namespace: DEFAULT_NAMESPACES.argo, name: ARGO_CONTROLLER_DEPLOYMENT },
  { addon: 'spark-operator', namespace: DEFAULT_NAMESPACES.sparkOperator, name: SPARK_OPERATOR_DEPLOYMENT },
];

export class ClustersView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly status = vscode.window.createStatusBarItem('kindling.context', vscode.StatusBarAlignment.Left, 50);
  private watch: HealthWatch | undefined;
  private watchKey = '';
  private health: AddonHealth[] = [];
  private roots: Node[] | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly ctx: KindlingContext) {
    this.status.name = 'Kindling cluster';
    this.status.command = 'kindling.clusters.focus';
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('kindling.kubeconfig') || e.affectsConfiguration('kindling.cluster')) this.refresh();
      }),
    );
    void this.load();
  }

  refresh(): void {
    this.roots = undefined;
    void this.load();
  }

  private async load(): Promise<Node[]> {
    const settings = readClusterSettings(this.ctx);
    const kindContext = kindContextName(settings.clusterName);
    let contexts: Array<{ name: string; server?: string }> = [];
    let current = '';
    let kubeconfigError: string | undefined;
    try {
      const kc = loadKubeConfig({ kubeconfigPath: settings.kubeconfigPath });
      current = kc.getCurrentContext();
      contexts = kc.getContexts().map((c) => ({ name: c.name, server: kc.getCluster(c.cluster)?.server }));
    } catch (error) {
      kubeconfigError = error instanceof Error ? error.message : String(error);
    }

    // Node containers tell running from stopped (after a reboot the context is still there).
    const engine = new ContainerEngineCli(providerFromEnv());
    let state: ExistingState = 'unknown';
    let registry: ExistingState = 'unknown';
    try {
      state = (await engine.clusterState(settings.clusterName)).state;
      registry = await engine.registryState(settings.clusterName);
    } catch {
      // No engine: shown as "unknown" with the doctor one click away.
    }

    const roots: Node[] = [];
    const ours = contexts.find((c) => c.name === kindContext);
    if (ours) roots.push({ type: 'context', name: ours.name, server: ours.server, current: current === ours.name, kindling: true, state, registry });
    else if (contexts.length || state === 'stopped' || state === 'partial') roots.push({ type: 'missing', clusterName: settings.clusterName, state });
    // Nothing at all (no kubeconfig, no cluster): an empty tree lets the view's welcome content
    // (Create Local Cluster / Run Doctor buttons) show instead.
    for (const c of contexts) if (c.name !== kindContext) roots.push({ type: 'context', name: c.name, server: c.server, current: c.name === current, kindling: false });
    if (kubeconfigError) this.ctx.log.debug(`Clusters view: ${kubeconfigError}`);

    this.updateWatch(ours && state === 'running' ? { kubeconfigPath: settings.kubeconfigPath, context: kindContext } : undefined);
    this.roots = roots;
    this.updateStatus(current, state, Boolean(ours));
    this.changed.fire(undefined);
    return roots;
  }

  private updateWatch(target: { kubeconfigPath: string; context: string } | undefined): void {
    const key = target ? `${target.kubeconfigPath}#${target.context}` : '';
    if (key === this.watchKey) return;
    this.watch?.dispose();
    this.watch = undefined;
    this.watchKey = key;
    this.health = [];
    if (!target) return;
    try {
      this.watch = watchAddonHealth(loadKubeConfig(target), KINDLING_HEALTH_CHECKS, (health) => {
        this.health = health;
        this.changed.fire(undefined);
        this.updateStatus();
      });
    } catch (error) {
      this.ctx.log.warn(`Cannot watch add-on health: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private lastStatus: { current: string; state: ExistingState; exists: boolean } = { current: '', state: 'unknown', exists: false };

  private updateStatus(current?: string, state?: ExistingState, exists?: boolean): void {
    if (current !== undefined && state !== undefined && exists !== undefined) this.lastStatus = { current, state, exists };
    const s = this.lastStatus;
    const kindContext = kindContextName(readClusterSettings(this.ctx).clusterName);
    let icon = '$(vm)';
    let health = '';
    if (s.current === kindContext) {
      if (s.state === 'stopped') {
        icon = '$(debug-pause)';
        health = 'stopped';
      } else if (this.health.length && this.health.every((h) => h.state === 'available')) {
        icon = '$(vm-active)';
        health = 'healthy';
      } else if (this.health.some((h) => h.state === 'missing' || h.state === 'unknown')) {
        icon = '$(warning)';
        health = 'add-ons not healthy';
      } else {
        icon = '$(sync~spin)';
        health = 'starting';
      }
    }
    this.status.text = `${icon} ${s.current || 'no kube context'}`;
    this.status.tooltip = [
      `Current kube context: ${s.current || 'none'}`,
      health && `Kindling cluster: ${health}`,
      ...this.health.map((h) => `${ADDON_LABELS[h.check.addon]}: ${h.state}`),
    ].filter(Boolean).join('\n');
    this.status.show();
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.type) {
      case 'context': {
        const item = new vscode.TreeItem(node.name, node.kindling ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
        const stateText = node.kindling ? (node.state === 'running' ? 'running' : node.state === 'stopped' ? 'stopped' : node.state === 'none' ? 'no containers' : node.state === 'partial' ? 'partly running' : 'engine not reachable') : '';
        item.description = [node.current ? 'current' : '', stateText].filter(Boolean).join(' · ');
        item.tooltip = `${node.name}\n${node.server ?? ''}`;
        item.iconPath = new vscode.ThemeIcon(node.kindling ? (node.state === 'running' ? 'vm-active' : 'vm-outline') : 'cloud');
        item.contextValue = node.kindling ? (node.state === 'stopped' ? 'kindling.cluster.stopped' : 'kindling.cluster') : 'kindling.context';
        return item;
      }
      case 'missing': {
        const item = new vscode.TreeItem(node.clusterName, vscode.TreeItemCollapsibleState.None);
        item.description = node.state === 'stopped' ? 'stopped' : 'not created';
        item.iconPath = new vscode.ThemeIcon('vm-outline');
        item.contextValue = 'kindling.cluster.missing';
        item.command = { command: CommandIds.createCluster, title: node.state === 'stopped' ? 'Start Local Cluster' : 'Create Local Cluster' };
        return item;
      }
      case 'addon': {
        const { health } = node;
        const item = new vscode.TreeItem(ADDON_LABELS[health.check.addon], vscode.TreeItemCollapsibleState.None);
        item.description = health.state === 'available' ? 'Available' : health.state === 'progressing' ? 'starting…' : health.state === 'missing' ? 'not installed' : 'unknown';
        item.tooltip = `${health.check.namespace}/${health.check.name}${health.detail ? `\n${health.detail}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(
          health.state === 'available' ? 'pass' : health.state === 'progressing' ? 'loading~spin' : 'warning',
          health.state === 'available' ? new vscode.ThemeColor('testing.iconPassed') : undefined,
        );
        item.contextValue = 'kindling.addon';
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.roots ?? this.load();
    if (node.type !== 'context' || !node.kindling) return [];
    const port = readClusterSettings(this.ctx).registryPort;
    const children: Node[] = [
      { type: 'info', label: 'Registry', description: `${registryHostAlias(port)} · ${node.registry === 'running' ? 'running' : node.registry ?? 'unknown'}`, icon: 'package' },
    ];
    if (node.state !== 'running') {
      children.push({
        type: 'info',
        label: node.state === 'stopped' ? 'Stopped: Create starts it again' : 'Container engine not reachable',
        icon: 'info',
        tooltip: 'Run the doctor for details.',
      });
      return children;
    }
    const health = this.health.length ? this.health : KINDLING_HEALTH_CHECKS.map((check) => ({ check, state: 'unknown' as const }));
    return [...children, ...health.map((h): Node => ({ type: 'addon', health: h }))];
  }

  dispose(): void {
    this.watch?.dispose();
    this.status.dispose();
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
