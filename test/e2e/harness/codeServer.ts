/**
 * E2E harness: a real VS Code (code-server, installed by scripts/harness.mjs) with the packaged
 * Kindling .vsix, driven through Debian's chromium by playwright-core. Every launch gets a fresh
 * user-data-dir, extensions-dir and (unless you pass one) workspace under
 * test-results/e2e/<name>/, which is kept after the test for its logs.
 *
 * API
 *   launchVSCode(options?: LaunchOptions): Promise<VSCode>
 *     options.name        run folder test-results/e2e/<name>/ (default 'e2e'); one name per test file
 *     options.workspace   folder to open; default: a fresh folder with options.files in it
 *     options.files       { 'relative/path': 'content' } written into the fresh workspace
 *     options.settings    user settings on top of scripts/harness.mjs defaultUserSettings
 *     options.vsix        .vsix to install (default kindling-<version>.vsix), or false for none
 *     options.viewport    browser viewport (default 1440×900)
 *     options.env         extra environment for code-server and so the extension host (e.g. DOCKER_HOST, PATH)
 *   class VSCode
 *     page, browser, url, runDir, userDataDir, extensionsDir, workspace
 *     runCommand(title, { timeoutMs? })     F1 palette → pick the entry labelled exactly `title`
 *                                           (e.g. 'Kindling: Show Pipeline DAG')
 *     paletteEntries(query, { timeoutMs? })  labels F1 lists for `query` (palette closed again)
 *     openFile(relativePath)                 Quick Open (Ctrl+P) → editor tab active
 *     openViewContainer(title)               click the activity-bar entry (e.g. 'Kindling')
 *     webviewFrame(index?)                   FrameLocator of the page a webview extension wrote:
 *                                            frameLocator('iframe.webview').frameLocator('iframe#active-frame')
 *     dagFrame()                             the webview whose DAG app has drawn a graph (waits for it)
 *     screenshot(name, { keepPointer? })     PNG into test-results/<name>.png; returns the path
 *                                            (keepPointer: do not move the mouse away first, for hovers)
 *     installedExtension(id?)                { dir, manifest } of the installed extension (default kindling.kindling)
 *     exthostLog()                           text of the remote extension host log (all sessions)
 *     outputChannelLog(name)                 text of a log output channel file, e.g. 'Kindling'
 *     outputChannelText(name)                text of a plain output channel (createOutputChannel(name)),
 *                                            all of it, also the lines scrolled out of the Output view
 *     waitForLog(read, pattern, options?)    polls read() until pattern matches; returns the match
 *     runningExtensions()                    "Developer: Show Running Extensions": [{ name, activationMs, … }]
 *     reload()                               "Developer: Reload Window": a new extension host, same profile
 *     close()                                closes the browser and stops code-server (process group)
 *   waitFor(probe, { timeoutMs?, intervalMs?, what })  polls until probe() returns a value (not undefined/false)
 *
 * Typical test:
 *   const vscode = await launchVSCode({ name: 'dag', files: { 'kindling.yaml': '…', 'wf.yaml': '…' } });
 *   after(() => vscode.close());
 *   await vscode.openFile('wf.yaml');
 *   await vscode.runCommand('Kindling: Show Pipeline DAG');
 *   await vscode.webviewFrame().locator('canvas').waitFor();
 *
 * Environment: KINDLING_E2E_VSIX (test that .vsix instead), KINDLING_CHROMIUM (browser path;
 * default `chromium` on PATH), KINDLING_E2E_HEADED=1 (a visible browser, for a desktop session),
 * KINDLING_CACHE_DIR (where the harness is cached).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import type { ChildProcess } from 'node:child_process';
import {
  ensureFreshVsix,
  ensureHarness,
  findFreePort,
  installExtension,
  repoRoot,
  startCodeServer,
  stopCodeServer,
  vsixPath,
  writeUserSettings,
} from '../../../scripts/harness.mjs';

export interface LaunchOptions {
  name?: string;
  workspace?: string;
  files?: Record<string, string>;
  settings?: Record<string, unknown>;
  vsix?: string | false;
  viewport?: { width: number; height: number };
  env?: Record<string, string>;
}

/** The parts of an extension's package.json the tests read. */
export interface ExtensionManifest {
  name: string;
  publisher: string;
  version: string;
  engines: Record<string, string>;
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    menus?: Record<string, { command: string; when?: string }[]>;
    views?: Record<string, { id: string; name: string; type?: string }[]>;
  };
}

