//! Generic operations on small 2-D fields (row-major `w`×`h` slices):
//! box means, Otsu's threshold, connected regions and morphology. The
//! detection (`detect`) is built on them. Hand-written: they are a few
//! lines each, and no small, wasm-friendly crate offers them on plain slices.

use crate::error::{try_zeroed, SmpError};

/// The 4-neighbours of pixel `i` in a `w`×`h` grid.
pub(crate) fn neighbours(i: usize, w: usize, h: usize) -> impl Iterator<Item = usize> {
    let (x, y) = (i % w, i / w);
    [
        (x > 0, i.wrapping_sub(1)),
        (x + 1 < w, i + 1),
        (y > 0, i.wrapping_sub(w)),
        (y + 1 < h, i + w),
    ]
    .into_iter()
    .filter_map(|(ok, j)| ok.then_some(j))
}

/// A value a box mean can average: a number, or a flag counted as 0 or 1.
pub(crate) trait BoxValue: Copy {
    /// The value as a number.
    fn amount(self) -> f64;
}

impl BoxValue for f32 {
    fn amount(self) -> f64 {
        f64::from(self)
    }
}

impl BoxValue for bool {
    fn amount(self) -> f64 {
        f64::from(u8::from(self))
    }
}

/// Mean of `field` over the (2`r`+1)² box around each cell, the box cut to
/// the field at its edges (a flag field gives the share of true cells). The
/// engine's one box filter. A summed-area table in f64 makes it exact to
/// the f32 result and independent of `r`.
pub(crate) fn box_mean<T: BoxValue>(
    field: &[T],
    w: usize,
    h: usize,
    r: usize,
) -> Result<Vec<f32>, SmpError> {
    let mut sat = try_zeroed::<f64>((w + 1) * (h + 1), "area")?;
    for y in 0..h {
        let mut row = 0.0f64;
        for x in 0..w {
            row += field[y * w + x].amount();
            sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row;
        }
    }
    let mut out = try_zeroed::<f32>(w * h, "area")?;
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let s = sat[y1 * (w + 1) + x1] + sat[y0 * (w + 1) + x0]
                - sat[y0 * (w + 1) + x1]
                - sat[y1 * (w + 1) + x0];
            out[y * w + x] = (s / ((x1 - x0) * (y1 - y0)) as f64) as f32;
        }
    }
    Ok(out)
}

/// Two box means in a row: a smooth, tent-like blur of radius about 2`r`.
pub(crate) fn box_blur(field: &[f32], w: usize, h: usize, r: usize) -> Result<Vec<f32>, SmpError> {
    box_mean(&box_mean(field, w, h, r)?, w, h, r)
}

/// Otsu's threshold of a histogram of 0–255 values.
pub(crate) fn otsu(hist: &[u32; 256]) -> usize {
    let total: u64 = hist.iter().map(|&c| c as u64).sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0u64, 0.0f64, -1.0f64, 128usize);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as u64;
        sum0 += t as f64 * c as f64;
        if w0 == 0 || w0 == total {
            continue;
        }
        let (m0, m1) = (sum0 / w0 as f64, (sum_all - sum0) / (total - w0) as f64);
        let between = w0 as f64 * (total - w0) as f64 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t;
        }
    }
    best_t
}

/// Connected regions (4-neighbour) of a field, as lists of pixel indices.
pub(crate) fn regions(field: &[bool], w: usize, h: usize) -> Vec<Vec<usize>> {
    let mut seen = vec![false; w * h];
    let mut out = Vec::new();
    for start in 0..w * h {
        if !field[start] || seen[start] {
            continue;
        }
        let mut region = vec![start];
        seen[start] = true;
        let mut k = 0;
        while k < region.len() {
            let i = region[k];
            k += 1;
            for j in neighbours(i, w, h) {
                if field[j] && !seen[j] {
                    seen[j] = true;
                    region.push(j);
                }
            }
        }
        out.push(region);
    }
    out
}

/// Opening then closing with a 3×3 square: removes specks and fills pinholes.
pub(crate) fn clean(field: &[bool], w: usize, h: usize) -> Vec<bool> {
    let pass = |src: &[bool], erode: bool| {
        let mut out = vec![false; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut all = true;
                let mut any = false;
                for yy in y.saturating_sub(1)..(y + 2).min(h) {
                    for xx in x.saturating_sub(1)..(x + 2).min(w) {
                        let v = src[yy * w + xx];
                        all &= v;
                        any |= v;
                    }
                }
                out[y * w + x] = if erode { all } else { any };
            }
        }
        out
    };
    let opened = pass(&pass(field, true), false);
    pass(&pass(&opened, false), true)
}

/// Morphological opening with a square of radius `r`: removes the parts of
/// `field` thinner than about 2`r`+1 pixels, keeps the rest as it was.
pub(crate) fn open_square(
    field: &[bool],
    w: usize,
    h: usize,
    r: usize,
) -> Result<Vec<bool>, SmpError> {
    if r == 0 {
        return Ok(field.to_vec());
    }
    let eroded: Vec<bool> = box_mean(field, w, h, r)?
        .iter()
        .map(|&v| v > 0.999)
        .collect();
    Ok(box_mean(&eroded, w, h, r)?
        .iter()
        .zip(field)
        .map(|(&v, &f)| f && v > 0.0)
        .collect())
}
