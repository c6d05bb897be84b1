//! Properties of the engine on small exact-pixel images, and on the real
//! clinical photos in ../shared/data when they are there.

use smp_visualiser::{render_photo, Engine, ErrorCode, Mask, Rgba8Image, Settings, Stroke};

mod common;
use common::fresh_preview;

fn settings(pairs: &[(&str, f64)]) -> Settings {
    let mut s = Settings::default();
    s.set_many(pairs).unwrap();
    s
}

fn full_mask(w: u32, h: u32) -> Mask {
    Mask::new(w, h, vec![255; (w * h) as usize]).unwrap()
}

/// An engine on the sample scalp `size` (made with `seed`) at `px_per_mm`,
/// its preview no larger than `preview_side_px`, the sample's patches as
/// its area; and the sample.
fn engine_on_sample(
    size: (u32, u32),
    seed: u32,
    px_per_mm: f64,
    preview_side_px: u32,
) -> (smp_visualiser::sample::Sample, Engine) {
    let sample = smp_visualiser::sample::sample_scalp(size.0, size.1, seed).unwrap();
    let mut e = Engine::new();
    e.set_settings(&[("pxPerMm", px_per_mm)]).unwrap();
    e.load_image(sample.photo.clone(), preview_side_px).unwrap();
    e.set_mask(sample.patches.clone()).unwrap();
    (sample, e)
}

