//! What several test files need: a fresh engine's frame for another
//! engine's state, to check that cached or shared frames leave no trace.

use smp_visualiser::{Engine, Rgba8Image};

/// Every setting a frame depends on, by name.
const NAMES: [&str; 9] = [
    "pxPerMm",
    "densityPerCm2",
    "dotDiameterMm",
    "softness",
    "shade",
    "yearsAfter",
    "healing",
    "session",
    "mode",
];

/// Gives `to` every setting of `from`.
pub fn same_settings(from: &Engine, to: &mut Engine) {
    let pairs: Vec<(&str, f64)> = NAMES
        .iter()
        .map(|&n| (n, from.setting(n).unwrap()))
        .collect();
    to.set_settings(&pairs).unwrap();
    assert_eq!(from.settings(), to.settings());
}

/// The preview a fresh engine draws for `e`'s settings and area on `photo`.
pub fn fresh_preview(e: &Engine, photo: &Rgba8Image, preview_side_px: u32) -> Vec<u8> {
    let mut fresh = Engine::new();
    fresh.load_image(photo.clone(), preview_side_px).unwrap();
    same_settings(e, &mut fresh);
    fresh.set_mask(e.mask().unwrap().clone()).unwrap();
    fresh.render_preview().unwrap().to_vec()
}
