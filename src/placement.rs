//! Where the dots go: a seeded, progressive blue-noise pattern in millimetres.
//!
//! Every dot carries a `rank` in (0, 1]. The dots with `rank <= t` form an
//! evenly spread (blue-noise) pattern of density `t × MAX_DENSITY_PER_CM2`, for
//! every `t`. So raising the density only adds dots, lowering it only removes
//! them, and a mask weight below full thins the pattern out instead of
//! cutting it. The pattern is built in levels that each double the density;
//! each level is filled by dart throwing (Poisson-disk sampling) against all
//! dots placed before it, with a minimum distance tied to that level's
//! density. Hand-written: no crate offers ranked, progressive Poisson-disk
//! sets. Every random choice comes from a seeded stream of
//! [`crate::rng::Draws`], one stream a purpose and level, so both builds,
//! and later ones, produce the same bits for a seed.

use std::cell::RefCell;

use crate::codec::{ByteReader, ByteWriter};
use crate::error::{try_zeroed, ErrorCode, SmpError};
use crate::rng::Draws;
use crate::settings::MAX_DENSITY_PER_CM2;

/// Number of doubling levels: densities 12.5, 25, 50, 100 and 200 dots/cm².
const LEVELS: u32 = 5;
/// Minimum distance of a level as a fraction of `1/sqrt(density)`. Random
/// sequential packing saturates near 0.70/r², so 0.72 leaves the target
/// density reachable with a bounded number of throws while keeping every
/// visible pair at least about half the mean spacing apart.
const MIN_DISTANCE_FACTOR: f64 = 0.72;
/// Passes over the grid allowed per level before giving up on that level
/// (the target is normally reached in far fewer).
const MAX_PASSES: u64 = 200;
/// Failed darts after which a cell is taken to be covered.
const MAX_MISSES: u8 = 8;
/// Largest number of dots the engine will place (bounds memory and time).
pub const MAX_DOTS: u64 = 2_500_000;
// Streams of Draws (the first two one a level): the order cells are visited
// in, the darts' positions, the dots' size and darkness.
const STREAM_SHUFFLE: u32 = 1;
const STREAM_DARTS: u32 = 16;
const STREAM_VARIATION: u32 = 200;

/// One pigment impression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dot {
    /// Centre, in mm from the photo's left edge.
    pub x_mm: f32,
    /// Centre, in mm from the photo's top edge.
    pub y_mm: f32,
    /// Visible when `rank <= density / MAX_DENSITY_PER_CM2 × mask weight`.
    pub rank: f32,
    /// Multiplies the dot diameter (small natural variation around 1).
    pub size_factor: f32,
    /// Multiplies the pigment darkness (small natural variation around 1).
    pub darkness_factor: f32,
}

/// The full ranked pattern for one photo and seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Width of the covered area in mm.
    pub width_mm: f64,
    /// Height of the covered area in mm.
    pub height_mm: f64,
    /// The seed it was built from.
    pub seed: u32,
    /// Every dot, at the highest density.
    pub dots: Vec<Dot>,
}

/// Density of all levels up to and including `level`, in dots per mm².
fn level_density_per_mm2(level: u32) -> f64 {
    MAX_DENSITY_PER_CM2 / 100.0 / f64::from(1u32 << (LEVELS - 1 - level))
}

/// Checks that a pattern for this area stays within [`MAX_DOTS`]; returns
/// the number of dots it will have.
pub fn check_fits(width_mm: f64, height_mm: f64) -> Result<u64, SmpError> {
    if !(width_mm > 0.0 && height_mm > 0.0 && width_mm.is_finite() && height_mm.is_finite()) {
        return Err(SmpError::new(
            ErrorCode::InvalidSetting,
            "The photo's size in mm must be positive.",
        ));
    }
    let total = (width_mm * height_mm * level_density_per_mm2(LEVELS - 1)).round() as u64;
    if total > MAX_DOTS {
        return Err(SmpError::new(
            ErrorCode::InvalidSetting,
            format!(
                "At this scale the photo covers {:.0}×{:.0} cm, which needs too many dots; set a larger pxPerMm.",
                width_mm / 10.0,
                height_mm / 10.0
            ),
        ));
    }
    Ok(total)
}

thread_local! {
    /// The one pattern built ahead of its photo ([`keep_ahead`]), until
    /// [`place`] takes it or another is kept.
    static AHEAD: RefCell<Option<Placement>> = const { RefCell::new(None) };
}

