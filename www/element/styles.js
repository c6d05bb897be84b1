// The element's styles. They go in a constructed sheet (adoptedStyleSheets),
// which a strict Content-Security-Policy allows without 'unsafe-inline'.

/** The element's one style sheet, shared by every instance. */
export const STYLES = new CSSStyleSheet();
STYLES.replaceSync(`
  :host {
    --smp-accent: #0b6e6e;
    --smp-accent-text: #ffffff;
    --smp-text: #1d2327;
    --smp-muted: #4d5a61;
    --smp-surface: #ffffff;
    --smp-border: #c9d1d5;
    --smp-area: 255, 140, 0;
    display: block;
    box-sizing: border-box;
    container-type: inline-size;
  }
  /* Colours and type are set inside the shadow tree, not on the host, so a
     host page's rules (even "* { color: red !important }") do not reach in. */
  .app {
    color: var(--smp-text);
    background-color: var(--smp-surface);
    font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    text-align: start;
    letter-spacing: normal;
    text-transform: none;
    border-radius: inherit;
    display: grid; gap: 12px; padding: 12px; min-width: 0;
  }
  @container (max-width: 480px) { .app { padding: 8px; gap: 10px; } }
  :host([hidden]) { display: none; }
  /* Not "inherit": a <details> passes its content through its own slot. */
  *, *::before, *::after { box-sizing: border-box; }
  [hidden] { display: none !important; }
  h2 { font-size: 1.25rem; margin: 0; }
  p { margin: 0; }
  .top { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; justify-content: space-between; }
  .steps { display: flex; gap: 6px; margin: 0; padding: 0; list-style: none; font-size: 0.9rem; color: var(--smp-muted); flex-wrap: wrap; }
  .steps li { padding: 2px 10px; border-radius: 999px; border: 1px solid var(--smp-border); }
  .steps li[aria-current="step"] { background-color: var(--smp-accent); color: var(--smp-accent-text); border-color: var(--smp-accent); }
  .start { display: grid; gap: 14px; justify-items: center; text-align: center; padding: 24px 12px; border: 2px dashed var(--smp-border); border-radius: 12px; }
  .start-actions { display: grid; gap: 10px; width: min(100%, 340px); }
  .start.dragging, .stage.dragging { border-color: var(--smp-accent); background: color-mix(in srgb, var(--smp-accent) 8%, transparent); }
  button, .button {
    font: inherit; cursor: pointer; border-radius: 8px; padding: 10px 16px; min-height: 44px; min-width: 44px;
    border: 1px solid var(--smp-accent); background-color: var(--smp-surface); color: var(--smp-accent);
    display: inline-flex; align-items: center; justify-content: center; gap: 6px; text-align: center;
  }
  button.primary, .button.primary { background-color: var(--smp-accent); color: var(--smp-accent-text); }
  button[aria-pressed="true"] { background-color: var(--smp-accent); color: var(--smp-accent-text); }
  button:disabled { opacity: 0.5; cursor: default; }
  button:focus-visible, .button:focus-within, input:focus-visible, select:focus-visible, summary:focus-visible, .handle:focus-visible,
  .look-card:focus-within { outline: 3px solid var(--smp-accent); outline-offset: 2px; }
  .camera { display: none; }
  @media (pointer: coarse) {
    .camera { display: inline-flex; }
    .start .choose { background-color: var(--smp-surface); color: var(--smp-accent); }
  }
  a.button { text-decoration: none; }
  label.button { position: relative; }
  label.button:has(input:disabled) { opacity: 0.5; cursor: default; }
  .file { position: absolute; width: 1px; height: 1px; opacity: 0; overflow: hidden; }
  .hint { color: var(--smp-muted); font-size: 0.95rem; }
  .tips { text-align: start; width: min(100%, 420px); }
  .tips summary { cursor: pointer; min-height: 44px; display: flex; align-items: center; color: var(--smp-accent); font-weight: 600; }
  .tips ul { margin: 4px 0 0; padding-inline-start: 20px; display: grid; gap: 4px; }
  .step-hint { font-weight: 600; }
  .work { display: grid; gap: 12px; min-width: 0; }
  /* --room: the width the photo may take. The stage takes at most
     --shown-width, the preview's own size: each of its pixels is then one
     screen pixel (scaled, the browser would blur the dots). */
  .view-col { display: grid; gap: 10px; min-width: 0; align-content: start; position: relative;
    --room: min(100%, calc(72vh * var(--aspect, 1.333))); }
  .room { position: absolute; top: 0; left: 0; height: 0; width: var(--room); visibility: hidden; }
  .stage-wrap { position: relative; width: min(var(--room), var(--shown-width, 100%)); margin: 0 auto; }
  .stage {
    --split: 0.5;
    position: relative; width: 100%;
    aspect-ratio: var(--shown-aspect, var(--aspect, 1.333)); touch-action: none; user-select: none; -webkit-user-select: none;
    border-radius: 8px; overflow: hidden; background: #222; border: 2px solid transparent;
  }
  /* The compare tool (the default) leaves vertical swipes to the page, so a
     swipe that starts on the photo scrolls as anywhere else on the web. */
  .stage[data-tool="compare"] { touch-action: pan-y; }
  .stage.zoomed[data-tool="compare"] { touch-action: none; }
  /* Before, after and the area overlay share one zoom transform (--zoom,
     --ox, --oy): zoom and pan are always in step. */
  .layer { position: absolute; inset: 0; overflow: hidden; }
  .view { position: absolute; inset: 0; transform-origin: 0 0;
    transform: scale(var(--zoom, 1)) translate(calc(var(--ox, 0) * -100%), calc(var(--oy, 0) * -100%)); }
  .view > * { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
  .stage.zoomed canvas { image-rendering: pixelated; }
  .after-layer { clip-path: inset(0 0 0 calc(var(--split) * 100%)); }
  /* The photo is clipped to its side too: the compositor then draws each
     pixel once, not the photo under the after-image as well (in software
     compositing, a whole-photo quad every frame). */
  .before-layer, .overlay-layer { clip-path: inset(0 calc((1 - var(--split)) * 100%) 0 0); }
  .overlay-layer { pointer-events: none; }
  .stage.holding .before-layer { clip-path: none; }
  .marks-layer { pointer-events: none; }
  .stage.holding .after-layer { visibility: hidden; }
  .stage.side .before-layer, .stage.side .overlay-layer { right: 50%; clip-path: none; }
  .stage.side .after-layer { left: 50%; clip-path: none; }
  .stage.side .divider, .stage.side .measure, .stage.side .hairline { display: none; }
  .stage .label {
    position: absolute; top: 8px; padding: 2px 8px; border-radius: 4px; font-size: 0.8rem;
    background: rgba(0, 0, 0, 0.6); color: #fff; pointer-events: none;
  }
  .stage .label.before { left: 8px; }
  .stage .label.after-label { right: 8px; }
  .divider { position: absolute; top: 0; bottom: 0; left: calc(var(--split) * 100%); width: 0; pointer-events: none; }
  .divider::before { content: ""; position: absolute; top: 0; bottom: 0; left: -1px; width: 2px; background: #fff; box-shadow: 0 0 3px rgba(0,0,0,0.6); }
  .handle {
    position: absolute; top: 50%; left: 0; width: 44px; height: 44px; transform: translate(-50%, -50%);
    border-radius: 50%; background: #fff; border: 2px solid var(--smp-accent); pointer-events: auto;
    cursor: ew-resize; display: grid; place-items: center; color: var(--smp-accent); font-size: 18px; touch-action: none;
  }
  .measure { pointer-events: none; }
  .measure-line { stroke: #fff; stroke-width: 3px; vector-effect: non-scaling-stroke; filter: drop-shadow(0 0 1px #000); }
  .hairline { pointer-events: none; }
  .hairline-curve { fill: none; stroke: #fff; stroke-width: 2px; stroke-dasharray: 6 4; vector-effect: non-scaling-stroke; }
  .hairline circle { fill: var(--smp-accent); stroke: #fff; stroke-width: 2px; vector-effect: non-scaling-stroke; pointer-events: auto; cursor: grab; }
  /* Messages sit on the photo, where the eye is, not at the bottom of the element. */
  .status { font-size: 0.95rem; border-radius: 8px; }
  .status:empty { display: none; }
  .stage-wrap > .status {
    position: absolute; left: 8px; right: 8px; bottom: 8px; padding: 8px 12px; pointer-events: none;
    background: rgba(20, 26, 29, 0.86); color: #fff; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.3);
  }
  .stage-wrap > .status.faded { opacity: 0; transition: opacity 0.6s; }
  .start > .status { padding: 8px 12px; background: color-mix(in srgb, var(--smp-accent) 8%, transparent); }
  .status.error { font-weight: 600; }
  .start > .status.error { color: #a4000f; background: #fdecee; }
  .stage-wrap > .status.error { background: #8f0010; }
  .stage-bar, .tools, .actions, .choice-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .actions { justify-content: center; }
  .stage-bar { justify-content: center; }
  .stage-bar:not(:has(> :not([hidden]))) { display: none; }
  .calibrate { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 8px; border: 1px solid var(--smp-border); border-radius: 8px; }
  .calibrate input { width: 7em; min-height: 44px; font: inherit; }
  .presets, .preset-form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
  .preset-name { min-height: 44px; font: inherit; padding: 0 8px; }
  .controls { display: grid; gap: 10px 16px; grid-template-columns: 1fr; }
  .control { display: grid; gap: 2px; min-width: 0; }
  select { max-width: 100%; min-width: 0; }
  .bench button, .bench .button { padding: 6px 12px; }
  .control .row { display: flex; justify-content: space-between; gap: 8px; font-size: 0.95rem; }
  .control output { font-variant-numeric: tabular-nums; color: var(--smp-muted); }
  .control select { width: 100%; }
  input[type="range"] { width: 100%; accent-color: var(--smp-accent); min-height: 32px; margin: 0; }
  label.inline { display: inline-flex; align-items: center; gap: 6px; }
  select { font: inherit; min-height: 44px; border-radius: 8px; border: 1px solid var(--smp-border); padding: 0 8px; background-color: var(--smp-surface); color: var(--smp-text); }
  .privacy { font-size: 0.85rem; color: var(--smp-muted); text-align: center; }
  .logo { max-height: 48px; max-width: 50%; object-fit: contain; }

  /* The technician's bench: every control, in sections that fold, beside
     the photo on a wide screen so the result stays in view. */
  .bench { display: grid; gap: 8px; align-content: start; min-width: 0; }
  .section { border: 1px solid var(--smp-border); border-radius: 8px; padding: 0 10px; }
  .section[open] { padding-bottom: 10px; }
  .section > summary { cursor: pointer; min-height: 44px; display: flex; align-items: center; font-weight: 600; }
  .section > :not(summary) + :not(summary) { margin-top: 10px; }
  .keys dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 0; font-size: 0.9rem; }
  .keys dt { font-family: ui-monospace, monospace; }
  .keys dd { margin: 0; color: var(--smp-muted); }
  @container (min-width: 900px) {
    [data-controls="technician"] .work { grid-template-columns: minmax(0, 1fr) minmax(300px, 360px); align-items: start; }
    [data-controls="technician"] .view-col { position: sticky; top: 0; --room: min(100%, calc(66vh * var(--aspect, 1.333))); }
    [data-controls="technician"] .bench { max-height: 100vh; overflow-y: auto; padding-inline-end: 4px; }
  }

  /* The client's three screens: one primary action each, plain words. */
  .client-area, .client-result { display: grid; gap: 12px; justify-items: center; }
  .choice-row { justify-content: center; }
  .choice-row > button { flex: 1 1 140px; max-width: 240px; }
  .adjust-slot .tools { justify-content: center; }
  .looks { border: 0; margin: 0; padding: 0; width: 100%; display: grid; gap: 8px; grid-template-columns: repeat(3, minmax(0, 1fr)); }
  .looks legend { font-weight: 600; margin-bottom: 6px; padding: 0; }
  .look-card {
    display: grid; justify-items: center; gap: 2px; padding: 6px 4px; min-height: 44px; border-radius: 10px;
    border: 2px solid var(--smp-border); cursor: pointer; font-size: 0.9rem; text-align: center; line-height: 1.2;
  }
  .look-card svg { width: 48px; height: 36px; }
  .look-card:has(input:checked) { border-color: var(--smp-accent); background: color-mix(in srgb, var(--smp-accent) 10%, transparent); font-weight: 600; }
  .look-card input { position: absolute; opacity: 0; width: 1px; height: 1px; }
  .range { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; gap: 10px; align-items: center; width: 100%; font-size: 0.95rem; }
  .range input[type="range"] { min-height: 44px; }
  .change-area { justify-self: center; }
  /* The client's result: the primary action right under the photo, then the choices. */
  [data-controls="client"] .client-result { order: 1; }
  [data-controls="client"] :is(.bench, .hold) { display: none !important; }
  [data-controls="technician"] .change-area { display: none !important; }
  [data-controls="technician"] :is(.client-area, .client-result) { display: none !important; }
  [data-controls="client"][data-screen="area"] .client-result,
  [data-controls="client"][data-screen="result"] .client-area,
  [data-controls="client"][data-screen="area"] .actions { display: none !important; }
  /* The client's adjusting tools: only tap, paint, erase and undo. */
  [data-controls="client"] .tools > :not(.tool[data-tool="tap"], .tool[data-tool="paint"], .tool[data-tool="erase"], .undo) { display: none !important; }
`);
