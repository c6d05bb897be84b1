//! The long-lived engine: one photo, its treatment area and settings, and the
//! caches that make re-rendering cheap. The wasm module and the CLI both drive
//! this same type, so the browser and the command line give the same pixels.
//!
//! What is cached, and what invalidates it:
//! - the dot pattern, the skin analysis and which dots sit on bare scalp:
//!   the photo, the seed and the scale;
//! - which dots are shown: the look's density and mode, and the area;
//! - per resolution ([`Layer`]): the drawn dots (updated by difference), their
//!   shape, and the shade table.

use crate::analysis::{self, AreaFeather, Skin};
use crate::brush::{self, DirtyRect, Stroke};
use crate::color::Transfer;
use crate::detect::{self, Tap};
use crate::error::{try_copy, try_zeroed, ErrorCode, SmpError};
use crate::hairline::{self, HairlineStyle};
use crate::history::History;
use crate::placement::{self, Placement};
use crate::raster::{Mask, Rgba8Image};
use crate::render::{self, DotContext, Layer, LayerInput, Look, Rect};
use crate::settings::{Mode, Settings};
use crate::suggest::{self, Suggestion};

/// Longest side of the live preview when none is asked for, in pixels.
pub const DEFAULT_PREVIEW_SIDE_PX: u32 = 1600;
/// Undo steps kept (within a byte budget, see [`History`]).
pub const UNDO_STEPS: usize = 100;

/// Caches that depend on the photo, the seed and the scale.
struct Pattern {
    seed: u32,
    px_per_mm: f64,
    placement: Placement,
    skin: Skin,
    on_scalp: Vec<bool>,
    feather: AreaFeather,
}

struct Loaded {
    full: Rgba8Image,
    preview: Rgba8Image,
    mask: Mask,
    preview_mask: Mask,
    /// Where the mask changed (full-resolution pixels) since each layer's
    /// last update, and since the preview mask was last reduced.
    pending_preview: Rect,
    pending_full: Rect,
    pending_preview_mask: Rect,
    pattern: Option<Pattern>,
    /// Each dot's share of the area, the look it was computed for, and where
    /// (full pixels) the area changed since.
    weights: Vec<f32>,
    weights_mode: Option<Mode>,
    pending_weights: Rect,
    weights_version: u64,
    visible: Vec<bool>,
    visible_key: Option<(u32, u64)>,
    history: History,
    /// The area before the hairline being designed was applied to it.
    hairline_base: Option<Vec<u8>>,
    preview_layer: Option<Layer>,
    full_layer: Option<Layer>,
    last_preview_change: Rect,
}

/// A photo with its area and settings; renders the preview and the export.
pub struct Engine {
    settings: Settings,
    transfer: Transfer,
    loaded: Option<Loaded>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

fn no_image() -> SmpError {
    SmpError::new(ErrorCode::NoImage, "Choose a photo first.")
}

fn whole(w: u32, h: u32) -> Rect {
    Rect {
        x0: 0,
        y0: 0,
        x1: w,
        y1: h,
    }
}

/// Maps a full-resolution rectangle to a layer of scale `(sx, sy)` full
/// pixels per layer pixel, widened to whole layer pixels.
fn to_layer(r: Rect, sx: f64, sy: f64, w: u32, h: u32) -> Rect {
    if r.is_empty() {
        return r;
    }
    Rect {
        x0: (r.x0 as f64 / sx).floor() as u32,
        y0: (r.y0 as f64 / sy).floor() as u32,
        x1: ((r.x1 as f64 / sx).ceil() as u32 + 1).min(w),
        y1: ((r.y1 as f64 / sy).ceil() as u32 + 1).min(h),
    }
}

/// Reduces the area to the preview within `r` (full pixels): a preview pixel
/// takes the largest weight under it, so the preview never forbids pigment
/// where the full-resolution area allows it.
fn reduce_mask(full: &Mask, small: &mut Mask, r: Rect) {
    let sx = full.width as f64 / small.width as f64;
    let sy = full.height as f64 / small.height as f64;
    let target = to_layer(r, sx, sy, small.width, small.height);
    for y in target.y0..target.y1 {
        let fy0 = (y as f64 * sy) as u32;
        let fy1 = (((y + 1) as f64 * sy).ceil() as u32).clamp(fy0 + 1, full.height);
        for x in target.x0..target.x1 {
            let fx0 = (x as f64 * sx) as u32;
            let fx1 = (((x + 1) as f64 * sx).ceil() as u32).clamp(fx0 + 1, full.width);
            let mut m = 0u8;
            for fy in fy0..fy1 {
                let row = &full.weights[(fy * full.width) as usize..];
                for fx in fx0..fx1 {
                    m = m.max(row[fx as usize]);
                }
            }
            small.weights[(y * small.width + x) as usize] = m;
        }
    }
}

impl Engine {
    /// An engine with default settings and no photo.
    pub fn new() -> Self {
        Engine {
            settings: Settings::default(),
            transfer: Transfer::new(),
            loaded: None,
        }
    }

