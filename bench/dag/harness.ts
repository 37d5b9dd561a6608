/**
 * Serves the DAG webview with its fake host (bench/dag/index.html) and drives it in headless
 * Debian chromium. Shared by the benchmark and the screenshot script.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostMessage } from '../../src/protocol/dagMessages';
import { toWire, type Wire } from './vscodeWire';

// Benchmarks run from the repository root (npm run bench:dag).
const root = resolve(process.cwd());
const served = ['dist/webview/', 'media/', 'bench/dag/'];
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export interface Harness {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(root, 'dist/webview/dag.js'))) throw new Error('dist/webview/dag.js is missing: run `npm run build` first.');
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^[/\\]+/, '');
    const file = path === '' ? 'bench/dag/index.html' : path;
    if (file === 'favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!served.some((p) => file.startsWith(p)) || !existsSync(join(root, file))) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(join(root, file)));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  return {
    url: `http://127.0.0.1:${port}/bench/dag/index.html`,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Debian chromium not found on PATH (scripts/setup-machine.sh installs it), or set CHROMIUM_PATH.');
  }
}

/** Opens the harness page and waits for the app's `ready`. */
export async function openPanel(h: Harness, viewport = { width: 1280, height: 800 }, colorScheme: 'dark' | 'light' = 'dark'): Promise<Page> {
  const page = await h.browser.newPage({ viewport, colorScheme });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(h.url);
  await page.evaluate(() => (globalThis as unknown as FakeWindow).fakeHost.next('ready', 0));
  if (errors.length) throw new Error(`panel errors: ${errors.join('; ')}`);
  return page;
}

export interface FakeEntry {
  at: number;
  message: { type: string; payload: Record<string, unknown> };
}

export interface FakeWindow {
  fakeHost: {
    inbox: FakeEntry[];
    stage(json: string, bufferTexts?: string[]): void;
    sendStaged(): Promise<number>;
    next(type: string, since: number): Promise<FakeEntry>;
  };
  kindlingDag: {
    panBy(dx: number, dy: number): void;
    zoomBy(f: number): void;
    fit(): void;
    paint(): void;
    runState(): { collapsed: string[]; groupLabels: Record<string, string>; failed: string[]; cursor: number; visible: number } | undefined;
    toggleGroup(id: string): Promise<void>;
    stepFailed(direction: 1 | -1): Promise<void>;
  };
}

/**
 * Hands the page a host message as VS Code's extension host puts it on the wire (vscodeWire.ts: JSON
 * text, binary parts apart). Not timed: this is Playwright's transport, not the panel's. Strings cross
 * the DevTools protocol cheaply; a 1k-node object would be rebuilt in the page by Playwright's
 * injected script (hundreds of ms under load, and garbage the app would then collect), so the binary
 * parts (UTF-8 JSON) travel as text and become bytes again in the page.
 */
export async function stageMessage(page: Page, wire: Wire): Promise<void> {
  const decoder = new TextDecoder();
  const texts = wire.buffers.map((b) => decoder.decode(b));
  await page.evaluate(([json, bufferTexts]) => (globalThis as unknown as FakeWindow).fakeHost.stage(json, bufferTexts), [wire.json, texts] as const);
}

/** Delivers the staged message and waits for the `rendered` report it causes; returns delivered → painted. */
export async function sendStagedAndWait(page: Page, reason: 'graph' | 'status'): Promise<{ ms: number; payload: Record<string, unknown> }> {
  return page.evaluate(
    async ({ reason }) => {
      const host = (globalThis as unknown as FakeWindow).fakeHost;
      const from = host.inbox.length;
      const sent = await host.sendStaged();
      // Polling is fine: each entry carries the time the app posted it, not when we looked.
      for (let i = 0; i < 30000; i++) {
        const entry = host.inbox.slice(from).find((e) => e.message.type === 'rendered' && e.message.payload.reason === reason);
        if (entry) return { ms: entry.at - sent, payload: entry.message.payload };
        await new Promise((r) => setTimeout(r, 2));
      }
      throw new Error(`no rendered(${reason}) report`);
    },
    { reason },
  );
}

/** stageMessage + sendStagedAndWait, for callers that do not time the host side. */
export async function sendAndWait(page: Page, message: HostMessage, reason: 'graph' | 'status'): Promise<{ ms: number; payload: Record<string, unknown> }> {
  await stageMessage(page, toWire(message));
  return sendStagedAndWait(page, reason);
}
