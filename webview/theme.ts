/**
 * Colours from VS Code's theme (CSS variables `--vscode-*` that the webview host injects), with
 * fallbacks for the plain-browser harness. Canvas cannot use CSS variables, so they are resolved
 * once and again whenever the theme changes (VS Code swaps the body class).
 */
import type { NodeKind, NodeStatus } from '../src/core/model/pipelineGraph';

export const kindCodes: readonly NodeKind[] = [
  'container',
  'script',
  'resource',
  'spark',
  'spark-driver',
  'spark-executor',
  'suspend',
  'http',
  'plugin',
  'kfp-component',
  'sagemaker',
  'condition',
  'group',
  'unresolved',
];

export const statusCodes: readonly NodeStatus[] = ['unknown', 'pending', 'running', 'succeeded', 'failed', 'error', 'skipped', 'omitted'];

/** Severity for summarising a collapsed group: the worst member status shows. */
export const statusSeverity: Readonly<Record<NodeStatus, number>> = {
  unknown: 0,
  omitted: 1,
  skipped: 2,
  succeeded: 3,
  pending: 4,
  running: 5,
  error: 6,
  failed: 7,
};

export interface Theme {
  background: string;
  foreground: string;
  muted: string;
  nodeFill: string;
  nodeBorder: string;
  edge: string;
  focus: string;
  match: string;
  selection: string;
  contrastBorder: string;
  highContrast: boolean;
  font: string;
  /** Accent per kind code (stripe and dot colour). */
  kind: string[];
  /** Colour per status code (index 0 = no status). */
  status: string[];
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v || fallback;
}

export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const hc = document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
  const v = (name: string, fallback: string): string => cssVar(style, name, fallback);
  const blue = v('--vscode-charts-blue', '#3794ff');
  const green = v('--vscode-charts-green', '#89d185');
  const red = v('--vscode-charts-red', '#f14c4c');
  const yellow = v('--vscode-charts-yellow', '#cca700');
  const orange = v('--vscode-charts-orange', '#d18616');
  const purple = v('--vscode-charts-purple', '#b180d7');
  const fg = v('--vscode-editor-foreground', '#cccccc');
  const muted = v('--vscode-descriptionForeground', '#9d9d9d');
  const kindColour: Record<NodeKind, string> = {
    container: blue,
    script: blue,
    resource: purple,
    spark: orange,
    'spark-driver': orange,
    'spark-executor': orange,
    suspend: muted,
    http: purple,
    plugin: purple,
    'kfp-component': blue,
    sagemaker: yellow,
    condition: yellow,
    group: muted,
    unresolved: red,
  };
  const statusColour: Record<NodeStatus, string> = {
    unknown: '',
    pending: muted,
    running: blue,
    succeeded: green,
    failed: red,
    error: red,
    skipped: muted,
    omitted: muted,
  };
  const family = cssVar(style, '--vscode-font-family', 'system-ui, sans-serif');
  return {
    background: v('--vscode-sideBar-background', v('--vscode-editor-background', '#1e1e1e')),
    foreground: fg,
    muted,
    nodeFill: v('--vscode-editorWidget-background', '#252526'),
    nodeBorder: v('--vscode-editorWidget-border', v('--vscode-widget-border', '#454545')),
    // Line-number grey: readable on every theme, quieter than text (indent guides are too faint).
    edge: v('--vscode-editorLineNumber-foreground', '#858585'),
    focus: v('--vscode-focusBorder', '#007fd4'),
    match: v('--vscode-editor-findMatchHighlightBackground', 'rgba(234, 92, 0, 0.33)'),
    selection: v('--vscode-focusBorder', '#007fd4'),
    contrastBorder: v('--vscode-contrastBorder', hc ? '#6fc3df' : ''),
    highContrast: hc,
    font: family,
    kind: kindCodes.map((k) => kindColour[k]),
    status: statusCodes.map((s) => statusColour[s]),
  };
}

/** Calls `onChange` when VS Code switches theme (it rewrites the body class and style). */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
}
