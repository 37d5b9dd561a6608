import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDagHtml, dagContentSecurityPolicy, escapeHtml } from '../../../src/extension/dag/html';
import { parseWebviewMessage } from '../../../src/extension/dag/messages';
import { dagBootAttribute, graphBytesThreshold, graphMessage, shownDocument, type HostMessage } from '../../../src/protocol/dagMessages';
import { generateSampleGraph } from '../../../bench/dag/sampleGraph';

test('host messages are plain data that survive structured cloning unchanged', () => {
  const graph = generateSampleGraph(50);
  const message: HostMessage = { type: 'graph', payload: { documentUri: 'file:///w/a.yaml', fileName: 'a.yaml', version: 3, result: { graphs: [graph], diagnostics: [] } } };
  assert.deepEqual(structuredClone(message), message);
  assert.deepEqual(JSON.parse(JSON.stringify(message)), message);
});

test('webview messages are validated before the host acts on them', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready', payload: {} }), { type: 'ready', payload: {} });
  assert.deepEqual(parseWebviewMessage({ type: 'openSource', payload: { documentUri: 'file:///a', nodeId: 'n' } }), {
    type: 'openSource',
    payload: { documentUri: 'file:///a', nodeId: 'n' },
  });
  assert.equal(parseWebviewMessage({ type: 'openSource', payload: { documentUri: 1, nodeId: 'n' } }), undefined);
  assert.equal(parseWebviewMessage({ type: 'runShell', payload: {} }), undefined);
  assert.equal(parseWebviewMessage('ready'), undefined);
  assert.equal(parseWebviewMessage(null), undefined);
});

test('the webview HTML is hardened: strict CSP, nonce scripts, escaped boot data', () => {
  const html = buildDagHtml({
    cspSource: 'https://res.example',
    scriptUri: 'https://res.example/dag.js',
    styleUri: 'https://res.example/dag.css',
    nonce: 'abc123',
    boot: { workerUri: 'https://res.example/w.js', placeholder: '</script><img src=x onerror=alert(1)>"\'&' },
  });
  const csp = dagContentSecurityPolicy('https://res.example', 'abc123');
  assert.match(csp, /^default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.match(csp, /worker-src blob:/);
  // Exactly one script element, with the nonce and a src: no inline code.
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0], /nonce="abc123" src="https:\/\/res\.example\/dag\.js"/);
  assert.match(html, /<\/script>\s*<\/body>/);
  // The hostile placeholder is inside an attribute, fully escaped, and decodes back intact.
  const attr = new RegExp(`${dagBootAttribute}="([^"]*)"`).exec(html);
  assert.ok(attr);
  assert.doesNotMatch(attr[1], /[<>'"]/);
  const decoded = attr[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  assert.equal(JSON.parse(decoded).placeholder, '</script><img src=x onerror=alert(1)>"\'&');
  assert.equal(escapeHtml(`<a href="x">&'`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
});

test('big graphs travel as UTF-8 JSON bytes that decode to the same result; small ones as objects', () => {
  const small = generateSampleGraph(graphBytesThreshold);
  const big = generateSampleGraph(graphBytesThreshold + 1);
  const base = { documentUri: 'file:///w/a.yaml', fileName: 'a.yaml', version: 1 };
  const a = graphMessage({ ...base, result: { graphs: [small], diagnostics: [] } });
  assert.equal(a.type, 'graph');
  const b = graphMessage({ ...base, result: { graphs: [big], diagnostics: [] } });
  assert.ok(b.type === 'graphUtf8', b.type);
  assert.equal(b.payload.documentUri, base.documentUri);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(b.payload.resultUtf8)), { graphs: [big], diagnostics: [] });
  // VS Code hands a typed array's whole underlying buffer to the webview: it must hold only the graph.
  assert.equal(b.payload.resultUtf8.byteOffset, 0);
  assert.equal(b.payload.resultUtf8.buffer.byteLength, b.payload.resultUtf8.byteLength);
  // Names with non-ASCII and markup survive the trip byte for byte.
  const odd = generateSampleGraph(graphBytesThreshold + 1);
  odd.nodes[0].label = 'ünïcødé <script>alert(1)</script> 🚀';
  const c = graphMessage({ ...base, result: { graphs: [odd], diagnostics: [] } });
  assert.ok(c.type === 'graphUtf8');
  assert.equal((JSON.parse(new TextDecoder().decode(c.payload.resultUtf8)) as { graphs: { nodes: { label: string }[] }[] }).graphs[0].nodes[0].label, odd.nodes[0].label);
});

test('a restored panel reads the document it showed from its saved state, and nothing else', () => {
  assert.equal(shownDocument({ docs: {}, recent: [], shown: 'file:///w/a.yaml' }), 'file:///w/a.yaml');
  assert.equal(shownDocument({ docs: {}, recent: [], shown: 'vscode-remote://host/w/a.yaml' }), 'vscode-remote://host/w/a.yaml');
  // Older pages stored no `shown`; a damaged or foreign state must not become a document to open.
  assert.equal(shownDocument({ docs: {}, recent: ['file:///w/a.yaml'] }), undefined);
  assert.equal(shownDocument({ shown: 42 }), undefined);
  assert.equal(shownDocument({ shown: 'a.yaml' }), undefined);
  assert.equal(shownDocument(undefined), undefined);
  assert.equal(shownDocument('file:///w/a.yaml'), undefined);
});
