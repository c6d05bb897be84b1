//! The scatter halo of the dots on a coarse grid.
//!
//! Each impression casts a soft shadow about a millimetre wide (see
//! [`crate::look::HALO_SPREAD_MM`]). Drawn pixel by pixel it would cost a
//! dot tens of times its own footprint; the halo is smooth, so each dot adds
//! its halo to the nodes of a grid a quarter of a millimetre apart instead,
//! and a pixel reads it by bilinear interpolation. Node values are integer
//! units summed with wrapping arithmetic, like the dots' cores, so removing
//! a dot restores the grid bit for bit and a cached render equals a fresh one.

use crate::error::{try_zeroed, SmpError};
use crate::kept::{Footprint, KeptUnits};

/// Coverage units of a non-negative value: the nearest whole number (ties
/// to even). The value plus 1.5 × 2^23 is a float whose spacing is exactly
/// 1, so its low mantissa bits are the rounded value: in wasm a plain add,
/// where a float-to-int conversion saturates (checks for NaN and range) on
/// every pixel. Every unit count in the sums is made here, so removing
/// what was added stays exact. `v` must lie in 0..2^22 (checked in debug
/// builds; outside it the result wraps): every caller's values stay far
/// below (the sums hold 16 bits).
#[inline(always)]
pub(crate) fn round_units(v: f32) -> u32 {
    debug_assert!((0.0..4_194_304.0).contains(&v));
    (v + 12_582_912.0).to_bits() & 0x3F_FFFF
}

/// The larger of two values that are never NaN, by a compare: an f32
/// `max` is a libm call in wasm, and these run per dot.
#[inline(always)]
pub(crate) fn larger(a: f32, b: f32) -> f32 {
    if a > b {
        a
    } else {
        b
    }
}

/// The smaller of two values that are never NaN (see [`larger`]).
#[inline(always)]
pub(crate) fn smaller(a: f32, b: f32) -> f32 {
    if a < b {
        a
    } else {
        b
    }
}

/// Spacing of the grid's nodes in mm: a few nodes across the halo's reach,
/// which is smooth at that scale.
pub const HALO_CELL_MM: f32 = 0.25;

/// Halo units per grid node of one layer.
pub struct HaloGrid {
    width: u32,
    height: u32,
    cell_px: f32,
    cols: usize,
    rows: usize,
    units: Vec<u32>,
    /// Per pixel column (row): the node before its centre and the
    /// fraction of the way to the next, so reading a pixel divides nothing.
    col_node: Vec<(u32, f32)>,
    row_node: Vec<(u32, f32)>,
    /// Profile values of the halo being drawn (reused buffer).
    scratch: Vec<f32>,
    /// Its node units (reused buffer).
    units_scratch: Vec<u32>,
}

/// Where one dot's halo lies on the grid: its first node and its size in
/// nodes.
type HaloNodes = Footprint;

/// Node index and fraction for each pixel centre along one axis.
fn nodes(n: u32, cell_px: f32) -> Vec<(u32, f32)> {
    (0..n)
        .map(|x| {
            let f = (x as f32 + 0.5) / cell_px;
            (f as u32, f - (f as u32) as f32)
        })
        .collect()
}

impl HaloGrid {
    /// A grid for a `width`×`height` layer at `px_per_mm`.
    pub fn new(width: u32, height: u32, px_per_mm: f32) -> Result<HaloGrid, SmpError> {
        let cell_px = (HALO_CELL_MM * px_per_mm).max(1.0);
        let cols = (width as f32 / cell_px) as usize + 2;
        let rows = (height as f32 / cell_px) as usize + 2;
        Ok(HaloGrid {
            width,
            height,
            cell_px,
            cols,
            rows,
            units: try_zeroed(cols * rows, "result")?,
            col_node: nodes(width, cell_px),
            row_node: nodes(height, cell_px),
            scratch: Vec::new(),
            units_scratch: Vec::new(),
        })
    }

    /// Spacing of the nodes in pixels.
    pub fn cell_px(&self) -> f32 {
        self.cell_px
    }

    /// Removes every halo.
    pub fn clear(&mut self) {
        self.units.fill(0);
    }

