//! One frame composited by two engines: the page's engine composites one
//! band of the preview's rows while the worker's engine, in the same state,
//! composites the other (a browser gives a page two threads only through a
//! worker, and wasm threads need a cross-origin-isolated page, which a
//! partner site embedding the element is not). Each band's pixels are the
//! full render's rows: the same code on the same state, and compositing
//! does not depend on what was drawn before (the tests check it).
//!
//! Dots that come or go (a density change, a session, the area) are drawn
//! only where they reach the band: a dot beyond it stays as it was drawn
//! and is drawn by the first update that covers it (which dots are
//! drawn is kept per dot, so nothing else needs to remember it).
//!
//! A band may also start at a column: in a compare view the after-image
//! left of the divider is hidden behind the photo, so a frame composites
//! only the columns shown (the element draws the rest when the view is
//! idle, or before the divider uncovers them).
//!
//! A layer remembers, per row, from which column on its pixels are up to
//! date. The other engine's rows are shown from its own pixels, and this
//! layer's stay out of date there (pixels, and the per-pixel values the
//! next update relies on: each pixel's halo value and table index), so
//! the first update that covers them composites them whole.

use super::composite::Pass;
use super::{Layer, Look, Rect, ShapeKey};
use crate::analysis::Skin;
use crate::color::Transfer;
use crate::halo::larger;
use crate::placement::Dot;
use crate::raster::{Mask, Rgba8Image};
use crate::tiles::order_band;
use std::ops::Range;

/// The part of a layer an update composites: the rows `y0..y1`, from
/// column `x0` on (to the right edge).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Band {
    /// The first column composited.
    pub x0: u32,
    /// The first row composited.
    pub y0: u32,
    /// The row after the last one composited.
    pub y1: u32,
}

impl Band {
    /// The rows `y0..y1`, whole.
    pub fn rows(y0: u32, y1: u32) -> Band {
        Band { x0: 0, y0, y1 }
    }
}

impl Layer {
    /// The pixels `band` names, as a rectangle within the layer (every
    /// pixel when `None`).
    pub(super) fn band_rect(&self, band: Option<Band>) -> Rect {
        let b = band.unwrap_or(Band::rows(0, self.height));
        Rect {
            x0: b.x0.min(self.width),
            y0: b.y0.min(self.height),
            x1: self.width,
            y1: b.y1.min(self.height),
        }
    }

    /// How far from its centre a dot of `size_factor` can change a pixel:
    /// its core, its redness or its halo (read between nodes a cell
    /// apart), with a pixel to spare.
    fn reach_px(&self, shape: &ShapeKey, size_factor: f32) -> f32 {
        let (_, _, core, red) = shape.reaches(size_factor);
        let halo = shape.halo_reach_px + 0.5;
        larger(larger(core, red), halo) + self.halo.cell_px() + 2.0
    }

    /// Whether `dot` can change a pixel of `band` (see [`Self::reach_px`]).
    /// A dot that cannot is not drawn by a banded update.
    pub(super) fn reaches_band(&self, dot: &Dot, shape: &ShapeKey, band: Rect) -> bool {
        let reach = self.reach_px(shape, dot.size_factor);
        let (cx, cy) = (dot.x_mm * self.sx, dot.y_mm * self.sy);
        cy + reach >= band.y0 as f32 && cy - reach <= band.y1 as f32 && cx + reach >= band.x0 as f32
    }

    /// The dots of `ordered` (in [`crate::tiles::spatial_order`]) in the
    /// bands of rows that can reach `band`; within them, see
    /// [`Self::reaches_band`].
    pub(super) fn dots_near(&self, ordered: &[Dot], shape: &ShapeKey, band: Rect) -> Range<usize> {
        let reach = self.reach_px(shape, self.largest_size_factor);
        let px_to_mm = |y: f32| y / self.sy;
        let first = order_band(px_to_mm(band.y0 as f32 - reach), self.sy);
        let last = order_band(px_to_mm(band.y1 as f32 + reach), self.sy);
        let lo = ordered.partition_point(|d| order_band(d.y_mm, self.sy) < first);
        let hi = ordered.partition_point(|d| order_band(d.y_mm, self.sy) <= last);
        lo..hi.max(lo)
    }

    /// After an update that composited `band`: marks the pixels outside
    /// it stale, and composites whole the stale pixels inside it (their
    /// kept values are out of date, so no shortcut applies). Returns the
    /// pixels it composited.
    pub(super) fn settle_band(
        &mut self,
        input: (&Rgba8Image, &Mask, &Skin),
        band: Rect,
        look: &Look,
        t: &Transfer,
    ) -> Rect {
        let (w, h) = (self.width, self.height as usize);
        let whole = band == self.band_rect(None);
        if !whole && self.fresh_from.len() != h {
            self.fresh_from = vec![0; h];
        }
        if self.fresh_from.is_empty() {
            return Rect::default();
        }
        let mut caught_up = Rect::default();
        let mut y = 0;
        while y < h {
            let inside = |y: usize| (band.y0 as usize..band.y1 as usize).contains(&y);
            if !inside(y) {
                self.fresh_from[y] = w;
                y += 1;
                continue;
            }
            // Consecutive rows stale from the same column on: one pass.
            let stale_to = self.fresh_from[y];
            let start = y;
            while y < h && inside(y) && self.fresh_from[y] == stale_to {
                self.fresh_from[y] = band.x0;
                y += 1;
            }
            if stale_to <= band.x0 {
                continue;
            }
            let stale = Rect {
                x0: band.x0,
                y0: start as u32,
                x1: stale_to,
                y1: y as u32,
            };
            let pass = Pass {
                covered_only: false,
                skip_same: false,
                halo_live: true,
            };
            self.composite(input, stale, pass, look, t);
            caught_up = caught_up.union(stale);
        }
        if whole {
            self.fresh_from = Vec::new();
        }
        caught_up
    }
}
