//! What the photo and the area say about each point of the scalp, on a
//! coarse grid in millimetres shared by the preview and the export:
//!
//! - the local **skin level** (a bright envelope of luminance), against which
//!   a pixel much darker than the skin around it is hair: dots are not placed
//!   on hair, and hair stays on top of the pigment;
//! - the skin's **chroma**, from which the shine of a bald scalp (light that
//!   is whiter than the skin) is separated, so it sits on top of the pigment;
//! - the **inward feather** of the area for the patch look, so the dots of a
//!   patch fade into the hair at its border instead of stopping at a line.

use crate::codec::{ByteReader, ByteWriter};
use crate::color::Transfer;
use crate::error::{try_zeroed, SmpError};
use crate::field::box_blur;
use crate::look;
use crate::raster::{Mask, Rgba8Image};

/// Side of one grid cell in mm: finer than any feature the grid describes.
const CELL_MM: f64 = 0.5;
/// Radius over which the skin level spreads from bright skin into hair, in mm.
const ENVELOPE_SPREAD_MM: f64 = 1.5;
/// Width of the inward fade at the border of a patch, in mm.
pub const PATCH_BLEND_MM: f64 = 3.0;

fn luminance(lin: [f32; 3]) -> f32 {
    0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
}

/// Skin-coloured in YCbCr (a wide range around the usual skin cluster, the
/// same test as bald-area detection's); `p` starts with R, G, B.
pub fn skin_coloured(p: &[u8]) -> bool {
    let (r, g, b) = (p[0] as f32, p[1] as f32, p[2] as f32);
    let cb = 128.0 - 0.1687 * r - 0.3313 * g + 0.5 * b;
    let cr = 128.0 + 0.5 * r - 0.4187 * g - 0.0813 * b;
    (132.0..=185.0).contains(&cr) && (70.0..=132.0).contains(&cb) && r >= b
}

/// The value at `num/den` of the way up the sorted `values` (reordered in
/// the process): a selection, not a whole sort, with the same result.
fn percentile(values: &mut [f32], num: usize, den: usize) -> f32 {
    let k = values.len() * num / den;
    *values.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1
}

fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Where a coordinate falls between an [`MmField`]'s cells along one axis.
#[derive(Debug, Clone, Copy)]
pub struct MmFieldAxis {
    i0: u32,
    i1: u32,
    f: f32,
}

/// A field on the coarse grid (cells of `CELL_MM`, 0.5 mm), sampled bilinearly in
/// full-resolution pixels.
#[derive(Debug, Clone)]
pub struct MmField {
    cell_px: f64,
    cols: usize,
    rows: usize,
    values: Vec<f32>,
}

impl MmField {
    /// The cell size and grid of a field over a `width`×`height` photo.
    fn shape(width: u32, height: u32, px_per_mm: f64) -> (f64, usize, usize) {
        let cell_px = (CELL_MM * px_per_mm).max(1.0);
        let cols = (width as f64 / cell_px).ceil() as usize;
        let rows = (height as f64 / cell_px).ceil() as usize;
        (cell_px, cols, rows)
    }

    fn new(width: u32, height: u32, px_per_mm: f64) -> Result<MmField, SmpError> {
        let (cell_px, cols, rows) = Self::shape(width, height, px_per_mm);
        Ok(MmField {
            cell_px,
            cols,
            rows,
            values: try_zeroed(cols * rows, "skin analysis")?,
        })
    }

    fn write(&self, w: &mut ByteWriter) -> Result<(), SmpError> {
        w.f64(self.cell_px)?;
        w.u32(self.cols as u32)?;
        w.u32(self.rows as u32)?;
        w.f32s(&self.values)
    }

