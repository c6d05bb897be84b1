// How large the live preview is made and the stage shown: a preview pixel
// is a screen pixel. Scaled by the browser, even by 0.5 %, every dot is
// resampled across two pixels and the after-image looks soft (measured at
// 1×: 58 % of the shown channel values differed from the canvas's own;
// shown at its own size, none inside the stage).

/** Below this share of the room, a preview (a small photo, or the
 * engine's cap on a large high-density screen) is scaled up to fill it
 * rather than shown at its own size. */
const FILL_BELOW = 0.8;

/** An element's border widths in CSS px, across and down. */
export function borders(el) {
  const s = getComputedStyle(el);
  return {
    x: parseFloat(s.borderLeftWidth) + parseFloat(s.borderRightWidth),
    y: parseFloat(s.borderTopWidth) + parseFloat(s.borderBottomWidth),
  };
}

/** The room's width on the screen a new photo goes to, measured while
 * the photo screen hides it (one layout, no paint in between). An
 * estimate from the element's width made a preview larger than the stage
 * shows, remade once the photo was shown: some 70 ms more on the page's
 * thread before a 12 MP photo's first after-image. */
export function widthOnWorkScreen($, room) {
  const app = $('.app');
  const start = $('.start');
  const work = $('.work');
  const was = { screen: app.dataset.screen, start: start.hidden, work: work.hidden };
  app.dataset.screen = app.dataset.controls === 'client' ? 'area' : 'result';
  start.hidden = true;
  work.hidden = false;
  const width = room.getBoundingClientRect().width;
  if (was.screen === undefined) delete app.dataset.screen;
  else app.dataset.screen = was.screen;
  start.hidden = was.start;
  work.hidden = was.work;
  return width;
}

/** How many sides below the largest `previewSide` looks for one whose
 * preview is a whole number of CSS px across and down. */
const SEARCH = 40;

/** The preview's longest side for a `width`×`height` photo in a room
 * `roomCss` CSS px wide, `halves` photos across, inside a stage border of
 * `borderCss` px, never above the engine's `cap`: as many preview pixels
 * as whole screen pixels fit, each shown as one. `sizeFor(w, h, side)`
 * gives the preview's size as the engine makes it.
 *
 * The browser draws a canvas pixel for pixel only when its CSS size
 * times the device pixel ratio is exactly its size (measured in
 * Chromium: at 2×, 1598×1066 shown at 799×533 CSS px is exact, 1600×1067
 * at 800×533.5 is resampled; at 3× so is 600×400 at 200×133.3): the
 * largest side whose preview is a whole number of CSS px both ways. */
export function previewSide({ roomCss, borderCss, dpr, halves, width, height, cap, sizeFor }) {
  const across = Math.floor(((roomCss - borderCss) * dpr) / halves + 1e-6);
  const largest = Math.min(cap, Math.floor((across * Math.max(width, height)) / width + 1e-6));
  const whole = (px) => Math.abs(px / dpr - Math.round(px / dpr)) < 1e-6;
  // The largest side that fits across (the shorter side's rounding can
  // take one more pixel), unless one a little smaller is whole.
  let fitting = 0;
  for (let s = largest; s > Math.max(64, largest - SEARCH); s--) {
    const [w, h] = sizeFor(width, height, s);
    if (w > across) continue;
    if (whole(w) && whole(h)) return s;
    fitting ||= s;
  }
  return Math.max(64, fitting || largest);
}

/** The stage's size for a `pw`×`ph` preview, `halves` across, with its
 * border (`{ x, y }` CSS px), in CSS px; `own`: shown at the preview's
 * own size (a screen pixel each) rather than scaled to fill a room of
 * `roomCss` px (0 when not measured: the preview was made for it). */
export function stageSize({ pw, ph, halves, dpr, border, roomCss }) {
  const width = (pw * halves) / dpr + border.x;
  const height = ph / dpr + border.y;
  const own = !roomCss || width - border.x >= (roomCss - border.x) * FILL_BELOW;
  return { width, height, own };
}
