//! The wasm boundary: a thin handle around [`Engine`] for JavaScript.
//!
//! Long-lived data (photo, area, results) stays in Rust; JavaScript reads
//! results through views on wasm memory at `*_ptr()`, which it must rebuild
//! after every call (any call may grow memory and detach old views), or has
//! the preview put into its canvas from here (`drawPreview`, with `web-sys`).
//! Small results cross as named plain objects typed in the `.d.ts`
//! (`PreviewChange`, `History`). Errors come back as JS `Error`s with a
//! stable `code` property, never as panics.

use wasm_bindgen::prelude::*;

use crate::engine::Engine as Core;
use crate::error::{ErrorCode, SmpError};
use crate::raster::{Mask, Rgba8Image};
use crate::render::Band;
use crate::Stroke;

mod canvas;
mod handoff;
use canvas::{no_preview, put_rect};

#[wasm_bindgen(typescript_custom_section)]
const NAMED_RESULTS: &str = r#"
/** The preview rectangle a render changed (`x1`, `y1` one past its last
 * column and row; empty when `x1 <= x0` or `y1 <= y0`), and the preview's
 * size it lies in. */
export interface PreviewChange {
  x0: number; y0: number; x1: number; y1: number;
  width: number; height: number;
}
/** How many steps of area editing can be undone and redone. */
export interface History { undo: number; redo: number; }
"#;

#[wasm_bindgen]
extern "C" {
    /// A plain object typed as `PreviewChange` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "PreviewChange")]
    pub type PreviewChange;
    /// A plain object typed as `History` in the `.d.ts`.
    #[wasm_bindgen(typescript_type = "History")]
    pub type History;
}

/// A plain object with these number fields, one call across the boundary
/// where a class would cost one call a field.
fn named<T: JsCast>(fields: &[(&str, f64)]) -> T {
    let out = js_sys::Object::new();
    for (k, v) in fields {
        // Setting a field on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&out, &(*k).into(), &(*v).into());
    }
    out.unchecked_into()
}

/// Installs the panic hook so a bug shows a readable message in the console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// A value as a script wrote it, for a message (JSON where it has one).
fn describe(value: &JsValue) -> String {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "that".to_string())
}

fn to_js(e: SmpError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    err.into()
}

/// Room in wasm memory for a `width`×`height` photo and what loading it
/// makes, or an `out-of-memory` error now rather than an abort later.
fn room_for_photo(width: u32, height: u32) -> Result<(), JsValue> {
    let per_px = crate::error::PHOTO_BYTES_PER_PX;
    crate::error::ensure_room_for(width, height, per_px, "photo").map_err(to_js)
}

/// The settings table as JSON: name, label, unit, min, max, step, default,
/// help, choices (names for a setting whose value is a choice index), and
/// stops (named values: the shade stops; empty for other settings).
#[wasm_bindgen(js_name = settingsSchema)]
pub fn settings_schema() -> String {
    crate::settings::schema_json()
}

/// The version of the look's calibration (see `look::LOOK_VERSION`): the
/// same settings render differently under another version, so saved
/// settings records can carry it.
#[wasm_bindgen(js_name = lookVersion)]
pub fn look_version() -> u32 {
    crate::look::LOOK_VERSION
}

/// The built-in presets as JSON: `[{ name, group, settings }]`, the one
/// table the CLI's `--preset` uses too.
#[wasm_bindgen(js_name = presetsJson)]
pub fn presets_json() -> String {
    crate::presets::presets_json()
}

/// The named shade stops as JSON (the same array as the `stops` of the
/// `shade` row of `settingsSchema()`).
#[wasm_bindgen(js_name = shadeStops)]
pub fn shade_stops() -> String {
    crate::settings::shade_stops_json()
}

/// The size a photo of `width`×`height` is worked on at (`[w, h]`): its own,
/// or the largest within the engine's limits with the same aspect.
#[wasm_bindgen(js_name = workingSize)]
pub fn working_size(width: u32, height: u32) -> Vec<u32> {
    let (w, h) = crate::raster::working_size(width, height);
    vec![w, h]
}

/// Refuses (as an `image-too-large` error) a size read from a file's header
/// that is too large to decode at all.
#[wasm_bindgen(js_name = checkDecodeSize)]
pub fn check_decode_size(width: u32, height: u32) -> Result<(), JsValue> {
    crate::raster::check_decode_size(width, height).map_err(to_js)
}