    /// Reads a field [`MmField::write`] wrote, which must be the grid of a
    /// `width`×`height` photo at `px_per_mm`.
    fn read(
        r: &mut ByteReader,
        width: u32,
        height: u32,
        px_per_mm: f64,
    ) -> Result<MmField, SmpError> {
        let cell_px = r.f64()?;
        let cols = r.u32()? as usize;
        let rows = r.u32()? as usize;
        let values = r.f32s("skin analysis")?;
        if (cell_px, cols, rows) != Self::shape(width, height, px_per_mm)
            || values.len() != cols * rows
        {
            return Err(ByteReader::mismatch("a grid of another photo"));
        }
        Ok(MmField {
            cell_px,
            cols,
            rows,
            values,
        })
    }

    /// Value at a point given in full-resolution pixels.
    pub fn at(&self, x: f64, y: f64) -> f32 {
        self.at_axes(self.axis(x, self.cols), self.axis(y, self.rows))
    }

    /// Where a full-resolution coordinate falls between the cells along an
    /// axis of `n` cells: computed once per column or row of a layer, then
    /// reused for every pixel in it ([`MmField::at_axes`] gives the same value
    /// as [`MmField::at`]).
    fn axis(&self, v: f64, n: usize) -> MmFieldAxis {
        let g = (v / self.cell_px - 0.5).clamp(0.0, (n - 1) as f64);
        let i0 = g as usize;
        MmFieldAxis {
            i0: i0 as u32,
            i1: (i0 + 1).min(n - 1) as u32,
            f: (g - i0 as f64) as f32,
        }
    }

    fn at_axes(&self, ax: MmFieldAxis, ay: MmFieldAxis) -> f32 {
        let (x0, x1, fx) = (ax.i0 as usize, ax.i1 as usize, ax.f);
        let (y0, y1, fy) = (ay.i0 as usize, ay.i1 as usize, ay.f);
        let v = |x: usize, y: usize| self.values[y * self.cols + x];
        let top = v(x0, y0) + (v(x1, y0) - v(x0, y0)) * fx;
        let bottom = v(x0, y1) + (v(x1, y1) - v(x0, y1)) * fx;
        top + (bottom - top) * fy
    }

    /// Cells covering full-resolution pixels x0..x1 × y0..y1.
    fn cells_of(&self, x0: u32, y0: u32, x1: u32, y1: u32) -> (usize, usize, usize, usize) {
        let c = |v: u32, n: usize| ((v as f64 / self.cell_px) as usize).min(n);
        (
            c(x0, self.cols),
            c(y0, self.rows),
            (c(x1, self.cols) + 1).min(self.cols),
            (c(y1, self.rows) + 1).min(self.rows),
        )
    }
}

/// Blurs a grid in place (two box means of `radius_cells`).
fn blur(field: &mut MmField, radius_cells: usize) -> Result<(), SmpError> {
    if radius_cells > 0 {
        field.values = box_blur(&field.values, field.cols, field.rows, radius_cells)?;
    }
    Ok(())
}

/// The photo's skin, analysed once per photo at full resolution.
#[derive(Debug, Clone)]
pub struct Skin {
    envelope: MmField,
    /// Blue-to-red ratio of plain skin in linear light.
    skin_blue_ratio: f32,
    /// Linear luminance of the photo's lit skin (see [`Skin::skin_luminance`]).
    skin_luminance: Option<f32>,
}

/// Per cell of the skin analysis: the brightest luminance, the sums of
/// the linear channels and the count of pixels.
struct CellSums {
    top: Vec<f32>,
    red: Vec<f32>,
    green: Vec<f32>,
    blue: Vec<f32>,
    count: Vec<u32>,
}

impl CellSums {
    fn new(cells: usize) -> Result<CellSums, SmpError> {
        let grid = || try_zeroed::<f32>(cells, "skin analysis");
        Ok(CellSums {
            top: grid()?,
            red: grid()?,
            green: grid()?,
            blue: grid()?,
            count: try_zeroed::<u32>(cells, "skin analysis")?,
        })
    }