    /// Adds (or removes) one dot's halo: `amount` units × pixels of
    /// coverage, spread as `(1 − u²)²` of the distance over `reach_px`
    /// around the centre `cx`, `cy` (pixels). Returns the pixels it reaches
    /// as `(x0, y0, x1, y1)`, or `None` when it misses the layer.
    pub fn splat(
        &mut self,
        cx: f32,
        cy: f32,
        reach_px: f32,
        amount: f32,
        add: bool,
    ) -> Option<(u32, u32, u32, u32)> {
        let mut units = std::mem::take(&mut self.units_scratch);
        let nodes = self.halo_units(cx, cy, reach_px, amount, &mut units);
        let r = nodes.map(|n| self.apply(n, &units, add));
        self.units_scratch = units;
        r
    }

    /// [`Self::splat`] for dot number `dot`, whose halo on this grid is
    /// kept in `kept` after its first splat: a dot that comes and goes (a
    /// density drag, a brush) then only adds or takes its kept units.
    /// The same units either way, so the grid is the same bit for bit.
    pub fn splat_kept(
        &mut self,
        kept: &mut KeptUnits<u16>,
        dot: usize,
        halo: (f32, f32, f32, f32),
        add: bool,
    ) -> Option<(u32, u32, u32, u32)> {
        if let Some((nodes, units)) = kept.get(dot) {
            return Some(self.apply(nodes, units, add));
        }
        let (cx, cy, reach_px, amount) = halo;
        let mut units = std::mem::take(&mut self.units_scratch);
        let nodes = self.halo_units(cx, cy, reach_px, amount, &mut units);
        let r = nodes.map(|n| {
            kept.put(dot, n, &units);
            self.apply(n, &units, add)
        });
        self.units_scratch = units;
        r
    }

    /// One dot's halo in node units, into `units` (row by row over the
    /// returned nodes), or `None` when it misses the grid.
    fn halo_units(
        &mut self,
        cx: f32,
        cy: f32,
        reach_px: f32,
        amount: f32,
        units: &mut Vec<u32>,
    ) -> Option<HaloNodes> {
        let c = self.cell_px;
        let last = |n: usize| (n - 1) as f32;
        let gx0 = ((cx - reach_px) / c).ceil().clamp(0.0, last(self.cols)) as usize;
        let gy0 = ((cy - reach_px) / c).ceil().clamp(0.0, last(self.rows)) as usize;
        let gx1 = ((cx + reach_px) / c).floor().clamp(0.0, last(self.cols)) as usize;
        let gy1 = ((cy + reach_px) / c).floor().clamp(0.0, last(self.rows)) as usize;
        if gx0 > gx1 || gy0 > gy1 {
            return None;
        }
        // The profile once per node, kept for the second pass; written so
        // that it vectorises: the same operations, in the same order, as a
        // node at a time (the sum stays one serial sum: its rounding depends
        // on the order).
        let span = gx1 + 1 - gx0;
        let r2 = reach_px * reach_px;
        let mut values = std::mem::take(&mut self.scratch);
        values.clear();
        values.resize(span * (gy1 + 1 - gy0), 0.0);
        for (gy, row) in (gy0..=gy1).zip(values.chunks_exact_mut(span)) {
            let dy = gy as f32 * c - cy;
            let dy2 = dy * dy;
            for (k, v) in row.iter_mut().enumerate() {
                // Node indices are far below 2^24: exact as i32 and f32.
                let dx = (gx0 + k) as i32 as f32 * c - cx;
                let u2 = (dx * dx + dy2) / r2;
                let w = 1.0 - u2;
                *v = if u2 < 1.0 { w * w } else { 0.0 };
            }
        }
        let sum: f32 = values.iter().fold(0.0, |acc, &v| acc + v);
        // Each node's tent integrates to one cell's area, so the field's sum
        // over pixels is the nodes' sum × cell².
        let scale = if sum > 0.0 {
            amount / (sum * c * c)
        } else {
            0.0
        };
        units.clear();
        units.extend(values.iter().map(|&p| round_units(p * scale)));
        self.scratch = values;
        Some(HaloNodes {
            x0: gx0 as u32,
            y0: gy0 as u32,
            span: span as u32,
            rows: (gy1 + 1 - gy0) as u32,
        })
    }