/// Reads a photo file's format and size from its header, before anything is
/// decoded (the same sniffer as `smp`'s, so a file gets the same code in the
/// page and the command line). `head` is the file's first bytes (start with
/// `sniffHeadBytes()`), `tail` its last `min(size, 65536)` bytes (or empty
/// when `head` is the whole file), `size` the file's length.
///
/// Returns `{ format, width, height, turned }` (`format`: `png`, `jpeg`,
/// `gif`, `webp`, `bmp`, `avif` or `heic`; the size as stored, before EXIF
/// orientation; `turned`: the orientation turns it a quarter, so upright
/// its sides are swapped, read for JPEG only), or `{ needHead: n }`: call again with the first `n` bytes
/// (at most 16 MiB). Throws an `Error` with `code` `empty-file`,
/// `not-an-image`, `truncated-file`, `unsupported-format` (TIFF, SVG) or
/// `image-too-large`; `bad-image` means the arguments broke this contract.
#[wasm_bindgen(js_name = sniffImage)]
pub fn sniff_image(head: &[u8], tail: &[u8], size: f64) -> Result<JsValue, JsValue> {
    use crate::sniff::{sniff_image, FileBytes, Sniffed};
    let file = FileBytes::parts(head, tail, size as u64).map_err(to_js)?;
    let out = js_sys::Object::new();
    let set = |k: &str, v: JsValue| js_sys::Reflect::set(&out, &k.into(), &v).map(|_| ());
    match sniff_image(&file).map_err(to_js)? {
        Sniffed::Image(info) => {
            set("format", info.format.as_str().into())?;
            set("width", info.width.into())?;
            set("height", info.height.into())?;
            set("turned", info.turned.into())?;
        }
        Sniffed::NeedHead(n) => set("needHead", (n as f64).into())?,
    }
    Ok(out.into())
}

/// How many of a file's first bytes to pass to `sniffImage` first.
#[wasm_bindgen(js_name = sniffHeadBytes)]
pub fn sniff_head_bytes() -> f64 {
    crate::sniff::FIRST_HEAD_BYTES as f64
}

/// Checks that `width`×`height` pixels of `bytes_per_px` bytes each (and
/// 16 MB besides) can be allocated now: an `out-of-memory` error if not.
#[wasm_bindgen(js_name = ensureRoom)]
pub fn ensure_room(width: u32, height: u32, bytes_per_px: u32) -> Result<(), JsValue> {
    let bytes = width as u64 * height as u64 * bytes_per_px as u64 + (16 << 20);
    let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
    crate::error::ensure_room(bytes, "photo").map_err(to_js)
}

/// Checks that a full-resolution render of a `width`×`height` photo fits
/// now: an `out-of-memory` error if not.
#[wasm_bindgen(js_name = ensureRoomForRender)]
pub fn ensure_room_for_render(width: u32, height: u32) -> Result<(), JsValue> {
    crate::error::ensure_room_for(
        width,
        height,
        crate::error::FULL_RENDER_BYTES_PER_PX,
        "full-size image",
    )
    .map_err(to_js)
}

/// Checks that a new photo's first steps in the worker (`loadImage`, the
/// proposal, `preparedState`) and later full-resolution renders of it fit
/// now, reserving room for both at once: the hand-off's copies come on top
/// of a render's needs, and room reserved once, for the largest photo,
/// keeps the worker's memory from growing by pieces with later photos.
#[wasm_bindgen(js_name = ensureRoomForPrepare)]
pub fn ensure_room_for_prepare(width: u32, height: u32) -> Result<(), JsValue> {
    crate::error::ensure_room_for(
        width,
        height,
        crate::error::FULL_RENDER_BYTES_PER_PX + crate::error::PHOTO_BYTES_PER_PX,
        "photo",
    )
    .map_err(to_js)
}

/// Longest side of the page's live preview, in pixels (exports are always
/// full size).
#[wasm_bindgen(js_name = previewSidePx)]
pub fn preview_side_px() -> u32 {
    crate::DEFAULT_PREVIEW_SIDE_PX
}

/// The size of the preview a `width`×`height` photo gets for a longest
/// side of `side_px` (as `Engine::setPreviewSide` makes it): `[width,
/// height]`. The page sizes the stage from it, a screen pixel each.
#[wasm_bindgen(js_name = previewSizeFor)]
pub fn preview_size_for(width: u32, height: u32, side_px: u32) -> Vec<u32> {
    let (w, h) = crate::raster::fit_size(width, height, side_px.max(1));
    vec![w, h]
}

