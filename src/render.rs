//! Compositing the dots into the photo: pigment as an absorber in the skin.
//!
//! Each visible dot adds optical density (absorbance) to the pixels it covers,
//! spread by a soft, area-preserving profile. The photo is then darkened in
//! linear light by `exp(-absorbance × cast)`: pigment multiplies the skin
//! rather than painting over it, so shadowed dots stay darker than lit ones,
//! overlapping dots deepen gradually instead of clipping to black, and carbon
//! reads as a cool blue-grey because red is absorbed a little more than blue.

use crate::color::Transfer;
use crate::error::{try_zeroed, SmpError};
use crate::placement::Placement;
use crate::raster::{Mask, Rgba8Image};
use crate::settings::{Settings, MAX_DENSITY_PER_CM2};

/// Relative absorbance per channel (R, G, B): carbon seen through skin.
const PIGMENT_CAST: [f32; 3] = [1.12, 1.0, 0.86];

/// Most absorbance overlapping dots can reach, as a multiple of one dot's.
const SATURATION: f32 = 1.4;

/// Optical density at a dot's centre for a shade of 0–1.
fn shade_density(shade: f64) -> f32 {
    (0.1 + 1.9 * shade) as f32
}

/// What to render into: a photo (full resolution or the preview), its mask at
/// the same size, and the full-resolution mask that decides which dots show
/// (so the preview and the export show the same dots).
pub struct Frame<'a> {
    /// The photo to darken.
    pub photo: &'a Rgba8Image,
    /// Treatment weights at the photo's size; pigment only where non-zero.
    pub mask: &'a Mask,
    /// Treatment weights at full resolution; decides dot visibility.
    pub full_mask: &'a Mask,
    /// Scale of the full-resolution photo.
    pub full_px_per_mm: f64,
}

/// Renders the dots of `placement` into `out` (RGBA, the photo's size).
/// `absorbance` is scratch space kept between calls to avoid reallocating.
pub fn render(
    frame: &Frame,
    placement: &Placement,
    settings: &Settings,
    transfer: &Transfer,
    absorbance: &mut Vec<f32>,
    out: &mut [u8],
) -> Result<(), SmpError> {
    let (w, h) = (frame.photo.width as usize, frame.photo.height as usize);
    if absorbance.len() != w * h {
        *absorbance = try_zeroed(w * h, "result")?;
    } else {
        absorbance.fill(0.0);
    }
    out.copy_from_slice(&frame.photo.pixels);

    let full = frame.full_mask;
    let sx = (w as f64 / full.width as f64 * frame.full_px_per_mm) as f32;
    let sy = (h as f64 / full.height as f64 * frame.full_px_per_mm) as f32;
    let px_per_mm = 0.5 * (sx + sy);
    let threshold = (settings.density_per_cm2 / MAX_DENSITY_PER_CM2) as f32;
    let base_radius_px = (settings.dot_diameter_mm * 0.5) as f32 * px_per_mm;
    let base_density = shade_density(settings.shade);
    let softness = settings.softness as f32;
    let full_ppm = frame.full_px_per_mm as f32;

    for dot in &placement.dots {
        if dot.rank > threshold {
            continue;
        }
        let fx = (dot.x_mm * full_ppm) as i64;
        let fy = (dot.y_mm * full_ppm) as i64;
        let weight = full.at(fx, fy) as f32 / 255.0;
        if dot.rank > threshold * weight {
            continue;
        }
        splat(
            absorbance,
            w,
            h,
            dot.x_mm * sx,
            dot.y_mm * sy,
            base_radius_px * dot.size_factor,
            softness,
            base_density * dot.darkness_factor,
        );
    }

    // Where dots overlap, absorbance beyond one full dot saturates softly
    // toward SATURATION × a dot's density: skin holds only so much pigment,
    // so a cluster reads as a slightly darker spot, never a black blob.
    let linear_limit = base_density * 1.15;
    let headroom = linear_limit * (SATURATION - 1.0);
    let mask = &frame.mask.weights;
    for (i, px) in out.chunks_exact_mut(4).enumerate() {
        let mut a = absorbance[i];
        if a <= 0.0 || mask[i] == 0 {
            continue;
        }
        if a > linear_limit {
            a = linear_limit + headroom * (1.0 - libm::expf(-(a - linear_limit) / headroom));
        }
        for c in 0..3 {
            let lin = transfer.linear(px[c]);
            px[c] = transfer.srgb(lin * libm::expf(-a * PIGMENT_CAST[c]));
        }
    }
    Ok(())
}

/// Adds one dot's absorbance. The profile is a disk of radius `radius_px`
/// whose edge is ramped over at least one pixel (anti-aliasing) plus the
/// softness; its sum is scaled to the disk's area, so a dot smaller than a
/// pixel still carries its true amount of pigment instead of vanishing or
/// swelling to a whole pixel.
#[allow(clippy::too_many_arguments)]
fn splat(
    absorbance: &mut [f32],
    w: usize,
    h: usize,
    cx: f32,
    cy: f32,
    radius_px: f32,
    softness: f32,
    density: f32,
) {
    let edge = 1.0 + softness * radius_px * 1.2;
    let reach = radius_px + 0.5 * edge;
    let x0 = ((cx - reach).floor().max(0.0)) as usize;
    let y0 = ((cy - reach).floor().max(0.0)) as usize;
    let x1 = ((cx + reach).ceil().max(0.0) as usize).min(w);
    let y1 = ((cy + reach).ceil().max(0.0) as usize).min(h);
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    // Two passes over the footprint: first the profile's sum, then the
    // scaled coverage (cheaper than storing the profile).
    let mut total = 0.0f32;
    for pass in 0..2 {
        let scale = if pass == 1 {
            if total <= 0.0 {
                return;
            }
            std::f32::consts::PI * radius_px * radius_px / total
        } else {
            0.0
        };
        for y in y0..y1 {
            let dy = y as f32 + 0.5 - cy;
            for x in x0..x1 {
                let dx = x as f32 + 0.5 - cx;
                let d = (dx * dx + dy * dy).sqrt();
                let t = ((reach - d) / edge).clamp(0.0, 1.0);
                let p = t * t * (3.0 - 2.0 * t);
                if p <= 0.0 {
                    continue;
                }
                if pass == 0 {
                    total += p;
                } else {
                    let cover = (p * scale).min(1.0);
                    absorbance[y * w + x] += cover * density;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splat_carries_the_disk_area_even_below_a_pixel() {
        for r in [0.2f32, 0.5, 1.0, 3.0, 8.0] {
            let mut a = vec![0.0f32; 40 * 40];
            splat(&mut a, 40, 40, 20.3, 19.7, r, 0.3, 1.0);
            let total: f32 = a.iter().sum();
            let area = std::f32::consts::PI * r * r;
            assert!(
                (total - area).abs() / area < 0.02,
                "r {r}: {total} vs {area}"
            );
            assert!(a.iter().all(|&v| v <= 1.0));
        }
    }

    #[test]
    fn splat_at_the_border_stays_inside() {
        let mut a = vec![0.0f32; 10 * 10];
        splat(&mut a, 10, 10, -0.5, 9.9, 2.0, 0.5, 1.0);
        splat(&mut a, 10, 10, 500.0, 500.0, 2.0, 0.5, 1.0);
        assert!(a.iter().any(|&v| v > 0.0));
    }
}
