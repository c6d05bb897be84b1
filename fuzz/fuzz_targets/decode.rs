//! Image file bytes → `decode::decode_photo` (the CLI's reader), and the
//! header sniffing it starts with; a photo that decodes is then loaded into
//! the engine.
//!
//! A file is the least trusted input of all: anything a user picks, cut
//! short, renamed, or made to look huge. It must come back as a photo or as
//! an error code, never a panic, an abort, or an allocation of what the
//! header claims before the size checks have run. Seeds (PNG, JPEG, GIF,
//! WebP, BMP, and a few damaged ones) are in `fuzz/seeds/decode/`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use smp_visualiser::decode::{decode_photo, sniff, FileKind};
use smp_visualiser::raster::{
    check_size, MAX_DECODE_PIXELS, MAX_DECODE_SIDE_PX, MAX_PIXELS, MAX_SIDE_PX,
};
use smp_visualiser::{Engine, ErrorCode};

/// Largest photo (pixels) this target decodes. Any 1 KB file may claim up
/// to 250 MP, which the decoder accepts by design; a 16 MP one takes 0.5 s
/// natively but 11 s under the fuzzing instrumentation, which would read as
/// a hang and starve the search. Files claiming more (but not over the
/// refusal limit) are skipped; 1 MP still reaches every path, including the
/// reduction of photos over 16384 pixels a side.
const BUDGET_PIXELS: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let sniffed = sniff(data);
    if let Some((w, h)) = dimensions(data, sniffed.kind) {
        let n = w as u64 * h as u64;
        let refused = w > MAX_DECODE_SIDE_PX || h > MAX_DECODE_SIDE_PX || n > MAX_DECODE_PIXELS;
        if n > BUDGET_PIXELS && !refused {
            return;
        }
    }
    match decode_photo(data) {
        Ok(d) => {
            // Only the readable kinds decode.
            assert!(
                matches!(
                    sniffed.kind,
                    FileKind::Png | FileKind::Jpeg | FileKind::Gif | FileKind::Webp | FileKind::Bmp
                ),
                "{:?} decoded",
                sniffed.kind
            );
            let p = &d.photo;
            // The result is a valid engine photo within the working limits,
            // no larger than the file, from a file within the decode limits.
            check_size(p.width, p.height).expect("decoded photo within limits");
            assert!(p.width <= MAX_SIDE_PX && p.width as u64 * p.height as u64 <= MAX_PIXELS);
            assert_eq!(p.pixels.len(), p.width as usize * p.height as usize * 4);
            let (ow, oh) = d.original_size;
            assert!(ow <= MAX_DECODE_SIDE_PX && oh <= MAX_DECODE_SIDE_PX);
            assert!(ow as u64 * oh as u64 <= MAX_DECODE_PIXELS);
            // EXIF may turn the photo, so compare the sides as a set.
            assert!(p.width.max(p.height) <= ow.max(oh));
            assert_eq!(d.downscaled(), (p.width, p.height) != (ow, oh));
            // What the CLI does next. Only for small photos: a large one is
            // valid but would make each input take seconds.
            if p.width as u64 * p.height as u64 <= 64 * 64 {
                let mut engine = Engine::new();
                engine
                    .load_image(d.photo, 32)
                    .expect("a decoded photo loads");
                engine.invert_mask().unwrap();
                engine.render_preview().unwrap();
            }
        }
        Err(e) => {
            // The refusals the page explains; anything else (say
            // OutOfMemory) would be a decoder escaping its limits.
            assert!(
                matches!(
                    e.code,
                    ErrorCode::EmptyFile
                        | ErrorCode::NotAnImage
                        | ErrorCode::TruncatedFile
                        | ErrorCode::UnsupportedFormat
                        | ErrorCode::ImageTooLarge
                        | ErrorCode::BadImage
                ),
                "unexpected refusal: {e}"
            );
        }
    }
});

/// The size the decoder will see, read the way `decode_photo` picks its
/// decoder (by the sniffed kind, BMP for anything unknown); `None` when the
/// header cannot be read, in which case the decode fails early as well.
fn dimensions(data: &[u8], kind: FileKind) -> Option<(u32, u32)> {
    use image::{ImageFormat, ImageReader};
    let format = match kind {
        FileKind::Png => ImageFormat::Png,
        FileKind::Jpeg => ImageFormat::Jpeg,
        FileKind::Gif => ImageFormat::Gif,
        FileKind::Webp => ImageFormat::WebP,
        _ => ImageFormat::Bmp,
    };
    ImageReader::with_format(std::io::Cursor::new(data), format)
        .into_dimensions()
        .ok()
}
