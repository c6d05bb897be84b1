//! Finding the bald scalp: proposed treatment areas from the photo alone, or
//! grown from the user's taps.
//!
//! Works on a reduced copy of the photo (at most [`WORK_SIDE`] px a side):
//! 1. the background is the smooth, untextured backdrop whose hue runs
//!    along the photo's border, flooded inwards over small steps;
//! 2. hair is the dark mode of the photo (Otsu threshold) outside the
//!    background, and each pixel gets the share of hair around it (its
//!    local hair density);
//! 3. bald scalp is skin-coloured, not hair, with little hair around it;
//! 4. automatically, a bald region is kept when hair frames it (most of its
//!    surroundings are hair, little is background): that is what tells a
//!    patch of scalp from a neck, an ear or a face. A large bald region is
//!    also kept when sparse hair frames it, or when it is a whole hairless
//!    head (its crown meets the backdrop and, unlike a face, it has no
//!    holes). A tap keeps the region
//!    under it whatever frames it, and grows a little more permissively;
//!    it also takes the framed patches that thinning hair links to it (one
//!    tap per patch, however many bald cores the patch has), and stops at
//!    the head's lowest hair (a neck below a nape patch is not scalp).
//!
//! The result is feathered along its edge, fades in over a rim from the
//! backdrop (where the scalp turns away from the camera), and is scaled back
//! to full size.
//! Hand-written: no small, wasm-friendly crate does skin/hair segmentation.

mod edges;
mod features;
mod patches;
mod scoring;
#[cfg(test)]
mod tests;

use crate::analysis::skin_coloured;
use crate::error::{try_zeroed, ErrorCode, SmpError};
use crate::field::*;
use crate::raster::{Mask, Rgba8Image};
use edges::*;
pub(crate) use features::backdrop_and_hair;
use features::*;
use patches::*;
pub use scoring::{iou, taps_for};

/// Longest side of the reduced copy the detection works on.
pub const WORK_SIDE: u32 = 320;
/// Local hair density above which hair counts as dense (a frame, not a gap).
const DENSE_HAIR: f32 = 0.45;
/// Local hair density that counts as some hair (for nearly bald heads).
const SOME_HAIR: f32 = 0.1;
/// Local hair density below which skin counts as bald (the core of a patch).
const BALD_CORE: f32 = 0.3;
/// Local hair density up to which a patch extends into thinning hair.
const THIN_HAIR: f32 = 0.6;
/// How far (share of the photo's shorter side) thinning hair may run
/// between the bald cores of one tapped patch.
const LINK_REACH: f32 = 0.2;
/// Local strand energy (mean absolute Laplacian of luma) below which a
/// pixel is smooth enough to be backdrop.
const SMOOTH: f32 = 20.0;
/// How far a backdrop pixel's hue may stray from the border's.
const HUE_TOLERANCE: f32 = 0.25;
/// Largest luma step between neighbouring backdrop pixels.
const STEP: f32 = 12.0;
/// Half the thickness (share of the photo's shorter side) below which a
/// strip left of a tapped region by its cut is a band, not a patch.
const BAND: f32 = 0.012;
/// Distance from the backdrop (share of the photo's shorter side) at which
/// the area's weight reaches ½; it is full from twice that.
const RIM: f32 = 0.07;

/// A photo's size in pixels.
struct Size {
    width: u32,
    height: u32,
}

/// A point given by the user, in full-resolution photo pixels.
pub type Tap = (f64, f64);

/// Proposes the treatment area: every framed bald region with no taps, or
/// the bald regions under the taps. Errors when a tap is outside the photo
/// or nothing bald is found (never an empty area presented as success); a
/// tap that finds nothing is only an error when no other tap found a patch.
pub fn detect(photo: &Rgba8Image, taps: &[Tap]) -> Result<Mask, SmpError> {
    detect_reduced(&reduced(photo)?, (photo.width, photo.height), taps)
}