    /// Adds one row of pixels, in `runs` of the same cell (`(x0, x1,
    /// column)`), to the cells of the grid row starting at `g0`. A call a
    /// row, not inlined: a browser optimises a wasm function only for its
    /// next call (see `crate::placement`), so a 12 MP photo's rows run
    /// optimised from the first few on.
    #[inline(never)]
    fn add_row(&mut self, row: &[u8], g0: usize, runs: &[(usize, usize, usize)], t: &Transfer) {
        for &(x0, x1, gx) in runs {
            let g = g0 + gx;
            let (mut top, mut r, mut gr, mut b) =
                (self.top[g], self.red[g], self.green[g], self.blue[g]);
            for p in row[x0 * 4..x1 * 4].chunks_exact(4) {
                let lin = [t.linear(p[0]), t.linear(p[1]), t.linear(p[2])];
                let l = luminance(lin);
                if l > top {
                    top = l;
                }
                r += lin[0];
                gr += lin[1];
                b += lin[2];
            }
            self.top[g] = top;
            self.red[g] = r;
            self.green[g] = gr;
            self.blue[g] = b;
            self.count[g] += (x1 - x0) as u32;
        }
    }
}

impl Skin {
    /// Writes the analysis for another engine of this build
    /// ([`Skin::read_from`]).
    pub fn write_to(&self, w: &mut ByteWriter) -> Result<(), SmpError> {
        self.envelope.write(w)?;
        w.f32(self.skin_blue_ratio)?;
        w.u32(self.skin_luminance.is_some() as u32)?;
        w.f32(self.skin_luminance.unwrap_or(0.0))
    }

    /// Reads an analysis [`Skin::write_to`] wrote for a `width`×`height`
    /// photo at `px_per_mm` (another photo's grid is an error).
    pub fn read_from(
        r: &mut ByteReader,
        width: u32,
        height: u32,
        px_per_mm: f64,
    ) -> Result<Skin, SmpError> {
        let envelope = MmField::read(r, width, height, px_per_mm)?;
        let skin_blue_ratio = r.f32()?;
        let has_luminance = r.u32()? != 0;
        let luminance = r.f32()?;
        Ok(Skin {
            envelope,
            skin_blue_ratio,
            skin_luminance: has_luminance.then_some(luminance),
        })
    }

