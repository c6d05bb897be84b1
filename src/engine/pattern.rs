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
use crate::render::Rect;
use crate::visible;

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
        let placement = placement::place(w_mm, h_mm, seed)?;
        let (skin, feather) = match old {
            Some(p) if !scale_changed => (p.skin, p.feather),
            _ => (
                Skin::analyse(photo, px_per_mm, transfer)?,
                AreaFeather::new(mask, px_per_mm)?,
            ),
        };
        let on_scalp = visible::dots_on_scalp(&placement, photo, &skin, px_per_mm, transfer);
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