/// Builds the pattern for an area of `width_mm`×`height_mm` and `seed`
/// before it is asked for, to be kept ([`keep_ahead`]) for the next
/// [`place`] of the same area and seed. A photo's size is known from its
/// header long before its pixels are decoded, and placing its dots is the
/// longest step of its preparation: done meanwhile, it is off the path to
/// the first after-image.
pub fn place_ahead(width_mm: f64, height_mm: f64, seed: u32) -> Result<Placement, SmpError> {
    build(width_mm, height_mm, seed)
}

/// Keeps `placement` for the next [`place`] of its area and seed on this
/// thread; any pattern kept before is let go.
pub fn keep_ahead(placement: Placement) {
    AHEAD.with(|a| *a.borrow_mut() = Some(placement));
}

/// Builds the ranked pattern for an area of `width_mm`×`height_mm`, or
/// takes the one kept for it ([`keep_ahead`]: the same dots). Whatever
/// was kept is let go either way.
pub fn place(width_mm: f64, height_mm: f64, seed: u32) -> Result<Placement, SmpError> {
    let ahead = AHEAD.with(|a| a.borrow_mut().take());
    match ahead {
        Some(p) if (p.width_mm, p.height_mm, p.seed) == (width_mm, height_mm, seed) => Ok(p),
        _ => build(width_mm, height_mm, seed),
    }
}

impl Placement {
    /// Writes the pattern for [`Placement::read_from`] in another engine
    /// or later in this one.
    pub fn write_to(&self, w: &mut ByteWriter) -> Result<(), SmpError> {
        w.f64(self.width_mm)?;
        w.f64(self.height_mm)?;
        w.u32(self.seed)?;
        let mut fields = try_zeroed::<f32>(self.dots.len() * 5, "dot pattern")?;
        for (f, d) in fields.chunks_exact_mut(5).zip(&self.dots) {
            f.copy_from_slice(&[d.x_mm, d.y_mm, d.rank, d.size_factor, d.darkness_factor]);
        }
        w.f32s(&fields)
    }

    /// Reads a pattern [`Placement::write_to`] wrote.
    pub fn read_from(r: &mut ByteReader) -> Result<Placement, SmpError> {
        let (width_mm, height_mm) = (r.f64()?, r.f64()?);
        let seed = r.u32()?;
        let fields = r.f32s("dot pattern")?;
        if fields.len() % 5 != 0 {
            return Err(ByteReader::mismatch("a pattern of another build"));
        }
        let mut dots = Vec::new();
        dots.try_reserve_exact(fields.len() / 5).map_err(|_| {
            SmpError::new(
                ErrorCode::OutOfMemory,
                "Not enough memory for the dot pattern.",
            )
        })?;
        dots.extend(fields.chunks_exact(5).map(|f| Dot {
            x_mm: f[0],
            y_mm: f[1],
            rank: f[2],
            size_factor: f[3],
            darkness_factor: f[4],
        }));
        Ok(Placement {
            width_mm,
            height_mm,
            seed,
            dots,
        })
    }
}

fn build(width_mm: f64, height_mm: f64, seed: u32) -> Result<Placement, SmpError> {
    let total = check_fits(width_mm, height_mm)?;
    let area = width_mm * height_mm;
    let mut dots: Vec<Dot> = Vec::new();
    dots.try_reserve_exact(total as usize).map_err(|_| {
        SmpError::new(
            ErrorCode::OutOfMemory,
            "Not enough memory for the dot pattern.",
        )
    })?;

    let mut previous_density = 0.0;
    for level in 0..LEVELS {
        let density = level_density_per_mm2(level);
        let target = (area * density).round() as usize;
        let level_start = dots.len();
        let min_dist = MIN_DISTANCE_FACTOR / density.sqrt();
        let dot_cells = DotCells::build(width_mm, height_mm, min_dist, &dots)?;
        // Throw darts cell by cell: one candidate per empty grid cell per
        // pass, the cells visited in a seeded random order. No dart is wasted
        // on a cell that already holds a dot, which makes filling to the
        // target density several times faster than throwing anywhere.
        let cells = dot_cells.cols * dot_cells.rows;
        let mut order: Vec<u32> = (0..cells as u32).collect();
        let mut shuffle = Draws::new(seed, STREAM_SHUFFLE + level);
        for end in (1..cells).rev().step_by(CHUNK) {
            shuffle_chunk(
                &mut order,
                end.saturating_sub(CHUNK - 1).max(1),
                end,
                &mut shuffle,
            );
        }
        let mut level = Level {
            cells: dot_cells,
            darts: Draws::new(seed, STREAM_DARTS + level),
            // A cell that keeps refusing darts is (nearly) covered by its
            // neighbours' exclusion discs: it is dropped from later passes.
            misses: vec![0u8; cells],
            min_dist,
            width_mm,
            height_mm,
            target,
        };
        let mut pass = 0u64;
        while dots.len() < target && pass < MAX_PASSES && !order.is_empty() {
            for chunk in order.chunks(CHUNK) {
                if !level.throw(chunk, &mut dots) {
                    break;
                }
            }
            pass += 1;
            order.retain(|&c| {
                level.cells.cells[c as usize] == 0 && level.misses[c as usize] < MAX_MISSES
            });
        }
        // Ranks follow the order of insertion: the early throws of a level
        // landed when it was emptiest, so every prefix of it is itself evenly
        // spread, and the count at any threshold is exact.
        let lo = previous_density / level_density_per_mm2(LEVELS - 1);
        let hi = density / level_density_per_mm2(LEVELS - 1);
        let n = (dots.len() - level_start).max(1);
        for (i, dot) in dots[level_start..].iter_mut().enumerate() {
            dot.rank = (lo + (hi - lo) * (i + 1) as f64 / n as f64) as f32;
        }
        previous_density = density;
    }
    let mut variation = Draws::new(seed, STREAM_VARIATION);
    for chunk in dots.chunks_mut(CHUNK) {
        vary(chunk, &mut variation);
    }
    Ok(Placement {
        width_mm,
        height_mm,
        seed,
        dots,
    })
}

