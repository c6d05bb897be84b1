//! A frame shared by two engines: the page's engine composites one band of
//! the preview's rows and the worker's engine, in the same state, the other.
//! The element puts the page's rows on the canvas from its engine and the
//! worker's rows straight from the worker; whatever the order of shared and
//! solo frames, the canvas must show a fresh engine's frame, byte for byte.

use smp_visualiser::render::Band;
use smp_visualiser::sample::Sample;
use smp_visualiser::{Engine, Mask, Stroke};

mod common;
use common::{fresh_preview, same_settings};

/// The after-canvas as the element draws on it: rectangles of the page's
/// pixels, and rows the worker sent.
struct Canvas {
    width: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    /// A blank canvas of `width`×`height` (nothing drawn yet).
    fn new(width: u32, height: u32) -> Canvas {
        Canvas {
            width: width as usize,
            pixels: vec![0; width as usize * height as usize * 4],
        }
    }

    /// Puts the rectangle `[x0, y0, x1, y1]` of `src` (pixels of the
    /// canvas's size) at the same place.
    fn draw(&mut self, src: &[u8], [x0, y0, x1, y1]: [u32; 4]) {
        for y in y0 as usize..y1 as usize {
            let row = y * self.width * 4;
            let span = row + x0 as usize * 4..row + x1 as usize * 4;
            self.pixels[span.clone()].copy_from_slice(&src[span]);
        }
    }

    /// Puts whole rows of RGBA from row `r0` on, their columns from `x0`
    /// on (the element's `putRows`).
    fn put_rows(&mut self, rows: &[u8], r0: u32, x0: u32) {
        let row_bytes = self.width * 4;
        for (k, row) in rows.chunks_exact(row_bytes).enumerate() {
            let at = (r0 as usize + k) * row_bytes;
            self.pixels[at + x0 as usize * 4..at + row_bytes]
                .copy_from_slice(&row[x0 as usize * 4..]);
        }
    }
}

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
/// on while the page composites those above; the page's changed pixels go
/// on the canvas, then the rows the worker changed (all of them with
/// `all_rows`, as the element asks after a frame drawn alone), from `x0`
/// on. Returns the worker's pixels and the rows it sent.
fn share_frame(
    page: &mut Engine,
    worker: &mut Engine,
    canvas: &mut Canvas,
    x0: u32,
    split: u32,
    all_rows: bool,
) -> (Vec<u8>, (u32, u32)) {
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
    let (ours, changed) = page
        .render_preview_band(Some(Band {
            x0,
            y0: 0,
            y1: split,
        }))
        .unwrap();
    canvas.draw(ours, changed);
    // Only the rows the worker changed are sent, as the element does.
    let (r0, r1) = if all_rows {
        (split, h)
    } else {
        (y0.max(split), y1.min(h))
    };
    if r1 > r0 {
        canvas.put_rows(
            &theirs[r0 as usize * row_bytes..r1 as usize * row_bytes],
            r0,
            x0,
        );
    }
    (theirs, (r0, r1))
}

/// A frame of the page's engine alone from column `x0` on, its changed
/// pixels put on the canvas.
fn solo_frame(page: &mut Engine, canvas: &mut Canvas, x0: u32) -> [u32; 4] {
    let (_, h) = page.preview_size();
    let (pixels, changed) = page
        .render_preview_band(Some(Band { x0, y0: 0, y1: h }))
        .unwrap();
    canvas.draw(pixels, changed);
    changed
}

#[test]
fn a_frame_shared_with_the_worker_equals_a_fresh_render() {
    let (sample, mut page, mut worker) = page_and_worker(5);
    let (w, h) = page.preview_size();
    let split = h / 2;
    let row_bytes = w as usize * 4;
    let mut canvas = Canvas::new(w, h);
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
            solo_frame(&mut page, &mut canvas, 0);
            assert!(
                canvas.pixels == fresh,
                "solo frame {k} ({change:?}) differs from a fresh render"
            );
            continue;
        }
        let (theirs, (r0, r1)) = share_frame(&mut page, &mut worker, &mut canvas, 0, split, false);
        // The worker's band is the fresh frame's rows.
        let band = split as usize * row_bytes..h as usize * row_bytes;
        assert!(
            theirs[band.clone()] == fresh[band],
            "frame {k}: the worker's rows differ"
        );
        assert!(r1 >= r0, "frame {k}: rows sent");
        assert!(
            canvas.pixels == fresh,
            "shared frame {k} ({change:?}) differs from a fresh render"
        );
    }
}

#[test]
fn rows_the_page_left_out_are_composited_by_its_next_frame() {
    let sample = smp_visualiser::sample::sample_scalp(120, 90, 2).unwrap();
    let mut page = Engine::new();
    page.set_settings(&[("pxPerMm", 5.0)]).unwrap();
    page.load_image(sample.photo.clone(), 120).unwrap();
    let (w, h) = page.preview_size();
    page.set_mask(Mask::new(w, h, vec![255; (w * h) as usize]).unwrap())
        .unwrap();
    page.render_preview().unwrap();
    // The top half composited here; the bottom half is another engine's
    // (shown from its own pixels), and this one's stay as they were.
    page.set_settings(&[("densityPerCm2", 100.0)]).unwrap();
    let (_, changed) = page
        .render_preview_band(Some(Band::rows(0, h / 2)))
        .unwrap();
    assert!(
        changed[3] <= h / 2,
        "a change reported below the band: {changed:?}"
    );
    let fresh = fresh_preview(&page, &sample.photo, 120);
    let half = (h / 2 * w * 4) as usize;
    let ours = page.preview_pixels().unwrap();
    assert!(ours[..half] == fresh[..half]);
    assert!(
        ours[half..] != fresh[half..],
        "the rows left out were drawn"
    );
    // A frame drawn alone then composites them, and says so.
    let (pixels, changed) = page.render_preview_change().unwrap();
    assert!(pixels == &fresh[..]);
    assert!(changed[1] <= h / 2 && changed[3] == h, "{changed:?}");
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
    let mut canvas = Canvas::new(w, h);
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
                let [cx0, ..] = solo_frame(&mut page, &mut canvas, x0);
                assert!(cx0 >= x0, "frame {k}: a change reported left of the band");
                all_rows = true;
            }
            Shared => {
                share_frame(&mut page, &mut worker, &mut canvas, x0, split, all_rows);
                all_rows = false;
            }
            Sync => {
                same_settings(&page, &mut worker);
                worker.set_mask(page.mask().unwrap().clone()).unwrap();
                worker.render_preview().unwrap();
                continue;
            }
        }
        let drawn = &canvas.pixels;
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
    solo_frame(&mut page, &mut canvas, half);
    solo_frame(&mut page, &mut canvas, 0);
    assert!(canvas.pixels == fresh_preview(&page, &sample.photo, SIDE));
}