    /// Takes a new photo (and a preview no larger than `preview_side_px`),
    /// with an empty area. Settings are kept. On error the previous photo
    /// and area stay as they were.
    pub fn load_image(&mut self, photo: Rgba8Image, preview_side_px: u32) -> Result<(), SmpError> {
        let ppm = self.settings.px_per_mm_for(photo.width, photo.height);
        placement::check_fits(photo.width as f64 / ppm, photo.height as f64 / ppm)?;
        let preview = photo.downscaled_to_fit(preview_side_px.max(1))?;
        let mask = Mask::empty(photo.width, photo.height)?;
        let pixels = mask.weights.len();
        let preview_mask = Mask::empty(preview.width, preview.height)?;
        // Free the previous photo's caches before the new ones are built.
        self.loaded = None;
        self.loaded = Some(Loaded {
            full: photo,
            preview,
            mask,
            preview_mask,
            pending_preview: Rect::default(),
            pending_full: Rect::default(),
            pending_preview_mask: Rect::default(),
            pattern: None,
            weights: Vec::new(),
            weights_mode: None,
            pending_weights: Rect::default(),
            weights_version: 0,
            visible: Vec::new(),
            visible_key: None,
            history: History::new(pixels, UNDO_STEPS),
            hairline_base: None,
            preview_layer: None,
            full_layer: None,
            last_preview_change: Rect::default(),
        });
        Ok(())
    }

    /// Frees what a new photo replaces anyway or what can be rebuilt: the undo
    /// history and the render caches. Call it before a new photo is copied in,
    /// so that the load does not need room for two photos' state at once (in
    /// wasm, where memory only grows, that peak would stay for good). The photo,
    /// its area and the settings stay, so a load that then fails costs only the
    /// undo steps and one cache rebuild.
    pub fn make_room_for_load(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            l.history.undo.clear();
            l.history.redo.clear();
            l.hairline_base = None;
            l.preview_layer = None;
            l.full_layer = None;
            l.pattern = None;
            l.weights = Vec::new();
            l.weights_mode = None;
            l.visible = Vec::new();
            l.visible_key = None;
        }
    }

    /// True once a photo is loaded.
    pub fn has_image(&self) -> bool {
        self.loaded.is_some()
    }

    /// Size of the full-resolution photo (0×0 with none).
    pub fn size(&self) -> (u32, u32) {
        self.loaded
            .as_ref()
            .map_or((0, 0), |l| (l.full.width, l.full.height))
    }

    /// Size of the preview (0×0 with none).
    pub fn preview_size(&self) -> (u32, u32) {
        self.loaded
            .as_ref()
            .map_or((0, 0), |l| (l.preview.width, l.preview.height))
    }

    /// The current settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// A setting's current value by name, `pxPerMm` resolved for the photo.
    pub fn setting(&self, name: &str) -> Option<f64> {
        let (w, h) = self.size();
        self.settings.get(name, w, h)
    }

    /// Changes several settings at once; all or none are applied.
    pub fn set_settings(&mut self, pairs: &[(&str, f64)]) -> Result<(), SmpError> {
        let mut next = self.settings;
        next.set_many(pairs)?;
        if let Some(l) = &self.loaded {
            let ppm = next.px_per_mm_for(l.full.width, l.full.height);
            placement::check_fits(l.full.width as f64 / ppm, l.full.height as f64 / ppm)?;
        }
        self.settings = next;
        Ok(())
    }

    /// Forgets a scale that was given (`pxPerMm`), so the photo's own
    /// estimate applies again: a measured scale belongs to one photo, and
    /// must not carry over to the next client's.
    pub fn forget_scale(&mut self) {
        self.settings.px_per_mm = None;
    }

    /// Whether the scale was given (measured or set) rather than estimated.
    pub fn scale_given(&self) -> bool {
        self.settings.px_per_mm.is_some()
    }

