//! The treatment area: lives as long as its photo. Its undo history and the
//! hairline being designed are the first things to go when room is needed
//! (they can be lost without losing the area itself); the preview-size copy
//! is reduced lazily, only where the area changed since it was last read.

use crate::error::SmpError;
use crate::history::History;
use crate::raster::Mask;
use crate::render::Rect;

use super::{to_layer, UNDO_STEPS};

/// A number no area of this process had before: each area and each edit
/// of one gets the next, so two engines' areas with the same number are
/// the same area (the page gives the worker its area and then shares
/// frames with it only while the number is unchanged).
fn next_version() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST: AtomicU64 = AtomicU64::new(0);
    LAST.fetch_add(1, Ordering::Relaxed) + 1
}

pub(super) struct Area {
    /// The area at full resolution: the one the user edits.
    pub mask: Mask,
    preview_mask: Mask,
    /// Where `mask` changed since `preview_mask` was last reduced from it.
    pending_preview_mask: Rect,
    history: History,
    /// The area before the hairline being designed was applied to it.
    pub hairline_base: Option<Vec<u8>>,
    /// This area as it is now, among all areas (see [`next_version`]).
    pub version: u64,
}

impl Area {
    /// An empty area for a `w`×`h` photo shown at `pw`×`ph`.
    pub fn empty(w: u32, h: u32, pw: u32, ph: u32) -> Result<Area, SmpError> {
        let mask = Mask::empty(w, h)?;
        let pixels = mask.weights.len();
        Ok(Area {
            mask,
            preview_mask: Mask::empty(pw, ph)?,
            pending_preview_mask: Rect::default(),
            history: History::new(pixels, UNDO_STEPS),
            hairline_base: None,
            version: next_version(),
        })
    }

    /// An area taken as it is, with its preview copy made elsewhere (see
    /// `handoff`) and no undo steps.
    pub fn with_masks(mask: Mask, preview_mask: Mask) -> Area {
        let pixels = mask.weights.len();
        Area {
            mask,
            preview_mask,
            pending_preview_mask: Rect::default(),
            history: History::new(pixels, UNDO_STEPS),
            hairline_base: None,
            version: next_version(),
        }
    }

    /// Records an empty area as the step before this one: a proposed area
    /// handed over from another engine undoes to the empty area, as a
    /// proposal made here would.
    pub fn record_empty_before(&mut self) -> Result<(), SmpError> {
        self.history.checkpoint_empty(self.mask.weights.len())
    }

    /// The area at preview size as it was last reduced, and whether it is
    /// up to date.
    pub fn preview_mask_as_is(&self) -> (&Mask, bool) {
        (&self.preview_mask, self.pending_preview_mask.is_empty())
    }

    /// Forgets the undo steps and the hairline's starting point; the area stays.
    pub fn forget_history(&mut self) {
        self.history.undo.clear();
        self.history.redo.clear();
        self.hairline_base = None;
    }

    /// A preview-size copy of the area for a preview of `pw`×`ph`, made in
    /// full so that it can replace the old one only once it exists.
    pub fn preview_mask_for(&self, pw: u32, ph: u32) -> Result<Mask, SmpError> {
        let mut small = Mask::empty(pw, ph)?;
        let all = whole(self.mask.width, self.mask.height);
        reduce_mask(&self.mask, &mut small, all);
        Ok(small)
    }

    /// Takes a preview mask made by [`Area::preview_mask_for`].
    pub fn set_preview_mask(&mut self, small: Mask) {
        self.preview_mask = small;
        self.pending_preview_mask = Rect::default();
    }

    /// Notes that the area changed within `r` (full pixels).
    pub fn changed(&mut self, r: Rect) {
        self.version = next_version();
        self.pending_preview_mask = self.pending_preview_mask.union(r);
    }

    /// The area at preview size, brought up to date.
    pub fn preview_mask(&mut self) -> &Mask {
        if !self.pending_preview_mask.is_empty() {
            reduce_mask(
                &self.mask,
                &mut self.preview_mask,
                self.pending_preview_mask,
            );
            self.pending_preview_mask = Rect::default();
        }
        &self.preview_mask
    }

    /// Remembers the area as one undo step; any other edit ends the
    /// hairline design.
    pub fn checkpoint(&mut self) -> Result<(), SmpError> {
        self.history.checkpoint(&self.mask.weights)?;
        self.hairline_base = None;
        Ok(())
    }

    /// One step back (or forward); false when there is none.
    pub fn step(&mut self, back: bool) -> Result<bool, SmpError> {
        if !self.history.step(back, &mut self.mask.weights)? {
            return Ok(false);
        }
        self.hairline_base = None;
        Ok(true)
    }

    /// Numbers of steps that can be undone and redone.
    pub fn history(&self) -> (usize, usize) {
        (self.history.undo.len(), self.history.redo.len())
    }
}

/// The whole of a `w`×`h` picture.
pub(super) fn whole(w: u32, h: u32) -> Rect {
    Rect {
        x0: 0,
        y0: 0,
        x1: w,
        y1: h,
    }
}

