//! Which dots are shown: each dot's share of the area, its rank against the
//! density, and whether it sits on bare scalp.

use crate::analysis::Skin;
use crate::color::Transfer;
use crate::placement::{Dot, Placement};
use crate::raster::{Mask, Rgba8Image};
use crate::render::Rect;
use crate::settings::Mode;

/// Everything at full resolution that decides where dots may go: the same
/// for the preview and the export, so both show the same dots.
pub struct DotContext<'a> {
    /// The pattern.
    pub placement: &'a Placement,
    /// The area at full resolution.
    pub mask: &'a Mask,
    /// Per dot: does its centre fall on bare scalp (not on a hair)?
    pub on_scalp: &'a [bool],
    /// The patch look's inward fade of the area, per full-resolution pixel.
    pub feather: &'a dyn Fn(f64, f64) -> f32,
    /// Scale of the full-resolution photo.
    pub px_per_mm: f64,
}

/// Each dot's share of the area (0–1): the area's weight at its centre, times
/// the patch fade in the patch look; 0 where the dot may not go (on a hair,
/// except in the full look). With `region` (full-resolution pixels), only
/// dots centred there are recomputed. A density change then only compares
/// ranks with these shares.
pub fn dot_weights(ctx: &DotContext, mode: Mode, region: Option<Rect>, out: &mut Vec<f32>) {
    out.resize(ctx.placement.dots.len(), 0.0);
    let ppm = ctx.px_per_mm as f32;
    for (i, dot) in ctx.placement.dots.iter().enumerate() {
        let (fx, fy) = (dot.x_mm * ppm, dot.y_mm * ppm);
        if let Some(r) = region {
            if fx < r.x0 as f32 || fy < r.y0 as f32 || fx >= r.x1 as f32 || fy >= r.y1 as f32 {
                continue;
            }
        }
        let placeable = mode == Mode::Full || ctx.on_scalp[i];
        let mut weight = if placeable {
            ctx.mask.at(fx as i64, fy as i64) as f32 / 255.0
        } else {
            0.0
        };
        if mode == Mode::Patch && weight > 0.0 {
            // The fade and a soft brush edge both taper the border: the
            // stronger taper wins, they do not multiply.
            weight = weight.min((ctx.feather)(fx as f64, fy as f64));
        }
        out[i] = weight;
    }
}

/// Which dots are shown: those whose rank is within the threshold scaled by
/// their share of the area.
pub fn visible_dots(placement: &Placement, weights: &[f32], threshold: f32, out: &mut Vec<bool>) {
    out.resize(placement.dots.len(), false);
    for ((v, dot), &w) in out.iter_mut().zip(&placement.dots).zip(weights) {
        *v = w > 0.0 && dot.rank <= threshold * w;
    }
}

/// Whether each dot's centre lies on bare scalp (computed once per photo).
pub fn dots_on_scalp(
    placement: &Placement,
    photo: &Rgba8Image,
    skin: &Skin,
    px_per_mm: f64,
    t: &Transfer,
) -> Vec<bool> {
    let mut out = vec![false; placement.dots.len()];
    // In chunks, each a call not inlined: a browser optimises a wasm
    // function only for its next call (see `crate::placement`).
    for (dots, out) in placement.dots.chunks(4096).zip(out.chunks_mut(4096)) {
        on_scalp(dots, photo, skin, px_per_mm as f32, t, out);
    }
    out
}

#[inline(never)]
fn on_scalp(
    dots: &[Dot],
    photo: &Rgba8Image,
    skin: &Skin,
    ppm: f32,
    t: &Transfer,
    out: &mut [bool],
) {
    for (d, on) in dots.iter().zip(out) {
        let (x, y) = ((d.x_mm * ppm) as usize, (d.y_mm * ppm) as usize);
        if x >= photo.width as usize || y >= photo.height as usize {
            continue;
        }
        let p = &photo.pixels[(y * photo.width as usize + x) * 4..];
        *on = skin.scalp(
            [t.linear(p[0]), t.linear(p[1]), t.linear(p[2])],
            x as f64 + 0.5,
            y as f64 + 0.5,
        ) >= 0.5;
    }
}
