//! Settings suggested from the photo, as a technician would choose them: the
//! pigment matched to the client's hair as shaved (darker hair, a darker
//! stop; blond or grey, the lightest), larger dots and darker pigment on
//! dark skin, denser work against dense dark hair.
//!
//! It reads, on a copy reduced as for detection: the hair in a ring around
//! the area (or, with no area, around the bald patches detection finds, or
//! else all the hair in the photo) and the lit skin inside the area. A photo
//! with no hair, no skin, or an empty area gets the default settings and a
//! reason that says so; it is never an error.

use crate::analysis::skin_coloured;
use crate::color::Transfer;
use crate::detect;
use crate::error::{try_zeroed, SmpError};
use crate::field::box_mean;
use crate::look::{predicted_darkening, superficial_share, DARK_SKIN_SUPERFICIAL};
use crate::raster::{resample_area, Mask, Rgba8Image};
use crate::settings::{spec, Settings, ShadeStop, SHADE_STOPS};

/// Width of the ring around the area whose hair is read, as a share of the
/// reduced photo's shorter side (about 8 mm on a head photo).
const RING: f32 = 0.04;
/// The reason given when the reduced photo's maps do not fit in memory.
const NO_MEMORY: &str = "Not enough memory to read the photo; default settings.";
/// The quantile of the ring's luminance taken as the hair's: its darker
/// tail, where strands cover whole pixels.
const HAIR_QUANTILE: f32 = 0.1;
/// The hair's linear luminance (see [`HAIR_QUANTILE`]) below which hair
/// reads as black, dark brown and medium (stops 1–3); lighter hair is
/// stop 4. Absolute rather than relative to the skin, so that black hair on
/// dark skin still reads black; it assumes a normally exposed photo. \[I\]
const HAIR_LUMINANCE_BOUNDS: [f32; 3] = [0.03, 0.09, 0.2];
/// Least texture (see `Sampled::texture`, sRGB levels) that shows hair in
/// the ring rather than skin. \[I\]
const MIN_HAIR_TEXTURE: f32 = 6.0;
/// Most of the patch-to-hair contrast a suggestion may take away. \[I\]
/// realism.md: against long dark hair a realistic look lowers it by about
/// 12–35 %; more reads as a helmet.
const MAX_REDUCTION: f64 = 0.4;
/// Least density a suggestion steps down to, in dots/cm² (a first session
/// or a hairline edge, domain.md: 30–40).
const MIN_DENSITY_PER_CM2: f64 = 40.0;
/// Hair whose colour saturation ((max − min) / max, sRGB) is below this and
/// that is not black reads as grey: stop 4 whatever its darkness.
const GREY_SATURATION: f32 = 0.12;
/// Dot diameter on dark skin, in mm. \[S\] dark skin takes larger dots and
/// darker pigment; \[I\] the size.
const DARK_SKIN_DOT_DIAMETER_MM: f64 = 0.45;
/// Density against black or dark brown hair, and against blond or grey
/// hair, in dots/cm² (the default in between). \[I\] dense dark hair needs the
/// full 80–120 of a ~1 mm spacing to hide a patch; light hair shows less
/// contrast and reads overdone when dense.
const DARK_HAIR_DENSITY_PER_CM2: f64 = 90.0;
const LIGHT_HAIR_DENSITY_PER_CM2: f64 = 70.0;

/// A suggestion: the settings it changes and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Dots per cm².
    pub density_per_cm2: f64,
    /// Dot diameter in mm.
    pub dot_diameter_mm: f64,
    /// Shade, 0–1 (one of the named stops' values, or the default).
    pub shade: f64,
    /// The named stop the shade is, when the hair was read.
    pub stop: Option<u8>,
    /// One or two short sentences on why.
    pub reason: String,
}

impl Suggestion {
    /// The default settings, with the reason they are suggested.
    pub fn defaults_because(reason: &str) -> Suggestion {
        Self::defaults(reason.to_string())
    }

    fn defaults(reason: String) -> Suggestion {
        let d = Settings::default();
        Suggestion {
            density_per_cm2: d.density_per_cm2,
            dot_diameter_mm: d.dot_diameter_mm,
            shade: d.shade,
            stop: None,
            reason,
        }
    }

    /// The suggestion as one JSON object: the settings' own names
    /// (`densityPerCm2`, `dotDiameterMm`, `shade`) and a `reason`.
    pub fn to_json(&self) -> String {
        format!(
            "{{\"densityPerCm2\":{},\"dotDiameterMm\":{},\"shade\":{},\"reason\":{}}}",
            self.density_per_cm2,
            self.dot_diameter_mm,
            self.shade,
            json_string(&self.reason)
        )
    }