/// Counts 4-connected blobs of pixels darker than `threshold` (green channel).
fn count_blobs(img: &Rgba8Image, threshold: u8) -> usize {
    let (w, h) = (img.width as usize, img.height as usize);
    let dark: Vec<bool> = img
        .pixels
        .chunks_exact(4)
        .map(|p| p[1] < threshold)
        .collect();
    let mut seen = vec![false; w * h];
    let mut blobs = 0;
    for start in 0..w * h {
        if !dark[start] || seen[start] {
            continue;
        }
        blobs += 1;
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(i) = stack.pop() {
            let (x, y) = (i % w, i / w);
            let mut visit = |j: usize| {
                if dark[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            };
            if x > 0 {
                visit(i - 1);
            }
            if x + 1 < w {
                visit(i + 1);
            }
            if y > 0 {
                visit(i - w);
            }
            if y + 1 < h {
                visit(i + w);
            }
        }
    }
    blobs
}

#[test]
fn counted_dots_match_the_density_setting() {
    // A calibrated test image: 600×600 px at 10 px/mm = 36 cm² of even skin.
    let photo = Rgba8Image::filled(600, 600, [210, 170, 150, 255]).unwrap();
    for density in [30.0, 60.0, 90.0] {
        let s = settings(&[
            ("pxPerMm", 10.0),
            ("densityPerCm2", density),
            ("dotDiameterMm", 0.25),
            ("softness", 0.0),
            ("seed", 4.0),
        ]);
        let out = render_photo(photo.clone(), full_mask(600, 600), &s).unwrap();
        let counted = count_blobs(&out, 150) as f64;
        let want = density * 36.0;
        assert!(
            (counted - want).abs() / want <= 0.10,
            "density {density}: counted {counted} dots, want {want} ±10%"
        );
    }
}

#[test]
fn no_pigment_outside_the_mask_and_some_inside_in_every_mode() {
    let (w, h) = (240, 180);
    let photo = Rgba8Image::filled(w, h, [200, 160, 140, 255]).unwrap();
    let mut mask = Mask::empty(w, h).unwrap();
    for y in 40..140 {
        for x in 60..200 {
            mask.weights[(y * w + x) as usize] = if x < 80 { 100 } else { 255 };
        }
    }
    for mode in [0.0, 1.0, 2.0] {
        let out = render_photo(
            photo.clone(),
            mask.clone(),
            &settings(&[("pxPerMm", 8.0), ("mode", mode)]),
        )
        .unwrap();
        let mut changed_inside = 0;
        for i in 0..(w * h) as usize {
            let same = out.pixels[i * 4..i * 4 + 4] == photo.pixels[i * 4..i * 4 + 4];
            if mask.weights[i] == 0 {
                assert!(same, "mode {mode}: pixel {i} outside the mask changed");
            } else if !same {
                changed_inside += 1;
            }
        }
        assert!(
            changed_inside > 500,
            "mode {mode}: only {changed_inside} pixels changed inside"
        );
        // Alpha is never touched.
        assert!(out.pixels.chunks_exact(4).all(|p| p[3] == 255));
    }
}

#[test]
fn empty_mask_returns_the_photo_unchanged() {
    let photo = Rgba8Image::filled(40, 30, [90, 60, 50, 255]).unwrap();
    let out = render_photo(
        photo.clone(),
        Mask::empty(40, 30).unwrap(),
        &Settings::default(),
    )
    .unwrap();
    assert_eq!(out, photo);
}

#[test]
fn pigment_darkens_like_an_absorber_with_a_cool_cast() {
    // Left half lit skin, right half the same skin in shadow; one big dot
    // pattern over both. Shadowed dots must end darker than lit ones, and
    // each channel is scaled (multiply), with red absorbed more than blue.
    let (w, h) = (200, 100);
    let mut px = Vec::new();
    for _y in 0..h {
        for x in 0..w {
            let c = if x < 100 {
                [220u8, 180, 160, 255]
            } else {
                [110, 90, 80, 255]
            };
            px.extend_from_slice(&c);
        }
    }
    let photo = Rgba8Image::new(w, h, px).unwrap();
    let s = settings(&[
        ("pxPerMm", 10.0),
        ("dotDiameterMm", 0.6),
        ("densityPerCm2", 100.0),
        ("softness", 0.0),
    ]);
    let out = render_photo(photo.clone(), full_mask(w, h), &s).unwrap();
    let darkest = |x0: u32, x1: u32| {
        let mut best = [255u8; 3];
        for y in 0..h {
            for x in x0..x1 {
                let i = ((y * w + x) * 4) as usize;
                if out.pixels[i + 1] < best[1] {
                    best = [out.pixels[i], out.pixels[i + 1], out.pixels[i + 2]];
                }
            }
        }
        best
    };
    let lit = darkest(5, 95);
    let shade = darkest(105, 195);
    assert!(
        shade[1] < lit[1],
        "shadowed dot {shade:?} should be darker than lit {lit:?}"
    );
    assert!(lit[1] > 20, "never black marker: {lit:?}");
    // Relative loss per channel: red loses more than blue (blue-grey cast).
    let loss = |i: usize| 1.0 - lit[i] as f64 / [220.0, 180.0, 160.0][i];
    assert!(loss(0) > loss(2), "cast: {lit:?}");
}

#[test]
fn overlapping_dots_do_not_merge_into_black() {
    let photo = Rgba8Image::filled(100, 100, [200, 160, 140, 255]).unwrap();
    let s = settings(&[
        ("pxPerMm", 20.0),
        ("dotDiameterMm", 1.0),
        ("densityPerCm2", 200.0),
        ("shade", 1.0),
    ]);
    let out = render_photo(photo, full_mask(100, 100), &s).unwrap();
    let min_green = out.pixels.chunks_exact(4).map(|p| p[1]).min().unwrap();
    assert!(min_green > 10, "darkest pixel {min_green}");
}

#[test]
fn same_inputs_same_pixels_other_seed_other_pixels() {
    let photo = Rgba8Image::filled(80, 80, [200, 160, 140, 255]).unwrap();
    let a = render_photo(
        photo.clone(),
        full_mask(80, 80),
        &settings(&[("pxPerMm", 6.0)]),
    )
    .unwrap();
    let b = render_photo(
        photo.clone(),
        full_mask(80, 80),
        &settings(&[("pxPerMm", 6.0)]),
    )
    .unwrap();
    let c = render_photo(
        photo,
        full_mask(80, 80),
        &settings(&[("pxPerMm", 6.0), ("seed", 2.0)]),
    )
    .unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn higher_density_only_adds_dots() {
    // Every pixel darkened at density 40 is also darkened at 80 (dots only added).
    let photo = Rgba8Image::filled(150, 150, [200, 160, 140, 255]).unwrap();
    let base = settings(&[("pxPerMm", 10.0), ("softness", 0.0), ("seed", 9.0)]);
    let mut low = base;
    low.density_per_cm2 = 40.0;
    let mut high = base;
    high.density_per_cm2 = 80.0;
    let a = render_photo(photo.clone(), full_mask(150, 150), &low).unwrap();
    let b = render_photo(photo, full_mask(150, 150), &high).unwrap();
    let mut darker_somewhere_new = false;
    for (pa, pb) in a.pixels.chunks_exact(4).zip(b.pixels.chunks_exact(4)) {
        assert!(pb[1] <= pa[1], "a dot disappeared when density rose");
        darker_somewhere_new |= pb[1] < pa[1];
    }
    assert!(darker_somewhere_new);
}

#[test]
fn preview_shows_the_same_dots_as_the_export() {
    // A photo larger than the preview: the preview must be the export reduced
    // (same dots), not an unrelated pattern.
    let photo = Rgba8Image::filled(800, 400, [200, 160, 140, 255]).unwrap();
    let mut e = Engine::new();
    e.set_settings(&[("pxPerMm", 20.0), ("dotDiameterMm", 0.5)])
        .unwrap();
    e.load_image(photo, 200).unwrap();
    e.set_mask(full_mask(800, 400)).unwrap();
    let full = Rgba8Image::new(800, 400, e.render_full().unwrap().to_vec()).unwrap();
    let preview = e.render_preview().unwrap().to_vec();
    assert_eq!(e.preview_size(), (200, 100));
    let reduced = full.downscaled_to_fit(200).unwrap();
    let diff: f64 = preview
        .iter()
        .zip(&reduced.pixels)
        .map(|(a, b)| (*a as f64 - *b as f64).abs())
        .sum::<f64>()
        / preview.len() as f64;
    assert!(
        diff < 3.0,
        "mean difference preview vs reduced export {diff}"
    );
}

#[test]
fn a_preview_that_keeps_each_pixels_light_draws_the_exports_pixels() {
    // The preview keeps each pixel's light (the photo in linear light less
    // its shine); the export works it out as it shades. At the photo's own
    // size the two must agree bit for bit through shade, look, redness
    // and density changes (a shade change reshades from the kept values).
    let (_, mut e) = engine_on_sample((300, 220), 4, 6.0, 300);
    assert_eq!(e.preview_size(), (300, 220));
    let steps: [&[(&str, f64)]; 7] = [
        &[],
        &[("shade", 0.8)],
        &[("healing", 0.0)],
        &[("shade", 0.3)],
        &[("dotDiameterMm", 0.5), ("yearsAfter", 4.0)],
        &[("densityPerCm2", 140.0), ("healing", 1.0)],
        &[("shade", 0.6)],
    ];
    for step in steps {
        e.set_settings(step).unwrap();
        let preview = e.render_preview().unwrap().to_vec();
        assert!(
            preview == e.render_full().unwrap(),
            "after {step:?} the preview differs from the export"
        );
    }
}

#[test]
fn errors_are_values_and_leave_the_engine_working() {
    let mut e = Engine::new();
    assert_eq!(e.render_preview().unwrap_err().code, ErrorCode::NoImage);
    assert_eq!(
        e.set_mask(full_mask(2, 2)).unwrap_err().code,
        ErrorCode::NoImage
    );
    e.load_image(Rgba8Image::filled(10, 10, [1, 2, 3, 255]).unwrap(), 64)
        .unwrap();
    assert_eq!(
        e.set_mask(full_mask(9, 10)).unwrap_err().code,
        ErrorCode::MaskSizeMismatch
    );
    assert_eq!(
        e.set_settings(&[("shade", f64::NAN)]).unwrap_err().code,
        ErrorCode::InvalidSetting
    );
    assert_eq!(
        e.set_settings(&[("densityPerCm2", -5.0)]).unwrap_err().code,
        ErrorCode::InvalidSetting
    );
    assert_eq!(
        e.set_settings(&[("size", 1.0)]).unwrap_err().code,
        ErrorCode::UnknownSetting
    );
    let bad = Stroke {
        x0: f64::INFINITY,
        y0: 0.0,
        x1: 0.0,
        y1: 0.0,
        radius_px: 2.0,
        hardness: 0.5,
        erase: false,
    };
    assert_eq!(e.paint(&bad).unwrap_err().code, ErrorCode::InvalidStroke);
    // A failed load keeps the previous photo.
    assert!(e
        .load_image(
            Rgba8Image {
                width: 0,
                height: 0,
                pixels: vec![]
            },
            64
        )
        .is_err());
    assert_eq!(e.size(), (10, 10));
    assert!(e.render_preview().is_ok());
    assert_eq!(e.setting("densityPerCm2"), Some(80.0));
}

#[test]
fn changing_shade_or_size_moves_no_dot() {
    // With a hard, tiny dot the darkest pixels mark the dot centres; they must
    // be the same pixels whatever the shade or dot size.
    let photo = Rgba8Image::filled(200, 200, [200, 160, 140, 255]).unwrap();
    let centres = |s: &Settings| {
        let out = render_photo(photo.clone(), full_mask(200, 200), s).unwrap();
        out.pixels
            .chunks_exact(4)
            .map(|p| p[1] < 160)
            .collect::<Vec<_>>()
    };
    let a = centres(&settings(&[
        ("pxPerMm", 10.0),
        ("dotDiameterMm", 0.1),
        ("softness", 0.0),
        ("shade", 0.4),
    ]));
    let b = centres(&settings(&[
        ("pxPerMm", 10.0),
        ("dotDiameterMm", 0.12),
        ("softness", 0.0),
        ("shade", 0.9),
    ]));
    let both = a.iter().zip(&b).filter(|(x, y)| **x && **y).count();
    let any_a = a.iter().filter(|x| **x).count();
    assert!(any_a > 100);
    assert!(
        both as f64 >= any_a as f64 * 0.95,
        "{both} of {any_a} dot pixels stayed"
    );
}

#[test]
fn real_photos_render_inside_their_areas() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/alopecia-photos");
    let Some(photos) = smp_visualiser::measure::real_photos(&dir) else {
        eprintln!(
            "SKIPPED real_photos_render_inside_their_areas: {} is absent",
            dir.display()
        );
        return;
    };
    assert!(!photos.is_empty());
    for p in photos {
        let (name, photo, mask) = (p.name, p.photo, p.area);
        let (w, h) = (photo.width, photo.height);
        let out = render_photo(photo.clone(), mask.clone(), &Settings::default()).unwrap();
        let mut inside_change = 0.0;
        let mut inside = 0;
        for i in 0..(w * h) as usize {
            let d: i32 = (0..3)
                .map(|c| photo.pixels[i * 4 + c] as i32 - out.pixels[i * 4 + c] as i32)
                .sum();
            if mask.weights[i] == 0 {
                assert_eq!(d, 0, "{name:?}: pigment outside the area");
            } else {
                assert!(d >= 0, "{name:?}: pigment lightened a pixel");
                inside_change += d as f64;
                inside += 1;
            }
        }
        if inside > 0 {
            assert!(
                inside_change / inside as f64 > 1.0,
                "{name:?}: the area barely changed"
            );
        }
    }
}

#[test]
fn cached_updates_give_the_same_pixels_as_a_fresh_render() {
    // Drive one engine through many changes, then compare with a render from
    // scratch of the final state: the caches must never leave a trace.
    let (sample, mut e) = engine_on_sample((300, 220), 3, 6.0, 120);
    let steps: Vec<Vec<(&str, f64)>> = vec![
        vec![("densityPerCm2", 40.0)],
        vec![("densityPerCm2", 160.0), ("shade", 0.9)],
        vec![("mode", 1.0)],
        vec![("session", 1.0), ("healing", 0.0)],
        vec![("dotDiameterMm", 0.5)],
        // Softness alone keeps the halos; with density, some halos change.
        vec![("softness", 0.7)],
        vec![("softness", 0.2), ("densityPerCm2", 120.0)],
        vec![("yearsAfter", 6.0), ("session", 2.0)],
        vec![("mode", 2.0), ("densityPerCm2", 90.0), ("healing", 1.0)],
        vec![("shade", 0.35)],
    ];
    for (k, step) in steps.iter().enumerate() {
        e.set_settings(step).unwrap();
        e.render_full().unwrap();
        e.render_preview().unwrap();
        let erase = k % 2 == 1;
        let stroke = Stroke {
            x0: 40.0 + 20.0 * k as f64,
            y0: 50.0,
            x1: 200.0,
            y1: 160.0,
            radius_px: 12.0,
            hardness: 0.3,
            erase,
        };
        e.paint(&stroke).unwrap();
    }
    let incremental = e.render_full().unwrap().to_vec();
    let preview_incremental = e.render_preview().unwrap().to_vec();
    let final_settings = *e.settings();
    let final_mask = e.mask().unwrap().clone();
    let fresh = render_photo(sample.photo.clone(), final_mask.clone(), &final_settings).unwrap();
    assert!(
        incremental == fresh.pixels,
        "cached full render differs from a fresh one"
    );
    let mut e2 = Engine::new();
    e2.set_settings(&[("pxPerMm", 6.0)]).unwrap();
    e2.load_image(sample.photo, 120).unwrap();
    e2.set_mask(final_mask).unwrap();
    e2.set_settings(&[
        ("densityPerCm2", 90.0),
        ("shade", 0.35),
        ("mode", 2.0),
        ("dotDiameterMm", 0.5),
        ("yearsAfter", 6.0),
        ("session", 2.0),
        ("softness", 0.2),
    ])
    .unwrap();
    assert_eq!(*e2.settings(), final_settings);
    assert!(
        preview_incremental == e2.render_preview().unwrap(),
        "cached preview differs from a fresh one"
    );
}

#[test]
fn every_frame_of_a_drag_equals_a_fresh_render() {
    // Dragging size, softness or years keeps each pixel's halo value and
    // table entry, and leaves the pixels whose entry stays; every frame of
    // the drag, with density, shade, healing and brush strokes between,
    // must be the frame a fresh engine draws for the same state.
    let (sample, mut e) = engine_on_sample((260, 200), 7, 5.0, 180);
    e.render_preview().unwrap();
    let steps: Vec<Vec<(&str, f64)>> = vec![
        vec![("dotDiameterMm", 0.36)],
        vec![("dotDiameterMm", 0.37)],
        vec![("softness", 0.4)],
        vec![("softness", 0.41)],
        vec![("densityPerCm2", 95.0)],
        vec![("dotDiameterMm", 0.5)],
        vec![("shade", 0.7)],
        vec![("softness", 0.9)],
        vec![("yearsAfter", 0.5)],
        vec![("yearsAfter", 1.0)],
        vec![("healing", 0.0)],
        vec![("dotDiameterMm", 0.45)],
        vec![("softness", 0.3)],
        vec![("healing", 1.0)],
        vec![("softness", 0.31)],
        vec![("mode", 2.0)],
        vec![("dotDiameterMm", 0.3)],
        vec![("session", 2.0)],
        vec![("softness", 0.6)],
    ];
    for (k, step) in steps.iter().enumerate() {
        e.set_settings(step).unwrap();
        if k % 4 == 3 {
            e.paint(&Stroke {
                x0: 20.0 + 25.0 * k as f64 % 200.0,
                y0: 40.0,
                x1: 150.0,
                y1: 150.0,
                radius_px: 15.0,
                hardness: 0.4,
                erase: k % 8 == 3,
            })
            .unwrap();
        }
        let drawn = e.render_preview().unwrap().to_vec();
        assert!(
            drawn == fresh_preview(&e, &sample.photo, 180),
            "frame {k} ({step:?}) differs from a fresh render"
        );
    }
}

/// The preview a fresh engine draws for `e`'s photo, settings and area.
#[test]
fn dots_that_come_and_go_again_leave_no_trace() {
    // The preview keeps each dot's drawn units once a density change or a
    // brush has drawn it, and adds or takes them again the next time: a
    // density drag back and forth, sessions, looks and strokes that paint
    // and erase the same place must each give a fresh engine's frame.
    let (sample, mut e) = engine_on_sample((240, 180), 11, 5.0, 200);
    e.render_preview().unwrap();
    let steps: Vec<Vec<(&str, f64)>> = vec![
        vec![("densityPerCm2", 60.0)],
        vec![("densityPerCm2", 110.0)],
        vec![("densityPerCm2", 60.0)],
        vec![("densityPerCm2", 110.0)],
        vec![("session", 1.0)],
        vec![("session", 3.0)],
        vec![("session", 1.0)],
        vec![("mode", 2.0)],
        vec![("mode", 0.0)],
        vec![("mode", 2.0)],
        vec![("healing", 0.0)],
        vec![("densityPerCm2", 70.0)],
        vec![("densityPerCm2", 120.0)],
        vec![("densityPerCm2", 70.0)],
        vec![("dotDiameterMm", 0.5)],
        vec![("densityPerCm2", 100.0)],
        vec![("densityPerCm2", 50.0)],
        vec![("densityPerCm2", 100.0)],
    ];
    for (k, step) in steps.iter().enumerate() {
        e.set_settings(step).unwrap();
        if k % 3 == 2 {
            // The same stroke erased, then painted back, then erased.
            e.paint(&Stroke {
                x0: 60.0,
                y0: 50.0,
                x1: 180.0,
                y1: 120.0,
                radius_px: 18.0,
                hardness: 0.5,
                erase: k % 2 == 0,
            })
            .unwrap();
        }
        let drawn = e.render_preview().unwrap().to_vec();
        assert!(
            drawn == fresh_preview(&e, &sample.photo, 200),
            "frame {k} ({step:?}) differs from a fresh render"
        );
    }
}

#[test]
fn a_preview_resized_to_its_displayed_size_equals_one_loaded_at_that_size() {
    // The page sizes the preview to the photo as shown and resizes it when the
    // view changes: the area, settings and undo carry over, and the pixels
    // are those of an engine that had that preview size from the start.
    let sample = smp_visualiser::sample::sample_scalp(300, 220, 5).unwrap();
    let stroke = Stroke {
        x0: 30.0,
        y0: 40.0,
        x1: 220.0,
        y1: 170.0,
        radius_px: 25.0,
        hardness: 0.5,
        erase: false,
    };
    let mut e = Engine::new();
    e.set_settings(&[("pxPerMm", 6.0)]).unwrap();
    e.load_image(sample.photo.clone(), 300).unwrap();
    e.set_mask(sample.patches.clone()).unwrap();
    e.render_preview().unwrap();
    assert!(
        !e.set_preview_side_px(300).unwrap(),
        "same size: nothing to do"
    );
    for side in [90, 251, 140] {
        assert!(e.set_preview_side_px(side).unwrap());
        e.set_settings(&[("densityPerCm2", 60.0 + side as f64 / 10.0)])
            .unwrap();
        e.checkpoint().unwrap();
        e.paint(&stroke).unwrap();
        e.render_preview().unwrap();
    }
    assert_eq!(e.preview_size(), (140, 103));
    assert!(e.undo().unwrap(), "the undo history survives a resize");
    let resized = e.render_preview().unwrap().to_vec();
    let mut fresh = Engine::new();
    fresh
        .set_settings(&[("pxPerMm", 6.0), ("densityPerCm2", 74.0)])
        .unwrap();
    fresh.load_image(sample.photo, 140).unwrap();
    fresh.set_mask(e.mask().unwrap().clone()).unwrap();
    assert!(
        resized == fresh.render_preview().unwrap(),
        "a resized preview differs from one made at that size"
    );
    assert_eq!(e.preview_mask().unwrap(), fresh.preview_mask().unwrap());
}

#[test]
fn sessions_add_dots_and_darken_healed_is_lighter_than_fresh_years_fade() {
    let photo = Rgba8Image::filled(300, 300, [205, 165, 145, 255]).unwrap();
    let mean_green = |pairs: &[(&str, f64)]| {
        let mut all = vec![("pxPerMm", 10.0), ("mode", 2.0)];
        all.extend_from_slice(pairs);
        let out = render_photo(photo.clone(), full_mask(300, 300), &settings(&all)).unwrap();
        out.pixels.chunks_exact(4).map(|p| p[1] as f64).sum::<f64>() / (300.0 * 300.0)
    };
    let s1 = mean_green(&[("session", 1.0)]);
    let s2 = mean_green(&[("session", 2.0)]);
    let s3 = mean_green(&[("session", 3.0)]);
    assert!(
        s1 > s2 && s2 > s3,
        "each session darker overall: {s1} {s2} {s3}"
    );
    let fresh = mean_green(&[("healing", 0.0)]);
    let healed = mean_green(&[("healing", 1.0)]);
    assert!(
        fresh < healed,
        "healed lighter than fresh: {fresh} vs {healed}"
    );
    let old = mean_green(&[("yearsAfter", 8.0)]);
    assert!(old > healed, "faded after years: {old} vs {healed}");
}

#[test]
fn fresh_work_shows_slight_redness_around_dots() {
    let photo = Rgba8Image::filled(200, 200, [205, 165, 145, 255]).unwrap();
    // Near a fresh dot some pixels turn redder in hue than the skin (red
    // over green up by 5 %), though the scatter halo darkens them; healed
    // pigment absorbs red the most, so healed work reddens nothing.
    let reddened = |healing: f64| {
        let s = settings(&[
            ("pxPerMm", 12.0),
            ("mode", 2.0),
            ("healing", healing),
            ("densityPerCm2", 40.0),
        ]);
        let out = render_photo(photo.clone(), full_mask(200, 200), &s).unwrap();
        out.pixels
            .chunks_exact(4)
            .filter(|p| p[0] as f64 / p[1] as f64 > 1.05 * 205.0 / 165.0)
            .count()
    };
    let (fresh, healed) = (reddened(0.0), reddened(1.0));
    assert!(fresh > 200, "{fresh} reddened pixels");
    assert_eq!(healed, 0, "healed work reddened {healed} pixels");
}

#[test]
fn density_mode_puts_no_dot_on_hair_and_keeps_hair_on_top() {
    // Skin with dark hair stripes 3 px wide every 12 px.
    let (w, h) = (240u32, 240u32);
    let mut px = Vec::new();
    for _y in 0..h {
        for x in 0..w {
            px.extend_from_slice(&if x % 12 < 3 {
                [35u8, 25, 20, 255]
            } else {
                [210, 165, 140, 255]
            });
        }
    }
    let photo = Rgba8Image::new(w, h, px).unwrap();
    let s = settings(&[("pxPerMm", 10.0), ("mode", 1.0), ("densityPerCm2", 150.0)]);
    let out = render_photo(photo.clone(), full_mask(w, h), &s).unwrap();
    let mut changed_skin = 0;
    for y in 0..h {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            let changed = out.pixels[i..i + 3] != photo.pixels[i..i + 3];
            if x % 12 < 3 {
                assert!(!changed, "pigment on a hair at {x},{y}");
            } else if changed {
                changed_skin += 1;
            }
        }
    }
    assert!(changed_skin > 2000, "{changed_skin}");
}