// The loops over every cell or dot run in chunks, each a call of a
// function that is not inlined: a browser optimises a wasm function only
// for its next call, so one long call (placing a 12 MP photo's dots
// runs about 0.4 s) stays in the baseline tier to its end, about three
// times slower. In chunks, all but the first few calls run optimised. The
// chunks change nothing of the order of the draws.
const CHUNK: usize = 4096;

/// The swaps `end`, `end - 1`, …, `start` of a Fisher–Yates shuffle.
#[inline(never)]
fn shuffle_chunk(order: &mut [u32], start: usize, end: usize, draws: &mut Draws) {
    for i in (start..=end).rev() {
        order.swap(i, draws.below(i + 1));
    }
}

/// Each dot's size and darkness variation.
#[inline(never)]
fn vary(dots: &mut [Dot], draws: &mut Draws) {
    for dot in dots {
        // Triangular distributions: mostly near 1, rarely at the extremes.
        let s = draws.unit() + draws.unit() - 1.0;
        let d = draws.unit() + draws.unit() - 1.0;
        dot.size_factor = (1.0 + 0.25 * s) as f32;
        dot.darkness_factor = (1.0 + 0.2 * d) as f32;
    }
}

/// One level's dart throwing (see [`build`]).
struct Level {
    cells: DotCells,
    darts: Draws,
    misses: Vec<u8>,
    min_dist: f64,
    width_mm: f64,
    height_mm: f64,
    target: usize,
}

impl Level {
    /// Throws one dart at each empty cell of `chunk`, in order, until the
    /// level has its dots; returns whether it still needs more.
    #[inline(never)]
    fn throw(&mut self, chunk: &[u32], dots: &mut Vec<Dot>) -> bool {
        let c = &mut self.cells;
        for &cell in chunk {
            if dots.len() >= self.target {
                return false;
            }
            let cell = cell as usize;
            if c.cells[cell] != 0 {
                continue;
            }
            let (gx, gy) = ((cell % c.cols) as f64, (cell / c.cols) as f64);
            let x = (gx + self.darts.unit()) * c.cell_mm;
            let y = (gy + self.darts.unit()) * c.cell_mm;
            if x >= self.width_mm || y >= self.height_mm || !c.is_free(x, y, self.min_dist) {
                self.misses[cell] = self.misses[cell].saturating_add(1);
                continue;
            }
            c.insert(x, y, dots.len());
            dots.push(Dot {
                x_mm: x as f32,
                y_mm: y as f32,
                rank: 0.0,
                size_factor: 1.0,
                darkness_factor: 1.0,
            });
        }
        dots.len() < self.target
    }
}

/// The uniform grid of a level for neighbour look-ups: cells of `min_dist/√2` hold at most
/// one dot each, since any two dots are at least `min_dist` apart.
struct DotCells {
    cell_mm: f64,
    cols: usize,
    rows: usize,
    cells: Vec<u32>,
    /// Each occupied cell's dot position, beside the flag: a dart's
    /// neighbour test then reads one grid instead of jumping to each
    /// neighbour in the list of dots (the cells are visited in random
    /// order, so every such jump missed the cache).
    pos: Vec<[f32; 2]>,
}

