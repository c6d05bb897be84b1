//! Scoring a proposed area against a reference (`make eval`, tests).

use super::*;

/// Intersection over union of two areas, counting weights ≥ 128 as inside.
pub fn iou(a: &Mask, b: &Mask) -> f64 {
    let (mut inter, mut union) = (0u64, 0u64);
    for (&x, &y) in a.weights.iter().zip(&b.weights) {
        let (p, q) = (x >= 128, y >= 128);
        inter += (p && q) as u64;
        union += (p || q) as u64;
    }
    if union == 0 {
        1.0
    } else {
        inter as f64 / union as f64
    }
}

/// One tap per region of a reference area: its most interior point (the
/// pixel farthest from the region's edge), in full-resolution pixels. Used
/// to score tap-based detection the way a person would tap.
pub fn taps_for(reference: &Mask, min_pixels: usize) -> Vec<Tap> {
    let (w, h) = (reference.width as usize, reference.height as usize);
    let inside: Vec<bool> = reference.weights.iter().map(|&v| v >= 128).collect();
    // City-block distance to the outside, two passes.
    let mut d = vec![0u32; w * h];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if inside[i] {
                let up = if y > 0 { d[i - w] } else { 0 };
                let left = if x > 0 { d[i - 1] } else { 0 };
                d[i] = up.min(left) + 1;
            }
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let i = y * w + x;
            if inside[i] {
                let down = if y + 1 < h { d[i + w] } else { 0 };
                let right = if x + 1 < w { d[i + 1] } else { 0 };
                d[i] = d[i].min(down.min(right) + 1);
            }
        }
    }
    regions(&inside, w, h)
        .into_iter()
        .filter(|r| r.len() >= min_pixels)
        .map(|r| {
            let best = r
                .iter()
                .copied()
                .max_by_key(|&i| (d[i], usize::MAX - i))
                .unwrap_or(r[0]);
            ((best % w) as f64 + 0.5, (best / w) as f64 + 0.5)
        })
        .collect()
}