#[test]
fn shine_stays_on_top_of_the_pigment() {
    // Same skin, one half with a whitish highlight added: pigment darkens the
    // highlight's pixels less, in absolute terms of the highlight's share.
    let (w, h) = (200u32, 100u32);
    let mut px = Vec::new();
    for _y in 0..h {
        for x in 0..w {
            px.extend_from_slice(&if x < 100 {
                [200u8, 150, 120, 255]
            } else {
                [235, 215, 205, 255]
            });
        }
    }
    let photo = Rgba8Image::new(w, h, px).unwrap();
    let s = settings(&[
        ("pxPerMm", 10.0),
        ("mode", 2.0),
        ("dotDiameterMm", 0.8),
        ("softness", 0.0),
        ("shade", 0.8),
    ]);
    let out = render_photo(photo, full_mask(w, h), &s).unwrap();
    let darkest = |x0: u32, x1: u32| {
        (0..h)
            .flat_map(|y| (x0..x1).map(move |x| (y, x)))
            .map(|(y, x)| out.pixels[((y * w + x) * 4 + 1) as usize])
            .min()
            .unwrap()
    };
    // Without shine handling the highlight's dots would fall to about the same
    // relative darkness; with it, the highlight keeps its white on top.
    let plain_ratio = darkest(5, 95) as f64 / 150.0;
    let shiny_ratio = darkest(105, 195) as f64 / 215.0;
    assert!(
        shiny_ratio > plain_ratio + 0.1,
        "plain {plain_ratio:.2} shiny {shiny_ratio:.2}"
    );
}