/// Reduces the area to the preview within `r` (full pixels): a preview pixel
/// takes the largest weight under it, so the preview never forbids pigment
/// where the full-resolution area allows it.
fn reduce_mask(full: &Mask, small: &mut Mask, r: Rect) {
    let sx = full.width as f64 / small.width as f64;
    let sy = full.height as f64 / small.height as f64;
    let target = to_layer(r, sx, sy, small.width, small.height);
    let mut columns = Vec::new();
    for y in target.y0..target.y1 {
        let fy0 = (y as f64 * sy) as u32;
        let fy1 = (((y + 1) as f64 * sy).ceil() as u32).clamp(fy0 + 1, full.height);
        let out = &mut small.weights[(y * small.width) as usize..][..small.width as usize];
        reduce_row(full, fy0..fy1, sx, target.x0..target.x1, out, &mut columns);
    }
}

/// Row `out` of the reduced area, columns `xs`, from full rows `fys`:
/// first the largest weight down each full column (`columns`, reused),
/// read row by row, then across each preview pixel's columns. Block by
/// block, each pixel's rows were sliced and checked anew, taking twice as
/// long. A call a row, not inlined: a browser optimises a wasm function
/// only for its next call (see `crate::placement`), and a 12 MP area is
/// reduced whole when a photo's area is first proposed.
#[inline(never)]
fn reduce_row(
    full: &Mask,
    fys: std::ops::Range<u32>,
    sx: f64,
    xs: std::ops::Range<u32>,
    out: &mut [u8],
    columns: &mut Vec<u8>,
) {
    // The full columns under preview column `x` (they only move right as x does).
    let span = |x: u32| {
        let fx0 = (x as f64 * sx) as u32;
        let fx1 = (((x + 1) as f64 * sx).ceil() as u32).clamp(fx0 + 1, full.width);
        (fx0 as usize, fx1 as usize)
    };
    let Some(last) = xs.end.checked_sub(1).filter(|&l| l >= xs.start) else {
        return;
    };
    let (a, b) = (span(xs.start).0, span(last).1);
    let w = full.width as usize;
    columns.clear();
    columns.resize(b - a, 0);
    for fy in fys {
        let row = &full.weights[fy as usize * w..][a..b];
        for (m, &v) in columns.iter_mut().zip(row) {
            *m = (*m).max(v);
        }
    }
    for x in xs {
        let (fx0, fx1) = span(x);
        out[x as usize] = columns[fx0 - a..fx1 - a].iter().fold(0, |m, &v| m.max(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each preview pixel as the largest weight of its block, pixel by pixel.
    fn block_max(full: &Mask, pw: u32, ph: u32) -> Vec<u8> {
        let sx = full.width as f64 / pw as f64;
        let sy = full.height as f64 / ph as f64;
        let mut out = Vec::new();
        for y in 0..ph {
            let fy0 = (y as f64 * sy) as u32;
            let fy1 = (((y + 1) as f64 * sy).ceil() as u32).clamp(fy0 + 1, full.height);
            for x in 0..pw {
                let fx0 = (x as f64 * sx) as u32;
                let fx1 = (((x + 1) as f64 * sx).ceil() as u32).clamp(fx0 + 1, full.width);
                let mut m = 0;
                for fy in fy0..fy1 {
                    for fx in fx0..fx1 {
                        m = m.max(full.weights[(fy * full.width + fx) as usize]);
                    }
                }
                out.push(m);
            }
        }
        out
    }

    #[test]
    fn the_preview_area_is_the_largest_weight_under_each_pixel() {
        let (w, h) = (103u32, 71u32);
        let mut full = Mask::empty(w, h).unwrap();
        // Scattered weights, mostly zero, some full, some in between.
        let mut state = 12345u32;
        for v in full.weights.iter_mut() {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *v = match state >> 28 {
                0..=9 => 0,
                10..=12 => 255,
                k => (k * 17) as u8,
            };
        }
        for (pw, ph) in [(103, 71), (50, 35), (21, 17), (7, 3), (1, 1)] {
            let mut small = Mask::empty(pw, ph).unwrap();
            reduce_mask(&full, &mut small, whole(w, h));
            assert_eq!(small.weights, block_max(&full, pw, ph), "{pw}×{ph}");
            // A change within a rectangle updates the same pixels.
            let mut part = Mask::empty(pw, ph).unwrap();
            let r = Rect {
                x0: 17,
                y0: 9,
                x1: 60,
                y1: 44,
            };
            reduce_mask(&full, &mut part, r);
            let t = to_layer(r, w as f64 / pw as f64, h as f64 / ph as f64, pw, ph);
            let expected = block_max(&full, pw, ph);
            for y in 0..ph {
                for x in 0..pw {
                    let i = (y * pw + x) as usize;
                    let inside = (t.x0..t.x1).contains(&x) && (t.y0..t.y1).contains(&y);
                    assert_eq!(part.weights[i], if inside { expected[i] } else { 0 });
                }
            }
        }
    }
}
