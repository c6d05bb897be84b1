// The element's markup. One tree serves both ways through: the client's three
// screens (photo, area, result) and the technician's bench; the screen and
// the `controls` attribute decide what shows (see styles.js and flow.js).

/** Little pictures of the three looks, for the client's look choice. */
const HEAD = '<path d="M8 40c0-16 10-28 24-28s24 12 24 28" fill="#e9c9ae" stroke="#7a5a44" stroke-width="2"/>';
const dots = (xs) => xs.map(([x, y]) => `<circle cx="${x}" cy="${y}" r="1.6" fill="#555c63"/>`).join('');
const GRID = [];
for (let y = 18; y <= 38; y += 4) for (let x = 12 + (y % 8); x <= 52; x += 5) if ((x - 32) ** 2 + (y - 40) ** 2 < 23 ** 2) GRID.push([x, y]);
const PATCH = GRID.filter(([x, y]) => (x - 36) ** 2 + (y - 24) ** 2 < 60);
const LOOK_PICTURES = {
  patch: `${HEAD}<path d="M10 36c2-14 10-22 22-22s20 8 22 22" fill="none" stroke="#3b2a20" stroke-width="5" stroke-dasharray="2 2"/>${dots(PATCH)}`,
  density: `${HEAD}${dots(GRID)}<path d="M14 34c4-12 10-18 18-19M22 34c2-10 6-14 12-16M34 34c2-10 8-14 14-12M42 36c2-6 4-9 8-9" fill="none" stroke="#3b2a20" stroke-width="1.6"/>`,
  full: `${HEAD}${dots(GRID)}`,
};
const lookCard = (value, text) => `
  <label class="look-card"><input type="radio" name="look" value="${value}">
    <svg viewBox="0 0 64 48" aria-hidden="true">${LOOK_PICTURES[value]}</svg><span>${text}</span></label>`;

