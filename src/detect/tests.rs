//! The detection on drawn test photos and the synthetic sample.

use super::*;
use crate::sample::sample_scalp;

#[test]
fn finds_the_sample_patches_automatically_and_by_tap() {
    let s = sample_scalp(640, 480, 4).unwrap();
    let auto = detect(&s.photo, &[]).unwrap();
    let score = iou(&auto, &s.patches);
    assert!(score > 0.7, "automatic IoU {score}");
    let taps = taps_for(&s.patches, 50);
    assert_eq!(taps.len(), 2);
    let tapped = detect(&s.photo, &taps).unwrap();
    assert!(iou(&tapped, &s.patches) > 0.7);
    // One tap selects one patch only.
    let one = detect(&s.photo, &taps[..1]).unwrap();
    let n = |m: &Mask| m.weights.iter().filter(|&&v| v >= 128).count();
    assert!(n(&one) < n(&tapped));
}

/// A 200×200 picture on a `backdrop`, each pixel coloured by `colour`
/// (or left as backdrop where it gives none).
fn drawn(backdrop: [u8; 4], colour: impl Fn(u32, u32) -> Option<[u8; 4]>) -> Rgba8Image {
    let mut img = Rgba8Image::filled(200, 200, backdrop).unwrap();
    for y in 0..200 {
        for x in 0..200 {
            if let Some(c) = colour(x, y) {
                let i = (y * 200 + x) as usize * 4;
                img.pixels[i..i + 4].copy_from_slice(&c);
            }
        }
    }
    img
}

/// A back view drawn by hand: dark hair on a light backdrop, a thinning
/// nape (sparse strands over skin) and the bare neck below it.
fn nape_photo() -> Rgba8Image {
    let skin = [214, 160, 130, 255];
    let hair = [35, 28, 24, 255];
    drawn([225, 225, 230, 255], |x, y| {
        let in_head = (20..140).contains(&y) && (30..170).contains(&x);
        let in_nape = (105..140).contains(&y) && (70..130).contains(&x);
        let in_neck = (140..200).contains(&y) && (70..130).contains(&x);
        if in_nape {
            Some(if x % 5 == 0 { hair } else { skin })
        } else if in_head {
            Some(hair)
        } else if in_neck {
            Some(skin)
        } else {
            None
        }
    })
}

#[test]
fn a_tapped_nape_patch_stops_at_the_lowest_hair() {
    let photo = nape_photo();
    let mask = detect(&photo, &[(100.0, 122.0)]).unwrap();
    let at = |x: u32, y: u32| mask.weights[(y * mask.width + x) as usize];
    assert!(at(100, 122) >= 128, "the tapped patch is in the area");
    let neck = (165..200)
        .flat_map(|y| (70..130).map(move |x| (x, y)))
        .filter(|&(x, y)| at(x, y) >= 128)
        .count();
    assert_eq!(neck, 0, "the neck below the nape is not scalp");
}

#[test]
fn bad_taps_and_hairless_photos_are_clear_errors() {
    let s = sample_scalp(320, 240, 1).unwrap();
    assert_eq!(
        detect(&s.photo, &[(-5.0, 10.0)]).unwrap_err().code,
        ErrorCode::InvalidTap
    );
    assert_eq!(
        detect(&s.photo, &[(f64::NAN, 10.0)]).unwrap_err().code,
        ErrorCode::InvalidTap
    );
    // A tap in the middle of dense hair (top-right corner of the sample).
    let e = detect(&s.photo, &[(310.0, 8.0)]).unwrap_err();
    assert_eq!(e.code, ErrorCode::NoBaldScalp);
    assert!(e.message.contains("No bald scalp found near"));
    // A plain blue picture: nothing to find.
    let blue = Rgba8Image::filled(200, 150, [30, 60, 200, 255]).unwrap();
    assert_eq!(detect(&blue, &[]).unwrap_err().code, ErrorCode::NoBaldScalp);
}