export interface RunningExtension {
  /** Display name as the editor shows it, e.g. 'Kindling — ML pipelines on local Kubernetes'. */
  name: string;
  /** The "Activation: N ms" figure the extension host reports. */
  activationMs: number;
  /** The row's full text (version, activation event hover, …) for diagnostics. */
  text: string;
}

export const resultsDir = join(repoRoot, 'test-results');

/** The chromium flags TESTENV.md lists: no sandbox as root, and no background traffic to closed networks. */
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 200, what }: { timeoutMs?: number; intervalMs?: number; what: string },
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (true) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function chromiumPath(): string {
  if (process.env.KINDLING_CHROMIUM) return process.env.KINDLING_CHROMIUM;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  throw new Error('chromium is not on PATH: run `bash scripts/setup-machine.sh` (Debian package chromium) or set KINDLING_CHROMIUM');
}

/**
 * The .vsix to test, packaged again when it is missing or older than its sources (the E2E tier tests
 * what users install; a stale .vsix would test yesterday's code).
 */
export function ensureVsix(): string {
  if (process.env.KINDLING_E2E_VSIX) return process.env.KINDLING_E2E_VSIX;
  const vsix = vsixPath();
  ensureFreshVsix(vsix);
  return vsix;
}

const live = new Set<VSCode>();
process.once('exit', () => {
  // Last resort if a test forgot close(): never leave code-server process groups behind.
  for (const session of live) if (session.server.pid) try { process.kill(-session.server.pid, 'SIGKILL'); } catch { /* gone */ }
});

/** A free port can be taken between our check and code-server's listen: try again on another. */
async function startOnFreePort(
  harness: Parameters<typeof startCodeServer>[0],
  options: Omit<Parameters<typeof startCodeServer>[1], 'port'>,
): ReturnType<typeof startCodeServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCodeServer(harness, { ...options, port: await findFreePort() });
    } catch (error) {
      const inUse = options.logFile && existsSync(options.logFile) && /EADDRINUSE/.test(readFileSync(options.logFile, 'utf8'));
      if (!inUse || attempt >= 3) throw error;
    }
  }
}

export async function launchVSCode(options: LaunchOptions = {}): Promise<VSCode> {
  const name = options.name ?? 'e2e';
  const harness = await ensureHarness();
  const runDir = join(resultsDir, 'e2e', name);
  rmSync(runDir, { recursive: true, force: true });
  const userDataDir = join(runDir, 'user-data');
  const extensionsDir = join(runDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  writeUserSettings(userDataDir, options.settings);

  let workspace = options.workspace;
  if (!workspace) {
    workspace = join(runDir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    for (const [file, content] of Object.entries(options.files ?? {})) {
      mkdirSync(dirname(join(workspace, file)), { recursive: true });
      writeFileSync(join(workspace, file), content);
    }
  }

  if (options.vsix !== false) installExtension(harness, { vsix: options.vsix ?? ensureVsix(), userDataDir, extensionsDir });

  const server = await startOnFreePort(harness, { userDataDir, extensionsDir, workspace, logFile: join(runDir, 'code-server.log'), env: options.env });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: !process.env.KINDLING_E2E_HEADED,
      args: chromiumArgs,
    });
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 } });
    const session = new VSCode(page, browser, server.child, server.url, runDir, userDataDir, extensionsDir, workspace, name);
    live.add(session);
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await session.waitForWorkbench();
    return session;
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await stopCodeServer(server.child);
    throw error;
  }
}

