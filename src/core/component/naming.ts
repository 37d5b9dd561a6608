/** Kubernetes-safe names for runs and their objects. */

/**
 * `<stem>-<suffix>`, DNS-1123, at most 52 characters: Spark names the driver pod `<app>-driver`
 * and its service `<app>-<hash>-driver-svc`, which must stay within 63.
 */
export function makeRunName(fileName: string, suffix: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  const stem =
    base
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 52 - suffix.length - 1)
      .replace(/-+$/g, '') || 'run';
  return `${stem}-${suffix.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

/** A random-looking suffix from a number source (the caller passes Math.random or crypto). */
export function runSuffix(random: () => number = Math.random): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 5; i++) out += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  return out;
}

/** POSIX shell single-quoting: safe for any string, including quotes and newlines. */
export function shQuote(value: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** ConfigMap keys allow [-._a-zA-Z0-9]+; the mount's items map the key back to the real file name. */
export function configMapKey(fileName: string): string {
  return fileName.replace(/[^-._a-zA-Z0-9]/g, '_') || 'source';
}