/// One engine: a photo, its area, its settings.
#[wasm_bindgen]
pub struct Engine {
    core: Core,
}

#[wasm_bindgen]
impl Engine {
    /// A new engine with default settings and no photo.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Engine {
        Engine { core: Core::new() }
    }

    /// Loads a photo from straight RGBA bytes; starts an empty area. One
    /// call makes room for it: the old photo's undo steps and caches go
    /// first, then memory for the photo and its caches is checked (an
    /// `out-of-memory` error, with the earlier photo, area and settings
    /// kept), and only then are the bytes copied in. The bytes are taken
    /// as a reference, not as a `Vec`: wasm-bindgen's own copy of a `Vec`
    /// argument is made before any of this runs, and aborts when memory is
    /// short.
    /// With `unseen`, for an engine that prepares the photo for another
    /// (`preparedState`) and does not draw it: its preview is made only if
    /// it is drawn (the page makes its own meanwhile, `stagePhoto`).
    #[wasm_bindgen(js_name = loadImage)]
    pub fn load_image(
        &mut self,
        rgba: &js_sys::Uint8Array,
        width: u32,
        height: u32,
        preview_side_px: u32,
        unseen: Option<bool>,
    ) -> Result<(), JsValue> {
        let photo = self.photo_in(rgba, width, height)?;
        if unseen == Some(true) {
            self.core.load_image_unseen(photo, preview_side_px)
        } else {
            self.core.load_image(photo, preview_side_px)
        }
        .map_err(to_js)
    }

    /// A new photo's bytes copied in, once its buffer is checked and room
    /// is made for it and its caches.
    fn photo_in(
        &mut self,
        rgba: &js_sys::Uint8Array,
        width: u32,
        height: u32,
    ) -> Result<Rgba8Image, JsValue> {
        let len = rgba.length() as usize;
        Rgba8Image::check_buffer(width, height, len).map_err(to_js)?;
        // Without this, the load would need room for two photos' state at
        // once, a peak that wasm memory (which only grows) would keep.
        self.core.make_room_for_load();
        room_for_photo(width, height)?;
        let mut bytes = crate::error::try_zeroed::<u8>(len, "photo").map_err(to_js)?;
        rgba.copy_to(&mut bytes);
        Rgba8Image::new(width, height, bytes).map_err(to_js)
    }

    /// Forgets a given scale: the next photo gets its own estimate.
    #[wasm_bindgen(js_name = forgetScale)]
    pub fn forget_scale(&mut self) {
        self.core.forget_scale();
    }

    /// Whether the scale was given (measured or set) rather than estimated.
    #[wasm_bindgen(js_name = scaleGiven)]
    pub fn scale_given(&self) -> bool {
        self.core.scale_given()
    }

    /// Loads the synthetic sample scalp photo (see `smp sample`); starts an empty area.
    #[wasm_bindgen(js_name = loadSample)]
    pub fn load_sample(
        &mut self,
        width: u32,
        height: u32,
        seed: u32,
        preview_side_px: u32,
    ) -> Result<(), JsValue> {
        self.core.make_room_for_load();
        let sample = crate::sample::sample_scalp(width, height, seed).map_err(to_js)?;
        self.core
            .load_image(sample.photo, preview_side_px)
            .map_err(to_js)
    }

    /// Applies settings by name; all or none.
    #[wasm_bindgen(js_name = setSettings)]
    pub fn set_settings(&mut self, names: Vec<String>, values: Vec<f64>) -> Result<(), JsValue> {
        if names.len() != values.len() {
            return Err(to_js(SmpError::new(
                ErrorCode::InvalidSetting,
                "Each setting needs one value.",
            )));
        }
        let pairs: Vec<(&str, f64)> = names.iter().map(String::as_str).zip(values).collect();
        self.core.set_settings(&pairs).map_err(to_js)
    }

    /// Every setting's value, in the order of `settingsSchema()` (choices
    /// as their index): one call where a slider tick would take one a setting.
    #[wasm_bindgen(js_name = settingValues)]
    pub fn setting_values(&self) -> Vec<f64> {
        crate::settings::SETTINGS
            .iter()
            .map(|s| self.core.setting(s.name).unwrap_or(f64::NAN))
            .collect()
    }

    /// Applies settings as scripts give them (`el.setSettings`): each value a
    /// number, or for a choice setting (`mode`, `healing`) one of its names;
    /// all or none. Returns every setting's value afterwards, as
    /// `settingValues()` would, so the controls need not ask again. Errors:
    /// `unknown-setting`, `invalid-setting`.
    #[wasm_bindgen(js_name = setSettingsByName)]
    pub fn set_settings_by_name(
        &mut self,
        names: Vec<String>,
        values: js_sys::Array,
    ) -> Result<Vec<f64>, JsValue> {
        if names.len() != values.length() as usize {
            return Err(to_js(SmpError::new(
                ErrorCode::InvalidSetting,
                "Each setting needs one value.",
            )));
        }
        let mut pairs = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let value = values.get(i as u32);
            let spec = crate::settings::Settings::check(
                name,
                crate::settings::spec(name).map_or(0.0, |s| s.default),
            )
            .map_err(to_js)?;
            let number = match (value.as_f64(), value.as_string()) {
                (Some(n), _) if spec.choices.is_empty() => n,
                (_, Some(text)) => {
                    crate::settings::Settings::choice_value(name, &text).map_err(to_js)?
                }
                _ => {
                    let expected = if spec.choices.is_empty() {
                        "a number".to_string()
                    } else {
                        format!("one of {}", spec.choices.join(", "))
                    };
                    return Err(to_js(SmpError::new(
                        ErrorCode::InvalidSetting,
                        format!("{name} must be {expected}, not {}.", describe(&value)),
                    )));
                }
            };
            pairs.push((name.as_str(), number));
        }
        self.core.set_settings(&pairs).map_err(to_js)?;
        Ok(self.setting_values())
    }

    /// A setting's value (NaN for an unknown name).
    pub fn setting(&self, name: &str) -> f64 {
        self.core.setting(name).unwrap_or(f64::NAN)
    }

    /// Width of the full photo.
    pub fn width(&self) -> u32 {
        self.core.size().0
    }

    /// Height of the full photo.
    pub fn height(&self) -> u32 {
        self.core.size().1
    }

    /// Redraws the live preview at most `preview_side_px` on its longest
    /// side (the size it is shown at, in device pixels); true when its size
    /// changed (the canvases must then be resized and the before redrawn).
    #[wasm_bindgen(js_name = setPreviewSide)]
    pub fn set_preview_side(&mut self, preview_side_px: u32) -> Result<bool, JsValue> {
        self.core
            .set_preview_side_px(preview_side_px)
            .map_err(to_js)
    }

    /// Width of the preview.
    #[wasm_bindgen(js_name = previewWidth)]
    pub fn preview_width(&self) -> u32 {
        self.core.preview_size().0
    }

    /// Height of the preview.
    #[wasm_bindgen(js_name = previewHeight)]
    pub fn preview_height(&self) -> u32 {
        self.core.preview_size().1
    }

    /// Replaces the area with per-pixel weights (full size, one byte each).
    #[wasm_bindgen(js_name = setMask)]
    pub fn set_mask(&mut self, weights: Vec<u8>) -> Result<(), JsValue> {
        let (w, h) = self.core.size();
        let mask = Mask::new(w, h, weights).map_err(to_js)?;
        self.core.set_mask(mask).map_err(to_js)
    }

    /// Clears the area.
    #[wasm_bindgen(js_name = clearMask)]
    pub fn clear_mask(&mut self) -> Result<(), JsValue> {
        self.core.clear_mask().map_err(to_js)
    }

    /// Paints (or erases) a segment in full-size pixels; returns whether
    /// anything inside the photo was touched. Flat numbers rather than an
    /// object: this is called for every pointer move.
    #[allow(clippy::too_many_arguments)]
    pub fn paint(
        &mut self,
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        radius_px: f64,
        hardness: f64,
        erase: bool,
    ) -> Result<bool, JsValue> {
        let stroke = Stroke {
            x0,
            y0,
            x1,
            y1,
            radius_px,
            hardness,
            erase,
        };
        Ok(self.core.paint(&stroke).map_err(to_js)?.is_some())
    }

    /// Remembers the area as one undo step (call before each user edit).
    pub fn checkpoint(&mut self) -> Result<(), JsValue> {
        self.core.checkpoint().map_err(to_js)
    }

    /// Undoes one step of area editing; false when there is none.
    pub fn undo(&mut self) -> Result<bool, JsValue> {
        self.core.undo().map_err(to_js)
    }

    /// Redoes one undone step; false when there is none.
    pub fn redo(&mut self) -> Result<bool, JsValue> {
        self.core.redo().map_err(to_js)
    }

    /// The undo and redo steps available: `{ undo, redo }`.
    pub fn history(&self) -> History {
        let (undo, redo) = self.core.history();
        named(&[("undo", undo as f64), ("redo", redo as f64)])
    }

    /// Inverts the area.
    #[wasm_bindgen(js_name = invertMask)]
    pub fn invert_mask(&mut self) -> Result<(), JsValue> {
        self.core.invert_mask().map_err(to_js)
    }

    /// Finds bald scalp: everywhere with no taps, else under the taps
    /// (`[x0, y0, x1, y1, …]` in full-size pixels); replaces the area, or
    /// adds to it with `add`.
    #[wasm_bindgen(js_name = detectArea)]
    pub fn detect_area(&mut self, taps: Vec<f64>, add: bool) -> Result<(), JsValue> {
        let taps: Vec<(f64, f64)> = taps.chunks_exact(2).map(|p| (p[0], p[1])).collect();
        self.core.detect_area(&taps, add).map_err(to_js)
    }

    /// Shapes the area with a designed hairline: handles `[x0, y0, x1, y1, …]`
    /// in full-size pixels, style `soft`, `defined` or `broken`.
    #[wasm_bindgen(js_name = designHairline)]
    pub fn design_hairline(&mut self, handles: Vec<f64>, style: &str) -> Result<(), JsValue> {
        let style = crate::hairline::HairlineStyle::parse(style).map_err(to_js)?;
        let handles: Vec<(f64, f64)> = handles.chunks_exact(2).map(|p| (p[0], p[1])).collect();
        self.core.design_hairline(&handles, style).map_err(to_js)
    }

    /// Ends designing the hairline.
    #[wasm_bindgen(js_name = finishHairline)]
    pub fn finish_hairline(&mut self) {
        self.core.finish_hairline();
    }

    /// Default hairline handles for the photo: `[x0, y0, …]`.
    #[wasm_bindgen(js_name = defaultHairline)]
    pub fn default_hairline(&self) -> Vec<f64> {
        let (w, h) = self.core.size();
        crate::hairline::default_handles(w, h)
            .into_iter()
            .flat_map(|(x, y)| [x, y])
            .collect()
    }

    /// Whether any pixel is in the area (without copying it out).
    #[wasm_bindgen(js_name = hasArea)]
    pub fn has_area(&self) -> bool {
        self.core.mask().is_ok_and(|m| !m.is_empty())
    }

    /// Copies out the full-size area weights.
    pub fn mask(&self) -> Result<Vec<u8>, JsValue> {
        let weights = &self.core.mask().map_err(to_js)?.weights;
        crate::error::try_copy(weights, "treatment area").map_err(to_js)
    }

    /// Pointer to the preview-size area weights (one byte per pixel).
    #[wasm_bindgen(js_name = previewMaskPtr)]
    pub fn preview_mask_ptr(&mut self) -> Result<*const u8, JsValue> {
        Ok(self.core.preview_mask().map_err(to_js)?.weights.as_ptr())
    }

    /// Pointer to the untouched preview photo (RGBA).
    #[wasm_bindgen(js_name = previewBeforePtr)]
    pub fn preview_before_ptr(&self) -> Result<*const u8, JsValue> {
        Ok(self.core.preview_before().map_err(to_js)?.pixels.as_ptr())
    }

    /// Whether every pixel of the preview photo is fully opaque (see
    /// [`Rgba8Image::is_opaque`]).
    #[wasm_bindgen(js_name = previewIsOpaque)]
    pub fn preview_is_opaque(&self) -> Result<bool, JsValue> {
        Ok(self.core.preview_before().map_err(to_js)?.is_opaque())
    }

    /// Pointer to the untouched full photo (RGBA).
    #[wasm_bindgen(js_name = beforePtr)]
    pub fn before_ptr(&self) -> Result<*const u8, JsValue> {
        Ok(self.core.before().map_err(to_js)?.pixels.as_ptr())
    }

    /// Builds the per-photo caches (pattern, skin analysis) ahead of rendering.
    pub fn warm(&mut self) -> Result<(), JsValue> {
        self.core.warm().map_err(to_js)
    }

    /// Renders the preview; returns a pointer to its RGBA pixels.
    #[wasm_bindgen(js_name = renderPreview)]
    pub fn render_preview(&mut self) -> Result<*const u8, JsValue> {
        Ok(self.core.render_preview().map_err(to_js)?.as_ptr())
    }

    /// The preview rectangle the last `renderPreview` changed, with the
    /// preview's size.
    #[wasm_bindgen(js_name = lastPreviewChange)]
    pub fn last_preview_change(&self) -> PreviewChange {
        let [x0, y0, x1, y1] = self.core.last_preview_change();
        let (w, h) = self.core.preview_size();
        named(&[
            ("x0", x0.into()),
            ("y0", y0.into()),
            ("x1", x1.into()),
            ("y1", y1.into()),
            ("width", w.into()),
            ("height", h.into()),
        ])
    }

    /// Renders the preview and puts the rectangle that changed into `ctx`
    /// (a canvas of the preview's size) at the same place; returns that
    /// rectangle. One call a frame, and no view on wasm memory for the page
    /// to rebuild: the canvas reads the pixels where they are.
    #[wasm_bindgen(js_name = drawPreview)]
    pub fn draw_preview(
        &mut self,
        ctx: &web_sys::CanvasRenderingContext2d,
    ) -> Result<PreviewChange, JsValue> {
        let size = self.core.preview_size();
        let (pixels, rect) = self.core.render_preview_change().map_err(to_js)?;
        put_rect(ctx, pixels, size, rect)?;
        Ok(self.last_preview_change())
    }

    /// Renders the preview compositing only the rows `y0..y1` from column
    /// `x0` on: the worker's engine, in the same state, composites the
    /// other rows at the same time, and the page puts them on the canvas
    /// beside these; the columns left of `x0` are hidden behind the
    /// before-side. Puts nothing on a canvas (a frame is shown only whole,
    /// see `drawPreviewRect`); returns the rectangle that changed.
    #[wasm_bindgen(js_name = renderPreviewBand)]
    pub fn render_preview_band(
        &mut self,
        x0: u32,
        y0: u32,
        y1: u32,
    ) -> Result<PreviewChange, JsValue> {
        self.core
            .render_preview_band(Some(Band { x0, y0, y1 }))
            .map_err(to_js)?;
        Ok(self.last_preview_change())
    }

    /// Puts the rectangle `x0..x1` × `y0..y1` of the preview as it is now
    /// into `ctx` (a canvas of the preview's size), at the same place.
    #[wasm_bindgen(js_name = drawPreviewRect)]
    pub fn draw_preview_rect(
        &self,
        ctx: &web_sys::CanvasRenderingContext2d,
        x0: u32,
        y0: u32,
        x1: u32,
        y1: u32,
    ) -> Result<(), JsValue> {
        let pixels = self
            .core
            .preview_pixels()
            .ok_or_else(|| to_js(no_preview()))?;
        put_rect(ctx, pixels, self.core.preview_size(), [x0, y0, x1, y1])
    }

    /// A number that changes with every edit of the area (see
    /// `Engine::area_version`): the page shares frames with the worker
    /// only while the worker holds the area of this number.
    #[wasm_bindgen(js_name = areaVersion)]
    pub fn area_version(&self) -> f64 {
        self.core.area_version() as f64
    }

    /// Pointer to the preview as last rendered (RGBA).
    #[wasm_bindgen(js_name = previewPtr)]
    pub fn preview_ptr(&self) -> Result<*const u8, JsValue> {
        let pixels = self
            .core
            .preview_pixels()
            .ok_or_else(|| to_js(no_preview()))?;
        Ok(pixels.as_ptr())
    }

    /// Renders the full-size result; returns a pointer to its RGBA pixels.
    #[wasm_bindgen(js_name = renderFull)]
    pub fn render_full(&mut self) -> Result<*const u8, JsValue> {
        Ok(self.core.render_full().map_err(to_js)?.as_ptr())
    }

    /// Settings suggested from the photo's hair and skin, as a JSON object:
    /// `{"densityPerCm2":…,"dotDiameterMm":…,"shade":…,"reason":"…"}`. The
    /// hair is read around the area, or (with no area) around the bald
    /// patches detection finds. Never throws: a photo with no hair or skin,
    /// or no photo, gives the defaults and a reason saying so.
    #[wasm_bindgen(js_name = suggestSettings)]
    pub fn suggest_settings(&self) -> String {
        self.core.suggest_settings().to_json()
    }

    /// Frees the full-size result after an export.
    #[wasm_bindgen(js_name = releaseFull)]
    pub fn release_full(&mut self) {
        self.core.release_full();
    }

    /// Frees the preview's result and caches; the next preview render
    /// builds them again.
    #[wasm_bindgen(js_name = releasePreview)]
    pub fn release_preview(&mut self) {
        self.core.release_preview();
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}