/// The reduced copy of `photo` that detection and suggestions read (at most
/// [`WORK_SIDE`] px a side): an engine keeps it, so a 12 MP photo is read
/// once for both, not once each.
pub fn reduced(photo: &Rgba8Image) -> Result<Rgba8Image, SmpError> {
    photo.downscaled_to_fit(WORK_SIDE)
}

/// [`detect`] on the photo's [`reduced`] copy `small`; `full` is the
/// photo's size, for the taps and the area.
pub fn detect_reduced(
    small: &Rgba8Image,
    full: (u32, u32),
    taps: &[Tap],
) -> Result<Mask, SmpError> {
    let photo = Size {
        width: full.0,
        height: full.1,
    };
    let f = features(small)?;
    let (w, h) = (f.w, f.h);
    let (sx, sy) = (
        photo.width as f64 / w as f64,
        photo.height as f64 / h as f64,
    );
    let min_area = (w * h) / 500;
    let mut chosen = vec![false; w * h];
    if taps.is_empty() {
        chosen = framed_patches(&f)?;
        extend_into_thinning_hair(&mut chosen, &f, true);
        if !chosen.iter().any(|&c| c) {
            return Err(SmpError::new(
                ErrorCode::NoBaldScalp,
                "No bald scalp was found in this photo. Paint the area with the brush, or tap on a bald patch.",
            ));
        }
    } else {
        // A tap takes the bald region under it (or, failing that, a region
        // grown more permissively: the user has said where to look).
        let labelled = |core: f32| {
            let bald: Vec<bool> = (0..w * h)
                .map(|i| f.skin[i] && f.hair_density[i] < core)
                .collect();
            let all = regions(&clean(&bald, w, h), w, h);
            let mut label = vec![usize::MAX; w * h];
            for (k, region) in all.iter().enumerate() {
                for &i in region {
                    label[i] = k;
                }
            }
            (all, label)
        };
        let strict = labelled(BALD_CORE);
        let framed = framed_patches(&f)?;
        let loose = labelled(DENSE_HAIR);
        let mut missed = None;
        for &(tx, ty) in taps {
            if !(tx.is_finite() && ty.is_finite())
                || tx < 0.0
                || ty < 0.0
                || tx >= photo.width as f64
                || ty >= photo.height as f64
            {
                return Err(SmpError::new(
                    ErrorCode::InvalidTap,
                    format!(
                        "The point {tx:.0},{ty:.0} is outside the {}×{} photo.",
                        photo.width, photo.height
                    ),
                ));
            }
            let (cx, cy) = (
                ((tx / sx) as usize).min(w - 1),
                ((ty / sy) as usize).min(h - 1),
            );
            // The nearest bald pixel within a small radius of the tap.
            let reach = ((w.min(h) as f32 * 0.04) as usize).max(3);
            let nearest = |(all, label): &(Vec<Vec<usize>>, Vec<usize>)| -> Option<(usize, usize)> {
                let mut best: Option<(usize, usize)> = None;
                for y in cy.saturating_sub(reach)..(cy + reach + 1).min(h) {
                    for x in cx.saturating_sub(reach)..(cx + reach + 1).min(w) {
                        let i = y * w + x;
                        if label[i] != usize::MAX && all[label[i]].len() >= min_area / 4 {
                            let d = (x as i64 - cx as i64).pow(2) as usize
                                + (y as i64 - cy as i64).pow(2) as usize;
                            if best.is_none_or(|(bd, _)| d < bd) {
                                best = Some((d, i));
                            }
                        }
                    }
                }
                best.map(|(_, i)| (label[i], i))
            };
            let best = nearest(&strict)
                .map(|(k, i)| (&strict.0[k], i))
                .or_else(|| nearest(&loose).map(|(k, i)| (&loose.0[k], i)));
            let Some((region, seed)) = best else {
                missed.get_or_insert(SmpError::new(
                    ErrorCode::NoBaldScalp,
                    format!("No bald scalp found near the point {tx:.0},{ty:.0}. Tap on the bare skin of a patch, or paint it."),
                ));
                continue;
            };
            // The same cut as the automatic proposal's where the hair frames
            // the tapped point; elsewhere (a nape, a temple) the head's lowest
            // hair still bounds it.
            let cut: Option<&[bool]> = if nearly_bald_head(region, &f) {
                None
            } else if f.enclosed[seed] {
                Some(&f.enclosed)
            } else if f.above_hairline[seed] {
                Some(&f.above_hairline)
            } else {
                None
            };
            let mut mine = vec![false; w * h];
            for &j in region {
                mine[j] = cut.is_none_or(|c| c[j]);
            }
            if cut.is_some() {
                // Where the cut leaves a thin band (the skin just above the
                // nape hairline, reached through the hair), it is not a patch.
                let opened = open_square(&mine, w, h, (w.min(h) as f32 * BAND).round() as usize)?;
                if opened.iter().any(|&o| o) {
                    mine = opened;
                }
            }
            link_framed_patches(&mut mine, &f, &framed, cut);
            for (c, m) in chosen.iter_mut().zip(&mine) {
                *c |= m;
            }
        }
        // Taps that found something still count when another tap missed;
        // only when every tap missed is the result an error.
        if let Some(e) = missed {
            if !chosen.iter().any(|&c| c) {
                return Err(e);
            }
        }
        extend_into_thinning_hair(&mut chosen, &f, true);
    }
    let mut fade = rim_fade(&f.background, w, h)?;
    // A patch that lies wholly in the rim (one tapped on the very edge of
    // the head) reaches full weight at its deepest point instead of fading
    // to almost nothing: each patch's fade is scaled to a maximum of 1.
    for patch in regions(&chosen, w, h) {
        let deepest = patch.iter().map(|&i| fade[i]).fold(0.0f32, f32::max);
        if deepest > 0.0 && deepest < 1.0 {
            for i in patch {
                fade[i] = (fade[i] / deepest).min(1.0);
            }
        }
    }
    upscale_feathered(&chosen, &fade, w, h, photo.width, photo.height)
}