    fn mask_changed(l: &mut Loaded, r: Rect) {
        l.pending_preview = l.pending_preview.union(r);
        l.pending_full = l.pending_full.union(r);
        l.pending_preview_mask = l.pending_preview_mask.union(r);
        l.pending_weights = l.pending_weights.union(r);
        if let Some(p) = l.pattern.as_mut() {
            // A failure here only leaves the fade stale; it cannot fail for
            // lack of memory since the grids already exist.
            let _ = p.feather.update(&l.mask, r.x0, r.y0, r.x1, r.y1);
        }
    }

    /// Replaces the area with `mask` (same size as the photo).
    pub fn set_mask(&mut self, mask: Mask) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let pixels = l.full.width as usize * l.full.height as usize;
        if (mask.width, mask.height) != (l.full.width, l.full.height)
            || mask.weights.len() != pixels
        {
            return Err(SmpError::new(
                ErrorCode::MaskSizeMismatch,
                format!(
                    "The area is {}×{} but the photo is {}×{}; they must be the same size.",
                    mask.width, mask.height, l.full.width, l.full.height
                ),
            ));
        }
        l.mask = mask;
        let r = whole(l.full.width, l.full.height);
        Self::mask_changed(l, r);
        Ok(())
    }

    /// Clears the area.
    pub fn clear_mask(&mut self) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        l.mask.weights.fill(0);
        let r = whole(l.full.width, l.full.height);
        Self::mask_changed(l, r);
        Ok(())
    }

    /// Remembers the area as it is now, as one undo step (call before each
    /// user edit: a whole brush stroke, a tap, clear, invert…).
    pub fn checkpoint(&mut self) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        l.history.checkpoint(&l.mask.weights)?;
        // Any other edit ends the hairline design.
        l.hairline_base = None;
        Ok(())
    }

    /// Goes back one step; false when there is none.
    pub fn undo(&mut self) -> Result<bool, SmpError> {
        self.step(true)
    }

    /// Goes forward one undone step; false when there is none.
    pub fn redo(&mut self) -> Result<bool, SmpError> {
        self.step(false)
    }

    fn step(&mut self, back: bool) -> Result<bool, SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        if !l.history.step(back, &mut l.mask.weights)? {
            return Ok(false);
        }
        l.hairline_base = None;
        let r = whole(l.full.width, l.full.height);
        Self::mask_changed(l, r);
        Ok(true)
    }

    /// Numbers of steps that can be undone and redone.
    pub fn history(&self) -> (usize, usize) {
        self.loaded
            .as_ref()
            .map_or((0, 0), |l| (l.history.undo.len(), l.history.redo.len()))
    }

    /// Swaps painted and unpainted: weight becomes 255 − weight.
    pub fn invert_mask(&mut self) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        for w in &mut l.mask.weights {
            *w = 255 - *w;
        }
        let r = whole(l.full.width, l.full.height);
        Self::mask_changed(l, r);
        Ok(())
    }

    /// Finds bald scalp (everywhere, or under the taps, in full-resolution
    /// pixels) and makes it the area, or adds it to the area with `add`; an
    /// undo step of its own. On error the area is unchanged.
    pub fn detect_area(&mut self, taps: &[Tap], add: bool) -> Result<(), SmpError> {
        let found = detect::detect(&self.loaded.as_ref().ok_or_else(no_image)?.full, taps)?;
        // Only a successful detection becomes an undo step.
        self.checkpoint()?;
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        if add {
            for (w, f) in l.mask.weights.iter_mut().zip(&found.weights) {
                *w = (*w).max(*f);
            }
        } else {
            l.mask = found;
        }
        let r = whole(l.full.width, l.full.height);
        Self::mask_changed(l, r);
        Ok(())
    }

    /// Shapes the area's front edge with a designed hairline (handles in
    /// full-resolution pixels). Repeated calls while designing re-shape the
    /// area as it was before the first (one undo step); with an empty area
    /// the whole scalp side of the hairline becomes the area.
    pub fn design_hairline(
        &mut self,
        handles: &[(f64, f64)],
        style: HairlineStyle,
    ) -> Result<(), SmpError> {
        let (w, h) = self.size();
        let ppm = self.settings.px_per_mm_for(w, h);
        let seed = self.settings.seed;
        let l = self.loaded.as_ref().ok_or_else(no_image)?;
        let fresh = l.hairline_base.is_none();
        // With no area yet the hairline trims the head, never the backdrop.
        let base = match &l.hairline_base {
            Some(base) => try_copy(base, "treatment area")?,
            None if l.mask.is_empty() => crate::detect::head_area(&l.full)?.weights,
            None => try_copy(&l.mask.weights, "treatment area")?,
        };
        let mut shaped = Mask::new(w, h, try_copy(&base, "treatment area")?)?;
        // Shaped before the undo step: a bad hairline leaves no step behind.
        hairline::apply(&mut shaped, handles, style, ppm, seed)?;
        if fresh {
            self.checkpoint()?;
        }
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        if fresh {
            l.hairline_base = Some(base);
        }
        l.mask = shaped;
        Self::mask_changed(l, whole(w, h));
        Ok(())
    }

    /// Ends designing the hairline (the next design starts from the area as
    /// it is then).
    pub fn finish_hairline(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            l.hairline_base = None;
        }
    }

    /// Paints or erases one stroke segment (full-resolution pixels).
    pub fn paint(&mut self, stroke: &Stroke) -> Result<Option<DirtyRect>, SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let dirty = brush::paint(&mut l.mask, stroke)?;
        if let Some(d) = dirty {
            Self::mask_changed(
                l,
                Rect {
                    x0: d.x0,
                    y0: d.y0,
                    x1: d.x1,
                    y1: d.y1,
                },
            );
        }
        Ok(dirty)
    }

    /// The area at full resolution.
    pub fn mask(&self) -> Result<&Mask, SmpError> {
        Ok(&self.loaded.as_ref().ok_or_else(no_image)?.mask)
    }

    /// The area at preview size (for the tinted overlay).
    pub fn preview_mask(&mut self) -> Result<&Mask, SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        refresh_preview_mask(l);
        Ok(&l.preview_mask)
    }

    /// The photo at preview size, untouched (the "before").
    pub fn preview_before(&self) -> Result<&Rgba8Image, SmpError> {
        Ok(&self.loaded.as_ref().ok_or_else(no_image)?.preview)
    }

    /// The photo at full resolution, untouched.
    pub fn before(&self) -> Result<&Rgba8Image, SmpError> {
        Ok(&self.loaded.as_ref().ok_or_else(no_image)?.full)
    }

    /// Builds the pattern caches if the seed or scale changed, and decides
    /// which dots are shown. Returns the look.
    fn prepare(&mut self) -> Result<Look, SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let ppm = self.settings.px_per_mm_for(l.full.width, l.full.height);
        let seed = self.settings.seed;
        let fresh = matches!(&l.pattern, Some(p) if p.seed == seed && p.px_per_mm == ppm);
        if !fresh {
            let scale_changed = l.pattern.as_ref().is_none_or(|p| p.px_per_mm != ppm);
            // Free what is being replaced before building its successor.
            l.preview_layer = None;
            l.full_layer = None;
            l.visible_key = None;
            let old = l.pattern.take();
            let placement =
                placement::place(l.full.width as f64 / ppm, l.full.height as f64 / ppm, seed)?;
            let (skin, feather) = match old {
                Some(p) if !scale_changed => (p.skin, p.feather),
                _ => (
                    Skin::analyse(&l.full, ppm, &self.transfer)?,
                    AreaFeather::new(&l.mask, ppm)?,
                ),
            };
            let on_scalp = render::dots_on_scalp(&placement, &l.full, &skin, ppm, &self.transfer);
            l.pattern = Some(Pattern {
                seed,
                px_per_mm: ppm,
                placement,
                skin,
                on_scalp,
                feather,
            });
        }
        let look = Look::new(&self.settings);
        let p = l.pattern.as_ref().ok_or_else(no_image)?;
        let region = if !fresh || l.weights_mode != Some(look.mode) {
            Some(None) // everything
        } else if !l.pending_weights.is_empty() {
            // The patch fade reaches a blur's width beyond the change.
            let grow = (analysis::PATCH_BLEND_MM * 2.0 * ppm).ceil() as u32 + 2;
            let r = l.pending_weights;
            Some(Some(Rect {
                x0: r.x0.saturating_sub(grow),
                y0: r.y0.saturating_sub(grow),
                x1: r.x1.saturating_add(grow),
                y1: r.y1.saturating_add(grow),
            }))
        } else {
            None
        };
        if let Some(region) = region {
            let feather = |x: f64, y: f64| p.feather.at(x, y);
            let ctx = DotContext {
                placement: &p.placement,
                mask: &l.mask,
                on_scalp: &p.on_scalp,
                feather: &feather,
                px_per_mm: ppm,
            };
            render::dot_weights(&ctx, look.mode, region, &mut l.weights);
            l.weights_mode = Some(look.mode);
            l.pending_weights = Rect::default();
            l.weights_version += 1;
        }
        let key = (look.threshold.to_bits(), l.weights_version);
        if l.visible_key != Some(key) {
            render::visible_dots(&p.placement, &l.weights, look.threshold, &mut l.visible);
            l.visible_key = Some(key);
        }
        Ok(look)
    }

    /// Builds the per-photo caches (dot pattern, skin analysis) ahead of the
    /// first render, e.g. in a worker while the user is still painting.
    pub fn warm(&mut self) -> Result<(), SmpError> {
        self.prepare().map(|_| ())
    }

    /// Renders the preview; returns its RGBA pixels.
    pub fn render_preview(&mut self) -> Result<&[u8], SmpError> {
        let look = self.prepare()?;
        let t = &self.transfer;
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        refresh_preview_mask(l);
        let p = l.pattern.as_ref().ok_or_else(no_image)?;
        if l.preview_layer.is_none() {
            l.preview_layer = Some(Layer::new(
                &l.preview,
                l.full.width,
                l.full.height,
                p.px_per_mm,
            )?);
            l.pending_preview = whole(l.full.width, l.full.height);
        }
        let layer = l.preview_layer.as_mut().ok_or_else(no_image)?;
        let (sx, sy) = layer.to_full();
        let changed = to_layer(l.pending_preview, sx, sy, l.preview.width, l.preview.height);
        l.pending_preview = Rect::default();
        let input = LayerInput {
            photo: &l.preview,
            mask: &l.preview_mask,
            placement: &p.placement,
            visible: &l.visible,
            skin: &p.skin,
        };
        l.last_preview_change = layer.update(&input, changed, &look, t);
        Ok(layer.pixels())
    }

    /// The preview rectangle the last [`Engine::render_preview`] changed, as
    /// `[x0, y0, x1, y1]` (empty when nothing changed).
    pub fn last_preview_change(&self) -> [u32; 4] {
        self.loaded.as_ref().map_or([0; 4], |l| {
            let r = l.last_preview_change;
            [r.x0, r.y0, r.x1, r.y1]
        })
    }

    /// Renders the full-resolution result; returns its RGBA pixels.
    pub fn render_full(&mut self) -> Result<&[u8], SmpError> {
        let look = self.prepare()?;
        let t = &self.transfer;
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let p = l.pattern.as_ref().ok_or_else(no_image)?;
        if l.full_layer.is_none() {
            l.full_layer = Some(Layer::new(
                &l.full,
                l.full.width,
                l.full.height,
                p.px_per_mm,
            )?);
            l.pending_full = whole(l.full.width, l.full.height);
        }
        let layer = l.full_layer.as_mut().ok_or_else(no_image)?;
        let changed = l.pending_full;
        l.pending_full = Rect::default();
        let input = LayerInput {
            photo: &l.full,
            mask: &l.mask,
            placement: &p.placement,
            visible: &l.visible,
            skin: &p.skin,
        };
        layer.update(&input, changed, &look, t);
        Ok(layer.pixels())
    }

    /// Settings suggested from the photo and the area (see
    /// [`crate::suggest`]): with an empty area, the hair around the bald
    /// patches detection finds is read instead. Never an error: with no
    /// photo it gives the defaults and says why.
    pub fn suggest_settings(&self) -> Suggestion {
        match self.loaded.as_ref() {
            None => Suggestion::defaults_because("No photo is loaded; default settings."),
            Some(l) => {
                let area = (!l.mask.is_empty()).then_some(&l.mask);
                suggest::suggest(&l.full, area)
            }
        }
    }

    /// Frees the full-resolution result (kept only while exporting).
    pub fn release_full(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            l.full_layer = None;
        }
    }
}

fn refresh_preview_mask(l: &mut Loaded) {
    if !l.pending_preview_mask.is_empty() {
        reduce_mask(&l.mask, &mut l.preview_mask, l.pending_preview_mask);
        l.pending_preview_mask = Rect::default();
    }
}

/// Renders one photo with one area and settings at full resolution: what the
/// `smp render` command does, and what the page's export gives.
pub fn render_photo(
    photo: Rgba8Image,
    mask: Mask,
    settings: &Settings,
) -> Result<Rgba8Image, SmpError> {
    let (w, h) = (photo.width, photo.height);
    let mut engine = Engine::new();
    engine.settings = *settings;
    // The preview is not used here; keep it tiny.
    engine.load_image(photo, 1)?;
    engine.set_mask(mask)?;
    let mut pixels = try_zeroed::<u8>(w as usize * h as usize * 4, "result")?;
    pixels.copy_from_slice(engine.render_full()?);
    Rgba8Image::new(w, h, pixels)
}
