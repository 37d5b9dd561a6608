/**
 * Screenshots the DAG panel in the fake host, for looking at it while developing:
 *   npx tsx bench/dag/shot.ts [file.yaml | nodes] [out.png] [light|dark] [width] [height]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { buildTemplateIndex, generateArgoWorkflow, parsePipeline } from '../../src/core/pipeline';
import { openPanel, sendAndWait, startHarness } from './harness';

const [source = '40', out = 'test-results/dag-fakehost.png', scheme = 'dark', w = '900', hgt = '700'] = process.argv.slice(2);
const text = /^\d+$/.test(source) ? generateArgoWorkflow(Number(source)) : readFileSync(source, 'utf8');
const fileName = /^\d+$/.test(source) ? `generated-${source}.yaml` : basename(source);
// DAG_TEMPLATES=a.yaml,b.yaml: WorkflowTemplates for templateRef, as the host indexes the workspace.
const templates = process.env.DAG_TEMPLATES
  ? buildTemplateIndex(process.env.DAG_TEMPLATES.split(',').map((f) => ({ fileName: f, text: readFileSync(f, 'utf8') })))
  : undefined;
const result = parsePipeline(text, { fileName, templates });
async function main(): Promise<void> {
const h = await startHarness();
try {
  const page = await openPanel(h, { width: Number(w), height: Number(hgt) }, scheme === 'light' ? 'light' : 'dark');
  if (scheme === 'light') {
    // A string, not a function: the bench is type-checked without DOM types.
    await page.evaluate(
      ["document.body.classList.add('vscode-light');", ...Object.entries({
        '--vscode-sideBar-background': '#f3f3f3',
        '--vscode-editor-foreground': '#333333',
        '--vscode-foreground': '#616161',
        '--vscode-editorWidget-background': '#ffffff',
        '--vscode-editorWidget-border': '#c8c8c8',
        '--vscode-descriptionForeground': '#717171',
        '--vscode-charts-blue': '#1a85ff',
        '--vscode-charts-green': '#388a34',
        '--vscode-charts-red': '#e51400',
        '--vscode-charts-orange': '#d18616',
        '--vscode-charts-yellow': '#bf8803',
        '--vscode-editorIndentGuide-activeBackground1': '#939393',
      }).map(([k, v]) => `document.body.style.setProperty('${k}', '${v}');`)].join(''),
    );
  }
  const r = await sendAndWait(page, { type: 'graph', payload: { documentUri: `file:///${fileName}`, fileName, version: 1, result } }, 'graph');
  console.log('rendered', JSON.stringify(r), 'diagnostics', result.diagnostics.length);
  if (process.env.DAG_STATUS) {
    const statuses: Record<string, 'succeeded' | 'running' | 'failed'> = {};
    result.graphs[0]?.nodes.forEach((n, i) => (statuses[n.statusKey ?? n.id] = i % 5 === 0 ? 'failed' : i % 3 === 0 ? 'running' : 'succeeded'));
    await sendAndWait(page, { type: 'status', payload: { runId: 'x', statuses, phase: 'running' } }, 'status');
  }
  if (process.env.DAG_HOVER) {
    const [x, y] = process.env.DAG_HOVER.split(',').map(Number);
    await page.mouse.move(x, y);
    await page.waitForTimeout(100);
  }
  await page.screenshot({ path: out });
  console.log('wrote', out);
} finally {
  await h.close();
}
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
