// Pointers on the photo: one place decides what a touch, pen or mouse drag
// means. Two fingers always pinch-zoom (never paint); the divider's handle
// always moves the divider; otherwise the picked tool decides. With the
// compare tool (the default) a vertical swipe is left to the page, which
// scrolls, and only a sideways drag moves the divider.

/** Sideways travel (CSS px) after which a touch drags the divider. */
const DIVIDER_START_PX = 8;

/** Wires the stage of one element. `ctx` gives the view and the tools. */
export function wireStage(ctx) {
  const { $ } = ctx;
  const stage = $('.stage');
  const handle = $('.handle');
  const pointers = new Map();
  let pinch = null;
  let gesture = null;

  const capture = (e) => {
    try {
      stage.setPointerCapture(e.pointerId);
    } catch {
      // a synthetic or already-lifted pointer cannot be captured
    }
  };

  stage.addEventListener('pointerdown', (e) => {
    if (!ctx.engine?.width() || e.button > 0) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 2) {
      // Two fingers: pinch to zoom, whatever the tool.
      e.preventDefault();
      capture(e);
      const [a, b] = [...pointers.values()];
      pinch = { d0: Math.hypot(a.x - b.x, a.y - b.y) || 1, s0: ctx.view.zoom.s };
      if (gesture) ctx.tools.cancel(gesture);
      gesture = null;
      return;
    }
    if (pointers.size > 2) return;
    const view = ctx.view;
    const tool = ctx.tools.tool;
    if (handle.contains(e.composedPath()[0])) {
      e.preventDefault();
      capture(e);
      gesture = { divider: true };
      handle.focus();
      return;
    }
    if (tool === 'compare') {
      if (view.zoom.s > 1) {
        e.preventDefault();
        capture(e);
        gesture = { pan: { x: e.clientX, y: e.clientY } };
      } else if (e.pointerType === 'mouse') {
        e.preventDefault();
        capture(e);
        gesture = { divider: true };
        view.splitAt(e);
      } else {
        // Not yet ours: the page may scroll (touch-action: pan-y).
        gesture = { maybeDivider: { x: e.clientX, y: e.clientY } };
      }
      return;
    }
    e.preventDefault();
    capture(e);
    gesture = ctx.tools.begin(e);
  });

  stage.addEventListener('pointermove', (e) => {
    if (pointers.has(e.pointerId)) pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pinch && pointers.size >= 2) {
      const [a, b] = [...pointers.values()];
      const rect = stage.getBoundingClientRect();
      const d = Math.hypot(a.x - b.x, a.y - b.y);
      const target = (pinch.s0 * d) / pinch.d0;
      ctx.view.zoomAt(target / ctx.view.zoom.s, ((a.x + b.x) / 2 - rect.left) / rect.width, ((a.y + b.y) / 2 - rect.top) / rect.height);
      return;
    }
    if (!gesture || !pointers.has(e.pointerId)) return;
    if (gesture.maybeDivider) {
      if (Math.abs(e.clientX - gesture.maybeDivider.x) < DIVIDER_START_PX) return;
      capture(e);
      gesture = { divider: true };
    }
    if (gesture.divider) ctx.view.splitAt(e);
    else if (gesture.pan) {
      const rect = stage.getBoundingClientRect();
      const { s, ox, oy } = ctx.view.zoom;
      const dx = (e.clientX - gesture.pan.x) / (rect.width * s);
      const dy = (e.clientY - gesture.pan.y) / (rect.height * s);
      gesture.pan = { x: e.clientX, y: e.clientY };
      ctx.view.applyZoom({ s, ox: ox - dx, oy: oy - dy });
    } else ctx.tools.move(gesture, e);
  });

  const lift = (e, cancelled) => {
    if (!pointers.delete(e.pointerId)) return;
    if (pinch) {
      if (pointers.size < 2) pinch = null;
      gesture = null;
      return;
    }
    const g = gesture;
    gesture = null;
    if (!g) return;
    if (g.maybeDivider) {
      // A tap (no scroll, no drag) moves the divider to where it landed.
      if (!cancelled) ctx.view.splitAt(e);
      return;
    }
    if (g.divider || g.pan) return;
    if (cancelled && (g.tap || (g.start && !g.stroke))) return; // no tap, no dab
    ctx.tools.end(g, e);
  };
  stage.addEventListener('pointerup', (e) => lift(e, false));
  // The browser took the touch over (a scroll): nothing of it was ours.
  stage.addEventListener('pointercancel', (e) => lift(e, true));
}
