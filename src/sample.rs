//! A synthetic scalp photo with known bald patches: short dark hair flowing
//! from a crown whorl, two alopecia-areata-like patches, lit skin with a
//! specular shine. Made by code, so tests, benchmarks and the "try a sample"
//! button need no real photo, at any resolution, with the exact answer (the
//! patch mask) known. Uses `libm` for every transcendental function so the
//! CLI and the browser make the same pixels.

use crate::color::Transfer;
use crate::error::{try_zeroed, SmpError};
use crate::raster::{check_size, Mask, Rgba8Image};
use crate::rng::{Draws, Lattice};
use crate::settings::estimate_px_per_mm;

/// A sample photo and the true bald-patch area.
pub struct Sample {
    /// The photo.
    pub photo: Rgba8Image,
    /// Weight 255 inside the patches, fading to 0 over their edges.
    pub patches: Mask,
}

/// Ellipses of the bald patches as (centre x, centre y, radius x, radius y)
/// in fractions of the width and height.
const PATCHES: [(f64, f64, f64, f64); 2] = [(0.58, 0.55, 0.16, 0.19), (0.26, 0.3, 0.07, 0.08)];

/// How bald a point is: 1 inside a patch, 0 in full hair, smooth between.
fn baldness(x: f64, y: f64, w: f64, h: f64, edge_px: f64) -> f64 {
    let mut bald: f64 = 0.0;
    for (cx, cy, rx, ry) in PATCHES {
        let (dx, dy) = ((x - cx * w) / (rx * w), (y - cy * h) / (ry * h));
        let r = (dx * dx + dy * dy).sqrt();
        // Distance outside the ellipse, roughly in pixels.
        let out_px = (r - 1.0) * (rx * w).min(ry * h);
        let t = (0.5 - out_px / edge_px).clamp(0.0, 1.0);
        bald = bald.max(t * t * (3.0 - 2.0 * t));
    }
    bald
}

/// Makes a `width`×`height` sample at the scale the engine would estimate
/// for that size, so the default settings are true to size on it.
pub fn sample_scalp(width: u32, height: u32, seed: u32) -> Result<Sample, SmpError> {
    check_size(width, height)?;
    let (w, h) = (width as usize, height as usize);
    let (wf, hf) = (width as f64, height as f64);
    let ppm = estimate_px_per_mm(width, height);
    let t = Transfer::new();

    // Skin in linear light: a lit dome with pores and a soft specular shine.
    let mut lin = try_zeroed::<f32>(w * h * 3, "sample photo")?;
    let base = [0.60f64, 0.40, 0.30];
    // Value noise at three scales: fine pores, coarse pores, blotches.
    let scales_px = [0.6 * ppm, 4.0 * ppm, 12.0 * ppm];
    let mut noise = Vec::with_capacity(scales_px.len());
    for (stream, cell) in (1..).zip(scales_px) {
        let (cols, rows) = (
            (wf / cell).ceil() as usize + 2,
            (hf / cell).ceil() as usize + 2,
        );
        noise.push(Lattice::new(seed, stream, cols, rows, "sample photo")?);
    }
    let at = |scale: usize, x: usize, y: usize| {
        let cell = scales_px[scale];
        noise[scale].smooth(x as f64 / cell, y as f64 / cell)
    };
    for y in 0..h {
        for x in 0..w {
            let (u, v) = (x as f64 / wf - 0.45, y as f64 / hf - 0.35);
            let light = 0.95 - 0.55 * (u * u + v * v);
            let pores = 0.94 + 0.08 * at(0, x, y) + 0.05 * at(1, x, y);
            let blotch = 0.03 * (at(2, x, y) - 0.5);
            let (sx, sy) = ((x as f64 / wf - 0.4) / 0.16, (y as f64 / hf - 0.28) / 0.1);
            let shine = 0.22 * libm::exp(-(sx * sx + sy * sy));
            let i = (y * w + x) * 3;
            for c in 0..3 {
                let tint = if c == 0 { blotch } else { -blotch * 0.5 };
                lin[i + c] = ((base[c] + tint) * light * pores + shine) as f32;
            }
        }
    }

    // Hair: short dark strands rooted on a jittered grid, thinning into the
    // patches, flowing around a crown whorl. Each strand is drawn as a chain
    // of small absorbing discs.
    let cell = 1.0 / (1.9f64).sqrt() * ppm; // about 190 hairs/cm² in full hair
    let (cols, rows) = ((wf / cell).ceil() as u64, (hf / cell).ceil() as u64);
    let width_px = (0.08 * ppm).max(0.7);
    let (crown_x, crown_y) = (0.3 * wf, 0.2 * hf);
    let mut hairs = Draws::new(seed, 10);
    for gy in 0..rows {
        for gx in 0..cols {
            // Six draws for every hair, used or not, so that one hair's
            // choices never shift the next one's.
            let [jitter_x, jitter_y, bare, turn, long, dark]: [f64; 6] =
                std::array::from_fn(|_| hairs.unit());
            let x = (gx as f64 + jitter_x) * cell;
            let y = (gy as f64 + jitter_y) * cell;
            let bald = baldness(x, y, wf, hf, 5.0 * ppm);
            if bare < bald * 0.97 {
                continue;
            }
            let vellus = bald > 0.3; // fine, light regrowth at the patch edge
            let angle = libm::atan2(y - crown_y, x - crown_x) + 0.5 + 0.5 * (turn - 0.5);
            let length = ppm * if vellus { 1.0 } else { 3.0 + 5.0 * long };
            let darkness = if vellus { 0.25 } else { 0.75 + 0.2 * dark } as f32;
            let strand_w = if vellus { width_px * 0.6 } else { width_px };
            draw_strand(&mut lin, w, h, x, y, angle, length, strand_w, darkness);
        }
    }

    let mut pixels = try_zeroed::<u8>(w * h * 4, "sample photo")?;
    for (i, px) in pixels.chunks_exact_mut(4).enumerate() {
        for c in 0..3 {
            px[c] = t.srgb(lin[i * 3 + c].clamp(0.0, 1.0));
        }
        px[3] = 255;
    }
    let mut patches = Mask::empty(width, height)?;
    for y in 0..h {
        for x in 0..w {
            let b = baldness(x as f64 + 0.5, y as f64 + 0.5, wf, hf, 3.0 * ppm);
            patches.weights[y * w + x] = (b * 255.0).round() as u8;
        }
    }
    Ok(Sample {
        photo: Rgba8Image::new(width, height, pixels)?,
        patches,
    })
}