    /// Adds (or takes) a halo's node units; returns the pixels it reaches.
    fn apply<T: Copy + Into<u32>>(
        &mut self,
        n: HaloNodes,
        units: &[T],
        add: bool,
    ) -> (u32, u32, u32, u32) {
        n.add_into(&mut self.units, self.cols, units, add);
        let (gx0, gy0) = (n.x0 as usize, n.y0 as usize);
        let c = self.cell_px;
        let (gx1, gy1) = (gx0 + n.span as usize - 1, gy0 + n.rows as usize - 1);
        let px = |g: usize, n: u32| (((g as f32) * c) as u32).min(n);
        (
            px(gx0.saturating_sub(1), self.width),
            px(gy0.saturating_sub(1), self.height),
            ((((gx1 + 1) as f32) * c).ceil() as u32).min(self.width),
            ((((gy1 + 1) as f32) * c).ceil() as u32).min(self.height),
        )
    }

    /// Interpolates the grid to pixel row `y` at the node columns that
    /// pixels `x0..x1` fall between, into `row` (read with [`Self::at_in_row`]).
    pub fn row(&self, y: usize, x0: usize, x1: usize, row: &mut HaloRow) {
        row.first = self.col_node[x0].0 as usize;
        let last = self.col_node[x1 - 1].0 as usize + 1;
        let (iy, ty) = self.row_node[y];
        // Both are at most cols − 2 and rows − 2 (see `new`).
        let r0 = iy as usize * self.cols;
        let r1 = r0 + self.cols;
        row.values.clear();
        row.values.extend((row.first..=last).map(|g| {
            let (a, c) = (self.units[r0 + g] as f32, self.units[r1 + g] as f32);
            a + (c - a) * ty
        }));
    }

    /// The halo's coverage units at pixel column `x` of a row from
    /// [`Self::row`] (bilinear between nodes: down the columns, then
    /// across), times `gain` (the look's halo strength).
    #[inline(always)]
    pub fn at_in_row(&self, row: &HaloRow, x: usize, gain: f32) -> u32 {
        let (ix, tx) = self.col_node[x];
        let k = ix as usize - row.first;
        let (v0, v1) = (row.values[k], row.values[k + 1]);
        round_units((v0 + (v1 - v0) * tx) * gain)
    }

    /// The halo's values before any gain at pixel columns `x0..` of a row
    /// from [`Self::row`], into `out` (one per pixel): the values
    /// [`Self::at_in_row`] scales, so a caller may keep them and scale
    /// them itself with the same rounding.
    pub fn row_values(&self, row: &HaloRow, x0: usize, out: &mut [f32]) {
        for (v, &(ix, tx)) in out.iter_mut().zip(&self.col_node[x0..]) {
            let k = ix as usize - row.first;
            let (v0, v1) = (row.values[k], row.values[k + 1]);
            *v = v0 + (v1 - v0) * tx;
        }
    }

    /// The halo's coverage units at pixel `x`, `y`: the same value as
    /// [`Self::at_in_row`] gives, for a single pixel.
    pub fn at(&self, x: usize, y: usize, row: &mut HaloRow, gain: f32) -> u32 {
        self.row(y, x, x + 1, row);
        self.at_in_row(row, x, gain)
    }
}

/// One pixel row of the halo grid, interpolated (see [`HaloGrid::row`]).
#[derive(Default)]
pub struct HaloRow {
    first: usize,
    values: Vec<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_halo_holds_its_amount_and_removing_it_restores_the_grid() {
        let mut g = HaloGrid::new(200, 200, 10.0).unwrap();
        let r = g.splat(100.3, 99.1, 14.0, 1.0e6, true).unwrap();
        let total: u64 = (0..200)
            .flat_map(|y| (0..200).map(move |x| (x, y)))
            .map(|(x, y)| g.at(x, y, &mut HaloRow::default(), 1.0) as u64)
            .sum();
        assert!((total as f64 - 1.0e6).abs() < 1.0e4, "{total}");
        assert!(r.0 <= 86 && r.2 >= 114, "{r:?}");
        g.splat(100.3, 99.1, 14.0, 1.0e6, false);
        assert!(g.units.iter().all(|&u| u == 0));
    }
}
