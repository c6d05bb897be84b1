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
//! and is drawn by the first update that covers its rows (which dots are
//! drawn is kept per dot, so nothing else needs to remember it).
//!
//! A layer remembers which rows it left out. Their pixels may be filled in
//! from the other engine ([`Layer::put_rows`]), but the per-pixel values
//! the next update relies on (each pixel's halo value and table index) are
//! not, so the first update that covers those rows composites them whole.

use super::composite::Pass;
use super::{Layer, Look, Rect, ShapeKey};
use crate::analysis::Skin;
use crate::color::Transfer;
use crate::placement::Dot;
use crate::raster::{Mask, Rgba8Image};
use crate::tiles::order_band;
use std::ops::Range;

impl Layer {
    /// The rows `band` names, as a rectangle of the layer's full width
    /// (every row when `None`).
    pub(super) fn band_rect(&self, band: Option<(u32, u32)>) -> Rect {
        let (y0, y1) = band.unwrap_or((0, self.height));
        Rect {
            x0: 0,
            y0: y0.min(self.height),
            x1: self.width,
            y1: y1.min(self.height),
        }
    }

    /// Whether `dot` can change a pixel of the rows of `band`: its core,
    /// its redness or its halo (read between nodes a cell apart), with a
    /// pixel to spare. A dot that cannot is not drawn by a banded update.
    pub(super) fn reaches_rows(&self, dot: &Dot, shape: &ShapeKey, band: Rect) -> bool {
        let (_, _, core, red) = shape.reaches(dot.size_factor);
        let halo = shape.halo_reach_px + 0.5;
        let reach = core.max(red).max(halo) + self.halo.cell_px() + 2.0;
        let cy = dot.y_mm * self.sy;
        cy + reach >= band.y0 as f32 && cy - reach <= band.y1 as f32
    }

    /// The dots of `ordered` (in [`crate::tiles::spatial_order`]) in the
    /// bands of rows that can reach `band`; within them, see
    /// [`Self::reaches_rows`].
    pub(super) fn dots_near(&self, ordered: &[Dot], shape: &ShapeKey, band: Rect) -> Range<usize> {
        let (_, _, core, red) = shape.reaches(self.largest_size_factor);
        let reach = core.max(red).max(shape.halo_reach_px + 0.5) + self.halo.cell_px() + 2.0;
        let px_to_mm = |y: f32| y / self.sy;
        let first = order_band(px_to_mm(band.y0 as f32 - reach), self.sy);
        let last = order_band(px_to_mm(band.y1 as f32 + reach), self.sy);
        let lo = ordered.partition_point(|d| order_band(d.y_mm, self.sy) < first);
        let hi = ordered.partition_point(|d| order_band(d.y_mm, self.sy) <= last);
        lo..hi.max(lo)
    }

    /// After an update that composited `band`: marks the rows outside it
    /// stale, and composites whole the stale rows inside it (their kept
    /// values are out of date, so no shortcut applies). Returns the rows
    /// it composited.
    pub(super) fn settle_band(
        &mut self,
        input: (&Rgba8Image, &Mask, &Skin),
        band: Rect,
        look: &Look,
        t: &Transfer,
    ) -> Rect {
        let h = self.height as usize;
        let whole = band.y0 == 0 && band.y1 == self.height;
        if !whole && self.stale_rows.len() != h {
            self.stale_rows = vec![false; h];
        }
        if self.stale_rows.is_empty() {
            return Rect::default();
        }
        let mut caught_up = Rect::default();
        let mut y = 0;
        while y < h {
            let inside = |y: usize| (band.y0 as usize..band.y1 as usize).contains(&y);
            if !inside(y) {
                self.stale_rows[y] = true;
                y += 1;
                continue;
            }
            if !self.stale_rows[y] {
                y += 1;
                continue;
            }
            let start = y;
            while y < h && inside(y) && self.stale_rows[y] {
                self.stale_rows[y] = false;
                y += 1;
            }
            let rows = Rect {
                x0: 0,
                y0: start as u32,
                x1: self.width,
                y1: y as u32,
            };
            let pass = Pass {
                covered_only: false,
                skip_same: false,
                halo_live: true,
            };
            self.composite(input, rows, pass, look, t);
            caught_up = caught_up.union(rows);
        }
        if whole {
            self.stale_rows = Vec::new();
        }
        caught_up
    }

    /// Copies rows composited by another engine in the same state into the
    /// result, from row `y0` on (`rows` holds whole rows of RGBA). Only
    /// rows this layer left out are written: the others are its own and
    /// already right. Returns the rows written.
    pub fn put_rows(&mut self, y0: u32, rows: &[u8]) -> Rect {
        let row_bytes = self.width as usize * 4;
        if self.stale_rows.is_empty() || row_bytes == 0 {
            return Rect::default();
        }
        let mut written = Rect::default();
        for (k, row) in rows.chunks_exact(row_bytes).enumerate() {
            let y = y0 as usize + k;
            if !self.stale_rows.get(y).copied().unwrap_or(false) {
                continue;
            }
            self.out[y * row_bytes..(y + 1) * row_bytes].copy_from_slice(row);
            let r = Rect {
                x0: 0,
                y0: y as u32,
                x1: self.width,
                y1: y as u32 + 1,
            };
            written = written.union(r);
        }
        written
    }
}
