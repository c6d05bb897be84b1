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
    shown_up_to(placement.dots.len(), placement, weights, threshold, out);
}

/// [`visible_dots`] when only the threshold changed since `out` was made
/// for `was` (the same shares). A share is at most 1, so a dot ranked
/// above both thresholds is hidden in both; the pattern is in rank order,
/// so only the dots before the first such one are looked at (a density
/// change looks at the dots up to the higher density, not at all of them).
pub fn visible_dots_after(
    placement: &Placement,
    weights: &[f32],
    was: f32,
    threshold: f32,
    out: &mut [bool],
) {
    let highest = was.max(threshold);
    let upto = placement.dots.partition_point(|d| d.rank <= highest);
    shown_up_to(upto, placement, weights, threshold, out);
}

fn shown_up_to(n: usize, placement: &Placement, weights: &[f32], threshold: f32, out: &mut [bool]) {
    let dots = placement.dots[..n].iter().zip(weights);
    for (v, (dot, &w)) in out[..n].iter_mut().zip(dots) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placement::place;
    use crate::rng::Draws;

    #[test]
    fn the_pattern_is_in_rank_order() {
        let p = place(60.0, 40.0, 11).unwrap();
        assert!(p.dots.windows(2).all(|w| w[0].rank <= w[1].rank));
    }

    #[test]
    fn a_threshold_change_looking_at_fewer_dots_shows_the_same_dots() {
        let p = place(60.0, 40.0, 11).unwrap();
        let mut rng = Draws::new(5, 0);
        // Shares of every kind: none, partial, whole.
        let weights: Vec<f32> = (0..p.dots.len())
            .map(|i| match i % 3 {
                0 => 0.0,
                1 => rng.unit() as f32,
                _ => 1.0,
            })
            .collect();
        let (mut kept, mut fresh) = (Vec::new(), Vec::new());
        let mut was = 0.3;
        visible_dots(&p, &weights, was, &mut kept);
        for t in [0.45, 0.3, 0.31, 1.0, 0.05, 0.0, 0.6, 0.59] {
            visible_dots_after(&p, &weights, was, t, &mut kept);
            visible_dots(&p, &weights, t, &mut fresh);
            assert_eq!(kept, fresh, "threshold {was} then {t}");
            was = t;
        }
        let shown = fresh.iter().filter(|&&v| v).count();
        assert!(shown > 0 && shown < p.dots.len());
    }
}