    /// The suggested values as (setting name, value) pairs, ready for
    /// `Settings::set_many`.
    pub fn pairs(&self) -> [(&'static str, f64); 3] {
        [
            ("densityPerCm2", self.density_per_cm2),
            ("dotDiameterMm", self.dot_diameter_mm),
            ("shade", self.shade),
        ]
    }
}

/// A JSON string literal (quotes, backslashes and control characters escaped).
pub fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn luminance(t: &Transfer, p: &[u8]) -> f32 {
    0.2126 * t.linear(p[0]) + 0.7152 * t.linear(p[1]) + 0.0722 * t.linear(p[2])
}

fn quantile(mut v: Vec<f32>, q: f32) -> f32 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f32 * q) as usize]
}

/// Suggests settings for `photo`, reading the hair around `area` (full
/// size; `None` means no area was given). See the module notes.
pub fn suggest(photo: &Rgba8Image, area: Option<&Mask>) -> Suggestion {
    match detect::reduced(photo) {
        Ok(small) => suggest_reduced(photo, &small, area),
        Err(_) => Suggestion::defaults("The photo could not be read; default settings.".into()),
    }
}

/// [`suggest`] with the photo's reduced copy `small` (from
/// [`detect::reduced`]) already made.
pub fn suggest_reduced(photo: &Rgba8Image, small: &Rgba8Image, area: Option<&Mask>) -> Suggestion {
    if let Some(m) = area {
        if m.is_empty() {
            return Suggestion::defaults(
                "The area is empty: paint or find the area first; default settings.".into(),
            );
        }
    }
    let (w, h) = (small.width as usize, small.height as usize);
    // The area on the reduced copy: the given one, else the bald patches
    // detection proposes, else none (the whole photo is read).
    // Borrowed, not copied: a copy of a 24 MP area could not fail softly.
    let detected;
    let full_area = match area {
        Some(m) => Some(m),
        None => {
            detected = detect::detect_reduced(small, (photo.width, photo.height), &[]).ok();
            detected.as_ref()
        }
    };
    let inside: Option<Vec<bool>> = full_area.and_then(|m| {
        resample_area(&m.weights, m.width, m.height, 1, small.width, small.height)
            .ok()
            .map(|v| v.iter().map(|&x| x >= 128).collect())
    });
    let Ok((backdrop, dark)) = detect::backdrop_and_hair(small) else {
        return Suggestion::defaults(NO_MEMORY.into());
    };
    let t = Transfer::new();
    let px = |i: usize| &small.pixels[i * 4..i * 4 + 4];
    // Where hair is read, and where skin is.
    let (hair_px, skin_px): (Vec<usize>, Vec<usize>) = match &inside {
        Some(inside) if inside.iter().any(|&b| b) => {
            let r = ((w.min(h) as f32 * RING).round() as usize).max(2);
            // Pixels within a square of radius r of the area: a box mean of
            // flags counts exactly, so "none" is exactly 0.
            let Ok(near) = box_mean(inside, w, h, r) else {
                return Suggestion::defaults(NO_MEMORY.into());
            };
            let ring = (0..w * h)
                .filter(|&i| near[i] > 0.0 && !inside[i] && !backdrop[i])
                .collect();
            // The area's skin-coloured pixels that are not hair; where there
            // are too few (dark skin under lighter hair falls in the dark
            // class) all of the area, whose lit skin is an upper quantile.
            let plain: Vec<usize> = (0..w * h)
                .filter(|&i| inside[i] && !backdrop[i] && !dark[i] && skin_coloured(px(i)))
                .collect();
            let skin = if plain.len() >= (w * h / 400).max(4) {
                plain
            } else {
                (0..w * h).filter(|&i| inside[i] && !backdrop[i]).collect()
            };
            (ring, skin)
        }
        _ => (
            (0..w * h).filter(|&i| dark[i]).collect(),
            (0..w * h)
                .filter(|&i| !backdrop[i] && !dark[i] && skin_coloured(px(i)))
                .collect(),
        ),
    };
    let min_px = (w * h / 400).max(4);
    if skin_px.len() < min_px {
        return Suggestion::defaults(
            "No skin shows in the area, so the skin tone cannot be read; default settings.".into(),
        );
    }
    let skin_lum = quantile(
        skin_px.iter().map(|&i| luminance(&t, px(i))).collect(),
        0.75,
    );
    if skin_lum <= 0.0 {
        return Suggestion::defaults("The skin is black in the photo; default settings.".into());
    }
    let dark_skin = superficial_share(skin_lum) >= 0.5 * DARK_SKIN_SUPERFICIAL;
    let skin_word = if dark_skin { "dark" } else { "light" };
    let dot = if dark_skin {
        DARK_SKIN_DOT_DIAMETER_MM
    } else {
        spec("dotDiameterMm").map_or(0.35, |s| s.default)
    };
    if hair_px.len() < min_px {
        let mut s = Suggestion::defaults(format!(
            "No hair shows around the area to match; {skin_word} skin{}; default shade.",
            if dark_skin { ", so larger dots" } else { "" }
        ));
        s.dot_diameter_mm = dot;
        return s;
    }
    // The hair's own darkness: strands are finer than the reduced copy's
    // pixels, so they are read from the photo itself (at most ~4 MP of it),
    // as the darker tail of the ring, where strands cover whole pixels.
    let (Ok(ring), Ok(bare)) = (
        sample_full(photo, &hair_px, w, h, &t),
        sample_full(photo, &skin_px, w, h, &t),
    ) else {
        return Suggestion::defaults(NO_MEMORY.into());
    };
    if ring.lums.is_empty() || bare.lums.is_empty() {
        return Suggestion::defaults(
            "The area or the hair around it is too small to read; default settings.".into(),
        );
    }
    let ring_mean = ring.lums.iter().sum::<f32>() / ring.lums.len() as f32;
    // Strands are the ring's darker tail, or its lighter tail where the
    // hair is lighter than the skin (blond or grey hair on dark skin).
    let mut sorted = ring.lums;
    sorted.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f32| sorted[((sorted.len() - 1) as f32 * q) as usize];
    let lighter_hair = at(0.5) > skin_lum;
    let hair_lum = at(if lighter_hair {
        1.0 - HAIR_QUANTILE
    } else {
        HAIR_QUANTILE
    });
    // Hair shows as fine texture (strand edges) well beyond the skin's own,
    // or as a ring much darker than the skin.
    let textured = ring.texture > MIN_HAIR_TEXTURE.max(2.0 * bare.texture);
    if !textured && hair_lum > 0.6 * skin_lum {
        let mut s = Suggestion::defaults(format!(
            "No hair shows around the area to match (a shaved or hairless head?); {skin_word} skin{}; default shade.",
            if dark_skin { ", so larger dots" } else { "" }
        ));
        s.dot_diameter_mm = dot;
        return s;
    }
    let mean = ring.mean;
    let max = mean.iter().cloned().fold(0.0, f32::max);
    let min = mean.iter().cloned().fold(f32::MAX, f32::min);
    let saturation = if max > 0.0 { (max - min) / max } else { 0.0 };
    let grey = saturation < GREY_SATURATION && hair_lum >= HAIR_LUMINANCE_BOUNDS[0];
    let index = if grey {
        3
    } else {
        HAIR_LUMINANCE_BOUNDS
            .iter()
            .position(|&b| hair_lum < b)
            .unwrap_or(3)
    };
    // Dark skin takes one stop darker pigment ([S]); past stop 1, a little
    // darker still.
    let chosen: &ShadeStop = &SHADE_STOPS[index];
    let stop: &ShadeStop = &SHADE_STOPS[index.saturating_sub(dark_skin as usize)];
    let shade = if dark_skin && index == 0 {
        // Rounded so the JSON reads 0.8, not 0.7999999999999999.
        ((stop.shade + 0.1).min(1.0) * 100.0).round() / 100.0
    } else {
        stop.shade
    };
    let mut density = match index {
        0 | 1 => DARK_HAIR_DENSITY_PER_CM2,
        3 => LIGHT_HAIR_DENSITY_PER_CM2,
        _ => spec("densityPerCm2").map_or(80.0, |s| s.default),
    };
    // Never a helmet: the patch may lose at most MAX_REDUCTION of its
    // contrast with the hair around it (seen from a distance, the ring's
    // mean), so over hair barely darker than the skin the pigment steps
    // lighter, then sparser.
    let hair_level = (ring_mean / skin_lum).min(1.0) as f64;
    let allowed = MAX_REDUCTION * (1.0 - hair_level);
    let superficial = superficial_share(skin_lum);
    let mut stop = stop;
    let mut shade = shade;
    let mut lightened = false;
    if hair_level >= 1.0 {
        // Hair no darker than the skin: the patch does not read lighter than
        // the hair, and pigment can only add contrast. The least of it.
        stop = &SHADE_STOPS[3];
        shade = stop.shade;
        density = MIN_DENSITY_PER_CM2;
        lightened = true;
    }
    while predicted_darkening(density, dot, shade, superficial) > allowed {
        lightened = true;
        if stop.stop < 4 {
            stop = &SHADE_STOPS[stop.stop as usize];
            shade = stop.shade;
        } else if density > MIN_DENSITY_PER_CM2 {
            density = (density - 10.0).max(MIN_DENSITY_PER_CM2);
        } else {
            break;
        }
    }
    let hair_word = if grey { "grey" } else { chosen.hair };
    Suggestion {
        density_per_cm2: density,
        dot_diameter_mm: dot,
        shade,
        stop: Some(stop.stop),
        reason: format!(
            "{} hair on {skin_word} skin: shade stop {}{}, {} dots/cm²{}{}.",
            capitalise(hair_word),
            stop.stop,
            if dark_skin && !lightened {
                " (darker for dark skin)"
            } else {
                ""
            },
            density,
            if dark_skin { ", larger dots" } else { "" },
            if lightened {
                "; lighter than usual: the hair is close to the skin's tone, and darker work would read as a helmet"
            } else {
                ""
            }
        ),
    }
}

