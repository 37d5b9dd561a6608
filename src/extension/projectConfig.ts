/**
 * Where a file's kindling.yaml is: the nearest kindling.yaml (or .yml) from the file's folder up to its
 * workspace folder, since a monorepo has one per project. Run as Component, Submit Pipeline and Promote
 * all look it up this way.
 *
 * Node's fs rather than vscode.workspace.fs: these commands take files on disk only, and in a remote
 * window (code-server) each workspace.fs call travelled through the window, 15–60 ms apiece in E2E.
 */
import { stat } from 'node:fs/promises';
import * as path from 'node:path';

const NAMES = ['kindling.yaml', 'kindling.yml'];

export async function findProjectConfig(filePath: string, workspaceRoot: string | undefined): Promise<string | undefined> {
  let dir = path.dirname(filePath);
  for (;;) {
    for (const name of NAMES) {
      const candidate = path.join(dir, name);
      if (await isFile(candidate)) return candidate;
    }
    if (!workspaceRoot || dir === workspaceRoot || path.dirname(dir) === dir || !dir.startsWith(workspaceRoot)) return undefined;
    dir = path.dirname(dir);
  }
}

async function isFile(fsPath: string): Promise<boolean> {
  try {
    return (await stat(fsPath)).isFile();
  } catch {
    return false;
  }
}