export class VSCode {
  constructor(
    readonly page: Page,
    readonly browser: Browser,
    readonly server: ChildProcess,
    readonly url: string,
    readonly runDir: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    readonly workspace: string,
    private readonly name: string,
  ) {}

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Opens the F1 palette with `query` typed; leaves it open. */
  private async openPalette(query: string): Promise<void> {
    await this.page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => undefined);
    await this.page.keyboard.press('F1');
    const input = this.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${query}`);
  }

  private async closePalette(): Promise<void> {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden' });
    }
  }

  private async visibleEntries(): Promise<string[]> {
    return this.quickInput.locator('.monaco-list-row .label-name').evaluateAll((nodes) => nodes.map((n) => (n.textContent ?? '').trim()));
  }

  /**
   * Labels the command palette lists for `query`, once the list has settled (the same list on two
   * looks in a row). An empty palette ("No matching commands") gives [] after `timeoutMs`.
   */
  async paletteEntries(query: string, { timeoutMs = 10_000 }: { timeoutMs?: number } = {}): Promise<string[]> {
    await this.openPalette(query);
    let previous: string[] = [];
    const entries = await waitFor(
      async () => {
        const now = await this.visibleEntries();
        const settled = now.length > 0 && now.join('\n') === previous.join('\n');
        previous = now;
        return settled ? now : undefined;
      },
      { what: `command palette entries for "${query}"`, intervalMs: 300, timeoutMs },
    ).catch(() => previous);
    const all = entries.length ? await this.collectVirtualList(this.quickInput.locator('.monaco-list:visible').first(), () => this.visibleEntries(), (e) => e) : [];
    await this.closePalette();
    return all;
  }

  /**
   * Runs a command by its palette label, e.g. 'Kindling: Show Pipeline DAG'. `until`: what the command
   * shows first when that is a quick input of its own (the palette then never closes).
   */
  async runCommand(title: string, { timeoutMs = 30_000, until }: { timeoutMs?: number; until?: Locator } = {}): Promise<void> {
    await this.openPalette(title);
    const row = this.quickInput.locator('.monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(title)}\\s*$`) }),
    });
    await row.first().waitFor({ state: 'visible', timeout: timeoutMs });
    await row.first().click();
    if (until) await until.waitFor({ state: 'visible', timeout: timeoutMs });
    else await this.quickInput.waitFor({ state: 'hidden', timeout: timeoutMs });
  }

  /** "Developer: Reload Window": the page loads again and a new extension host activates extensions again. */
  async reload(): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (frame) => frame === this.page.mainFrame(), timeout: 60_000 });
    await this.openPalette('Developer: Reload Window');
    const row = this.quickInput.locator('.monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: /^\s*Developer: Reload Window\s*$/ }) });
    await row.first().click();
    await navigated;
    await this.waitForWorkbench({ restored: true });
  }

  /**
   * The workbench is drawn and the explorer shows the folder (the remote file system answered).
   * `restored`: after a reload the side bar comes back with whichever view container was open
   * (e.g. Kindling), so any side-bar container or a restored editor will do.
   */
  async waitForWorkbench({ restored = false }: { restored?: boolean } = {}): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const ready = restored ? '.explorer-folders-view, .explorer-viewlet, .part.sidebar .composite.title, .part.editor .tab' : '.explorer-folders-view, .explorer-viewlet';
    await this.page.locator(ready).first().waitFor({ timeout: 60_000 });
  }

  /** Opens a workspace file with Quick Open and waits for its editor tab to be active. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    const base = relativePath.split('/').pop() ?? relativePath;
    await this.quickInput.locator('.monaco-list-row', { hasText: base }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab.active', { hasText: base }).waitFor();
  }

  /** Clicks an activity-bar entry by its title (e.g. 'Kindling') and returns the sidebar part. */
  async openViewContainer(title: string): Promise<Locator> {
    const item = this.page.locator(`.activitybar .action-item .action-label[aria-label^="${title}"]`).first();
    await item.waitFor();
    const checked = await item.locator('xpath=..').getAttribute('aria-selected');
    if (checked !== 'true') await item.click();
    const sidebar = this.page.locator('.part.sidebar');
    await sidebar.locator('.composite.title', { hasText: title }).first().waitFor();
    return sidebar;
  }

  /**
   * Selects `row` in the Explorer, opens its context menu, clicks the item named `item`, and resolves once
   * `until` (what the command shows first) is visible; returns the misses, one line each, for the test log.
   * VS Code's menu items only start listening for the mouse-up 100 ms after the menu is drawn (so the
   * release of the right-click that opened it cannot pick an item); a click sooner than that leaves the
   * menu open and runs nothing, which CI met in the Run as Component and Promote tests (a screenshot
   * showed the menu still open). So the pointer rests on the item first. Should a click still be lost
   * (a loaded machine can run that timer late), the miss is saved as a screenshot and the menu opened
   * again, at most `attempts` times in all; a command that never shows `until` still fails.
   */
  async explorerMenu(row: Locator, item: RegExp, until: Locator, { attempts = 3, timeoutMs = 15_000, what = 'the command' }: { attempts?: number; timeoutMs?: number; what?: string } = {}): Promise<string[]> {
    const misses: string[] = [];
    for (let attempt = 1; ; attempt++) {
      await row.click();
      await row.and(this.page.locator('.selected')).waitFor({ timeout: timeoutMs });
      await row.click({ button: 'right' });
      const menuItem = this.page.getByRole('menuitem', { name: item });
      await menuItem.waitFor({ timeout: timeoutMs });
      await menuItem.hover();
      await this.page.waitForTimeout(300);
      await menuItem.click();
      try {
        await until.waitFor({ state: 'visible', timeout: timeoutMs });
        return misses;
      } catch (error) {
        const shot = await this.screenshot(`${this.name}-menu-miss-${attempt}`);
        misses.push(`menu item ${item} clicked, ${what} did not show within ${timeoutMs} ms (attempt ${attempt}; ${shot})`);
        if (attempt >= attempts) throw new Error(`${misses.join('\n')}\n${error instanceof Error ? error.message : String(error)}`);
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** The document a webview extension wrote (VS Code nests it in two iframes). */
  webviewFrame(index = 0): FrameLocator {
    return this.page.locator('iframe.webview').nth(index).contentFrame().frameLocator('iframe#active-frame');
  }

  /** The webview whose DAG app has drawn a graph (the side-bar view may be another webview). */
  async dagFrame({ timeoutMs = 60_000 }: { timeoutMs?: number } = {}): Promise<FrameLocator> {
    return waitFor(
      async () => {
        const count = await this.page.locator('iframe.webview').count();
        for (let i = 0; i < count; i++) {
          const frame = this.webviewFrame(i);
          if ((await frame.locator('#root[data-state="ready"]').count()) > 0) return frame;
        }
        return undefined;
      },
      { timeoutMs, what: 'a DAG webview with a drawn graph' },
    );
  }

  /**
   * Saves a PNG of the page; the mouse first moves to the page's right edge so no hover or tooltip
   * covers the view. `keepPointer: true` leaves the mouse where it is, for a picture of a hover:
   * the right edge is often inside a webview beside the editor, and moving there ends its hover.
   */
  async screenshot(name: string, { keepPointer = false }: { keepPointer?: boolean } = {}): Promise<string> {
    const file = join(resultsDir, `${name}.png`);
    mkdirSync(resultsDir, { recursive: true });
    const size = this.page.viewportSize();
    if (size && !keepPointer) {
      await this.page.mouse.move(size.width - 2, Math.round(size.height / 2));
      // A hover (e.g. an activity-bar tooltip) outlives the mouse for a moment; wait until it is gone.
      await this.page.locator('.workbench-hover-container').first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
    }
    await this.page.screenshot({ path: file });
    return file;
  }

  /** The extension as code-server unpacked it from the .vsix: its folder and package.json. */
  installedExtension(id = 'kindling.kindling'): { dir: string; manifest: ExtensionManifest } {
    const folder = readdirSync(this.extensionsDir).find((d) => d.toLowerCase().startsWith(`${id.toLowerCase()}-`));
    if (!folder) throw new Error(`${id} is not installed in ${this.extensionsDir}`);
    const dir = join(this.extensionsDir, folder);
    return { dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as ExtensionManifest };
  }

  /** Folders of code-server's log sessions (one per server start), newest last. */
  private logSessions(): string[] {
    const logs = join(this.userDataDir, 'logs');
    if (!existsSync(logs)) return [];
    return readdirSync(logs)
      .map((d) => join(logs, d))
      .filter((d) => statSync(d).isDirectory())
      .sort();
  }

  private findFiles(dir: string, match: (name: string, path: string) => boolean, out: string[] = []): string[] {
    if (!existsSync(dir)) return out;
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) this.findFiles(full, match, out);
      else if (match(entry, full)) out.push(full);
    }
    return out;
  }

  /** The extension host's own log: which event activated what, and activation failures. */
  exthostLog(): string {
    return this.logSessions()
      .flatMap((s) => this.findFiles(s, (name, full) => /exthost/.test(full) && /^remoteexthost\.log$|^exthost\.log$/.test(name)))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }

  /** A log output channel (`createOutputChannel(name, { log: true })`) as the extension host wrote it. */
  outputChannelLog(channel: string): string {
    return this.logSessions()
      .flatMap((s) => this.findFiles(s, (name) => name === `${channel}.log`))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }

  /**
   * A plain output channel as the extension host stored it: `<n>-<name>.log` in an output_logging_ folder, where
   * the file name leaves out characters a file name cannot have (e.g. the ':' in 'Kindling run: x').
   */
  outputChannelText(channel: string): string {
    const fileName = (name: string) => name.replace(/^\d+-/, '').replace(/\.log$/, '');
    const wanted = channel.replace(/[\\/:*?"<>|]/g, '');
    return this.logSessions()
      .flatMap((s) => this.findFiles(s, (name, full) => /output_logging_/.test(full) && fileName(name) === wanted))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }

  async waitForLog(read: () => string, pattern: RegExp, { timeoutMs = 30_000, what }: { timeoutMs?: number; what?: string } = {}): Promise<RegExpMatchArray> {
    return waitFor(() => read().match(pattern) ?? undefined, { timeoutMs, what: what ?? `log line ${pattern}` });
  }

  /**
   * Opens "Developer: Show Running Extensions" and reads each row's reported activation time. The
   * list is virtualized (only visible rows exist in the DOM), so it is scrolled to the end.
   */
  async runningExtensions(): Promise<RunningExtension[]> {
    await this.runCommand('Developer: Show Running Extensions');
    const editor = this.page.locator('.runtime-extensions-editor');
    await editor.locator('.monaco-list-row .activation-time').first().waitFor();
    const readRows = () =>
      editor.locator('.monaco-list-row').evaluateAll((nodes) =>
        nodes.map((n) => ({
          name: (n.querySelector('.name')?.textContent ?? '').trim(),
          activation: (n.querySelector('.activation-time')?.textContent ?? '').trim(),
          // innerText keeps the visual gaps between name, version and time (no DOM lib in this tsconfig).
          text: ((n as unknown as { innerText?: string }).innerText ?? '').replace(/\s+/g, ' ').trim(),
        })),
      );
    const rows = await this.collectVirtualList(editor.locator('.monaco-list:visible').first(), readRows, (r) => r.name);
    return rows.map((r) => {
      const ms = r.activation.match(/([\d.]+)\s*ms/);
      return { name: r.name, activationMs: ms ? Number(ms[1]) : Number.NaN, text: r.text };
    });
  }

  /**
   * Reads every row of a virtualized monaco list (only the visible rows exist in the DOM): reads,
   * scrolls with the mouse wheel, and stops when a scroll no longer changes the rendered rows.
   */
  private async collectVirtualList<T>(list: Locator, read: () => Promise<T[]>, key: (row: T) => string): Promise<T[]> {
    const seen = new Map<string, T>();
    await list.hover();
    let visible = await read();
    for (let page = 0; page < 100; page++) {
      for (const row of visible) if (!seen.has(key(row))) seen.set(key(row), row);
      const before = visible.map(key).join('\n');
      await this.page.mouse.wheel(0, 400);
      const after = await waitFor(
        async () => {
          const rows = await read();
          return rows.map(key).join('\n') !== before ? rows : undefined;
        },
        { timeoutMs: 1000, intervalMs: 100, what: 'the list to scroll' },
      ).catch(() => undefined);
      if (!after) break;
      visible = after;
    }
    return [...seen.values()];
  }

  async close(): Promise<void> {
    live.delete(this);
    await this.browser.close().catch(() => undefined);
    await stopCodeServer(this.server);
  }

  toString(): string {
    return `VSCode(${this.name} at ${this.url})`;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