/// The head: everything that is not the backdrop behind it, at full size
/// with a soft edge. The hairline designer starts from it when there is no
/// area yet, so the scalp side of a hairline never reaches the wall.
pub fn head_area(photo: &Rgba8Image) -> Result<Mask, SmpError> {
    let small = reduced(photo)?;
    let f = features(&small)?;
    let head: Vec<bool> = f.background.iter().map(|&b| !b).collect();
    upscale_feathered(
        &head,
        &vec![1.0; f.w * f.h],
        f.w,
        f.h,
        photo.width,
        photo.height,
    )
}

/// Width, height and named 0–255 maps, from [`feature_maps`].
#[doc(hidden)]
pub type FeatureMaps = (usize, usize, Vec<(&'static str, Vec<u8>)>);

/// The intermediate maps of the detection on `photo` (reduced size, 0–255
/// each): for looking at why an area was or was not proposed (`cargo run --example
/// maps`). Not part of the stable API.
#[doc(hidden)]
pub fn feature_maps(photo: &Rgba8Image) -> Result<FeatureMaps, SmpError> {
    let small = photo.downscaled_to_fit(WORK_SIDE)?;
    let f = features(&small)?;
    let b = |v: &[bool]| {
        v.iter()
            .map(|&x| if x { 255 } else { 0 })
            .collect::<Vec<u8>>()
    };
    let head = hair_mass(&f.hair_density, DENSE_HAIR, f.w, f.h);
    Ok((
        f.w,
        f.h,
        vec![
            ("background", b(&f.background)),
            ("hair", b(&f.hair)),
            ("skin", b(&f.skin)),
            (
                "density",
                f.hair_density.iter().map(|&d| (d * 255.0) as u8).collect(),
            ),
            ("head", b(&head)),
            ("enclosed", b(&f.enclosed)),
            ("loosely", b(&f.enclosed_loosely)),
            ("above", b(&f.above_hairline)),
            ("framed", b(&framed_patches(&f)?)),
        ],
    ))
}
