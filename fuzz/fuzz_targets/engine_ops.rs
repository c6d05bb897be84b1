//! A short random session on a synthetic scalp photo: painting, area
//! detection with taps, hairline design, checkpoints, undo/redo, settings
//! changes and renders, in any order.
//!
//! The engine keeps caches that are updated by difference (the preview
//! mask, the dot weights, the drawn layers, the patch fade), so bugs hide in
//! orders of operations no unit test thought of. Besides "no panic", the
//! end of each session checks the strongest property the engine promises:
//! the cached renders equal a render from scratch of the same photo, area
//! and settings (as `tests/engine.rs` checks for one fixed sequence).

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use smp_fuzz::{
    as_pairs, hairline_style, points, sample, setting_pairs, start_scale, stroke, SAMPLE_SIZES,
};
use smp_visualiser::engine::UNDO_STEPS;
use smp_visualiser::{render_photo, Engine, ErrorCode};

/// Operations per input (each may render, so keep sessions short).
const MAX_OPS: usize = 16;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(i) = u.choose_index(SAMPLE_SIZES.len()) else {
        return;
    };
    let (photo, patches) = sample(i);
    let (w, h) = (photo.width, photo.height);
    let preview_side = u.int_in_range(1..=96).unwrap_or(40);
    let mut engine = Engine::new();
    if let Ok(Some(ppm)) = start_scale(&mut u) {
        engine.set_settings(&[("pxPerMm", ppm)]).unwrap();
    }
    // Settings may be changed before the photo, as the page restores them.
    if let Ok(pairs) = setting_pairs(&mut u, 3) {
        let _ = engine.set_settings(&as_pairs(&pairs));
    }
    if engine.load_image(photo.clone(), preview_side).is_err() {
        return;
    }
    if u.arbitrary().unwrap_or(false) {
        engine.set_mask(patches).unwrap();
    }

    for _ in 0..MAX_OPS {
        if u.is_empty() {
            break;
        }
        let Ok(op) = u.int_in_range(0u8..=16) else {
            break;
        };
        match op {
            0..=2 => {
                let Ok(s) = stroke(&mut u, w, h) else { break };
                if let Err(e) = engine.paint(&s) {
                    assert_eq!(e.code, ErrorCode::InvalidStroke);
                }
            }
            3 => {
                let Ok(taps) = points(&mut u, w, h, 3) else {
                    break;
                };
                let add = u.arbitrary().unwrap_or(false);
                let before = engine.mask().unwrap().clone();
                let history = engine.history();
                match engine.detect_area(&taps, add) {
                    // A detection is one undo step.
                    Ok(()) => assert_eq!(engine.history().0, (history.0 + 1).min(UNDO_STEPS)),
                    Err(e) => {
                        assert!(
                            matches!(e.code, ErrorCode::InvalidTap | ErrorCode::NoBaldScalp),
                            "{e}"
                        );
                        // "On error the area is unchanged."
                        assert_eq!(engine.mask().unwrap(), &before);
                        assert_eq!(engine.history(), history);
                    }
                }
            }
            4 => {
                let Ok(handles) = points(&mut u, w, h, 6) else {
                    break;
                };
                let Ok(style) = hairline_style(&mut u) else {
                    break;
                };
                if let Err(e) = engine.design_hairline(&handles, style) {
                    assert_eq!(e.code, ErrorCode::InvalidSetting, "{e}");
                }
            }
            5 => engine.finish_hairline(),
            6 => engine.checkpoint().unwrap(),
            7 => {
                let _ = engine.undo().unwrap();
            }
            8 => {
                let _ = engine.redo().unwrap();
            }
            9 => engine.invert_mask().unwrap(),
            10 => engine.clear_mask().unwrap(),
            11 => {
                let Ok(pairs) = setting_pairs(&mut u, 3) else {
                    break;
                };
                let _ = engine.set_settings(&as_pairs(&pairs));
            }
            12 => {
                let [x0, y0, x1, y1] = {
                    engine.render_preview().unwrap();
                    engine.last_preview_change()
                };
                // The changed rectangle is what the page repaints.
                let (pw, ph) = engine.preview_size();
                assert!(x0 <= x1 && y0 <= y1 && x1 <= pw && y1 <= ph);
            }
            13 => {
                engine.render_full().unwrap();
            }
            14 => engine.release_full(),
            15 => {
                // What the page does before a new photo: the caches and the
                // undo steps go, the area and the pixels must not change.
                engine.make_room_for_load();
                assert_eq!(engine.history(), (0, 0));
            }
            _ => engine.warm().unwrap(),
        }
    }

    // The cached renders against renders from scratch of the final state.
    let settings = *engine.settings();
    let mask = engine.mask().unwrap().clone();
    let full = engine.render_full().unwrap().to_vec();
    let fresh = render_photo(photo.clone(), mask.clone(), &settings).unwrap();
    assert!(
        full == fresh.pixels,
        "cached full render differs from a fresh one"
    );
    let preview = engine.render_preview().unwrap().to_vec();
    let mut e2 = Engine::new();
    // `Engine` takes settings only by name, as the page gives them.
    restore(&mut e2, &settings);
    e2.load_image(photo, preview_side).unwrap();
    e2.set_mask(mask).unwrap();
    assert!(
        preview == e2.render_preview().unwrap(),
        "cached preview differs from a fresh one"
    );
});

/// Sets every setting of `s` on `e` by name.
fn restore(e: &mut Engine, s: &smp_visualiser::Settings) {
    let mut pairs: Vec<(&str, f64)> = smp_visualiser::SETTINGS
        .iter()
        .filter(|spec| spec.name != "pxPerMm")
        .map(|spec| (spec.name, s.get(spec.name, 0, 0).unwrap()))
        .collect();
    if let Some(ppm) = s.px_per_mm {
        pairs.push(("pxPerMm", ppm));
    }
    e.set_settings(&pairs).unwrap();
    assert_eq!(e.settings(), s);
}