impl DotCells {
    fn build(
        width_mm: f64,
        height_mm: f64,
        min_dist: f64,
        dots: &[Dot],
    ) -> Result<DotCells, SmpError> {
        let cell_mm = min_dist / std::f64::consts::SQRT_2;
        let cols = (width_mm / cell_mm).ceil() as usize + 1;
        let rows = (height_mm / cell_mm).ceil() as usize + 1;
        let cells = try_zeroed::<u32>(cols * rows, "dot pattern")?;
        let pos = try_zeroed::<[f32; 2]>(cols * rows, "dot pattern")?;
        let mut dot_cells = DotCells {
            cell_mm,
            cols,
            rows,
            cells,
            pos,
        };
        for (i, d) in dots.iter().enumerate() {
            dot_cells.insert(d.x_mm as f64, d.y_mm as f64, i);
        }
        Ok(dot_cells)
    }

    fn cell(&self, x: f64, y: f64) -> (usize, usize) {
        let cx = ((x / self.cell_mm) as usize).min(self.cols - 1);
        let cy = ((y / self.cell_mm) as usize).min(self.rows - 1);
        (cx, cy)
    }

    /// Puts dot `index` at (`x`, `y`) mm: in the cell of that position,
    /// holding it as the dot stores it (`f32`).
    fn insert(&mut self, x: f64, y: f64, index: usize) {
        let (cx, cy) = self.cell(x, y);
        // Earlier levels are sparser, so their dots never share a cell.
        let at = cy * self.cols + cx;
        self.cells[at] = index as u32 + 1;
        self.pos[at] = [x as f32, y as f32];
    }

