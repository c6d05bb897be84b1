//! The area's edges: the fade in from the backdrop (where the scalp turns
//! away) and the feathered scaling back to full size.

use super::*;

/// Weight of the area by distance from the backdrop: 0 at the head's
/// outline, ½ at [`RIM`] of the photo's shorter side, 1 from twice that.
/// Near its outline the scalp turns away from the camera: flat dots there
/// would sit on the silhouette, not on the head (and the reference areas
/// stop short of it too); the engine thins the dots where the weight falls.
pub(super) fn rim_fade(background: &[bool], w: usize, h: usize) -> Result<Vec<f32>, SmpError> {
    if !background.iter().any(|&b| b) {
        return Ok(vec![1.0; w * h]);
    }
    // Chamfer distance (3 along, 4 across), two passes. Hand-written: a
    // few lines, where a crate would bring a whole image-processing stack.
    let far = u32::MAX / 2;
    let mut d: Vec<u32> = background
        .iter()
        .map(|&b| if b { 0 } else { far })
        .collect();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let mut v = d[i];
            if x > 0 {
                v = v.min(d[i - 1] + 3);
            }
            if y > 0 {
                v = v.min(d[i - w] + 3);
                if x > 0 {
                    v = v.min(d[i - w - 1] + 4);
                }
                if x + 1 < w {
                    v = v.min(d[i - w + 1] + 4);
                }
            }
            d[i] = v;
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let i = y * w + x;
            let mut v = d[i];
            if x + 1 < w {
                v = v.min(d[i + 1] + 3);
            }
            if y + 1 < h {
                v = v.min(d[i + w] + 3);
                if x + 1 < w {
                    v = v.min(d[i + w + 1] + 4);
                }
                if x > 0 {
                    v = v.min(d[i + w - 1] + 4);
                }
            }
            d[i] = v;
        }
    }
    let half = (w.min(h) as f32 * RIM).max(1.0);
    let fade: Vec<f32> = d
        .iter()
        .map(|&v| (v as f32 / 3.0 / (2.0 * half)).min(1.0))
        .collect();
    // Specks of backdrop-like pixels at the outline would print as streaks
    // of the chamfer's directions: a light blur spreads them out.
    box_mean(&fade, w, h, (half / 3.0).round().max(1.0) as usize)
}

/// Where a full-size column lies between two reduced rows.
#[derive(Clone, Copy)]
enum Span {
    Outside,
    Inside,
    Edge,
}

// The loops over a row are functions of their own, not inlined: a browser
// optimises a wasm function only for its next call (see
// `crate::placement`), and a 12 MP area is made in one call.

/// Reduced row `r` interpolated along x to full width into `out`.
#[inline(never)]
fn along(columns: &[(usize, usize, f32)], r: &[f32], out: &mut Vec<f32>) {
    out.clear();
    out.extend(
        columns
            .iter()
            .map(|&(x0, x1, tx)| r[x0] * (1.0 - tx) + r[x1] * tx),
    );
}

/// Each full-size column's span between two reduced rows (`[soft_top,
/// soft_bottom, fade_top, fade_bottom]`). Most of a photo is wholly outside
/// the area or wholly inside it: there the formula of [`feather_row`]
/// gives 0 or 255 whatever the row's place between them (a blur below ¼
/// sharpens to 0, above ¾ to 1; a fade of 1 between two 1s stays within a
/// rounding of 1), so only the edges are computed.
#[inline(never)]
fn classify([soft_top, soft_bottom, fade_top, fade_bottom]: [&[f32]; 4], runs: &mut Vec<Span>) {
    runs.clear();
    runs.extend(
        soft_top
            .iter()
            .zip(soft_bottom)
            .zip(fade_top.iter().zip(fade_bottom))
            .map(|((&a, &b), (&f, &g))| {
                if a.max(b) < 0.24 || f.max(g) <= 0.0 {
                    Span::Outside
                } else if a.min(b) > 0.76 && f == 1.0 && g == 1.0 {
                    Span::Inside
                } else {
                    Span::Edge
                }
            }),
    );
}

/// One full-size row, `ty` of the way from the top reduced row to the
/// bottom one.
#[inline(never)]
fn feather_row(
    out: &mut [u8],
    runs: &[Span],
    [soft_top, soft_bottom, fade_top, fade_bottom]: [&[f32]; 4],
    ty: f32,
) {
    for (x, o) in out.iter_mut().enumerate() {
        match runs[x] {
            // The buffer starts at zero.
            Span::Outside => continue,
            Span::Inside => {
                *o = 255;
                continue;
            }
            Span::Edge => {}
        }
        let soft = soft_top[x] * (1.0 - ty) + soft_bottom[x] * ty;
        let fade = fade_top[x] * (1.0 - ty) + fade_bottom[x] * ty;
        // Sharpen the blurred edge back to about one reduced pixel.
        let v = ((soft - 0.5) * 2.0 + 0.5).clamp(0.0, 1.0) * fade;
        *o = (v * 255.0 + 0.5) as u8;
    }
}

/// Scales a reduced 0/1 area to full size with a soft edge about one reduced
/// pixel wide (bilinear over a lightly blurred copy).
pub(super) fn upscale_feathered(
    small: &[bool],
    fade: &[f32],
    w: usize,
    h: usize,
    fw: u32,
    fh: u32,
) -> Result<Mask, SmpError> {
    let soft = box_mean(small, w, h, 1)?;
    let mut weights = try_zeroed::<u8>(fw as usize * fh as usize, "area")?;
    let (sx, sy) = (w as f32 / fw as f32, h as f32 / fh as f32);
    // Where each full-size column falls between two reduced ones.
    let columns: Vec<(usize, usize, f32)> = (0..fw as usize)
        .map(|x| {
            let gx = ((x as f32 + 0.5) * sx - 0.5).clamp(0.0, (w - 1) as f32);
            let x0 = gx as usize;
            (x0, (x0 + 1).min(w - 1), gx.fract())
        })
        .collect();
    // A reduced row interpolated along x to full width. Many full-size rows
    // share the same two reduced rows (a 12 MP photo is about eight times
    // the reduced size), so each is interpolated once, not once per row:
    // the same products in the same order, so the same bytes, in a fraction
    // of the time.
    let (mut soft_top, mut soft_bottom, mut fade_top, mut fade_bottom) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut rows_of = None;
    let mut runs: Vec<Span> = Vec::with_capacity(fw as usize);
    for (y, out) in weights.chunks_exact_mut(fw as usize).enumerate() {
        let gy = ((y as f32 + 0.5) * sy - 0.5).clamp(0.0, (h - 1) as f32);
        let (y0, ty) = (gy as usize, gy.fract());
        let y1 = (y0 + 1).min(h - 1);
        if rows_of != Some(y0) {
            let row = |r: usize| r * w..(r + 1) * w;
            along(&columns, &soft[row(y0)], &mut soft_top);
            along(&columns, &soft[row(y1)], &mut soft_bottom);
            along(&columns, &fade[row(y0)], &mut fade_top);
            along(&columns, &fade[row(y1)], &mut fade_bottom);
            classify(
                [&soft_top, &soft_bottom, &fade_top, &fade_bottom],
                &mut runs,
            );
            rows_of = Some(y0);
        }
        feather_row(
            out,
            &runs,
            [&soft_top, &soft_bottom, &fade_top, &fade_bottom],
            ty,
        );
    }
    Mask::new(fw, fh, weights)
}
