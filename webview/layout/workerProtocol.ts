/** Messages between the panel and its layout worker (typed arrays travel as transferables). */
import type { LayoutInput, LayoutOutput } from './layered';

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
