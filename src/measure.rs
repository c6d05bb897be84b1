//! How a render reads at viewing distance: the two measures the look is
//! calibrated against (issue #13), shared by the tests and `make eval` so
//! both measure the same way.
//!
//! - [`tone_ratio`]: on flat skin, the treated skin's mean linear luminance
//!   as a share of the untreated skin's (a mean over many mm, what the eye
//!   sees from a conversational distance, where single dots merge).
//! - [`patch_contrast`]: on a photo with a bald patch, how much the look
//!   lowers the contrast between the patch and the hair around it, after a
//!   blur of a few mm.

use crate::color::Transfer;
use crate::field::{box_blur, box_mean};
use crate::raster::{Mask, Rgba8Image};

/// Radius of the box blur (applied twice, close to a Gaussian) that stands
/// for viewing distance in [`patch_contrast`], in mm: at about 1 m the eye
/// resolves about 0.3 mm, and a bald patch reads from its tone over a few mm.
pub const VIEW_BLUR_MM: f64 = 1.5;
/// Width of the ring of hair around the area that the patch is compared
/// with, in mm.
pub const HAIR_RING_MM: f64 = 6.0;
/// Flat light skin (sRGB) the tone is measured on: a fair, slightly pink
/// scalp (linear luminance 0.45).
pub const LIGHT_SKIN: [u8; 4] = [210, 170, 150, 255];
/// Flat dark skin (sRGB): a deep brown scalp (linear luminance 0.08).
pub const DARK_SKIN: [u8; 4] = [110, 75, 58, 255];

fn luminances(img: &Rgba8Image, t: &Transfer) -> Vec<f32> {
    img.pixels
        .chunks_exact(4)
        .map(|p| 0.2126 * t.linear(p[0]) + 0.7152 * t.linear(p[1]) + 0.0722 * t.linear(p[2]))
        .collect()
}

/// Mean linear luminance of `after` over that of `before`, over the pixels
/// at least `margin_px` from the image border (the border may lack dots that
/// straddle it).
pub fn tone_ratio(before: &Rgba8Image, after: &Rgba8Image, margin_px: u32) -> f64 {
    let t = Transfer::new();
    let (lb, la) = (luminances(before, &t), luminances(after, &t));
    let (w, h) = (before.width, before.height);
    let (mut sb, mut sa) = (0.0f64, 0.0f64);
    for y in margin_px..h.saturating_sub(margin_px) {
        for x in margin_px..w.saturating_sub(margin_px) {
            let i = (y * w + x) as usize;
            sb += lb[i] as f64;
            sa += la[i] as f64;
        }
    }
    if sb > 0.0 {
        sa / sb
    } else {
        1.0
    }
}

fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    Some(v[v.len() / 2])
}

/// The patch-to-hair contrast before and after a render.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatchContrast {
    /// Median blurred linear luminance of the patch, before.
    pub patch_before: f64,
    /// The same after the render.
    pub patch_after: f64,
    /// Median blurred linear luminance of the ring of hair around the area.
    pub hair: f64,
}

impl PatchContrast {
    /// Share of the patch-to-hair contrast the render took away: 0 for no
    /// change, 1 when the patch reads as dark as the hair; above 1 the patch
    /// is darker than the hair around it (the "helmet").
    pub fn reduction(&self) -> f64 {
        1.0 - (self.patch_after - self.hair) / (self.patch_before - self.hair)
    }
}

