// Full-resolution rendering off the page's main thread, so an export of a
// large photo never freezes the page. One request per worker: the page
// terminates the worker afterwards, which returns all of its memory.
import init, { Engine } from './pkg/smp_visualiser.js';

const ready = init({ module_or_path: new URL('./pkg/smp_visualiser_bg.wasm', import.meta.url) });

self.onmessage = async ({ data }) => {
  const { rgba, width, height, mask, names, values } = data;
  try {
    const wasm = await ready;
    const engine = new Engine();
    engine.setSettings(names, values);
    engine.loadImage(rgba, width, height, 1);
    engine.setMask(mask);
    const ptr = engine.renderFull();
    const pixels = new Uint8ClampedArray(wasm.memory.buffer, ptr, width * height * 4).slice();
    engine.free();
    self.postMessage({ ok: true, pixels }, [pixels.buffer]);
  } catch (e) {
    self.postMessage({ ok: false, code: e?.code ?? 'internal', message: e?.message ?? String(e) });
  }
};
