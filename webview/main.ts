/**
 * Entry point of the DAG webview. Reads its boot data from an escaped `data-` attribute (never from
 * an inline script), starts the app and tells the host it is ready: the host queues until then.
 * Runs the same in VS Code and in a plain browser with a fake host (bench/dag/index.html).
 */
import { dagBootAttribute, type DagBootData, type HostMessage } from '../src/protocol/dagMessages';
import { DagApp, type HostApi } from './app';
import { LayoutClient } from './layoutClient';

declare function acquireVsCodeApi(): HostApi;

function readBoot(): DagBootData {
  const raw = document.body.getAttribute(dagBootAttribute);
  const fallback: DagBootData = { workerUri: '', placeholder: 'Open a pipeline file to see its DAG.' };
  if (!raw) return fallback;
  try {
    const parsed = JSON.parse(raw) as Partial<DagBootData>;
    return {
      workerUri: typeof parsed.workerUri === 'string' ? parsed.workerUri : '',
      placeholder: typeof parsed.placeholder === 'string' ? parsed.placeholder : fallback.placeholder,
    };
  } catch {
    return fallback;
  }
}

function isHostMessage(data: unknown): data is HostMessage {
  if (!data || typeof data !== 'object') return false;
  const { type, payload } = data as { type?: unknown; payload?: unknown };
  return (
    typeof type === 'string' &&
    ['graph', 'graphUtf8', 'empty', 'status', 'clearStatus', 'revealNode', 'viewModes'].includes(type) &&
    typeof payload === 'object' &&
    payload !== null
  );
}

function start(): void {
  const host = acquireVsCodeApi();
  const boot = readBoot();
  const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
  root.id = 'root';
  const app = new DagApp(root, host, new LayoutClient(boot.workerUri), boot.placeholder);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (!isHostMessage(event.data)) return; // other extensions' frames and VS Code internals
    try {
      app.handle(event.data);
    } catch (error) {
      host.postMessage({ type: 'error', payload: { message: error instanceof Error ? error.message : String(error) } });
    }
  });
  // Hooks for the benchmark and the E2E test: pan/zoom programmatically and paint synchronously.
  (window as unknown as { kindlingDag: unknown }).kindlingDag = {
    panBy: (dx: number, dy: number) => app.panBy(dx, dy),
    zoomBy: (f: number) => app.zoomBy(f),
    fit: () => app.fit(),
    paint: () => app.paint(),
    nodeScreenCentre: (id: string) => app.nodeScreenCentre(id),
    viewState: () => app.viewState(),
    runState: () => app.runState(),
    toggleGroup: (id: string) => app.toggleGroupById(id),
    stepFailed: (direction: 1 | -1) => app.stepFailed(direction),
  };
  host.postMessage({ type: 'ready', payload: {} });
}

start();
