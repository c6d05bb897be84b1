//! The long-lived engine: one photo, its treatment area and settings, and the
//! caches that make re-rendering cheap. The wasm module and the CLI both drive
//! this same type, so the browser and the command line give the same pixels.

use crate::brush::{self, DirtyRect, Stroke};
use crate::color::Transfer;
use crate::error::{try_zeroed, ErrorCode, SmpError};
use crate::placement::{self, Placement};
use crate::raster::{Mask, Rgba8Image};
use crate::render::{self, Frame};
use crate::settings::Settings;

/// Longest side of the live preview when none is asked for, in pixels.
pub const DEFAULT_PREVIEW_SIDE_PX: u32 = 1600;

struct Loaded {
    full: Rgba8Image,
    preview: Rgba8Image,
    mask: Mask,
    preview_mask: Mask,
    preview_mask_stale: bool,
    preview_out: Vec<u8>,
    full_out: Vec<u8>,
    preview_absorbance: Vec<f32>,
    full_absorbance: Vec<f32>,
}

/// A photo with its area and settings; renders the preview and the export.
pub struct Engine {
    settings: Settings,
    transfer: Transfer,
    loaded: Option<Loaded>,
    /// Cached pattern and the (seed, scale, size) it was built for.
    placement: Option<(u32, f64, u32, u32, Placement)>,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

fn no_image() -> SmpError {
    SmpError::new(ErrorCode::NoImage, "Choose a photo first.")
}

impl Engine {
    /// An engine with default settings and no photo.
    pub fn new() -> Self {
        Engine {
            settings: Settings::default(),
            transfer: Transfer::new(),
            loaded: None,
            placement: None,
        }
    }

    /// Takes a new photo (and a preview no larger than `preview_side_px`),
    /// with an empty area. Settings are kept. On error the previous photo
    /// and area stay as they were.
    pub fn load_image(&mut self, photo: Rgba8Image, preview_side_px: u32) -> Result<(), SmpError> {
        let preview = photo.downscaled_to_fit(preview_side_px.max(1))?;
        let mask = Mask::empty(photo.width, photo.height)?;
        let preview_mask = Mask::empty(preview.width, preview.height)?;
        let preview_out = try_zeroed(preview.pixels.len(), "preview")?;
        // Check the pattern fits before giving up the previous photo.
        let ppm = self.settings.px_per_mm_for(photo.width, photo.height);
        placement::check_fits(photo.width as f64 / ppm, photo.height as f64 / ppm)?;
        self.loaded = Some(Loaded {
            full: photo,
            preview,
            mask,
            preview_mask,
            preview_mask_stale: false,
            preview_out,
            full_out: Vec::new(),
            preview_absorbance: Vec::new(),
            full_absorbance: Vec::new(),
        });
        Ok(())
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

    /// Replaces the area with `mask` (same size as the photo).
    pub fn set_mask(&mut self, mask: Mask) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        if (mask.width, mask.height) != (l.full.width, l.full.height) {
            return Err(SmpError::new(
                ErrorCode::MaskSizeMismatch,
                format!(
                    "The area is {}×{} but the photo is {}×{}; they must be the same size.",
                    mask.width, mask.height, l.full.width, l.full.height
                ),
            ));
        }
        l.mask = mask;
        l.preview_mask_stale = true;
        Ok(())
    }

    /// Clears the area.
    pub fn clear_mask(&mut self) -> Result<(), SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        l.mask.weights.fill(0);
        l.preview_mask.weights.fill(0);
        l.preview_mask_stale = false;
        Ok(())
    }

    /// Paints or erases one stroke segment (full-resolution pixels).
    pub fn paint(&mut self, stroke: &Stroke) -> Result<Option<DirtyRect>, SmpError> {
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        let dirty = brush::paint(&mut l.mask, stroke)?;
        if dirty.is_some() {
            l.preview_mask_stale = true;
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
        refresh_preview_mask(l)?;
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

    fn ensure_placement(&mut self) -> Result<(), SmpError> {
        let (w, h) = self.size();
        let ppm = self.settings.px_per_mm_for(w, h);
        let seed = self.settings.seed;
        let fresh = matches!(&self.placement, Some((s, p, pw, ph, _)) if *s == seed && *p == ppm && *pw == w && *ph == h);
        if !fresh {
            self.placement = None; // free the old pattern before building the new one
            let p = placement::place(w as f64 / ppm, h as f64 / ppm, seed)?;
            self.placement = Some((seed, ppm, w, h, p));
        }
        Ok(())
    }

    /// Renders the preview; returns its RGBA pixels.
    pub fn render_preview(&mut self) -> Result<&[u8], SmpError> {
        self.loaded.as_ref().ok_or_else(no_image)?;
        self.ensure_placement()?;
        let (w, h) = self.size();
        let ppm = self.settings.px_per_mm_for(w, h);
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        refresh_preview_mask(l)?;
        let placement = &self.placement.as_ref().ok_or_else(no_image)?.4;
        let frame = Frame {
            photo: &l.preview,
            mask: &l.preview_mask,
            full_mask: &l.mask,
            full_px_per_mm: ppm,
        };
        render::render(
            &frame,
            placement,
            &self.settings,
            &self.transfer,
            &mut l.preview_absorbance,
            &mut l.preview_out,
        )?;
        Ok(&l.preview_out)
    }

    /// Renders the full-resolution result; returns its RGBA pixels.
    pub fn render_full(&mut self) -> Result<&[u8], SmpError> {
        self.loaded.as_ref().ok_or_else(no_image)?;
        self.ensure_placement()?;
        let (w, h) = self.size();
        let ppm = self.settings.px_per_mm_for(w, h);
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        if l.full_out.len() != l.full.pixels.len() {
            l.full_out = try_zeroed(l.full.pixels.len(), "full-size result")?;
        }
        let placement = &self.placement.as_ref().ok_or_else(no_image)?.4;
        let frame = Frame {
            photo: &l.full,
            mask: &l.mask,
            full_mask: &l.mask,
            full_px_per_mm: ppm,
        };
        render::render(
            &frame,
            placement,
            &self.settings,
            &self.transfer,
            &mut l.full_absorbance,
            &mut l.full_out,
        )?;
        Ok(&l.full_out)
    }

    /// Frees the full-resolution result buffers (kept only while exporting).
    pub fn release_full(&mut self) {
        if let Some(l) = self.loaded.as_mut() {
            l.full_out = Vec::new();
            l.full_absorbance = Vec::new();
        }
    }
}

fn refresh_preview_mask(l: &mut Loaded) -> Result<(), SmpError> {
    if l.preview_mask_stale {
        l.preview_mask = l.mask.resampled(l.preview.width, l.preview.height)?;
        l.preview_mask_stale = false;
    }
    Ok(())
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
    let pixels = engine.render_full()?.to_vec();
    Rgba8Image::new(w, h, pixels)
}
