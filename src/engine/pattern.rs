//! The caches that depend on the photo, the seed and the scale: the dot
//! pattern, the skin analysis, which dots sit on bare scalp, and the area's
//! fade. They live until the seed or the scale changes (or a new photo
//! comes); a new seed keeps the skin analysis and the fade, which depend on
//! the scale only.

use crate::analysis::{AreaFeather, Skin};
use crate::color::Transfer;
use crate::error::SmpError;
use crate::placement::{self, Placement};
use crate::raster::{Mask, Rgba8Image};
use crate::render::{self, Rect};

use super::Engine;

pub(super) struct Pattern {
    pub seed: u32,
    pub px_per_mm: f64,
    pub placement: Placement,
    pub skin: Skin,
    pub on_scalp: Vec<bool>,
    pub feather: AreaFeather,
}

impl Pattern {
    /// Whether this pattern was made for `seed` at `px_per_mm`.
    pub fn is_for(&self, seed: u32, px_per_mm: f64) -> bool {
        self.seed == seed && self.px_per_mm == px_per_mm
    }

    /// The pattern for `seed` at `px_per_mm`, reusing what `old` has that
    /// does not depend on the seed. Call with the old pattern taken out of
    /// its place, so that it is freed before its successor's dots exist.
    pub fn build(
        old: Option<Pattern>,
        ahead: Option<Placement>,
        photo: &Rgba8Image,
        mask: &Mask,
        seed: u32,
        px_per_mm: f64,
        transfer: &Transfer,
    ) -> Result<Pattern, SmpError> {
        let scale_changed = old.as_ref().is_none_or(|p| p.px_per_mm != px_per_mm);
        let (w_mm, h_mm) = (
            photo.width as f64 / px_per_mm,
            photo.height as f64 / px_per_mm,
        );
        let placement = match ahead {
            Some(p) if p.seed == seed && p.width_mm == w_mm && p.height_mm == h_mm => p,
            _ => placement::place(w_mm, h_mm, seed)?,
        };
        let (skin, feather) = match old {
            Some(p) if !scale_changed => (p.skin, p.feather),
            _ => (
                Skin::analyse(photo, px_per_mm, transfer)?,
                AreaFeather::new(mask, px_per_mm)?,
            ),
        };
        let on_scalp = render::dots_on_scalp(&placement, photo, &skin, px_per_mm, transfer);
        Ok(Pattern {
            seed,
            px_per_mm,
            placement,
            skin,
            on_scalp,
            feather,
        })
    }

    /// Keeps the area's fade in step with an area that changed within `r`.
    pub fn area_changed(&mut self, mask: &Mask, r: Rect) {
        // A failure here only leaves the fade stale; it cannot fail for
        // lack of memory since the grids already exist.
        let _ = self.feather.update(mask, r.x0, r.y0, r.x1, r.y1);
    }
}

impl Engine {
    /// Places the dots for a `width`×`height` photo before the photo
    /// itself is here (their places depend on its size, the scale and the
    /// seed only): the export worker does this while the page is still
    /// reading a new photo's pixels. The next pattern built for a photo of
    /// that size, scale and seed takes them; any other is placed as usual.
    pub fn place_ahead(&mut self, width: u32, height: u32) -> Result<(), SmpError> {
        self.placed_ahead = None;
        let ppm = self.settings.px_per_mm_for(width, height);
        let (w_mm, h_mm) = (width as f64 / ppm, height as f64 / ppm);
        self.placed_ahead = Some(placement::place(w_mm, h_mm, self.settings.seed)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_scalp;

    #[test]
    fn dots_placed_ahead_are_taken_only_for_their_photo_and_render_the_same() {
        let photo = sample_scalp(300, 200, 2).unwrap().photo;
        let mut plain = Engine::new();
        plain.load_image(photo.clone(), 150).unwrap();
        let mut ahead = Engine::new();
        ahead.place_ahead(300, 200).unwrap();
        ahead.load_image(photo.clone(), 150).unwrap();
        ahead.warm().unwrap();
        assert!(ahead.placed_ahead.is_none(), "taken by the photo's pattern");
        assert_eq!(ahead.render_full().unwrap(), plain.render_full().unwrap());
        // Placed for another size or seed: not taken, placed as usual.
        for (w, seed) in [(301, 1.0), (300, 77.0)] {
            let mut other = Engine::new();
            other.place_ahead(w, 200).unwrap();
            other.set_settings(&[("seed", seed)]).unwrap();
            other.load_image(photo.clone(), 150).unwrap();
            let mut fresh = Engine::new();
            fresh.set_settings(&[("seed", seed)]).unwrap();
            fresh.load_image(photo.clone(), 150).unwrap();
            assert_eq!(other.render_full().unwrap(), fresh.render_full().unwrap());
        }
    }
}
