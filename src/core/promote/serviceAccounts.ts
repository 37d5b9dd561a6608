/**
 * The service accounts the pods of promoted objects will run as. Kindling creates its run service
 * accounts on the local cluster only, so on a target they may be missing: the dry-run accepts the
 * template, and every run of it then fails to start. Preflight looks them up (src/kube/promote).
 */
import { parse } from 'yaml';
import { isRecord as isObj, nonEmptyString as str } from '../values';
import type { PlannedDocument } from './documents';

type Obj = Record<string, unknown>;

/** Names in first-seen order; `default` (which every namespace has) left out. */
export function serviceAccountsOf(doc: PlannedDocument): string[] {
  const found: string[] = [];
  const add = (name: string | undefined) => {
    if (name && name !== 'default' && !found.includes(name)) found.push(name);
  };
  const spec = isObj(doc.object.spec) ? doc.object.spec : {};
  const fromWorkflowSpec = (ws: Obj) => {
    add(str(ws.serviceAccountName));
    for (const t of Array.isArray(ws.templates) ? ws.templates : []) {
      if (!isObj(t)) continue;
      add(str(t.serviceAccountName));
      // A step that creates a SparkApplication (how a PySpark component is promoted): its driver's account.
      const manifest = isObj(t.resource) ? str(t.resource.manifest) : undefined;
      if (manifest) {
        try {
          const app: unknown = parse(manifest);
          if (isObj(app) && app.kind === 'SparkApplication' && isObj(app.spec)) fromSparkSpec(app.spec);
        } catch {
          // Not YAML Kindling can read (Argo expressions in it): nothing to check.
        }
      }
    }
  };
  const fromSparkSpec = (s: Obj) => add(isObj(s.driver) ? str(s.driver.serviceAccount) : undefined);
  switch (doc.type.kind) {
    case 'WorkflowTemplate':
    case 'ClusterWorkflowTemplate':
      fromWorkflowSpec(spec);
      break;
    case 'CronWorkflow':
      if (isObj(spec.workflowSpec)) fromWorkflowSpec(spec.workflowSpec);
      break;
    case 'SparkApplication':
      fromSparkSpec(spec);
      break;
    case 'ScheduledSparkApplication':
      if (isObj(spec.template)) fromSparkSpec(spec.template);
      break;
  }
  return found;
}
