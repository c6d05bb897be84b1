//! Photo bytes and sizes → `Rgba8Image::new` → `Engine::load_image` → renders.
//!
//! This is the path every photo takes into the engine, from the page (through
//! the wasm boundary, where size and buffer come from JavaScript separately)
//! and from the CLI. A bad size or buffer must come back as an error value;
//! a good one must load and render at both resolutions with result buffers
//! of exactly the advertised size.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use smp_visualiser::{Engine, Rgba8Image};

/// Sides the successful loads are drawn from: small enough that one input
/// renders in milliseconds, large enough for the preview reduction and the
/// dot pattern to do real work.
const MAX_SIDE: u32 = 300;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    // The small choices first: the pixels take the rest of the input.
    // `preview_side_px` comes from the page as-is: zero, one and larger than
    // the photo are all legal and must not panic.
    let preview_side = match u.int_in_range(0u8..=3).unwrap_or(0) {
        0 => u.int_in_range(0..=400).unwrap_or(0),
        1 => u.arbitrary::<u32>().unwrap_or(u32::MAX),
        2 => 1,
        _ => smp_visualiser::DEFAULT_PREVIEW_SIDE_PX,
    };
    let scale = smp_fuzz::start_scale(&mut u).unwrap_or(None);
    let Ok((width, height, pixels)) = photo_input(&mut u) else {
        return;
    };
    // The size a larger decoded photo is reduced to must be one the
    // engine accepts, and never larger than the photo.
    if width >= 1 && height >= 1 {
        let (ww, wh) = smp_visualiser::raster::working_size(width, height);
        smp_visualiser::raster::check_size(ww, wh).expect("working size within limits");
        assert!(ww <= width && wh <= height);
    }
    // Saturating: a claimed u32×u32 size overflows even a 64-bit product.
    let expected_len = (width as usize)
        .saturating_mul(height as usize)
        .saturating_mul(4);
    // What `Rgba8Image::new` must decide, restated from its documented
    // limits: accept exactly a non-empty size within 16384 a side and
    // MAX_PIXELS with a buffer of w×h×4 bytes, refuse everything else.
    let size_ok = width >= 1
        && height >= 1
        && width <= smp_visualiser::raster::MAX_SIDE_PX
        && height <= smp_visualiser::raster::MAX_SIDE_PX
        && width as u64 * height as u64 <= smp_visualiser::raster::MAX_PIXELS;
    let len_ok = size_ok && pixels.len() == expected_len;
    let photo = match Rgba8Image::new(width, height, pixels) {
        Ok(p) => {
            assert!(
                len_ok,
                "{width}×{height} photo accepted with a wrong buffer"
            );
            p
        }
        Err(e) => {
            assert!(!len_ok, "valid {width}×{height} photo refused: {e}");
            return;
        }
    };

    let mut engine = Engine::new();
    if let Some(ppm) = scale {
        engine.set_settings(&[("pxPerMm", ppm)]).unwrap();
    }
    if engine.load_image(photo, preview_side).is_err() {
        // e.g. a size whose dot pattern would be too large: an error value,
        // and the engine must still be usable (with no photo).
        assert!(!engine.has_image());
        assert!(engine.render_preview().is_err());
        return;
    }
    assert_eq!(engine.size(), (width, height));
    let (pw, ph) = engine.preview_size();
    assert!(pw >= 1 && ph >= 1 && pw <= width && ph <= height);
    assert!(pw.max(ph) <= preview_side.max(1) || (pw, ph) == (width, height));

    // Render with no area (nothing to draw), then with the whole photo as
    // the area, so both the early-outs and the dot drawing are reached.
    let preview_len = pw as usize * ph as usize * 4;
    if let Ok(px) = engine.render_preview() {
        assert_eq!(px.len(), preview_len);
    }
    let _ = engine.invert_mask();
    if let Ok(px) = engine.render_preview() {
        assert_eq!(px.len(), preview_len);
    }
    if let Ok(px) = engine.render_full() {
        assert_eq!(px.len(), expected_len);
    }
    // Area detection reads the same photo through its own downscale.
    let _ = engine.detect_area(&[], false);
});

/// A side for a valid photo: mostly up to 64 pixels, where an input runs
/// in a few milliseconds even under the address sanitizer, sometimes up to
/// MAX_SIDE (about 60 inputs a second), so both stay well explored.
fn side(u: &mut Unstructured) -> arbitrary::Result<u32> {
    let max = if u.ratio(1u8, 4)? { MAX_SIDE } else { 64 };
    u.int_in_range(1..=max)
}

/// Width, height and a pixel buffer. Most inputs are a consistent small
/// photo whose pixels come from the input; the rest are the malformed
/// shapes a caller can send: zero sides, a buffer one pixel short or long,
/// an empty buffer, and sizes far over the limits with a tiny buffer, which
/// must be refused from the numbers alone (a claimed 4 G×4 G photo must not
/// make the engine allocate anything).
fn photo_input(u: &mut Unstructured) -> arbitrary::Result<(u32, u32, Vec<u8>)> {
    let kind = u.int_in_range(0u8..=9)?;
    let (w, h) = match kind {
        // Huge or arbitrary claimed sizes.
        0 => (u.arbitrary::<u32>()?, u.arbitrary::<u32>()?),
        // Around the limits: 16384 a side, 24 megapixels.
        1 => (u.int_in_range(16_380..=16_390)?, u.int_in_range(0..=2_000)?),
        // A zero side.
        2 => (0, u.int_in_range(0..=MAX_SIDE)?),
        _ => (side(u)?, side(u)?),
    };
    // Never allocate for a claimed size: the buffer is sized from the input
    // (bounded by MAX_SIDE² pixels), not from w×h, except for consistent
    // small photos where the two agree.
    let exact = (w as u64)
        .saturating_mul(h as u64)
        .saturating_mul(4)
        .min((MAX_SIDE * MAX_SIDE * 4) as u64) as usize;
    let len = match u.int_in_range(0u8..=7)? {
        0 => 0,
        1 => exact.saturating_sub(u.int_in_range(1..=8)?),
        2 => exact + u.int_in_range(1..=8)?,
        _ => exact,
    };
    let rest = u.bytes(u.len())?;
    Ok((w, h, smp_fuzz::tile(rest, len)))
}
