/**
 * Objects Kindling writes itself: the Spark operator controller when helm is not available (its
 * upstream ships only a Helm chart), and the namespace + service account that components run as.
 * The Spark RBAC mirrors the chart's templates/controller/rbac.yaml and _helpers.tpl policyRules
 * (v2.4.0) for `spark.jobNamespaces: [""]` (all namespaces), leader election off (one replica).
 */
import type { KubeObject } from './objects';
import { SPARK_OPERATOR_IMAGE, SPARK_OPERATOR_VERSION } from './versions';

export const SPARK_OPERATOR_DEPLOYMENT = 'spark-operator-controller';
export const SPARK_OPERATOR_SERVICE_ACCOUNT = 'spark-operator-controller';
export const ARGO_CONTROLLER_DEPLOYMENT = 'workflow-controller';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
const ALL_WRITE = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

const SPARK_CONTROLLER_RULES: Rule[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['get'] },
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get'] },
  { apiGroups: [''], resources: ['pods'], verbs: [...ALL_WRITE, 'deletecollection'] },
  { apiGroups: [''], resources: ['configmaps', 'persistentvolumeclaims', 'services'], verbs: ALL_WRITE },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'update', 'patch'] },
  { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] },
  { apiGroups: ['sparkoperator.k8s.io'], resources: ['sparkapplications', 'scheduledsparkapplications', 'sparkconnects'], verbs: ALL_WRITE },
  {
    apiGroups: ['sparkoperator.k8s.io'],
    resources: [
      'sparkapplications/status', 'sparkapplications/finalizers', 'scheduledsparkapplications/status',
      'scheduledsparkapplications/finalizers', 'sparkconnects/status', 'sparkconnects/finalizers',
    ],
    verbs: ['get', 'update', 'patch'],
  },
];

const LABELS = {
  'app.kubernetes.io/name': 'spark-operator',
  'app.kubernetes.io/instance': 'spark-operator',
  'app.kubernetes.io/component': 'controller',
  'app.kubernetes.io/version': SPARK_OPERATOR_VERSION.slice(1),
  'app.kubernetes.io/managed-by': 'kindling',
};
const SELECTOR = { 'app.kubernetes.io/name': 'spark-operator', 'app.kubernetes.io/component': 'controller' };

export interface SparkOperatorInput {
  namespace: string;
  image?: string;
  /** Test hook in spirit, real in effect: a node selector no node has keeps the pods Pending. */
  nodeSelector?: Record<string, string>;
}

export function buildSparkOperatorObjects(input: SparkOperatorInput): KubeObject[] {
  const { namespace } = input;
  const name = SPARK_OPERATOR_DEPLOYMENT;
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SPARK_OPERATOR_SERVICE_ACCOUNT, namespace, labels: LABELS } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: LABELS }, rules: SPARK_CONTROLLER_RULES },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: LABELS },
      subjects: [{ kind: 'ServiceAccount', name: SPARK_OPERATOR_SERVICE_ACCOUNT, namespace }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: LABELS },
      spec: {
        replicas: 1,
        selector: { matchLabels: SELECTOR },
        template: {
          metadata: { labels: { ...SELECTOR, ...LABELS } },
          spec: {
            serviceAccountName: SPARK_OPERATOR_SERVICE_ACCOUNT,
            ...(input.nodeSelector ? { nodeSelector: input.nodeSelector } : {}),
            containers: [
              {
                name: 'spark-operator-controller',
                image: input.image ?? SPARK_OPERATOR_IMAGE,
                // The chart's defaults (values.yaml v2.4.0), with every namespace watched and no
                // leader election: one replica on a laptop cluster.
                args: [
                  'controller', 'start', '--zap-log-level=info', '--namespaces=""', '--controller-threads=10',
                  '--enable-ui-service=true', '--leader-election=false',
                  '--workqueue-ratelimiter-bucket-qps=50', '--workqueue-ratelimiter-bucket-size=500',
                ],
                securityContext: { privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
                resources: { requests: { cpu: '100m', memory: '128Mi' } },
              },
            ],
          },
        },
      },
    },
  ];
}

export const RUNNER_SERVICE_ACCOUNT = 'kindling-runner';

/**
 * The namespace components run in and the identity they run as: Argo's executor needs to write
 * WorkflowTaskResults; a Spark driver creates executor pods, services and config maps. Same names
 * and (a superset of) the rules of src/kube/runs/identity.ts, which creates them on first run: Create
 * applies with force, and the Role's rules list is replaced whole, so it must not lose any.
 */
export function buildRunnerObjects(namespace: string): KubeObject[] {
  const labels = { 'app.kubernetes.io/managed-by': 'kindling' };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: RUNNER_SERVICE_ACCOUNT, namespace, labels } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: RUNNER_SERVICE_ACCOUNT, namespace, labels },
      rules: [
        { apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] },
        // Argo `resource` steps that create SparkApplications run as this account too.
        { apiGroups: ['sparkoperator.k8s.io'], resources: ['sparkapplications'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['pods', 'services', 'configmaps', 'persistentvolumeclaims'], verbs: [...ALL_WRITE, 'deletecollection'] },
        { apiGroups: [''], resources: ['pods/log'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: RUNNER_SERVICE_ACCOUNT, namespace, labels },
      subjects: [{ kind: 'ServiceAccount', name: RUNNER_SERVICE_ACCOUNT, namespace }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: RUNNER_SERVICE_ACCOUNT },
    },
  ];
}
