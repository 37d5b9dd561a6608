// Certificates and kubeconfigs for a test cluster, made with the openssl CLI (Node has no X.509 writer).
// One CA per cluster signs the API server's serving certificate and the client certificates of its users.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const openssl = (args, cwd) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });

function keyPair(dir, name) {
  if (!existsSync(join(dir, `${name}.key`))) openssl(['genrsa', '-out', `${name}.key`, '2048'], dir);
}

function signed(dir, name, subject, ext) {
  if (existsSync(join(dir, `${name}.crt`))) return;
  keyPair(dir, name);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '3650', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`], dir);
}

/**
 * Makes (once) the PKI of a cluster in `dir`: ca, apiserver (serving), service-account key pair, and one
 * client certificate per user ({ name, cn, groups }).
 */
export function ensurePki(dir, clusterName, users) {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'ca.crt'))) {
    keyPair(dir, 'ca');
    openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', `/CN=kindling-${clusterName}-ca`, '-days', '3650', '-sha256', '-out', 'ca.crt'], dir);
  }
  signed(dir, 'apiserver', '/CN=kube-apiserver',
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' +
      'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n');
  if (!existsSync(join(dir, 'sa.pub'))) {
    keyPair(dir, 'sa');
    openssl(['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], dir);
  }
  for (const u of users) {
    const subject = [...u.groups.map((g) => `/O=${g}`), `/CN=${u.cn}`].join('');
    signed(dir, `user-${u.name}`, subject, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  }
}

const b64 = (file) => readFileSync(file).toString('base64');

/** A kubeconfig object with one cluster and one context per user; certificates embedded. */
export function kubeconfigFor({ pkiDir, clusterName, server, contexts }) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: clusterName, cluster: { server, 'certificate-authority-data': b64(join(pkiDir, 'ca.crt')) } }],
    users: contexts.map((c) => ({
      name: c.user,
      user: {
        'client-certificate-data': b64(join(pkiDir, `user-${c.user}.crt`)),
        'client-key-data': b64(join(pkiDir, `user-${c.user}.key`)),
      },
    })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: clusterName, user: c.user, namespace: c.namespace || 'default' } })),
    'current-context': contexts[0].name,
    preferences: {},
  };
}

/** Merges kubeconfig objects (their names are unique by construction). */
export function mergeKubeconfigs(configs) {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: configs.flatMap((c) => c.clusters),
    users: configs.flatMap((c) => c.users),
    contexts: configs.flatMap((c) => c.contexts),
    'current-context': configs[0]['current-context'],
    preferences: {},
  };
}

export function writeKubeconfig(file, config) {
  writeFileSync(file, stringify(config), { mode: 0o600 });
}