    /// Analyses the full-resolution photo (a block pass plus grid filters).
    pub fn analyse(photo: &Rgba8Image, px_per_mm: f64, t: &Transfer) -> Result<Skin, SmpError> {
        let mut envelope = MmField::new(photo.width, photo.height, px_per_mm)?;
        let (cols, rows, cell) = (envelope.cols, envelope.rows, envelope.cell_px);
        let mut sums = CellSums::new(cols * rows)?;
        let w = photo.width as usize;
        // The row's runs of pixels that fall in one cell: each run is added
        // to its cell's sums through locals, pixel by pixel in the same
        // order as before (so the same floats), without indexing the grids
        // for every pixel.
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        for x in 0..w {
            let gx = ((x as f64 / cell) as usize).min(cols - 1);
            match runs.last_mut() {
                Some(r) if r.2 == gx => r.1 = x + 1,
                _ => runs.push((x, x + 1, gx)),
            }
        }
        for (y, row) in photo.pixels.chunks_exact(w * 4).enumerate() {
            let gy = ((y as f64 / cell) as usize).min(rows - 1);
            sums.add_row(row, gy * cols, &runs, t);
        }
        let CellSums {
            top,
            red: red_sum,
            green: green_sum,
            blue: blue_sum,
            count,
        } = sums;
        envelope.values = top;
        // Spread each cell's brightest skin over its neighbourhood (max
        // filter), then smooth: a hair pixel is then compared with the skin
        // between the hairs around it.
        let spread = (ENVELOPE_SPREAD_MM / CELL_MM).round() as usize;
        // A square's maximum is the maximum along its rows of the maxima
        // along its columns: two passes of a line each instead of the whole
        // square per cell, and the same values (a maximum never rounds).
        let mut down = envelope.values.clone();
        for gy in 0..rows {
            let (y0, y1) = (gy.saturating_sub(spread), (gy + spread + 1).min(rows));
            for gx in 0..cols {
                down[gy * cols + gx] = (y0..y1)
                    .map(|yy| envelope.values[yy * cols + gx])
                    .fold(0.0f32, f32::max);
            }
        }
        for gy in 0..rows {
            let row = &down[gy * cols..(gy + 1) * cols];
            for gx in 0..cols {
                let (x0, x1) = (gx.saturating_sub(spread), (gx + spread + 1).min(cols));
                envelope.values[gy * cols + gx] =
                    row[x0..x1].iter().copied().fold(0.0f32, f32::max);
            }
        }
        blur(&mut envelope, spread)?;
        // Where no skin shows for millimetres (dense hair), the envelope is
        // the hair's own sheen; a floor at 30 % of the photo's skin level
        // keeps such hair from passing for scalp, while skin in shadow (a
        // side-lit head) stays skin.
        let mut sorted = envelope.values.clone();
        let skin_level = percentile(&mut sorted, 9, 10);
        for v in &mut envelope.values {
            *v = v.max(0.3 * skin_level).max(1e-4);
        }
        // Skin chroma: a low percentile of blue/red over well-lit cells (the
        // shine only ever raises it).
        let mut ratios: Vec<f32> = (0..cols * rows)
            .filter(|&g| red_sum[g] > 0.0 && envelope.values[g] > 0.3 * skin_level)
            .map(|g| blue_sum[g] / red_sum[g])
            .collect();
        let skin_blue_ratio = if ratios.is_empty() {
            1.0
        } else {
            percentile(&mut ratios, 1, 5).min(0.95)
        };
        // The lit skin's luminance: the upper quartile over cells that are
        // skin-coloured and not hair (near their envelope), so neither hair,
        // shadow nor a backdrop decides how dark the skin is.
        let mut skin_levels: Vec<f32> = (0..cols * rows)
            .filter_map(|g| {
                let n = count[g].max(1) as f32;
                let mean = [red_sum[g] / n, green_sum[g] / n, blue_sum[g] / n];
                let l = luminance(mean);
                let srgb = mean.map(|v| t.srgb(v));
                (skin_coloured(&srgb) && l >= 0.6 * envelope.values[g]).then_some(l)
            })
            .collect();
        let skin_luminance = (!skin_levels.is_empty()).then(|| percentile(&mut skin_levels, 3, 4));
        Ok(Skin {
            envelope,
            skin_blue_ratio,
            skin_luminance,
        })
    }

    /// Linear luminance of the photo's lit skin (the upper quartile of
    /// skin-coloured, hairless cells); `None` when no skin shows.
    pub fn skin_luminance(&self) -> Option<f32> {
        self.skin_luminance
    }

    /// Share of the skin's returned light that never reaches the pigment's
    /// depth (0 on fair skin; see [`look::superficial_share`]); a photo with
    /// no skin is taken as fair.
    pub fn superficial_share(&self) -> f32 {
        self.skin_luminance.map_or(0.0, look::superficial_share)
    }

    /// How much bare scalp a pixel shows, 0 (hair) to 1 (skin); `x`, `y` in
    /// full-resolution pixels.
    pub fn scalp(&self, lin: [f32; 3], x: f64, y: f64) -> f32 {
        self.scalp_at_level(lin, self.envelope.at(x, y))
    }

    /// Where a full-resolution column (`vertical`: row) coordinate falls on
    /// the skin grid, for [`Skin::scalp_at`].
    pub fn axis(&self, v: f64, vertical: bool) -> MmFieldAxis {
        let g = &self.envelope;
        g.axis(v, if vertical { g.rows } else { g.cols })
    }

    /// [`Skin::scalp`] at a point given by its column and row axes: the same
    /// value, without dividing per pixel.
    pub fn scalp_at(&self, lin: [f32; 3], ax: MmFieldAxis, ay: MmFieldAxis) -> f32 {
        self.scalp_at_level(lin, self.envelope.at_axes(ax, ay))
    }

