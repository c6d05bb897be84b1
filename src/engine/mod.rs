//! The long-lived engine: one photo, its treatment area and settings, and the
//! caches that make re-rendering cheap. The wasm module and the CLI both drive
//! this same type, so the browser and the command line give the same pixels.
//!
//! A loaded photo's state is split by how long each part lives, and each
//! part's module says what invalidates it:
//! - [`photo`]: the photo and its preview (until the next photo; the preview
//!   is remade when the page shows it at another size);
//! - [`area`]: the area, its preview-size copy, its undo history;
//! - [`pattern`]: the dot pattern, the skin analysis and which dots sit on
//!   bare scalp (until the seed or the scale changes);
//! - [`shown`]: which dots are shown (the look's density and mode, the area);
//! - [`layers`]: per resolution, the drawn dots (updated by difference),
//!   their shape, and the shade table.
//!
//! An edit of the area is told to every part that depends on it
//! ([`Loaded::area_changed`]), so no part needs to know the others.

mod area;
mod handoff;
pub use handoff::keep_placed;
mod layers;
mod pattern;
mod photo;
mod shown;
mod staging;

use crate::brush::{self, Stroke};
use crate::color::Transfer;
use crate::detect::{self, Tap};
use crate::error::{try_copy, try_zeroed, ErrorCode, SmpError};
use crate::hairline::{self, HairlineStyle};
use crate::placement;
use crate::raster::{Mask, Rgba8Image};
use crate::render::{Band, Look, Rect};
use crate::settings::Settings;
use crate::suggest::{self, Suggestion};

use area::{whole, Area};
use layers::{Layers, Sources};
use pattern::Pattern;
use photo::Photo;
use shown::Shown;

/// Longest side of the live preview when none is asked for, in pixels.
pub const DEFAULT_PREVIEW_SIDE_PX: u32 = 1600;
/// Undo steps kept (within a byte budget, see [`crate::history::History`]).
pub const UNDO_STEPS: usize = 100;

/// Everything that belongs to one loaded photo, by lifetime.
struct Loaded {
    photo: Photo,
    area: Area,
    pattern: Option<Pattern>,
    shown: Shown,
    layers: Layers,
}

impl Loaded {
    /// Tells every part that depends on the area that it changed within `r`
    /// (full pixels).
    fn area_changed(&mut self, r: Rect) {
        self.area.changed(r);
        self.shown.area_changed(r);
        self.layers.area_changed(r);
        if let Some(p) = self.pattern.as_mut() {
            p.area_changed(&self.area.mask, r);
        }
    }

    /// The area changed everywhere.
    fn area_replaced(&mut self) {
        let (w, h) = self.photo.size();
        self.area_changed(whole(w, h));
    }
}

