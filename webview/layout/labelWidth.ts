/**
 * Box widths from label widths. Measuring text (canvas measureText) per node is a visible share of
 * a 1k-node first frame, yet most labels are short and get the minimum width anyway; a bound from
 * per-glyph advances (measured once per font) settles those without measuring. Pure: the caller
 * passes the measuring function.
 */

/** Minimum and maximum box width; labels longer than the maximum are shortened with an ellipsis. */
export const nodeWidth = 168;
export const maxNodeWidth = 300;
/** Icon, padding and margin around the label inside a box. */
const labelPadding = 40;

/** Sum of the glyph advances of a printable ASCII text (advances[c - 32]), or -1 for any other text. */
export function asciiWidthBound(text: string, advances: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 32 || c > 126) return -1;
    sum += advances[c - 32];
  }
  return sum;
}

/**
 * Width of the box for `label`: `measure` is called only when the advance bound (with a 10 % + 2 px
 * margin for kerning, which canvas text applies) cannot prove the label fits the minimum width.
 */
export function boxWidth(label: string, advances: ArrayLike<number>, measure: (text: string) => number): number {
  const bound = asciiWidthBound(label, advances);
  if (bound >= 0 && bound * 1.1 + 2 <= nodeWidth - labelPadding) return nodeWidth;
  return Math.min(maxNodeWidth, Math.max(nodeWidth, Math.ceil(measure(label)) + labelPadding));
}

/** Width estimated from the length alone (huge graphs, where even the bound costs too much). */
export function estimatedBoxWidth(label: string): number {
  return Math.min(maxNodeWidth, Math.max(nodeWidth, label.length * 7 + labelPadding));
}