/// Measures how much `after` lowers the contrast between the area's core
/// (weight ≥ 230) and the ring of hair within [`HAIR_RING_MM`] outside it,
/// both blurred by [`VIEW_BLUR_MM`]. `None` when there is no core, no ring,
/// the patch is not lighter than the hair (nothing to conceal), or there is
/// no memory for the blur.
pub fn patch_contrast(
    before: &Rgba8Image,
    after: &Rgba8Image,
    mask: &Mask,
    px_per_mm: f64,
) -> Option<PatchContrast> {
    let t = Transfer::new();
    let (w, h) = (before.width as usize, before.height as usize);
    let r = (VIEW_BLUR_MM * px_per_mm).round().max(1.0) as usize;
    let lb = box_blur(&luminances(before, &t), w, h, r).ok()?;
    let la = box_blur(&luminances(after, &t), w, h, r).ok()?;
    let inside: Vec<bool> = mask.weights.iter().map(|&m| m > 0).collect();
    // The ring: within twice a box of half the ring's width, so one box of
    // the ring's width (the same reach; counting flags keeps "none" exact).
    let ring_r = ((HAIR_RING_MM * 0.5 * px_per_mm).round() as usize).max(1);
    let near = box_mean(&inside, w, h, 2 * ring_r).ok()?;
    let (mut pb, mut pa, mut ring) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..w * h {
        if mask.weights[i] >= 230 {
            pb.push(lb[i]);
            pa.push(la[i]);
        } else if mask.weights[i] == 0 && near[i] > 0.0 {
            ring.push(lb[i]);
        }
    }
    let c = PatchContrast {
        patch_before: median(pb)? as f64,
        patch_after: median(pa)? as f64,
        hair: median(ring)? as f64,
    };
    (c.patch_before > c.hair * 1.05).then_some(c)
}

/// One real photo of the development set with its reference area.
#[cfg(not(target_arch = "wasm32"))]
pub struct RealPhoto {
    /// Its file name (the same in `photos/` and `reference-masks/`).
    pub name: String,
    /// The photo.
    pub photo: Rgba8Image,
    /// Its reference area (grey level = weight).
    pub area: Mask,
}

/// The real photos in `dir` (`photos/` and `reference-masks/`, as in
/// `../shared/data/alopecia-photos`), sorted by name; `None` when the folder
/// is absent (tests and `make eval` then skip, saying so). One loader, so
/// the tests and the eval read the same photos the same way.
#[cfg(not(target_arch = "wasm32"))]
pub fn real_photos(dir: &std::path::Path) -> Option<Vec<RealPhoto>> {
    if !dir.join("photos").is_dir() {
        return None;
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.join("photos"))
        .ok()?
        .filter_map(|e| Some(e.ok()?.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    let photos = names
        .into_iter()
        .map(|name| {
            let photo = image::open(dir.join("photos").join(&name))
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .to_rgba8();
            let area = image::open(dir.join("reference-masks").join(&name))
                .unwrap_or_else(|e| panic!("reference area of {name}: {e}"))
                .to_luma8();
            let (w, h) = photo.dimensions();
            RealPhoto {
                photo: Rgba8Image::new(w, h, photo.into_raw()).expect("photo"),
                area: Mask::new(w, h, area.into_raw()).expect("area"),
                name,
            }
        })
        .collect();
    Some(photos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_reduction_is_zero_unchanged_and_one_at_hair_level() {
        let (w, h) = (120u32, 120u32);
        let mut px = Vec::new();
        let mut m = Vec::new();
        for y in 0..h {
            for x in 0..w {
                let inside = (30..90).contains(&x) && (30..90).contains(&y);
                px.extend_from_slice(&if inside {
                    [200u8, 160, 140, 255]
                } else {
                    [60, 45, 40, 255]
                });
                m.push(if inside { 255 } else { 0 });
            }
        }
        let before = Rgba8Image::new(w, h, px).unwrap();
        let mask = Mask::new(w, h, m).unwrap();
        let c = patch_contrast(&before, &before, &mask, 2.0).unwrap();
        assert!(c.reduction().abs() < 1e-6);
        let dark = Rgba8Image::filled(w, h, [60, 45, 40, 255]).unwrap();
        let c = patch_contrast(&before, &dark, &mask, 2.0).unwrap();
        assert!((c.reduction() - 1.0).abs() < 0.05, "{}", c.reduction());
        assert!((tone_ratio(&before, &before, 0) - 1.0).abs() < 1e-9);
    }
}
