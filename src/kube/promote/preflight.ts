/**
 * Checks before anything is sent to the target: can we reach it, does it know the kinds, may this user
 * write them, are the images pinned, is the source committed. Errors stop the promote; warnings are
 * shown with the confirmation. Every message names the context (and server) it is about, because the
 * user is by definition not looking at their usual cluster.
 */
import { AuthenticationV1Api, AuthorizationV1Api, KubernetesObjectApi, VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { apiVersionOf, collectImages, localRegistryHost, pinImages, resourceOf, serviceAccountsOf, type ImagePin, type PlannedDocument } from '../../core/promote';
import type { GitInfo } from '../git';
import { statusCodeOf } from '../runs/errors';
import { serviceAccountExists } from '../runs/identity';
import { parseImageReference } from '../../core/registry';
import { manifestExists, splitRegistry } from '../registry';
import type { ImageTarget } from './images';

export interface PreflightReport {
  errors: string[];
  warnings: string[];
  images: ImagePin[];
}

/** Verbs a promote needs on each kind: read the live object for the diff, create it or patch (apply) it. */
export const PROMOTE_VERBS = ['get', 'create', 'patch'] as const;

export function targetName(kc: KubeConfig): string {
  return `context "${kc.getCurrentContext()}" (${kc.getCurrentCluster()?.server ?? 'unknown server'})`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function checkReachable(kc: KubeConfig): Promise<string | undefined> {
  try {
    await kc.makeApiClient(VersionApi).getCode();
    return undefined;
  } catch (err) {
    const status = statusCodeOf(err);
    if (status === 401) return `The credentials of ${targetName(kc)} were refused (HTTP 401): log in again or pick another context.`;
    if (status !== undefined) return undefined; // it answered: reachable; later checks say what is wrong
    return `Cannot reach ${targetName(kc)}: ${messageOf(err)}. Check the VPN/network and the kubeconfig.`;
  }
}

/** client-node keeps its discovery lookup protected; the API group's resource list is all we need. */
class Discovery extends KubernetesObjectApi {
  lookup(apiVersion: string, kind: string): ReturnType<KubernetesObjectApi['resource']> {
    return this.resource(apiVersion, kind);
  }
}

async function checkKinds(kc: KubeConfig, documents: readonly PlannedDocument[]): Promise<string[]> {
  const api = kc.makeApiClient(Discovery);
  const errors: string[] = [];
  const types = [...new Map(documents.map((d) => [`${d.type.group}/${d.type.version}/${d.type.kind}`, d.type])).values()];
  for (const type of types) {
    const apiVersion = apiVersionOf(type);
    try {
      if (!(await api.lookup(apiVersion, type.kind))) throw Object.assign(new Error('not found'), { code: 404 });
    } catch (err) {
      if (statusCodeOf(err) === 404) errors.push(`${apiVersion} ${type.kind} is not installed on ${targetName(kc)}: install its CRD (${resourceOf(type)}) there first.`);
      else errors.push(`Could not look up ${apiVersion} ${type.kind} on ${targetName(kc)}: ${messageOf(err)}`);
    }
  }
  return errors;
}

/**
 * The user name the API server sees (SelfSubjectReview, GA since Kubernetes 1.28): what an admin needs
 * to grant a right. Older servers: the kubeconfig's user entry, which is at least what the user chose.
 */
async function whoAmI(kc: KubeConfig): Promise<string | undefined> {
  try {
    const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    if (review.status?.userInfo?.username) return review.status.userInfo.username;
  } catch {
    // fall through to the kubeconfig's name
  }
  return kc.getCurrentUser()?.name;
}

async function checkAccess(kc: KubeConfig, documents: readonly PlannedDocument[]): Promise<string[]> {
  const api = kc.makeApiClient(AuthorizationV1Api);
  const user = await whoAmI(kc);
  const checks = new Map<string, { group: string; resource: string; namespace: string; verb: string; name: string }>();
  for (const doc of documents) {
    for (const verb of PROMOTE_VERBS) {
      const key = `${verb} ${resourceOf(doc.type)} ${doc.namespace}`;
      checks.set(key, { group: doc.type.group, resource: doc.type.plural, namespace: doc.namespace, verb, name: resourceOf(doc.type) });
    }
  }
  const results = await Promise.all(
    [...checks.values()].map(async ({ name, ...attrs }) => {
      try {
        const review = await api.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: attrs } } });
        if (review.status?.allowed) return undefined;
        const why = review.status?.reason ? ` (${review.status.reason})` : '';
        return `Not allowed: ${user ? `user "${user}"` : 'you'} may not ${attrs.verb} ${name} in namespace "${attrs.namespace}" on ${targetName(kc)}${why}. Ask the cluster's admin for that right, or pick a namespace where you have it.`;
      } catch (err) {
        return `Could not check whether you may ${attrs.verb} ${name} in "${attrs.namespace}" on ${targetName(kc)}: ${messageOf(err)}`;
      }
    }),
  );
  return results.filter((r): r is string => r !== undefined);
}

/**
 * `targetRegistryHost`: the remotes entry's own registry. An image there is where the user said the
 * target pulls from (and checkImagesPresent looks for it), even when that registry listens on this
 * machine's loopback (a registry the target reaches through a tunnel or a port forward, and the tests).
 */