/// A photo with its area and settings; renders the preview and the export.
pub struct Engine {
    settings: Settings,
    transfer: Transfer,
    loaded: Option<Loaded>,
    /// A photo kept for the hand-off that is to load it, while it comes
    /// and once it is whole (see [`Engine::begin_staging`]).
    staging: Option<staging::Staging>,
    staged: Option<Photo>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

fn no_image() -> SmpError {
    SmpError::new(ErrorCode::NoImage, "Choose a photo first.")
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

impl Engine {
    /// An engine with default settings and no photo.
    pub fn new() -> Self {
        Engine {
            settings: Settings::default(),
            transfer: Transfer::new(),
            loaded: None,
            staging: None,
            staged: None,
        }
    }

    /// Takes a new photo (and a preview no larger than `preview_side_px`),
    /// with an empty area. Settings are kept. On error the previous photo
    /// and area stay as they were.
    pub fn load_image(&mut self, photo: Rgba8Image, preview_side_px: u32) -> Result<(), SmpError> {
        self.check_fits(photo.width, photo.height)?;
        self.take_photo(Photo::new(photo, preview_side_px)?)
    }

    /// [`Engine::load_image`] for an engine that prepares the photo for
    /// another ([`Engine::prepared_state`]) and does not draw it: the
    /// preview is made only if it is drawn (the other engine makes its own,
    /// see [`Engine::begin_staging`]).
    pub fn load_image_unseen(
        &mut self,
        photo: Rgba8Image,
        preview_side_px: u32,
    ) -> Result<(), SmpError> {
        self.check_fits(photo.width, photo.height)?;
        self.take_photo(Photo::unseen(photo, preview_side_px))
    }

    /// Refuses a photo of this size too large in mm for a pattern at this
    /// scale.
    fn check_fits(&self, width: u32, height: u32) -> Result<(), SmpError> {
        let ppm = self.settings.px_per_mm_for(width, height);
        placement::check_fits(width as f64 / ppm, height as f64 / ppm).map(|_| ())
    }

    fn take_photo(&mut self, photo: Photo) -> Result<(), SmpError> {
        let (w, h) = photo.size();
        let (pw, ph) = photo.preview_size();
        let area = Area::empty(w, h, pw, ph)?;
        // Free the previous photo's caches before the new ones are built.
        self.loaded = None;
        self.loaded = Some(Loaded {
            photo,
            area,
            pattern: None,
            shown: Shown::default(),
            layers: Layers::default(),
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
            l.area.forget_history();
            l.layers.forget();
            l.pattern = None;
            l.shown = Shown::default();
        }
    }

    /// Redraws the live preview at most `preview_side_px` on its longest side
    /// (the page asks for the size the photo is shown at, in device pixels,
    /// so no frame computes pixels the screen cannot show; zoomed views get
    /// full-resolution detail from the worker). The area, settings, history
    /// and pattern stay; only the preview's own caches are rebuilt. Returns
    /// whether the preview's size changed.
    pub fn set_preview_side_px(&mut self, preview_side_px: u32) -> Result<bool, SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        if l.photo.preview_fits(preview_side_px) {
            return Ok(false);
        }
        // Free the old preview's caches before its successor is built.
        l.layers.forget_preview();
        let preview = l.photo.full.downscaled_to_fit(preview_side_px.max(1))?;
        let preview_mask = l.area.preview_mask_for(preview.width, preview.height)?;
        l.photo.set_preview(preview);
        l.area.set_preview_mask(preview_mask);
        l.layers.last_preview_change = Rect::default();
        Ok(true)
    }

    /// True once a photo is loaded.
    pub fn has_image(&self) -> bool {
        self.loaded.is_some()
    }

    /// Size of the full-resolution photo (0×0 with none).
    pub fn size(&self) -> (u32, u32) {
        self.loaded.as_ref().map_or((0, 0), |l| l.photo.size())
    }

    /// Size of the preview (0×0 with none).
    pub fn preview_size(&self) -> (u32, u32) {
        self.loaded
            .as_ref()
            .map_or((0, 0), |l| l.photo.preview_size())
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
            let (w, h) = l.photo.size();
            let ppm = next.px_per_mm_for(w, h);
            placement::check_fits(w as f64 / ppm, h as f64 / ppm)?;
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

    /// Replaces the area with `mask` (same size as the photo).
    pub fn set_mask(&mut self, mask: Mask) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let (w, h) = l.photo.size();
        if (mask.width, mask.height) != (w, h) || mask.weights.len() != w as usize * h as usize {
            return Err(SmpError::new(
                ErrorCode::MaskSizeMismatch,
                format!(
                    "The area is {}×{} but the photo is {w}×{h}; they must be the same size.",
                    mask.width, mask.height
                ),
            ));
        }
        // The worker is given the page's area before it shares a frame,
        // and again with each export: the same area changes nothing.
        if l.area.mask.weights == mask.weights {
            return Ok(());
        }
        l.area.mask = mask;
        l.area_replaced();
        Ok(())
    }

    /// Clears the area.
    pub fn clear_mask(&mut self) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        l.area.mask.weights.fill(0);
        l.area_replaced();
        Ok(())
    }

    /// Remembers the area as it is now, as one undo step (call before each
    /// user edit: a whole brush stroke, a tap, clear, invert…).
    pub fn checkpoint(&mut self) -> Result<(), SmpError> {
        self.loaded.as_mut().ok_or_else(no_image)?.area.checkpoint()
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
        if !l.area.step(back)? {
            return Ok(false);
        }
        l.area_replaced();
        Ok(true)
    }

    /// Numbers of steps that can be undone and redone.
    pub fn history(&self) -> (usize, usize) {
        self.loaded.as_ref().map_or((0, 0), |l| l.area.history())
    }

    /// Swaps painted and unpainted: weight becomes 255 − weight.
    pub fn invert_mask(&mut self) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        for w in &mut l.area.mask.weights {
            *w = 255 - *w;
        }
        l.area_replaced();
        Ok(())
    }

