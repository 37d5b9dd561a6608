/**
 * Keyboard and pointer input: turns DOM events on the canvas, toolbar, search box and minimap into
 * the panel's actions. Owns no state but the drag in progress.
 */
import type { Elements } from './dom';
import type { Minimap } from './renderer';
import type { Selection } from './selection';
import type { Viewport } from './view/viewport';

/** What input can ask of the panel; the controller (app.ts) implements it. */
export interface InputActions {
  /** Visible node under a canvas point, or -1. */
  nodeAt(sx: number, sy: number): number;
  hoverAt(sx: number, sy: number): void;
  leave(): void;
  clickAt(sx: number, sy: number): void;
  /** Expand or collapse the group drawn at visible index `v` (no-op for other nodes). */
  toggleGroupAt(v: number): void;
  fit(): void;
  setAllGroups(collapse: boolean): void;
  chooseGraph(index: number): void;
  resized(): void;
  /** A toolbar button this module does not know (run mode's); true if handled. */
  toolbarAction(action: string, button: HTMLElement): boolean;
  /** A key anywhere in the panel that this module does not know (run mode's F8); true if handled. */
  key(ev: KeyboardEvent): boolean;
}

export function wireInput(e: Elements, viewport: Viewport, selection: Selection, minimap: Minimap, actions: InputActions): void {
  const { canvas, search, root, graphSelect } = e;
  new ResizeObserver(() => actions.resized()).observe(canvas);

  let drag: { x: number; y: number; panX: number; panY: number; moved: boolean; id: number } | undefined;
  canvas.addEventListener('pointerdown', (ev) => {
    canvas.focus();
    drag = { x: ev.clientX, y: ev.clientY, panX: viewport.view.panX, panY: viewport.view.panY, moved: false, id: ev.pointerId };
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (drag) {
      const dx = ev.clientX - drag.x;
      const dy = ev.clientY - drag.y;
      if (drag.moved || Math.abs(dx) + Math.abs(dy) > 3) {
        drag.moved = true;
        e.card.hidden = true;
        viewport.set({ scale: viewport.view.scale, panX: drag.panX + dx, panY: drag.panY + dy });
      }
      return;
    }
    actions.hoverAt(ev.offsetX, ev.offsetY);
  });
  const endDrag = (ev: PointerEvent): void => {
    if (!drag) return;
    const wasClick = !drag.moved;
    drag = undefined;
    if (canvas.hasPointerCapture(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
    if (wasClick && ev.type === 'pointerup') actions.clickAt(ev.offsetX, ev.offsetY);
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('pointerleave', () => actions.leave());
  canvas.addEventListener('dblclick', (ev) => actions.toggleGroupAt(actions.nodeAt(ev.offsetX, ev.offsetY)));
  canvas.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      if (ev.shiftKey) {
        viewport.panBy(-ev.deltaY, 0);
        return;
      }
      // Pinch and mouse wheels both zoom around the pointer; trackpads send small deltas.
      const factor = Math.exp(-ev.deltaY * (ev.ctrlKey ? 0.01 : 0.0015));
      viewport.zoomBy(factor, ev.offsetX, ev.offsetY);
    },
    { passive: false },
  );
  canvas.addEventListener('keydown', (ev) => onCanvasKey(ev, viewport, selection, actions));

  search.addEventListener('input', () => selection.updateMatches(false));
  search.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      ev.preventDefault();
      selection.searchEnter(ev.shiftKey);
    } else if (ev.key === 'Escape') {
      search.value = '';
      selection.updateMatches(false);
      canvas.focus();
    }
  });
  root.addEventListener('click', (ev) => {
    const target = ev.target instanceof HTMLElement ? ev.target.closest<HTMLElement>('button[data-action]') : null;
    if (!target) return;
    const action = target.getAttribute('data-action') ?? '';
    switch (action) {
      case 'prev':
        selection.stepMatch(-1);
        break;
      case 'next':
        selection.stepMatch(1);
        break;
      case 'fit':
        actions.fit();
        break;
      case 'collapse':
        actions.setAllGroups(true);
        break;
      case 'expand':
        actions.setAllGroups(false);
        break;
      default:
        actions.toolbarAction(action, target);
    }
  });
  graphSelect.addEventListener('change', () => actions.chooseGraph(Number(graphSelect.value) || 0));
  const minimapJump = (ev: PointerEvent): void => {
    const [wx, wy] = minimap.toWorld(ev.offsetX, ev.offsetY);
    viewport.centre(wx, wy);
  };
  e.minimap.addEventListener('pointerdown', (ev) => {
    e.minimap.setPointerCapture(ev.pointerId);
    minimapJump(ev);
  });
  e.minimap.addEventListener('pointermove', (ev) => {
    if (e.minimap.hasPointerCapture(ev.pointerId)) minimapJump(ev);
  });
  window.addEventListener('keydown', (ev) => {
    if ((ev.ctrlKey || ev.metaKey) && ev.key === 'f') {
      ev.preventDefault();
      search.focus();
      search.select();
    } else if (actions.key(ev)) {
      ev.preventDefault();
    }
  });
}

function onCanvasKey(ev: KeyboardEvent, viewport: Viewport, selection: Selection, actions: InputActions): void {
  const step = 60;
  if (ev.shiftKey && ev.key.startsWith('Arrow')) {
    ev.preventDefault();
    selection.moveSelection(ev.key);
    return;
  }
  switch (ev.key) {
    case 'ArrowLeft':
      viewport.panBy(step, 0);
      break;
    case 'ArrowRight':
      viewport.panBy(-step, 0);
      break;
    case 'ArrowUp':
      viewport.panBy(0, step);
      break;
    case 'ArrowDown':
      viewport.panBy(0, -step);
      break;
    case '+':
    case '=':
      viewport.zoomBy(1.25);
      break;
    case '-':
    case '_':
      viewport.zoomBy(0.8);
      break;
    case '0':
      actions.fit();
      break;
    case 'Enter':
    case ' ': {
      const v = selection.selectedVisible();
      if (v >= 0) selection.select(v, true, true);
      break;
    }
    case 'c':
      actions.toggleGroupAt(selection.selectedVisible());
      break;
    case 'Escape':
      selection.clear();
      break;
    default:
      return;
  }
  ev.preventDefault();
}