/// Darkens pixels along a slightly curved strand (multiplying, like the
/// hair's own absorption; the tip thins out).
#[allow(clippy::too_many_arguments)]
fn draw_strand(
    lin: &mut [f32],
    w: usize,
    h: usize,
    x: f64,
    y: f64,
    angle: f64,
    length: f64,
    width: f64,
    darkness: f32,
) {
    let steps = (length * 2.0).ceil().max(1.0) as usize;
    let hair = [0.05f32, 0.035, 0.028];
    let r = width * 0.5 + 0.5;
    for s in 0..steps {
        let f = s as f64 / steps as f64;
        let a = angle + 0.25 * f * f;
        let (px, py) = (x + libm::cos(a) * length * f, y + libm::sin(a) * length * f);
        let cover = darkness * (1.0 - 0.5 * f as f32) * (width.min(1.0) as f32) * 0.9;
        let (x0, x1) = (
            (px - r).floor().max(0.0) as usize,
            ((px + r).ceil() as usize).min(w),
        );
        let (y0, y1) = (
            (py - r).floor().max(0.0) as usize,
            ((py + r).ceil() as usize).min(h),
        );
        for yy in y0..y1 {
            for xx in x0..x1 {
                let (dx, dy) = (xx as f64 + 0.5 - px, yy as f64 + 0.5 - py);
                let d = (dx * dx + dy * dy).sqrt();
                let k = ((r - d) as f32).clamp(0.0, 1.0) * cover;
                if k > 0.0 {
                    let i = (yy * w + xx) * 3;
                    for c in 0..3 {
                        lin[i + c] += (hair[c] - lin[i + c]) * k;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_has_hair_outside_and_bare_skin_in_the_patches() {
        let s = sample_scalp(400, 300, 1).unwrap();
        let luma = |i: usize| s.photo.pixels[i * 4 + 1] as f64;
        let (mut in_sum, mut in_n, mut out_sum, mut out_n) = (0.0, 0, 0.0, 0);
        for i in 0..400 * 300 {
            match s.patches.weights[i] {
                255 => (in_sum, in_n) = (in_sum + luma(i), in_n + 1),
                0 => (out_sum, out_n) = (out_sum + luma(i), out_n + 1),
                _ => {}
            }
        }
        assert!(in_n > 5000 && out_n > 5000);
        assert!(
            in_sum / in_n as f64 > out_sum / out_n as f64 + 20.0,
            "patches are lighter than hair"
        );
        assert_eq!(
            sample_scalp(400, 300, 1).unwrap().photo,
            s.photo,
            "deterministic"
        );
    }
}
