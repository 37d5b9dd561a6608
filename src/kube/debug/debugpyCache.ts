/**
 * A debugpy for images that have none, without rebuilding them: pip on this machine installs
 * debugpy's pure-Python wheel (py2.py3-none-any, so the host's Python version and platform do not
 * matter) once into Kindling's storage; each debug run stages a copy into the workspace, the one host
 * folder the Kindling kind node mounts, and the pod mounts that copy and puts it on PYTHONPATH.
 * Only ever done after the user picked it.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { stagedDebugpyRelativePath } from '../../core/component';

/**
 * Newest debugpy for Python ≥ 3.10 (debugpy 1.8.22 needs it); pods on an older Python need the image's
 * own debugpy.
 */
const TARGET_PYTHON = '3.10';

export interface CachedDebugpy {
  version: string;
  /** Folder holding the `debugpy` package (what goes on PYTHONPATH). */
  dir: string;
}

/** Installs debugpy into `<cacheRoot>/debugpy-<version>` once; later calls reuse the newest cached one. */
export async function ensureCachedDebugpy(cacheRoot: string, opts: { python?: string; log?: (line: string) => void } = {}): Promise<CachedDebugpy> {
  const cached = await newestCached(cacheRoot);
  if (cached) return cached;
  await mkdir(cacheRoot, { recursive: true });
  const tmp = path.join(cacheRoot, `.download-${process.pid}-${Date.now()}`);
  const python = opts.python ?? (process.platform === 'win32' ? 'python' : 'python3');
  const args = [
    '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '--no-compile', '--no-deps',
    '--only-binary=:all:', '--platform', 'any', '--implementation', 'py', '--python-version', TARGET_PYTHON,
    '--target', tmp, 'debugpy',
  ];
  opts.log?.(`${python} ${args.join(' ')}`);
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(python, args, { timeout: 300_000, maxBuffer: 16 << 20 }, (err, _stdout, stderr) =>
        err ? reject(new Error(`pip could not download debugpy (${python}): ${stderr.trim().split('\n').slice(-3).join(' ') || err.message}`)) : resolve(),
      ),
    );
    const version = await installedVersion(tmp);
    if (!version) throw new Error('pip finished but no debugpy-*.dist-info is in its target folder');
    const dir = path.join(cacheRoot, `debugpy-${version}`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return { version, dir };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Copies the cached debugpy to `<workspace>/.kindling/debugpy/<version>` (skipped when there) and
 * keeps it out of git. Returns the path relative to the workspace root.
 */
export async function stageDebugpy(cached: CachedDebugpy, workspaceRoot: string): Promise<string> {
  const relative = stagedDebugpyRelativePath(cached.version);
  const target = path.join(workspaceRoot, ...relative.split('/'));
  const kindlingDir = path.join(workspaceRoot, '.kindling');
  if (!(await exists(path.join(target, 'debugpy', '__init__.py')))) {
    await mkdir(path.dirname(target), { recursive: true });
    await cp(cached.dir, target, { recursive: true });
  }
  if (!(await exists(path.join(kindlingDir, '.gitignore')))) {
    await writeFile(path.join(kindlingDir, '.gitignore'), '# Kindling\'s scratch files (a staged debugpy for Debug as Component)\n*\n');
  }
  return relative;
}

async function newestCached(cacheRoot: string): Promise<CachedDebugpy | undefined> {
  let names: string[];
  try {
    names = await readdir(cacheRoot);
  } catch {
    return undefined;
  }
  const versions = names
    .map((n) => n.match(/^debugpy-(\d+(?:\.\d+)*)$/)?.[1])
    .filter((v): v is string => !!v)
    .sort((a, b) => compareVersions(b, a));
  for (const version of versions) {
    const dir = path.join(cacheRoot, `debugpy-${version}`);
    if (await exists(path.join(dir, 'debugpy', '__init__.py'))) return { version, dir };
  }
  return undefined;
}

async function installedVersion(dir: string): Promise<string | undefined> {
  const names = await readdir(dir);
  return names.map((n) => n.match(/^debugpy-(\d+(?:\.\d+)*)\.dist-info$/)?.[1]).find((v): v is string => !!v);
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
