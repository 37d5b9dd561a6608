/**
 * Runs layouts in a Web Worker. VS Code webviews cannot start a worker from the resource origin
 * (it is cross-origin to the webview document), so the script is fetched and started from a blob:
 * URL (CSP `worker-src blob:`). If that fails for any reason, layout runs on the UI thread: slower
 * for huge graphs, but never a blank panel.
 */
import { layeredLayout, type LayoutInput, type LayoutOutput } from './layout/layered';
import { inputTransferables, uiThreadLayoutMaxNodes, type LayoutReply, type LayoutRequest } from './layout/workerProtocol';

export interface LayoutResult {
  output: LayoutOutput;
  /** Time inside the layout algorithm. */
  computeMs: number;
  /** Where it ran, for diagnostics. */
  where: 'worker' | 'main';
}

export class LayoutClient {
  private worker: Promise<Worker | undefined>;
  private nextId = 1;
  private pending = new Map<number, { resolve: (r: LayoutResult) => void; reject: (e: Error) => void }>();
  /** Why the worker is unavailable, if it is. */
  workerProblem: string | undefined;

  constructor(workerUri: string) {
    this.worker = this.start(workerUri);
  }

  private async start(uri: string): Promise<Worker | undefined> {
    if (!uri || typeof Worker === 'undefined') {
      this.workerProblem = 'no worker support';
      return undefined;
    }
    try {
      const response = await fetch(uri);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const blob = new Blob([await response.text()], { type: 'text/javascript' });
      const url = URL.createObjectURL(blob);
      const worker = new Worker(url);
      worker.onmessage = (event: MessageEvent<LayoutReply>) => this.settle(event.data);
      worker.onerror = (event) => {
        this.workerProblem = event.message || 'worker error';
        for (const [, p] of this.pending) p.reject(new Error(this.workerProblem));
        this.pending.clear();
      };
      return worker;
    } catch (error) {
      this.workerProblem = error instanceof Error ? error.message : String(error);
      return undefined;
    }
  }

  private settle(reply: LayoutReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    if (reply.ok) p.resolve({ output: reply.output, computeMs: reply.ms, where: 'worker' });
    else p.reject(new Error(reply.message));
  }

  async layout(input: LayoutInput): Promise<LayoutResult> {
    // Small graphs are laid out here: the layout takes a few ms, and the round trip to the worker
    // (two thread wake-ups on a busy machine) cost more than that (1k nodes, interleaved, load
    // 2-5: in-page first paint 62.1 -> 53.5 ms). Big ones go to the worker, which keeps pan and
    // zoom responsive while they are laid out.
    const worker = this.workerProblem || input.nodeCount <= uiThreadLayoutMaxNodes ? undefined : await this.worker;
    if (!worker) {
      const started = performance.now();
      const output = layeredLayout(input);
      return { output, computeMs: performance.now() - started, where: 'main' };
    }
    const id = this.nextId++;
    const request: LayoutRequest = { id, input };
    return new Promise<LayoutResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(request, inputTransferables(input));
    });
  }
}
