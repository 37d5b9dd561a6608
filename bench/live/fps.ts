/**
 * Frames per second while a view is moved once per animation frame, measured in the page. The step is
 * a string so tsx's helpers (__name) stay out of the page.
 */
import type { Page } from 'playwright-core';

/** A zig-zag pan (dx, dy alternate every 120 frames), as bench/dag does, for `ms` milliseconds. */
export async function panFps(page: Page, panBy: (dx: string, dy: string) => string, ms = 2000): Promise<number> {
  const step = panBy('(frames % 240 < 120 ? -7 : 7)', '(frames % 240 < 120 ? -5 : 5)');
  return page.evaluate(`new Promise((resolve) => {
    let frames = 0;
    let start = -1;
    function tick(now) {
      if (start < 0) start = now; else frames++;
      ${step};
      if (now - start < ${ms}) requestAnimationFrame(tick); else resolve((frames * 1000) / (now - start));
    }
    requestAnimationFrame(tick);
  })`) as Promise<number>;
}

/** Kindling's panel pans its canvas view (webview/app.ts exposes panBy for benchmarks). */
export const panKindling = (dx: string, dy: string): string => `window.kindlingDag.panBy(${dx}, ${dy})`;
/** Argo's graph is one big SVG in the page: the user pans by scrolling. */
export const panByScrolling = (dx: string, dy: string): string => `window.scrollBy(${dx}, ${dy})`;

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