    fn scalp_at_level(&self, lin: [f32; 3], level: f32) -> f32 {
        let darker = (level - luminance(lin)) / level;
        1.0 - smoothstep(0.3, 0.65, darker)
    }

    /// The part of a pixel's light that is shine (white light reflected off
    /// the skin's surface) rather than light coming back through the skin.
    pub fn shine(&self, lin: [f32; 3]) -> f32 {
        let rho = self.skin_blue_ratio;
        if rho >= 0.95 {
            return 0.0; // grey or blue photo: no skin chroma to separate against
        }
        let s = (lin[2] - rho * lin[0]) / (1.0 - rho);
        (0.9 * s).clamp(0.0, lin[0].min(lin[1]).min(lin[2]))
    }
}

/// The patch look's inward feather of the area, on the coarse grid.
#[derive(Debug, Clone)]
pub struct AreaFeather {
    inside: MmField,
    feather: MmField,
    radius_cells: usize,
}

/// One row of grid cells of [`AreaFeather`]'s `inside`: the share of each
/// cell's pixels (full rows `pys`) in the area. A call a cell row, not
/// inlined: a browser optimises a wasm function only for its next call
/// (see `crate::placement`), and a 12 MP area is counted whole when a
/// photo's area is first proposed.
#[inline(never)]
fn inside_row(
    mask: &Mask,
    pys: std::ops::Range<u32>,
    cell: f64,
    gxs: std::ops::Range<usize>,
    out: &mut [f32],
) {
    for gx in gxs {
        let px0 = (gx as f64 * cell) as u32;
        let px1 = (((gx + 1) as f64 * cell) as u32).min(mask.width);
        let (mut n, mut on) = (0u32, 0u32);
        for py in pys.clone() {
            let at = (py * mask.width) as usize;
            let cells = &mask.weights[at + px0 as usize..at + px1 as usize];
            n += cells.len() as u32;
            on += count_nonzero(cells);
        }
        out[gx] = if n == 0 { 0.0 } else { on as f32 / n as f32 };
    }
}

/// How many of `bytes` are not 0, eight at a time. Written by hand (the
/// usual bit trick): byte by byte this count was most of the time a
/// 12 MP photo's area took to count, and wasm builds without SIMD do not
/// vectorise the plain loop.
fn count_nonzero(bytes: &[u8]) -> u32 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut n = 0;
    for w in &mut words {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        // A byte's high bit ends up set exactly when the byte is not 0:
        // its low seven bits carry into it, or it was set already.
        n += ((((x & LOW7) + LOW7) | x) & HIGH).count_ones();
    }
    n + words.remainder().iter().filter(|&&b| b != 0).count() as u32
}

impl AreaFeather {
    /// Builds it for a mask at full resolution.
    pub fn new(mask: &Mask, px_per_mm: f64) -> Result<AreaFeather, SmpError> {
        let inside = MmField::new(mask.width, mask.height, px_per_mm)?;
        let feather = inside.clone();
        let radius_cells = (PATCH_BLEND_MM / CELL_MM).round() as usize;
        let mut f = AreaFeather {
            inside,
            feather,
            radius_cells,
        };
        f.update(mask, 0, 0, mask.width, mask.height)?;
        Ok(f)
    }

    /// Writes the feather for another engine of this build
    /// ([`AreaFeather::read_from`]).
    pub fn write_to(&self, w: &mut ByteWriter) -> Result<(), SmpError> {
        self.inside.write(w)?;
        self.feather.write(w)?;
        w.u32(self.radius_cells as u32)
    }

    /// Reads a feather [`AreaFeather::write_to`] wrote for a
    /// `width`×`height` area at `px_per_mm`.
    pub fn read_from(
        r: &mut ByteReader,
        width: u32,
        height: u32,
        px_per_mm: f64,
    ) -> Result<AreaFeather, SmpError> {
        let inside = MmField::read(r, width, height, px_per_mm)?;
        let feather = MmField::read(r, width, height, px_per_mm)?;
        let radius_cells = r.u32()? as usize;
        if radius_cells != (PATCH_BLEND_MM / CELL_MM).round() as usize {
            return Err(ByteReader::mismatch("a feather of another build"));
        }
        Ok(AreaFeather {
            inside,
            feather,
            radius_cells,
        })
    }

