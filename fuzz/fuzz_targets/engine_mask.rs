//! Mask bytes of any (mis)matching size → `Engine::set_mask`, then painting,
//! undo/redo, invert and renders on that area.
//!
//! The page sends a saved or imported area as raw weights plus a size, so
//! the size may disagree with the photo or with the buffer; that must be an
//! error value. An accepted area must then survive every edit: the
//! run-length undo history, the preview reduction and the dot weights all
//! index into it.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use smp_fuzz::{mask_weights, sample, start_scale, stroke, SAMPLE_SIZES};
use smp_visualiser::{render_photo, Engine, ErrorCode, Mask, Settings};

/// Edits per input: enough to fill and unwind some undo history, few enough
/// that an input runs in milliseconds.
const MAX_OPS: usize = 24;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(i) = u.choose_index(SAMPLE_SIZES.len()) else {
        return;
    };
    let (photo, _) = sample(i);
    let (w, h) = (photo.width, photo.height);

    // The area's claimed size: usually the photo's, else one of the ways a
    // caller gets it wrong (off by one, transposed, which has the same
    // number of weights, empty, or anything).
    let (mw, mh) = match u.int_in_range(0u8..=9).unwrap_or(0) {
        0 => (w + 1, h),
        1 => (w, h.saturating_sub(1)),
        2 => (h, w),
        3 => (0, 0),
        4 => (
            u.int_in_range(0..=400).unwrap_or(0),
            u.int_in_range(0..=400).unwrap_or(0),
        ),
        _ => (w, h),
    };
    let want = mw as usize * mh as usize;
    // The buffer: usually as long as the claimed size, sometimes not.
    let len = match u.int_in_range(0u8..=7).unwrap_or(0) {
        0 => want.saturating_sub(1),
        1 => want + 1,
        _ => want,
    };
    let Ok(weights) = mask_weights(&mut u, len) else {
        return;
    };
    let mask = match Mask::new(mw, mh, weights) {
        Ok(m) => {
            assert_eq!(
                len, want,
                "a mask with the wrong number of weights was accepted"
            );
            m
        }
        Err(e) => {
            assert_ne!(len, want, "a consistent {mw}×{mh} mask was refused: {e}");
            assert_eq!(e.code, ErrorCode::MaskSizeMismatch);
            return;
        }
    };

    let scale = start_scale(&mut u).unwrap_or(None);
    let settings = Settings {
        px_per_mm: scale,
        ..Settings::default()
    };

    // The one-shot path of `smp render` and the export, on a copy.
    if u.ratio(1u8, 8).unwrap_or(false) {
        match render_photo(photo.clone(), mask.clone(), &settings) {
            Ok(img) => assert_eq!((img.width, img.height), (w, h)),
            Err(e) => assert_eq!(e.code, ErrorCode::MaskSizeMismatch),
        }
    }

    let mut engine = Engine::new();
    // Before a photo, every area operation is `NoImage`, not a panic.
    assert_eq!(
        engine.set_mask(mask.clone()).unwrap_err().code,
        ErrorCode::NoImage
    );
    if let Some(ppm) = scale {
        engine.set_settings(&[("pxPerMm", ppm)]).unwrap();
    }
    let preview_side = u.int_in_range(1..=128).unwrap_or(32);
    engine
        .load_image(photo, preview_side)
        .expect("the sample photos load");
    match engine.set_mask(mask.clone()) {
        Ok(()) => {
            assert_eq!((mw, mh), (w, h));
            assert_eq!(engine.mask().unwrap(), &mask);
        }
        Err(e) => {
            assert_ne!((mw, mh), (w, h), "a matching area was refused: {e}");
            assert_eq!(e.code, ErrorCode::MaskSizeMismatch);
            // The engine keeps its (empty) area and goes on working.
            assert!(engine.mask().unwrap().is_empty());
        }
    }

    for _ in 0..MAX_OPS {
        if u.is_empty() {
            break;
        }
        let Ok(op) = u.int_in_range(0u8..=9) else {
            break;
        };
        match op {
            0..=2 => {
                let Ok(s) = stroke(&mut u, w, h) else { break };
                if u.arbitrary().unwrap_or(false) {
                    engine.checkpoint().unwrap();
                }
                if let Ok(Some(d)) = engine.paint(&s) {
                    // The dirty rectangle is what the page redraws: it must
                    // lie on the photo and not be empty.
                    assert!(d.x0 < d.x1 && d.y0 < d.y1 && d.x1 <= w && d.y1 <= h);
                }
            }
            3 => {
                engine.checkpoint().unwrap();
                let (undo, _) = engine.history();
                assert!(undo <= smp_visualiser::engine::UNDO_STEPS);
            }
            4 => {
                // Undo then redo must give back exactly the area before.
                let before = engine.mask().unwrap().clone();
                if engine.undo().unwrap() {
                    assert!(engine.redo().unwrap());
                    assert_eq!(engine.mask().unwrap(), &before);
                }
            }
            5 => {
                let _ = engine.undo().unwrap();
            }
            6 => {
                let _ = engine.redo().unwrap();
            }
            7 => {
                // Inverting twice is the identity.
                let before = engine.mask().unwrap().clone();
                engine.invert_mask().unwrap();
                engine.invert_mask().unwrap();
                assert_eq!(engine.mask().unwrap(), &before);
                engine.invert_mask().unwrap();
            }
            8 => {
                let (pw, ph) = engine.preview_size();
                let px = engine.render_preview().unwrap();
                assert_eq!(px.len(), pw as usize * ph as usize * 4);
                let pm = engine.preview_mask().unwrap();
                assert_eq!((pm.width, pm.height), (pw, ph));
            }
            _ => {
                let px = engine.render_full().unwrap();
                assert_eq!(px.len(), w as usize * h as usize * 4);
            }
        }
        assert_eq!(
            engine.mask().unwrap().weights.len(),
            w as usize * h as usize
        );
    }
});