/// What [`sample_full`] reads from a set of pixels.
struct Sampled {
    /// Linear luminances.
    lums: Vec<f32>,
    /// Mean sRGB colour.
    mean: [f32; 3],
    /// Mean absolute difference to the right-hand neighbour, summed over
    /// the channels (sRGB levels): strand edges make it large.
    texture: f32,
}

/// Reads the photo's own pixels that fall on the reduced copy's pixels
/// `which` (a `w`×`h` grid), at most about 4 MP of them; `out-of-memory`
/// when there is no room for their luminances (up to 16 MB).
fn sample_full(
    photo: &Rgba8Image,
    which: &[usize],
    w: usize,
    h: usize,
    t: &Transfer,
) -> Result<Sampled, SmpError> {
    let mut on = vec![false; w * h];
    for &i in which {
        on[i] = true;
    }
    let (fw, fh) = (photo.width as usize, photo.height as usize);
    let step = ((fw * fh) as f64 / 4.0e6).sqrt().ceil().max(1.0) as usize;
    let taken = |x: usize, sy: usize| on[sy * w + (x * w / fw).min(w - 1)];
    // Counted first and reserved fallibly: grown a push at a time, the
    // buffer would abort the engine when memory is short (in wasm for good).
    let count: usize = (0..fh)
        .step_by(step)
        .map(|y| {
            let sy = (y * h / fh).min(h - 1);
            (0..fw).step_by(step).filter(|&x| taken(x, sy)).count()
        })
        .sum();
    let mut lums = try_zeroed::<f32>(count, "hair and skin samples")?;
    lums.clear();
    let mut sum = [0.0f64; 3];
    let (mut edges, mut edge_n) = (0.0f64, 0usize);
    for y in (0..fh).step_by(step) {
        let sy = (y * h / fh).min(h - 1);
        for x in (0..fw).step_by(step) {
            if taken(x, sy) {
                let i = (y * fw + x) * 4;
                let p = &photo.pixels[i..i + 4];
                lums.push(luminance(t, p));
                for (c, s) in sum.iter_mut().enumerate() {
                    *s += p[c] as f64;
                }
                // Only within the set: an edge against what lies outside it
                // (the backdrop at the head's outline) is not hair.
                if x + 1 < fw && taken(x + 1, sy) {
                    let q = &photo.pixels[i + 4..i + 8];
                    edges += (0..3)
                        .map(|c| (p[c] as f64 - q[c] as f64).abs())
                        .sum::<f64>();
                    edge_n += 1;
                }
            }
        }
    }
    let n = lums.len().max(1) as f64;
    Ok(Sampled {
        lums,
        mean: sum.map(|s| (s / n) as f32),
        texture: (edges / edge_n.max(1) as f64) as f32,
    })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_gets_defaults_with_a_reason() {
        let skin = Rgba8Image::filled(200, 150, [210, 170, 150, 255]).unwrap();
        let s = suggest(&skin, None);
        assert_eq!(s.shade, Settings::default().shade);
        assert!(s.reason.contains("No hair"), "{}", s.reason);
        let empty = Mask::empty(200, 150).unwrap();
        let s = suggest(&skin, Some(&empty));
        assert!(s.reason.contains("empty"), "{}", s.reason);
        let black = Rgba8Image::filled(200, 150, [0, 0, 0, 255]).unwrap();
        let s = suggest(&black, None);
        assert!(s.reason.contains("skin"), "{}", s.reason);
        assert_eq!(s.density_per_cm2, Settings::default().density_per_cm2);
        assert!(s.to_json().starts_with("{\"densityPerCm2\":"));
    }

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
    }
}