    /// Recomputes after the mask changed within x0..x1 × y0..y1.
    pub fn update(
        &mut self,
        mask: &Mask,
        x0: u32,
        y0: u32,
        x1: u32,
        y1: u32,
    ) -> Result<(), SmpError> {
        let (cx0, cy0, cx1, cy1) = self.inside.cells_of(x0, y0, x1, y1);
        let cell = self.inside.cell_px;
        let cols = self.inside.cols;
        for gy in cy0..cy1 {
            let py0 = (gy as f64 * cell) as u32;
            let py1 = (((gy + 1) as f64 * cell) as u32).min(mask.height);
            let row = &mut self.inside.values[gy * cols..][..cols];
            inside_row(mask, py0..py1, cell, cx0..cx1, row);
        }
        self.feather.values.copy_from_slice(&self.inside.values);
        blur(&mut self.feather, self.radius_cells)
    }

    /// The fade factor at a point (full-resolution pixels): about one half
    /// at the border of the area, 1 from a few mm inside it.
    pub fn at(&self, x: f64, y: f64) -> f32 {
        0.5 + 0.5 * smoothstep(0.5, 0.95, self.feather.at(x, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hair_is_told_from_skin_and_shine_from_skin_colour() {
        // Skin with a dark hair line across it.
        let (w, h) = (60u32, 40u32);
        let mut px = Vec::new();
        for y in 0..h {
            for _x in 0..w {
                px.extend_from_slice(&if y == 20 {
                    [40u8, 30, 25, 255]
                } else {
                    [210, 160, 130, 255]
                });
            }
        }
        let photo = Rgba8Image::new(w, h, px).unwrap();
        let t = Transfer::new();
        let skin = Skin::analyse(&photo, 4.0, &t).unwrap();
        let lin = |c: [u8; 3]| [t.linear(c[0]), t.linear(c[1]), t.linear(c[2])];
        assert!(skin.scalp(lin([210, 160, 130]), 30.0, 10.0) > 0.99);
        assert!(skin.scalp(lin([40, 30, 25]), 30.0, 20.0) < 0.01);
        assert_eq!(skin.shine(lin([210, 160, 130])), 0.0);
        assert!(
            skin.shine(lin([245, 235, 230])) > 0.3,
            "a whitish highlight is shine"
        );
    }

    #[test]
    fn feather_fades_toward_the_border_of_the_area() {
        let mut m = Mask::empty(200, 200).unwrap();
        for y in 40..160 {
            for x in 40..160 {
                m.weights[y * 200 + x] = 255;
            }
        }
        let f = AreaFeather::new(&m, 10.0).unwrap(); // 12 × 12 mm square
        assert!(f.at(100.0, 100.0) > 0.99, "centre");
        assert!(f.at(41.0, 100.0) < 0.55, "border");
        assert!(f.at(70.0, 100.0) > f.at(50.0, 100.0));
    }

    #[test]
    fn nonzero_bytes_are_counted_as_one_by_one() {
        // Every byte value in every position of a word, runs of zeros
        // and of 255, and every length's remainder.
        let mut bytes: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        bytes.extend([0u8; 19]);
        bytes.extend([255u8; 13]);
        bytes.extend((0..200u32).map(|i| [0, 1, 128, 255, 127][(i * 7 % 5) as usize]));
        for start in 0..9 {
            for end in (start..bytes.len()).step_by(5) {
                let part = &bytes[start..end];
                let plain = part.iter().filter(|&&b| b != 0).count() as u32;
                assert_eq!(count_nonzero(part), plain, "{start}..{end}");
            }
        }
    }
}
