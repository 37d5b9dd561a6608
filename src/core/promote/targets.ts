/**
 * Which kube contexts the promote quick pick offers, in which order, and what is preselected. The
 * local context (where runs go) is listed last and never preselected: promoting onto the cluster you
 * develop against is possible, but must be a deliberate pick.
 */
export interface ContextChoice {
  context: string;
  /** Namespace to propose for this context. */
  namespace?: string;
  isLocal: boolean;
  /** From kindling.yaml `remotes` (its key), or remembered from the last promote. */
  remote?: string;
  remembered: boolean;
}

export interface TargetInput {
  /** Every context of the kubeconfig, in file order. */
  contexts: readonly { name: string; namespace?: string }[];
  /** The run context (Kindling's local cluster, or kindling.run.context). */
  localContext: string;
  /** kindling.yaml remotes: name → context (+ namespace). */
  remotes?: Readonly<Record<string, { context: string; namespace?: string }>>;
  /** The last promote's target in this workspace. */
  remembered?: { context: string; namespace: string };
}

export function orderTargets(input: TargetInput): ContextChoice[] {
  const remoteOf = new Map(Object.entries(input.remotes ?? {}).map(([name, r]) => [r.context, { name, namespace: r.namespace }]));
  const choices = input.contexts.map((c): ContextChoice => {
    const remembered = input.remembered?.context === c.name;
    const remote = remoteOf.get(c.name);
    return {
      context: c.name,
      namespace: (remembered ? input.remembered?.namespace : undefined) ?? remote?.namespace ?? c.namespace,
      isLocal: c.name === input.localContext,
      remote: remote?.name,
      remembered,
    };
  });
  const rank = (c: ContextChoice): number => (c.isLocal ? 3 : c.remembered ? 0 : c.remote ? 1 : 2);
  // Array.prototype.sort is stable: file order within a rank.
  return choices.sort((a, b) => rank(a) - rank(b));
}
