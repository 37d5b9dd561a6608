/**
 * The DAG webview's HTML: pure string building (no `vscode` import) so a unit test can check the
 * hardening: CSP `default-src 'none'`, scripts by nonce only, the layout worker from a blob: URL,
 * boot data in an HTML-escaped `data-` attribute, never pasted into a script.
 */
import { dagBootAttribute, type DagBootData } from '../../protocol/dagMessages';

export interface DagHtmlInput {
  /** `webview.cspSource`: the origin the webview serves our local resources from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce: string;
  boot: DagBootData;
}

/** Escapes text for an HTML attribute value or text node. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

export function dagContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // The layout worker is fetched from our resources and started from a blob: URL, because a
    // worker script on the resource origin is cross-origin to the webview document.
    `connect-src ${cspSource}`,
    'worker-src blob:',
  ].join('; ');
}

export function buildDagHtml(input: DagHtmlInput): string {
  const csp = dagContentSecurityPolicy(input.cspSource, input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(input.styleUri)}">
<title>Pipeline DAG</title>
</head>
<body ${dagBootAttribute}="${escapeHtml(JSON.stringify(input.boot))}">
<div id="root"></div>
<script nonce="${escapeHtml(input.nonce)}" src="${escapeHtml(input.scriptUri)}"></script>
</body>
</html>`;
}
