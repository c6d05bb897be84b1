//! Mask file bytes → the CLI's mask reader (`decode::mask_for_photo`, after
//! the one sniffer), for a photo of the mask's size, of another size, or
//! reduced from the mask's size.
//!
//! A mask is a file like a photo, so it is as little trusted: its size must
//! be checked from its header before it is decoded (a mask claiming
//! 16000×16000 for a 900×700 photo must cost nothing), and an accepted
//! mask must come back with exactly the photo's working size. Seeded with
//! the decode target's files (`fuzz/seeds/decode/`) and two grey masks
//! (`fuzz/seeds/mask_file/`).

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use smp_visualiser::decode::mask_for_photo;
use smp_visualiser::raster::working_size;
use smp_visualiser::sniff::sniff_bytes;
use smp_visualiser::ErrorCode;

/// Largest mask (pixels) decoded, as in the decode target: larger ones are
/// valid but would take seconds each under the instrumentation.
const BUDGET_PIXELS: u64 = 1 << 20;

fuzz_target!(|input: &[u8]| {
    let Some((&pick, data)) = input.split_first() else {
        return;
    };
    let info = match sniff_bytes(data) {
        Ok(info) => info,
        Err(e) => {
            assert!(
                matches!(
                    e.code,
                    ErrorCode::EmptyFile
                        | ErrorCode::NotAnImage
                        | ErrorCode::TruncatedFile
                        | ErrorCode::UnsupportedFormat
                        | ErrorCode::ImageTooLarge
                ),
                "unexpected sniffer refusal: {e}"
            );
            return;
        }
    };
    let own = (info.width, info.height);
    // The photo's upright original size: the mask's own, off by one,
    // transposed, or one whose working size is smaller (a large photo).
    let original = match pick % 6 {
        0 | 1 => own,
        2 => (own.0 + 1, own.1),
        3 => (own.1, own.0),
        4 => (own.0 * 3, own.1 * 3),
        _ => (1 + pick as u32, 1 + (pick as u32 >> 2)),
    };
    // Reduced photos: the working size is below the original, and the mask
    // may have either size. Small stand-ins for the 24 MP limit.
    let working = if pick & 0x40 != 0 {
        let (w, h) = working_size(original.0, original.1);
        (w.div_ceil(2).max(1), h.div_ceil(2).max(1))
    } else {
        working_size(original.0, original.1)
    };
    let matches = own == working || (working != original && own == original);
    if matches && own.0 as u64 * own.1 as u64 > BUDGET_PIXELS {
        return;
    }
    match mask_for_photo(Cursor::new(data), info, working, original) {
        Ok(mask) => {
            assert!(matches, "a {own:?} mask accepted for {original:?} at {working:?}");
            assert_eq!((mask.width, mask.height), working);
            assert_eq!(mask.weights.len(), working.0 as usize * working.1 as usize);
        }
        Err(e) if !matches => assert_eq!(e.code, ErrorCode::MaskSizeMismatch, "{e}"),
        Err(e) => assert!(
            matches!(
                e.code,
                ErrorCode::NotAnImage
                    | ErrorCode::TruncatedFile
                    | ErrorCode::UnsupportedFormat
                    | ErrorCode::ImageTooLarge
                    | ErrorCode::BadImage
            ),
            "unexpected refusal: {e}"
        ),
    }
});
