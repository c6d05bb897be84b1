//! The hairline designer on an engine: it stays on the head, and a hairline
//! the engine refuses leaves no undo step behind.

use smp_visualiser::hairline::HairlineStyle;
use smp_visualiser::sample::sample_scalp;
use smp_visualiser::{Engine, Rgba8Image};

/// The sample scalp below a flat, softly shaded blue-grey backdrop (the top
/// `backdrop_rows` rows), as a photo of a head against a studio wall.
fn head_against_a_wall(w: u32, h: u32, backdrop_rows: u32) -> Rgba8Image {
    let head = sample_scalp(w, h, 4).unwrap().photo;
    let mut px = head.pixels.clone();
    for y in 0..backdrop_rows {
        for x in 0..w {
            let i = ((y * w + x) * 4) as usize;
            let shade = 150 + (x * 30 / w) as u8;
            px[i..i + 4].copy_from_slice(&[shade - 40, shade - 20, shade, 255]);
        }
    }
    Rgba8Image::new(w, h, px).unwrap()
}

#[test]
fn a_hairline_with_no_area_covers_the_head_not_the_backdrop() {
    let (w, h) = (640, 480);
    let mut e = Engine::new();
    e.load_image(head_against_a_wall(w, h, 160), 640).unwrap();
    let y = 300.0;
    let handles = [
        (40.0, y),
        (200.0, y - 10.0),
        (320.0, y),
        (440.0, y - 10.0),
        (600.0, y),
    ];
    e.design_hairline(&handles, HairlineStyle::Soft).unwrap();
    e.finish_hairline();
    let mask = e.mask().unwrap();
    let weight = |x: u32, y: u32| mask.weights[(y * w + x) as usize];
    // The wall, well away from the head's outline, gets no pigment.
    for yy in 0..120 {
        for xx in (0..w).step_by(7) {
            assert_eq!(weight(xx, yy), 0, "backdrop pixel {xx},{yy} is in the area");
        }
    }
    // The scalp between the wall and the hairline does.
    assert!(
        weight(320, 230) > 200,
        "the scalp above the hairline is in the area"
    );
    assert_eq!(weight(320, 420), 0, "below the hairline is not");
}

#[test]
fn a_refused_hairline_leaves_no_undo_step() {
    let mut e = Engine::new();
    e.load_image(sample_scalp(400, 300, 2).unwrap().photo, 400)
        .unwrap();
    let before = e.history();
    assert!(e
        .design_hairline(&[(f64::NAN, 10.0), (30.0, 10.0)], HairlineStyle::Soft)
        .is_err());
    assert!(e
        .design_hairline(&[(10.0, 10.0)], HairlineStyle::Soft)
        .is_err());
    assert_eq!(e.history(), before, "no undo step for a refused hairline");
}
