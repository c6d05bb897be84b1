//! Which dots are shown: each dot's share of the area (for the look's mode),
//! then the dots above the density's threshold. The shares are recomputed
//! where the area changed (grown by the patch fade's reach), in full when
//! the mode or the pattern changes; the shown dots whenever the threshold
//! or the shares change.

use crate::analysis;
use crate::raster::Mask;
use crate::render::{Look, Rect};
use crate::settings::Mode;
use crate::visible::{self, DotContext};

use super::pattern::Pattern;

#[derive(Default)]
pub(super) struct Shown {
    /// Each dot's share of the area.
    weights: Vec<f32>,
    /// The mode `weights` were computed for (none: not computed).
    weights_mode: Option<Mode>,
    /// Where (full pixels) the area changed since `weights` were computed.
    pending_weights: Rect,
    /// Counts recomputations of `weights`, so `visible` knows when it is stale.
    weights_version: u64,
    /// One flag per dot of the pattern.
    pub visible: Vec<bool>,
    /// The threshold's bits and the weights' version `visible` was made for.
    visible_key: Option<(u32, u64)>,
}

impl Shown {
    /// Notes that the area changed within `r`.
    pub fn area_changed(&mut self, r: Rect) {
        self.pending_weights = self.pending_weights.union(r);
    }

    /// Brings the shown dots up to date for `look`; `new_pattern` says that
    /// `pattern` was just (re)built, so nothing computed before holds.
    pub fn update(&mut self, pattern: &Pattern, mask: &Mask, look: &Look, new_pattern: bool) {
        if new_pattern {
            self.visible_key = None;
        }
        let ppm = pattern.px_per_mm;
        let region = if new_pattern || self.weights_mode != Some(look.mode) {
            Some(None) // everything
        } else if !self.pending_weights.is_empty() {
            // The patch fade reaches a blur's width beyond the change.
            let grow = (analysis::PATCH_BLEND_MM * 2.0 * ppm).ceil() as u32 + 2;
            let r = self.pending_weights;
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
            let feather = |x: f64, y: f64| pattern.feather.at(x, y);
            let ctx = DotContext {
                placement: &pattern.placement,
                mask,
                on_scalp: &pattern.on_scalp,
                feather: &feather,
                px_per_mm: ppm,
            };
            visible::dot_weights(&ctx, look.mode, region, &mut self.weights);
            self.weights_mode = Some(look.mode);
            self.pending_weights = Rect::default();
            self.weights_version += 1;
        }
        let key = (look.threshold.to_bits(), self.weights_version);
        if self.visible_key != Some(key) {
            let placement = &pattern.placement;
            match self.visible_key {
                // Only the threshold changed (a density or session change).
                Some((was, version))
                    if version == self.weights_version
                        && self.visible.len() == placement.dots.len() =>
                {
                    visible::visible_dots_after(
                        placement,
                        &self.weights,
                        f32::from_bits(was),
                        look.threshold,
                        &mut self.visible,
                    );
                }
                _ => visible::visible_dots(
                    placement,
                    &self.weights,
                    look.threshold,
                    &mut self.visible,
                ),
            }
            self.visible_key = Some(key);
        }
    }
}
