// Builds a production bundle and packs kindling-<version>.vsix with @vscode/vsce.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `kindling-${version}.vsix`;
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
execFileSync(process.execPath, ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
// --no-dependencies: everything that runs is bundled in dist/; node_modules never ships.
// --no-rewrite-relative-links: the project has no public repository URL to rewrite README links to.
execFileSync(npx, ['vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '--out', out], { stdio: 'inherit' });
const size = statSync(out).size;
console.log(`[kindling] ${out}: ${(size / 1024).toFixed(0)} KiB`);
if (size > 3 * 1024 * 1024) {
  console.error(`[kindling] ${out} is over the 3 MB budget`);
  process.exit(1);
}