export function imageWarnings(pins: readonly ImagePin[], targetRegistryHost?: string): string[] {
  const local = pins.flatMap((pin) => {
    const host = localRegistryHost(pin.image);
    return host && host !== targetRegistryHost
      ? [`Image ${pin.image} is in a registry on this machine (${host}): the target cluster will look for it on itself and most likely fail to pull it. Give the remotes entry of kindling.yaml a registry (remotes.<name>.registry) and Kindling copies the image there by digest; or push it to a registry the target reaches and name that image in the file, or for a component in kindling.yaml images.environments (the remotes entry's name).`]
      : [];
  });
  const unpinned = pins
    .filter((pin) => !pin.digest)
    .map((pin) => `Image ${pin.image} is not pinned by digest: the tag can move after the promote. Pin it as ${pin.image}@sha256:… in the file or in kindling.yaml.`);
  return [...local, ...unpinned];
}

/**
 * Service accounts the promoted pods will run as that do not exist in the target namespace (a warning:
 * they may be created after the promote, but until then every run fails to start). A user who may not
 * read service accounts learns nothing here, which is not worth a message of its own.
 */
async function missingServiceAccounts(kc: KubeConfig, documents: readonly PlannedDocument[]): Promise<string[]> {
  const users = new Map<string, string[]>();
  for (const doc of documents) {
    for (const account of serviceAccountsOf(doc)) {
      const key = `${doc.namespace}/${account}`;
      users.set(key, [...(users.get(key) ?? []), `${doc.type.kind} ${doc.name}`]);
    }
  }
  const warnings: string[] = [];
  for (const [key, objects] of users) {
    const [namespace, name] = key.split('/') as [string, string];
    let exists: boolean;
    try {
      exists = await serviceAccountExists(kc, namespace, name);
    } catch {
      continue; // forbidden or failing: nothing can be said about this account
    }
    if (!exists) {
      warnings.push(
        `Service account "${name}" does not exist in namespace "${namespace}" on ${targetName(kc)}: runs of ${objects.join(', ')} will not start until it does. Create it there (with the rights its pods need), or name one that exists (kindling.yaml serviceAccount for components).`,
      );
    }
  }
  return warnings;
}

export function gitWarnings(git: GitInfo | undefined): string[] {
  if (!git || git.commit === undefined) return ['The file is not in a git repository (or git is missing): no commit is recorded on the promoted objects.'];
  if (git.dirty) return [`The git working tree has uncommitted changes: the objects record commit ${git.commit.slice(0, 12)} with git-dirty=true, which does not reproduce what is promoted. Commit first to promote a reproducible state.`];
  return [];
}

/**
 * Images on the target environment's registry must be there: HEAD of the manifest (by digest when
 * pinned). Checked, not warned about: the copy just put them there, and a missing one means every run
 * on the target fails to pull.
 */
export async function checkImagesPresent(images: readonly ImagePin[], target: ImageTarget): Promise<string[]> {
  const { host } = splitRegistry(target.registry);
  const errors: string[] = [];
  for (const pin of images) {
    let registry: string;
    try {
      registry = parseImageReference(pin.image).registry;
    } catch {
      continue; // not a reference we can address; the server's dry-run has the last word
    }
    if (registry !== host) continue;
    try {
      if (!(await manifestExists(pin.image, { ...(target.registryOptions?.[host] ?? {}), ...(target.ca ? { ca: target.ca } : {}), dockerConfigFile: target.dockerConfigFile }))) {
        errors.push(`Image ${pin.image} is not in registry ${host}: the target cluster could not pull it. Push it there (or name a local image, which Kindling copies).`);
      }
    } catch (err) {
      errors.push(`Could not check image ${pin.image} in registry ${host}: ${messageOf(err)}`);
    }
  }
  return errors;
}

/**
 * Unreachable stops at once (the other checks would only repeat it); kinds and access are checked
 * together so the user sees every missing right in one go.
 */
export async function preflight(
  kc: KubeConfig,
  documents: readonly PlannedDocument[],
  opts: { knownImages?: readonly string[]; git?: GitInfo; imageTarget?: ImageTarget },
): Promise<PreflightReport> {
  const images = pinImages(
    documents.flatMap((d) => collectImages(d.object)).filter((image, i, all) => all.indexOf(image) === i),
    opts.knownImages ?? [],
  );
  const targetHost = opts.imageTarget ? splitRegistry(opts.imageTarget.registry).host : undefined;
  const warnings = [...imageWarnings(images, targetHost), ...gitWarnings(opts.git)];
  const imageErrors = opts.imageTarget ? await checkImagesPresent(images, opts.imageTarget) : [];
  const unreachable = await checkReachable(kc);
  if (unreachable) return { errors: [unreachable, ...imageErrors], warnings, images };
  const kindErrors = await checkKinds(kc, documents);
  // Access to a kind that does not exist says nothing useful; only check the rest.
  const missing = new Set(kindErrors.length ? documents.filter((d) => kindErrors.some((e) => e.startsWith(`${apiVersionOf(d.type)} ${d.type.kind} `))).map((d) => d.index) : []);
  const accessErrors = await checkAccess(kc, documents.filter((d) => !missing.has(d.index)));
  warnings.push(...(await missingServiceAccounts(kc, documents)));
  return { errors: [...kindErrors, ...accessErrors, ...imageErrors], warnings, images };
}
