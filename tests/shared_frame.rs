//! A frame shared by two engines: the page's engine composites one band of
//! the preview's rows and the worker's engine, in the same state, the other.
//! Whatever the order of shared and solo frames, the page's frame must be a
//! fresh engine's frame, byte for byte.

use smp_visualiser::render::Band;
use smp_visualiser::sample::Sample;
use smp_visualiser::{Engine, Stroke};

mod common;
use common::{fresh_preview, same_settings};

/// How a step's frame is made.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Frame {
    /// The page's engine alone.
    Solo,
    /// The page composites the top rows, the worker the rest.
    Shared,
    /// The worker alone, given the page's area and settings, draws its
    /// whole preview (as the element's `sync` does); the page draws nothing.
    Sync,
}

/// A step: the settings changed, whether a stroke follows, how it is drawn.
type Step = (Vec<(&'static str, f64)>, bool, Frame);

/// The sample photo for `seed`, and a page's engine and a worker's each
/// holding it (a 200-px preview, its patches as the area).
fn page_and_worker(seed: u32) -> (Sample, Engine, Engine) {
    let sample = smp_visualiser::sample::sample_scalp(240, 180, seed).unwrap();
    let mut page = Engine::new();
    let mut worker = Engine::new();
    for e in [&mut page, &mut worker] {
        e.set_settings(&[("pxPerMm", 5.0)]).unwrap();
        e.load_image(sample.photo.clone(), SIDE).unwrap();
        e.set_mask(sample.patches.clone()).unwrap();
    }
    (sample, page, worker)
}

/// The preview's longest side in these tests.
const SIDE: u32 = 200;

/// One frame shared as the element shares it, from column `x0` on: the
/// worker, brought to the page's state, composites the rows from `split`
/// on while the page composites those above, and the page takes the rows
/// the worker changed (all of them with `all_rows`, as the element asks
/// after a frame drawn alone). Returns the worker's pixels, the rows it
/// sent and the pixels the page took (`[x0, y0, x1, y1]`).
fn share_frame(
    page: &mut Engine,
    worker: &mut Engine,
    x0: u32,
    split: u32,
    all_rows: bool,
) -> (Vec<u8>, (u32, u32), [u32; 4]) {
    let (w, h) = page.preview_size();
    let row_bytes = w as usize * 4;
    same_settings(page, worker);
    worker.set_mask(page.mask().unwrap().clone()).unwrap();
    let (_, [_, y0, _, y1]) = worker
        .render_preview_band(Some(Band {
            x0,
            y0: split,
            y1: h,
        }))
        .unwrap();
    let theirs = worker.preview_pixels().unwrap().to_vec();
    page.render_preview_band(Some(Band {
        x0,
        y0: 0,
        y1: split,
    }))
    .unwrap();
    // Only the rows the worker changed are sent, as the element does.
    let (r0, r1) = if all_rows {
        (split, h)
    } else {
        (y0.max(split), y1.min(h))
    };
    let mut taken = [0; 4];
    if r1 > r0 {
        taken = page.put_preview_rows(
            r0,
            &theirs[r0 as usize * row_bytes..r1 as usize * row_bytes],
            x0,
        );
    }
    (theirs, (r0, r1), taken)
}

#[test]
fn a_frame_shared_with_the_worker_equals_a_fresh_render() {
    let (sample, mut page, mut worker) = page_and_worker(5);
    let (w, h) = page.preview_size();
    let split = h / 2;
    let row_bytes = w as usize * 4;
    use Frame::*;
    // Every kind of change, shared and solo in turn; strokes are solo (the
    // worker gets the area afterwards, as the element sends it).
    let steps: Vec<Step> = vec![
        (vec![], false, Shared),
        (vec![("densityPerCm2", 110.0)], false, Shared),
        (vec![("densityPerCm2", 60.0)], false, Solo),
        (vec![("shade", 0.8)], false, Shared),
        (vec![("shade", 0.3)], false, Shared),
        (vec![("dotDiameterMm", 0.5)], false, Shared),
        (vec![("softness", 0.7)], false, Solo),
        (vec![("session", 1.0)], false, Shared),
        (vec![("yearsAfter", 6.0)], false, Shared),
        (vec![("mode", 2.0)], true, Solo),
        (vec![("densityPerCm2", 90.0)], false, Shared),
        (vec![("healing", 0.0)], false, Shared),
        (vec![("session", 3.0)], true, Solo),
        (vec![("mode", 0.0)], false, Shared),
        (vec![("shade", 0.6)], false, Solo),
        (vec![("densityPerCm2", 50.0)], false, Shared),
        (vec![("softness", 0.2)], false, Shared),
        (vec![("densityPerCm2", 120.0)], false, Shared),
        (vec![("yearsAfter", 0.0), ("session", 2.0)], false, Shared),
        (vec![("dotDiameterMm", 0.3)], true, Solo),
        (
            vec![("dotDiameterMm", 0.6), ("densityPerCm2", 70.0)],
            false,
            Shared,
        ),
        (vec![("shade", 0.1)], false, Shared),
        (vec![("healing", 1.0)], false, Solo),
    ];
    for (k, (change, stroke, frame)) in steps.iter().enumerate() {
        page.set_settings(change).unwrap();
        if *stroke {
            page.paint(&Stroke {
                x0: 40.0,
                y0: 30.0,
                x1: 200.0,
                y1: 150.0,
                radius_px: 20.0,
                hardness: 0.5,
                erase: k % 2 == 0,
            })
            .unwrap();
        }
        let fresh = fresh_preview(&page, &sample.photo, SIDE);
        if *frame == Solo {
            let drawn = page.render_preview().unwrap().to_vec();
            assert!(
                drawn == fresh,
                "solo frame {k} ({change:?}) differs from a fresh render"
            );
            continue;
        }
        let (theirs, (r0, r1), taken) = share_frame(&mut page, &mut worker, 0, split, false);
        // The worker's band is the fresh frame's rows.
        let band = split as usize * row_bytes..h as usize * row_bytes;
        assert!(
            theirs[band.clone()] == fresh[band],
            "frame {k}: the worker's rows differ"
        );
        if r1 > r0 {
            assert_eq!([taken[1], taken[3]], [r0, r1], "frame {k}: rows taken");
        }
        let drawn = page.preview_pixels().unwrap().to_vec();
        assert!(
            drawn == fresh,
            "shared frame {k} ({change:?}) differs from a fresh render"
        );
    }
}

#[test]
fn rows_the_page_composited_itself_are_not_overwritten() {
    let sample = smp_visualiser::sample::sample_scalp(120, 90, 2).unwrap();
    let mut page = Engine::new();
    page.set_settings(&[("pxPerMm", 5.0)]).unwrap();
    page.load_image(sample.photo.clone(), 120).unwrap();
    page.set_mask(sample.patches.clone()).unwrap();
    let (w, h) = page.preview_size();
    // Nothing was left out: nothing is taken.
    let drawn = page.render_preview().unwrap().to_vec();
    let junk = vec![7u8; (w * h * 4) as usize];
    assert_eq!(page.put_preview_rows(0, &junk, 0), [0; 4]);
    assert!(page.preview_pixels().unwrap() == &drawn[..]);
    // The top half composited here: only the bottom half is taken.
    page.set_settings(&[("densityPerCm2", 100.0)]).unwrap();
    page.render_preview_band(Some(Band::rows(0, h / 2)))
        .unwrap();
    let own = page.preview_pixels().unwrap()[..(h / 2 * w * 4) as usize].to_vec();
    assert_eq!(page.put_preview_rows(0, &junk, 0), [0, h / 2, w, h]);
    let now = page.preview_pixels().unwrap();
    assert!(now[..own.len()] == own[..]);
    assert!(now[own.len()..].iter().all(|&v| v == 7));
    // A solo frame then composites the taken rows again, from its own state.
    let fresh = page.render_preview().unwrap().to_vec();
    assert!(fresh[own.len()..].iter().any(|&v| v != 7));
    assert!(fresh == fresh_preview(&page, &sample.photo, 120));
}

/// A step of a compare view: the settings changed, how the frame is made,
/// and the first column shown (right of the divider).
type ShownStep = (Vec<(&'static str, f64)>, Frame, u32);

#[test]
fn a_frame_of_the_shown_columns_equals_a_fresh_render_there() {
    let (sample, mut page, mut worker) = page_and_worker(7);
    let (w, h) = page.preview_size();
    let split = h / 2;
    let row_bytes = w as usize * 4;
    let (half, third) = (w / 2, w / 3);
    use Frame::*;
    // The divider moves both ways between changes; a frame with nothing
    // changed uncovers columns (as the element does before it moves the
    // divider, or when the view is idle).
    let steps: Vec<ShownStep> = vec![
        (vec![], Shared, half),
        (vec![("densityPerCm2", 110.0)], Shared, half),
        (vec![], Shared, third),
        (vec![("dotDiameterMm", 0.5)], Solo, 2 * third),
        (vec![("shade", 0.8)], Shared, 2 * third),
        (vec![], Shared, 0),
        (vec![("softness", 0.7)], Shared, half),
        (vec![("densityPerCm2", 60.0)], Solo, third),
        (vec![("session", 1.0)], Shared, w - 1),
        (vec![("yearsAfter", 6.0)], Shared, half),
        (vec![], Solo, 0),
        (vec![("mode", 2.0)], Shared, third),
        (vec![("shade", 0.3), ("densityPerCm2", 90.0)], Shared, half),
        (vec![], Shared, third),
        (vec![("healing", 0.0)], Solo, 2 * third),
        // The worker is given the state and draws it whole, then the view
        // is idle: its band changes nothing, yet the page lacks the
        // columns its frame alone left out, in the worker's rows too.
        (vec![], Sync, 0),
        (vec![], Shared, 0),
        (vec![("dotDiameterMm", 0.3)], Shared, 2 * third),
        (vec![], Shared, 0),
    ];
    // After a frame drawn alone the element asks for all the worker's rows.
    let mut all_rows = true;
    for (k, (change, frame, x0)) in steps.iter().enumerate() {
        let x0 = *x0;
        page.set_settings(change).unwrap();
        let fresh = fresh_preview(&page, &sample.photo, SIDE);
        match frame {
            Solo => {
                let band = Band { x0, y0: 0, y1: h };
                let (_, [cx0, ..]) = page.render_preview_band(Some(band)).unwrap();
                assert!(cx0 >= x0, "frame {k}: a change reported left of the band");
                all_rows = true;
            }
            Shared => {
                share_frame(&mut page, &mut worker, x0, split, all_rows);
                all_rows = false;
            }
            Sync => {
                same_settings(&page, &mut worker);
                worker.set_mask(page.mask().unwrap().clone()).unwrap();
                worker.render_preview().unwrap();
                continue;
            }
        }
        let drawn = page.preview_pixels().unwrap();
        for y in 0..h as usize {
            let shown = y * row_bytes + x0 as usize * 4..(y + 1) * row_bytes;
            assert!(
                drawn[shown.clone()] == fresh[shown],
                "frame {k} ({change:?}, {frame:?} from column {x0}): row {y} differs from a fresh render"
            );
        }
    }
    // A last frame of every column, solo after shared ones, is whole.
    page.set_settings(&[("densityPerCm2", 75.0)]).unwrap();
    page.render_preview_band(Some(Band {
        x0: half,
        y0: 0,
        y1: h,
    }))
    .unwrap();
    let drawn = page.render_preview().unwrap().to_vec();
    assert!(drawn == fresh_preview(&page, &sample.photo, SIDE));
}