#[test]
fn a_soft_area_edge_thins_the_dots_and_the_patch_look_fades_at_its_border() {
    // Left half of the area at half weight, right half at full weight.
    let (w, h) = (400u32, 200u32);
    let photo = Rgba8Image::filled(w, h, [205, 165, 145, 255]).unwrap();
    let mut mask = Mask::empty(w, h).unwrap();
    for y in 0..h {
        for x in 0..w {
            mask.weights[(y * w + x) as usize] = if x < 200 { 128 } else { 255 };
        }
    }
    let s = settings(&[
        ("pxPerMm", 10.0),
        ("mode", 2.0),
        ("dotDiameterMm", 0.25),
        ("softness", 0.0),
        ("densityPerCm2", 100.0),
    ]);
    let out = render_photo(photo.clone(), mask, &s).unwrap();
    let half = |x0: u32| {
        let mut img = Rgba8Image::filled(200, h, [0, 0, 0, 255]).unwrap();
        for y in 0..h {
            for x in 0..200 {
                let src = (((y * w) + x0 + x) * 4) as usize;
                let dst = ((y * 200 + x) * 4) as usize;
                img.pixels[dst..dst + 4].copy_from_slice(&out.pixels[src..src + 4]);
            }
        }
        count_blobs(&img, 150) as f64
    };
    let (soft, full) = (half(0), half(200));
    let ratio = soft / full;
    assert!(
        (0.4..0.6).contains(&ratio),
        "half weight gives half the dots: {soft} vs {full}"
    );

    // The patch look: fewer dots in the outer 2 mm of an area than the full look.
    let mut square = Mask::empty(w, h).unwrap();
    for y in 20..180 {
        for x in 20..380 {
            square.weights[(y * w + x) as usize] = 255;
        }
    }
    let border_dots = |mode: f64| {
        let s = settings(&[
            ("pxPerMm", 10.0),
            ("mode", mode),
            ("dotDiameterMm", 0.25),
            ("softness", 0.0),
        ]);
        let out = render_photo(photo.clone(), square.clone(), &s).unwrap();
        // Count dark pixels within 2 mm (20 px) inside the border.
        let mut n = 0;
        for y in 20..180u32 {
            for x in 20..380u32 {
                let inner = (40..360).contains(&x) && (40..160).contains(&y);
                if !inner && out.pixels[((y * w + x) * 4 + 1) as usize] < 150 {
                    n += 1;
                }
            }
        }
        n
    };
    let (patch, full_look) = (border_dots(0.0), border_dots(2.0));
    assert!(
        (patch as f64) < full_look as f64 * 0.85,
        "patch border {patch} vs full {full_look}"
    );
}