/** The element's shadow tree. */
export const TEMPLATE = document.createElement('template');
TEMPLATE.innerHTML = `
<div class="app" part="app" data-controls="technician" data-screen="photo">
  <div class="top">
    <img class="logo" part="logo" hidden alt="">
    <ol class="steps" aria-label="Steps">
      <li data-step="photo" aria-current="step">1. Photo</li>
      <li data-step="area">2. Area</li>
      <li data-step="result">3. Result</li>
    </ol>
  </div>
  <section class="start" part="start">
    <h2 tabindex="-1">See scalp micropigmentation on your own photo</h2>
    <p class="hint">Take or choose a clear photo of the thin or bald area. We find the area for you.</p>
    <div class="start-actions">
      <label class="button primary camera">Take a photo<input class="file camera-file" type="file" accept="image/*" capture="environment" aria-label="Take a photo with the camera"></label>
      <label class="button primary choose">Choose a photo<input class="file photo-file" type="file" accept="image/*" aria-label="Choose a photo"></label>
      <button type="button" class="primary continue" hidden>Continue with this photo</button>
      <button type="button" class="sample">Try a sample photo</button>
    </div>
    <p class="hint drop-hint">or drop a photo here, or paste one.</p>
    <details class="tips">
      <summary>How to take a good photo</summary>
      <ul>
        <li>Use good, even light: face a window or stand under a ceiling light, without flash.</li>
        <li>Hold the phone about 30 cm away, straight over the thin area.</li>
        <li>Comb or part your hair away from the thin area so the scalp shows.</li>
      </ul>
    </details>
  </section>
  <div class="work" hidden>
    <div class="view-col">
      <div class="room" aria-hidden="true"></div>
      <p class="step-hint" tabindex="-1"></p>
      <div class="stage-wrap">
        <div class="stage" part="stage" data-tool="compare">
          <div class="layer before-layer"><div class="view">
            <canvas class="before" aria-hidden="true"></canvas><canvas class="detail before-detail" hidden aria-hidden="true"></canvas>
          </div></div>
          <div class="layer after-layer"><div class="view">
            <canvas class="after" role="img" aria-label="Your photo with the simulated pigment"></canvas><canvas class="detail after-detail" hidden aria-hidden="true"></canvas>
          </div></div>
          <div class="layer overlay-layer"><div class="view"><canvas class="overlay" aria-hidden="true"></canvas></div></div>
          <div class="layer marks-layer"><div class="view">
            <svg class="measure" hidden aria-hidden="true" preserveAspectRatio="none"><line class="measure-line"></line></svg>
            <svg class="hairline" hidden aria-hidden="true" preserveAspectRatio="none"><polyline class="hairline-curve"></polyline></svg>
          </div></div>
          <span class="label before">Before</span>
          <span class="label after-label">After</span>
          <div class="divider">
            <div class="handle" role="slider" tabindex="0" aria-label="Before and after divider"
                 aria-valuemin="0" aria-valuemax="100" aria-valuenow="50" aria-valuetext="50% before">&#x2194;</div>
          </div>
        </div>
        <p class="status" role="status" aria-live="polite"></p>
      </div>
      <div class="stage-bar">
        <button type="button" class="zoom-reset" hidden aria-keyshortcuts="0">Reset zoom</button>
      </div>
      <div class="client-area">
        <div class="choice-row">
          <button type="button" class="primary accept">Looks right</button>
          <button type="button" class="adjust" aria-expanded="false">Adjust</button>
        </div>
        <div class="adjust-slot" hidden></div>
      </div>
      <div class="client-result">
        <fieldset class="looks">
          <legend>Choose a look</legend>
          ${lookCard('patch', 'Fill my patches')}
          ${lookCard('density', 'Through my hair')}
          ${lookCard('full', 'Buzz cut')}
        </fieldset>
        <p class="matched hint" hidden>We matched the shade and the dots to your hair. Change them if you like.</p>
        <label class="range"><span>Lighter</span><input type="range" class="client-shade" aria-label="Lighter or darker"><span>Darker</span></label>
        <label class="range"><span>Fewer dots</span><input type="range" class="client-density" aria-label="Fewer or more dots"><span>More dots</span></label>
      </div>
      <div class="actions">
        <button type="button" class="hold" aria-label="Hold to see before">Hold to see before</button>
        <button type="button" class="primary download">Download image</button>
        <button type="button" class="share" hidden>Share</button>
        <a class="button primary cta" hidden part="cta"></a>
        <button type="button" class="change-area">Change the area</button>
      </div>
    </div>
    <div class="bench" part="bench">
      <details class="section area-section" open>
        <summary>Area</summary>
        <button type="button" class="primary find">Find bald areas</button>
        <div class="tools" role="toolbar" aria-label="Area tools">
          <button type="button" class="tool" data-tool="compare" aria-pressed="true" title="Drag across the photo to compare; the page still scrolls">Compare</button>
          <button type="button" class="tool" data-tool="tap" aria-pressed="false">Tap a patch</button>
          <button type="button" class="tool" data-tool="paint" aria-pressed="false">Paint</button>
          <button type="button" class="tool" data-tool="erase" aria-pressed="false">Erase</button>
          <label class="inline brush-label">Brush <input class="brush" type="range" min="8" max="160" step="1" value="48" aria-label="Brush size"></label>
          <label class="inline hardness-label">Edge <input class="hardness" type="range" min="0" max="1" step="0.05" value="0.5" aria-label="Brush edge, soft to hard"></label>
          <button type="button" class="undo" aria-keyshortcuts="Control+Z" disabled>Undo</button>
          <button type="button" class="redo" aria-keyshortcuts="Control+Shift+Z" disabled>Redo</button>
          <button type="button" class="invert">Invert</button>
          <button type="button" class="clear">Clear area</button>
          <label class="inline"><input class="show-area" type="checkbox" checked> Show area</label>
        </div>
      </details>
      <details class="section look-section" open>
        <summary>Look</summary>
        <div class="presets">
          <label class="inline">Preset
            <select class="preset" aria-label="Apply a preset"></select>
          </label>
          <button type="button" class="save-preset">Save as preset</button>
          <form class="preset-form" hidden>
            <input class="preset-name" type="text" maxlength="40" required aria-label="Name of the new preset" placeholder="Preset name">
            <button type="submit" class="primary">Save</button>
            <button type="button" class="preset-cancel">Cancel</button>
          </form>
        </div>
        <p class="matched hint" hidden>Matched to the photo: <span class="matched-reason"></span></p>
        <div class="controls look-controls"></div>
      </details>
      <details class="section plan-section" open>
        <summary>Treatment plan</summary>
        <div class="controls plan-controls"></div>
      </details>
      <details class="section scale-section" open>
        <summary>Scale and hairline</summary>
        <div class="tools">
          <button type="button" class="tool" data-tool="measure" aria-pressed="false" title="Draw a line over something of known length to set the scale">Measure</button>
          <button type="button" class="tool" data-tool="hairline" aria-pressed="false" title="Design the front hairline of a buzz-cut look">Hairline</button>
          <label class="inline hairline-style-label" hidden>Hairline
            <select class="hairline-style" aria-label="Hairline style">
              <option value="soft">Soft (feathered)</option>
              <option value="defined">Defined</option>
              <option value="broken">Broken</option>
            </select>
          </label>
        </div>
        <label class="inline"><input class="keep-scale" type="checkbox"> Keep this scale for the next photo</label>
        <form class="calibrate" hidden>
          <label class="inline">The line is
            <input class="calibrate-length" type="number" min="0.1" step="any" required aria-label="Length of the line">
          </label>
          <select class="calibrate-unit" aria-label="Unit"><option value="mm">mm</option><option value="cm">cm</option></select>
          <span>long.</span>
          <button type="submit" class="primary">Set scale</button>
          <button type="button" class="calibrate-cancel">Cancel</button>
        </form>
      </details>
      <details class="section export-section" open>
        <summary>Export and compare</summary>
        <div class="tools">
          <label class="inline">Save
            <select class="layout" aria-label="What to save">
              <option value="after">After only</option>
              <option value="side-by-side">Before and after</option>
            </select>
          </label>
          <label class="inline">View
            <select class="compare-mode" aria-label="How to compare">
              <option value="wipe">Wipe</option>
              <option value="side-by-side">Side by side</option>
            </select>
          </label>
          <button type="button" class="save-settings">Save settings</button>
          <label class="button">Load settings<input class="file settings-file" type="file" accept=".json,application/json,image/png" aria-label="Load settings from a file"></label>
          <button type="button" class="new-photo">New photo</button>
        </div>
      </details>
      <details class="section keys">
        <summary>Keyboard shortcuts</summary>
        <dl>
          <dt>Ctrl+Z</dt><dd>Undo a change of the area</dd>
          <dt>Ctrl+Shift+Z</dt><dd>Redo</dd>
          <dt>+ / −</dt><dd>Zoom in / out</dd>
          <dt>0</dt><dd>Reset zoom</dd>
          <dt>Arrow keys</dt><dd>Pan a zoomed view; on the divider, move it</dd>
          <dt>Home / End</dt><dd>On the divider: all after / all before</dd>
        </dl>
      </details>
    </div>
  </div>
  <p class="privacy">Your photo stays on this device: nothing is uploaded.</p>
</div>`;
