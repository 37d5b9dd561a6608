/**
 * The layout worker: keeps layered layout (tens of ms at 10k nodes) off the panel's UI thread so
 * typing in the editor never freezes pan and zoom.
 */
import { layeredLayout } from './layout/layered';
import { outputTransferables, type LayoutReply, type LayoutRequest } from './layout/workerProtocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, input } = event.data;
  const started = performance.now();
  try {
    const output = layeredLayout(input);
    const reply: LayoutReply = { id, ok: true, output, ms: performance.now() - started };
    scope.postMessage(reply, outputTransferables(output));
  } catch (error) {
    const reply: LayoutReply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    scope.postMessage(reply);
  }
};