    /// Finds bald scalp (everywhere, or under the taps, in full-resolution
    /// pixels) and makes it the area, or adds it to the area with `add`; an
    /// undo step of its own. On error the area is unchanged.
    pub fn detect_area(&mut self, taps: &[Tap], add: bool) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let found = detect::detect_reduced(l.photo.reduced()?, l.photo.size(), taps)?;
        // Only a successful detection becomes an undo step.
        l.area.checkpoint()?;
        if add {
            for (w, f) in l.area.mask.weights.iter_mut().zip(&found.weights) {
                *w = (*w).max(*f);
            }
        } else {
            l.area.mask = found;
        }
        l.area_replaced();
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
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let fresh = l.area.hairline_base.is_none();
        // With no area yet the hairline trims the head, never the backdrop.
        let base = match &l.area.hairline_base {
            Some(base) => try_copy(base, "treatment area")?,
            None if l.area.mask.is_empty() => crate::detect::head_area(&l.photo.full)?.weights,
            None => try_copy(&l.area.mask.weights, "treatment area")?,
        };
        let mut shaped = Mask::new(w, h, try_copy(&base, "treatment area")?)?;
        // Shaped before the undo step: a bad hairline leaves no step behind.
        hairline::apply(&mut shaped, handles, style, ppm, seed)?;
        if fresh {
            l.area.checkpoint()?;
            l.area.hairline_base = Some(base);
        }
        l.area.mask = shaped;
        l.area_replaced();
        Ok(())
    }

    /// Ends designing the hairline (the next design starts from the area as
    /// it is then).
    pub fn finish_hairline(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            l.area.hairline_base = None;
        }
    }

    /// Paints or erases one stroke segment (full-resolution pixels).
    pub fn paint(&mut self, stroke: &Stroke) -> Result<Option<Rect>, SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let dirty = brush::paint(&mut l.area.mask, stroke)?;
        if let Some(r) = dirty {
            l.area_changed(r);
        }
        Ok(dirty)
    }

    /// The area at full resolution.
    pub fn mask(&self) -> Result<&Mask, SmpError> {
        Ok(&self.loaded.as_ref().ok_or_else(no_image)?.area.mask)
    }

    /// The area at preview size (for the tinted overlay).
    pub fn preview_mask(&mut self) -> Result<&Mask, SmpError> {
        Ok(self
            .loaded
            .as_mut()
            .ok_or_else(no_image)?
            .area
            .preview_mask())
    }

    /// The photo at preview size, untouched (the "before").
    pub fn preview_before(&self) -> Result<&Rgba8Image, SmpError> {
        self.loaded.as_ref().ok_or_else(no_image)?.photo.preview()
    }

    /// The photo at full resolution, untouched.
    pub fn before(&self) -> Result<&Rgba8Image, SmpError> {
        Ok(&self.loaded.as_ref().ok_or_else(no_image)?.photo.full)
    }

    /// Builds the pattern caches if the seed or scale changed, and decides
    /// which dots are shown. Returns the look and the loaded photo's state.
    /// (Fields rather than `self`, so the caller can lend the transfer
    /// table to the render too.)
    fn prepare<'a>(
        settings: &Settings,
        transfer: &Transfer,
        loaded: &'a mut Option<Loaded>,
    ) -> Result<(Look, &'a mut Loaded), SmpError> {
        let l = loaded.as_mut().ok_or_else(no_image)?;
        let (w, h) = l.photo.size();
        let ppm = settings.px_per_mm_for(w, h);
        let seed = settings.seed;
        let new_pattern = !l.pattern.as_ref().is_some_and(|p| p.is_for(seed, ppm));
        if new_pattern {
            // Free what is being replaced before building its successor.
            l.layers.forget();
            let old = l.pattern.take();
            let p = Pattern::build(old, &l.photo.full, &l.area.mask, seed, ppm, transfer)?;
            l.pattern = Some(p);
        }
        let look = Look::new(settings);
        let p = l.pattern.as_ref().ok_or_else(no_image)?;
        l.shown.update(p, &l.area.mask, &look, new_pattern);
        Ok((look, l))
    }

    /// [`Engine::prepare`] on this engine's own fields, lending the
    /// transfer table beside the loaded state.
    fn prepared(&mut self) -> Result<(Look, &mut Loaded, &Transfer), SmpError> {
        let (look, l) = Self::prepare(&self.settings, &self.transfer, &mut self.loaded)?;
        Ok((look, l, &self.transfer))
    }

    /// Builds the per-photo caches (dot pattern, skin analysis) ahead of the
    /// first render, e.g. in a worker while the user is still painting.
    pub fn warm(&mut self) -> Result<(), SmpError> {
        self.prepared().map(|_| ())
    }

    /// Renders the preview; returns its RGBA pixels.
    pub fn render_preview(&mut self) -> Result<&[u8], SmpError> {
        Ok(self.render_preview_change()?.0)
    }

    /// Renders the preview; returns its RGBA pixels and the rectangle that
    /// changed, `[x0, y0, x1, y1]` (as [`Engine::last_preview_change`]).
    pub fn render_preview_change(&mut self) -> Result<(&[u8], [u32; 4]), SmpError> {
        self.render_preview_band(None)
    }

    /// Renders the preview compositing only `band` when one is given:
    /// another engine in the same state composites other rows, which are
    /// shown beside these (this engine's stay out of date there until an
    /// update covers them); columns left of the band are hidden (see
    /// [`crate::render::Layer::update`]). Returns the pixels and the
    /// rectangle that changed, as [`Engine::render_preview_change`].
    pub fn render_preview_band(
        &mut self,
        band: Option<Band>,
    ) -> Result<(&[u8], [u32; 4]), SmpError> {
        let (look, l, transfer) = self.prepared()?;
        let src = Sources {
            photo: l.photo.preview()?,
            mask: l.area.preview_mask(),
            pattern: l.pattern.as_ref().ok_or_else(no_image)?,
            visible: &l.shown.visible,
            full_size: l.photo.size(),
        };
        let (pixels, r) = l.layers.render_preview(&src, &look, transfer, band)?;
        Ok((pixels, [r.x0, r.y0, r.x1, r.y1]))
    }

    /// A number that changes with every edit of the area and differs
    /// between photos (0 with none): two engines with the same number hold
    /// the same area.
    pub fn area_version(&self) -> u64 {
        self.loaded.as_ref().map_or(0, |l| l.area.version)
    }

    /// The preview as last rendered (RGBA), if it has been.
    pub fn preview_pixels(&self) -> Option<&[u8]> {
        self.loaded.as_ref()?.layers.preview_pixels()
    }

    /// The preview rectangle the last [`Engine::render_preview`] changed, as
    /// `[x0, y0, x1, y1]` (empty when nothing changed).
    pub fn last_preview_change(&self) -> [u32; 4] {
        self.loaded.as_ref().map_or([0; 4], |l| {
            let r = l.layers.last_preview_change;
            [r.x0, r.y0, r.x1, r.y1]
        })
    }

    /// Renders the full-resolution result; returns its RGBA pixels.
    pub fn render_full(&mut self) -> Result<&[u8], SmpError> {
        let (look, l, transfer) = self.prepared()?;
        let src = Sources {
            photo: &l.photo.full,
            mask: &l.area.mask,
            pattern: l.pattern.as_ref().ok_or_else(no_image)?,
            visible: &l.shown.visible,
            full_size: l.photo.size(),
        };
        l.layers.render_full(&src, &look, transfer)
    }

    /// Settings suggested from the photo and the area (see
    /// [`crate::suggest`]): with an empty area, the hair around the bald
    /// patches detection finds is read instead. Never an error: with no
    /// photo it gives the defaults and says why.
    pub fn suggest_settings(&self) -> Suggestion {
        match self.loaded.as_ref() {
            None => Suggestion::defaults_because("No photo is loaded; default settings."),
            Some(l) => {
                let area = (!l.area.mask.is_empty()).then_some(&l.area.mask);
                match l.photo.reduced() {
                    Ok(small) => suggest::suggest_reduced(&l.photo.full, small, area),
                    Err(_) => suggest::suggest(&l.photo.full, area),
                }
            }
        }
    }

    /// Frees the full-resolution result (kept only while exporting).
    pub fn release_full(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            l.layers.forget_full();
        }
    }

    /// Frees the preview's result and caches (the worker's engine holds
    /// either the preview, to share frames, or the full-size result, for
    /// exports and zoomed views: both at once would raise its peak memory
    /// by the preview's). The next preview render builds them again.
    pub fn release_preview(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            l.layers.forget_preview();
            l.layers.last_preview_change = Rect::default();
        }
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