#[test]
fn the_area_fades_in_from_the_backdrop_over_the_rim() {
    // Backdrop in the first column of a 200×100 grid: the rim is
    // measured on the shorter side (100 px).
    let (w, h) = (200, 100);
    let background: Vec<bool> = (0..w * h).map(|i| i % w == 0).collect();
    let fade = rim_fade(&background, w, h).unwrap();
    let half = (h as f32 * RIM).round() as usize;
    let at = |x: usize| fade[50 * w + x];
    assert!(at(0) < 0.1, "none at the outline: {}", at(0));
    assert!((at(half) - 0.5).abs() < 0.05, "½ at the rim: {}", at(half));
    assert!(at(half / 2) < at(half) && at(half) < at(2 * half - 2));
    assert_eq!(at(3 * half), 1.0);
    assert_eq!(at(w - 1), 1.0);
    // No backdrop recognised: no rim.
    assert!(rim_fade(&vec![false; w * h], w, h)
        .unwrap()
        .iter()
        .all(|&v| v == 1.0));
}

#[test]
fn opening_removes_thin_bands_and_keeps_patches_whole() {
    let (w, h) = (60, 40);
    // A 12×12 patch with a 2 px band running off it to the right edge.
    let field: Vec<bool> = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            ((5..17).contains(&x) && (10..22).contains(&y)) || (x >= 17 && (14..16).contains(&y))
        })
        .collect();
    let opened = open_square(&field, w, h, 2).unwrap();
    for (i, &kept) in opened.iter().enumerate() {
        let (x, y) = (i % w, i / w);
        let in_patch = (5..17).contains(&x) && (10..22).contains(&y);
        assert_eq!(kept, in_patch, "pixel {x},{y}");
    }
}

#[test]
fn a_tapped_patch_wholly_in_the_rim_keeps_its_full_weight() {
    // The nape photo with a second small patch right under the crown's
    // outline: all of it lies within the rim, but the person tapped it.
    let mut photo = nape_photo();
    for y in 21..31u32 {
        for x in 88..112u32 {
            let i = (y * photo.width + x) as usize * 4;
            photo.pixels[i..i + 4].copy_from_slice(&[214, 160, 130, 255]);
        }
    }
    let small = photo.downscaled_to_fit(WORK_SIDE).unwrap();
    let f = features(&small).unwrap();
    let fade = rim_fade(&f.background, f.w, f.h).unwrap();
    assert!(fade[26 * f.w + 100] < 0.5, "the patch is in the rim");
    let alone = detect(&photo, &[(100.0, 26.0)]).unwrap();
    let at = |m: &Mask, y: u32| m.weights[(y * m.width + 100) as usize];
    // Without the rescaling it would be about 0.4 at the tap.
    assert!(at(&alone, 26) >= 150, "tapped point at {}", at(&alone, 26));
    assert!(
        at(&alone, 20) < at(&alone, 30),
        "still fades toward the outline"
    );
    // Tapped together with the nape patch, it keeps the same weights:
    // each patch is scaled on its own.
    let both = detect(&photo, &[(100.0, 26.0), (100.0, 122.0)]).unwrap();
    assert_eq!(at(&both, 26), at(&alone, 26));
    assert!(at(&both, 122) >= 250);
}

/// A hairless head (or, with `face`, a face) as a skin ellipse on a
/// blue backdrop, above a dark shirt.
fn bare_head_photo(face: bool) -> Rgba8Image {
    let inside = |x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32| {
        ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0
    };
    drawn([40, 80, 200, 255], |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let features = face
            && (inside(fx, fy, 78.0, 88.0, 10.0, 5.0)
                || inside(fx, fy, 122.0, 88.0, 10.0, 5.0)
                || inside(fx, fy, 78.0, 74.0, 12.0, 3.0)
                || inside(fx, fy, 122.0, 74.0, 12.0, 3.0)
                || inside(fx, fy, 100.0, 140.0, 18.0, 5.0));
        if y >= 185 {
            Some([30, 30, 35, 255])
        } else if features {
            Some([40, 28, 24, 255])
        } else if inside(fx, fy, 100.0, 100.0, 60.0, 75.0) {
            Some([214, 160, 130, 255])
        } else {
            None
        }
    })
}

#[test]
fn a_hairless_head_is_proposed_and_a_face_is_not() {
    let head = detect(&bare_head_photo(false), &[]).unwrap();
    let at = |m: &Mask, x: u32, y: u32| m.weights[(y * m.width + x) as usize];
    assert!(at(&head, 100, 100) >= 250, "the middle of the head");
    assert_eq!(at(&head, 10, 10), 0, "the backdrop");
    assert!(
        at(&head, 100, 30) < at(&head, 100, 60),
        "fades toward the outline"
    );
    let face = detect(&bare_head_photo(true), &[]);
    assert_eq!(face.unwrap_err().code, ErrorCode::NoBaldScalp);
}