    fn is_free(&self, x: f64, y: f64, min_dist: f64) -> bool {
        let (cx, cy) = self.cell(x, y);
        let r2 = min_dist * min_dist;
        for gy in cy.saturating_sub(2)..(cy + 3).min(self.rows) {
            let row = gy * self.cols;
            for gx in cx.saturating_sub(2)..(cx + 3).min(self.cols) {
                if self.cells[row + gx] != 0 {
                    let [dx_mm, dy_mm] = self.pos[row + gx];
                    let dx = dx_mm as f64 - x;
                    let dy = dy_mm as f64 - y;
                    if dx * dx + dy * dy < r2 {
                        return false;
                    }
                }
            }
        }
        true
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn visible(p: &Placement, density_per_cm2: f64) -> Vec<Dot> {
        let t = (density_per_cm2 / MAX_DENSITY_PER_CM2) as f32;
        p.dots.iter().copied().filter(|d| d.rank <= t).collect()
    }

    /// Whether a pattern is kept ahead on this thread.
    pub(crate) fn kept_ahead() -> bool {
        AHEAD.with(|a| a.borrow().is_some())
    }

    #[test]
    fn a_pattern_placed_ahead_is_taken_once_and_only_for_its_area_and_seed() {
        let fresh = place(30.0, 20.0, 7).unwrap();
        keep_ahead(place_ahead(30.0, 20.0, 7).unwrap());
        assert!(kept_ahead());
        // Marked, to tell the kept pattern from one built again.
        AHEAD.with(|a| a.borrow_mut().as_mut().unwrap().dots[0].rank = -1.0);
        let taken = place(30.0, 20.0, 7).unwrap();
        assert_eq!(taken.dots[0].rank, -1.0, "the kept pattern is taken");
        assert_eq!(taken.dots[1..], fresh.dots[1..]);
        assert!(!kept_ahead(), "and let go");
        for (w, h, seed) in [(20.0, 30.0, 7), (30.0, 20.0, 8), (30.0, 20.5, 7)] {
            keep_ahead(place_ahead(30.0, 20.0, 7).unwrap());
            AHEAD.with(|a| a.borrow_mut().as_mut().unwrap().dots[0].rank = -1.0);
            assert_eq!(place(w, h, seed).unwrap(), build(w, h, seed).unwrap());
            assert!(!kept_ahead(), "another area or seed lets it go too");
        }
        // A large one, thrown in many chunks, kept by way of its bytes
        // (the worker holds them outside wasm memory meanwhile).
        let big = place(180.0, 120.0, 3).unwrap();
        assert!(big.dots.len() > 8 * CHUNK);
        let mut w = ByteWriter::new();
        place_ahead(180.0, 120.0, 3)
            .unwrap()
            .write_to(&mut w)
            .unwrap();
        let bytes = w.finish();
        keep_ahead(Placement::read_from(&mut ByteReader::new(&bytes)).unwrap());
        assert_eq!(place(180.0, 120.0, 3).unwrap(), big);
    }

    #[test]
    fn same_seed_same_pattern_other_seed_other_pattern() {
        let a = place(30.0, 20.0, 7).unwrap();
        let b = place(30.0, 20.0, 7).unwrap();
        let c = place(30.0, 20.0, 8).unwrap();
        assert_eq!(a, b);
        assert_ne!(a.dots[0], c.dots[0]);
    }

    /// A seed's dots, pinned: saved records name seeds, and a seed must
    /// place the same dots in every build, natively and in wasm. This fails
    /// if the mapping moves (the generator, its seeding, the order of the
    /// draws); change it only on purpose, with `look::LOOK_VERSION`.
    #[test]
    fn golden_dots_of_a_seed() {
        let p = place(30.0, 20.0, 7).unwrap();
        let fields = |d: &Dot| [d.x_mm, d.y_mm, d.rank, d.size_factor, d.darkness_factor];
        let first: Vec<[f32; 5]> = p.dots[..3].iter().map(fields).collect();
        let last = fields(p.dots.last().unwrap());
        assert_eq!(p.dots.len(), 1200);
        assert_eq!(
            first,
            [
                [3.7772138, 4.952535, 0.00083333335, 0.93714166, 1.09092],
                [26.260046, 6.406013, 0.0016666667, 1.1510247, 0.9764657],
                [2.1293702, 19.54152, 0.0025, 1.1033133, 0.94071335],
            ]
        );
        assert_eq!(last, [18.55478, 0.21349528, 1.0, 1.1673853, 0.95712626]);
    }

    #[test]
    fn count_matches_density_at_every_level() {
        let p = place(100.0, 100.0, 3).unwrap(); // 100 cm²
        for density in [10.0, 12.5, 30.0, 60.0, 80.0, 100.0, 150.0, 200.0] {
            let n = visible(&p, density).len() as f64;
            let want = density * 100.0;
            assert!(
                (n - want).abs() / want < 0.05,
                "density {density}: {n} dots, want {want}"
            );
        }
    }

    #[test]
    fn progressive_lower_density_is_subset_of_higher() {
        let p = place(40.0, 40.0, 11).unwrap();
        let low = visible(&p, 40.0);
        let high = visible(&p, 80.0);
        assert!(low.len() < high.len());
        assert!(low.iter().all(|d| high.contains(d)));
    }

    #[test]
    fn blue_noise_no_close_pairs_and_no_grid() {
        let p = place(50.0, 50.0, 5).unwrap();
        for density in [25.0, 60.0, 80.0, 140.0] {
            let v = visible(&p, density);
            let mean_spacing = 1.0 / (density / 100.0f64).sqrt();
            let mut nearest = Vec::new();
            for (i, a) in v.iter().enumerate() {
                let mut best = f64::MAX;
                for (j, b) in v.iter().enumerate() {
                    if i != j {
                        let d = ((a.x_mm - b.x_mm) as f64).hypot((a.y_mm - b.y_mm) as f64);
                        best = best.min(d);
                    }
                }
                nearest.push(best);
            }
            let min = nearest.iter().cloned().fold(f64::MAX, f64::min);
            assert!(
                min >= 0.45 * mean_spacing,
                "density {density}: closest pair {min} mm vs spacing {mean_spacing}"
            );
            // A grid has (nearly) one nearest-neighbour distance; blue noise spreads.
            let mean = nearest.iter().sum::<f64>() / nearest.len() as f64;
            let sd = (nearest.iter().map(|d| (d - mean).powi(2)).sum::<f64>()
                / nearest.len() as f64)
                .sqrt();
            assert!(
                sd / mean > 0.08,
                "density {density}: too regular, cv {}",
                sd / mean
            );
            // Positions are not snapped to a lattice: fractional parts spread.
            let snapped = v
                .iter()
                .filter(|d| ((d.x_mm * 100.0).fract()).abs() < 1e-3)
                .count();
            assert!(snapped * 20 < v.len());
        }
    }

    #[test]
    fn absurd_sizes_are_errors_not_panics() {
        assert!(place(0.0, 10.0, 1).is_err());
        assert!(place(f64::NAN, 10.0, 1).is_err());
        assert_eq!(
            place(20_000.0, 20_000.0, 1).unwrap_err().code,
            ErrorCode::InvalidSetting
        );
    }
}
