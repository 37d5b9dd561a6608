/** Messages between the panel and its layout worker (typed arrays travel as transferables). */
import type { LayoutInput, LayoutOutput } from './layered';

/**
 * Up to this many (visible) nodes the panel lays out on the UI thread (about 10 ms at 1,500): below
 * that the worker round trip costs more than the layout. Bigger graphs always use the worker.
 */
export const uiThreadLayoutMaxNodes = 1500;

export interface LayoutRequest {
  id: number;
  input: LayoutInput;
}

export type LayoutReply = { id: number; ok: true; output: LayoutOutput; ms: number } | { id: number; ok: false; message: string };

/** Buffers a layout result can hand over without copying. */
export function outputTransferables(o: LayoutOutput): ArrayBuffer[] {
  return [o.x, o.y, o.widths, o.heights, o.rank, o.layerStart, o.layerNodes, o.rankTop, o.rankBottom, o.edgePointStart, o.edgePoints, o.edgeReversed].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

export function inputTransferables(i: LayoutInput): ArrayBuffer[] {
  return [i.edgeFrom, i.edgeTo, i.widths, i.heights].map((a) => a.buffer as ArrayBuffer);
}