#[test]
fn making_room_for_a_load_forgets_undo_but_keeps_the_photo_area_and_pixels() {
    // A load that fails after make_room_for_load must leave the earlier work
    // rendering exactly as before; only its undo steps are gone.
    let sample = smp_visualiser::sample::sample_scalp(240, 180, 5).unwrap();
    let mut e = Engine::new();
    e.set_settings(&[("pxPerMm", 5.0), ("mode", 1.0)]).unwrap();
    e.load_image(sample.photo.clone(), 100).unwrap();
    e.checkpoint().unwrap();
    e.set_mask(sample.patches.clone()).unwrap();
    e.checkpoint().unwrap();
    e.paint(&Stroke {
        x0: 30.0,
        y0: 40.0,
        x1: 180.0,
        y1: 120.0,
        radius_px: 10.0,
        hardness: 0.5,
        erase: false,
    })
    .unwrap();
    let full = e.render_full().unwrap().to_vec();
    let preview = e.render_preview().unwrap().to_vec();
    let mask = e.mask().unwrap().clone();
    assert_eq!(e.history(), (2, 0));
    e.make_room_for_load();
    assert_eq!(e.history(), (0, 0), "undo steps are forgotten");
    assert!(!e.undo().unwrap());
    assert_eq!(e.mask().unwrap(), &mask, "the area stays");
    assert!(e.render_preview().unwrap() == preview.as_slice());
    assert!(e.render_full().unwrap() == full.as_slice());
}

#[test]
fn a_given_scale_can_be_forgotten_for_the_next_photo() {
    let mut e = Engine::new();
    e.load_image(
        Rgba8Image::new(400, 300, vec![180; 400 * 300 * 4]).unwrap(),
        400,
    )
    .unwrap();
    let estimated = e.setting("pxPerMm").unwrap();
    e.set_settings(&[("pxPerMm", 9.0)]).unwrap();
    assert!(e.scale_given());
    assert_eq!(e.setting("pxPerMm"), Some(9.0));
    e.forget_scale();
    assert!(!e.scale_given());
    assert_eq!(e.setting("pxPerMm"), Some(estimated));
}
