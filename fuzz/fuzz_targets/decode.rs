//! Image file bytes → the one sniffer (`sniff::sniff_image`, as the page
//! and the CLI call it) and `decode::decode_photo` (the CLI's reader); a
//! photo that decodes is then loaded into the engine.
//!
//! A file is the least trusted input of all: anything a user picks, cut
//! short, renamed, or made to look huge. It must come back as a photo or as
//! an error code, never a panic, an abort, or an allocation of what the
//! header claims before the size checks have run. Seeds (PNG, JPEG, GIF,
//! WebP, BMP, and a few damaged ones) are in `fuzz/seeds/decode/`.
//!
//! The first byte of an input may ask for its header's size to be rewritten
//! to a claim of 1–250 megapixels (or just past the limits), so that large
//! claims are explored on every format, not only when the fuzzer happens on
//! the right bytes. The page's way of sniffing (a head, the tail, a longer
//! head when asked) must give the whole file's answer.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use smp_visualiser::decode::{decode_photo, decoder_size, Format};
use smp_visualiser::raster::{
    check_size, MAX_DECODE_PIXELS, MAX_DECODE_SIDE_PX, MAX_PIXELS, MAX_SIDE_PX,
};
use smp_visualiser::sniff::{sniff_bytes, sniff_image, FileBytes, Sniffed};
use smp_visualiser::{Engine, ErrorCode};

/// Largest photo (pixels) this target decodes. Any 1 KB file may claim up
/// to 250 MP, which the decoder accepts by design; a 16 MP one takes 0.5 s
/// natively but 11 s under the fuzzing instrumentation, which would read as
/// a hang and starve the search. Files claiming more (but not over the
/// refusal limit) have their header read by the sniffer and by the decoder,
/// but no pixels decoded; 1 MP still reaches every path, including the
/// reduction of photos over 16384 pixels a side.
const BUDGET_PIXELS: u64 = 1 << 20;

fuzz_target!(|input: &[u8]| {
    let Some((&steer, rest)) = input.split_first() else {
        return;
    };
    let mut owned;
    let data: &[u8] = if steer & 0x80 != 0 && rest.len() >= 4 {
        owned = rest.to_vec();
        claim(&mut owned, steer);
        &owned
    } else {
        rest
    };

    let sniffed = sniff_bytes(data);
    // The page sniffs from a short head and the tail: the same answer.
    assert_eq!(sniff_as_page(data, steer), sniffed.clone().map_err(|e| e.code));
    let info = match sniffed {
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
            // The CLI never decodes what the sniffer refused.
            assert_eq!(decode_photo(data).unwrap_err().code, e.code);
            return;
        }
    };
    // Whatever the sniffer accepts is within the decode limits.
    let n = info.width as u64 * info.height as u64;
    assert!(info.width >= 1 && info.height >= 1);
    assert!(info.width <= MAX_DECODE_SIDE_PX && info.height <= MAX_DECODE_SIDE_PX);
    assert!(n <= MAX_DECODE_PIXELS);
    let readable = matches!(
        info.format,
        Format::Png | Format::Jpeg | Format::Gif | Format::Webp | Format::Bmp
    );
    if readable {
        // The decoder's own header size never exceeds the sniffed one
        // (GIF: the screen, which the sniffer grows to the first frame).
        if let Ok((w, h)) = decoder_size(Cursor::new(data), info) {
            if info.format == Format::Gif {
                assert!(w <= info.width && h <= info.height, "{w}×{h} > {info:?}");
            } else {
                assert_eq!((w, h), (info.width, info.height), "{info:?}");
            }
        }
    }
    if n > BUDGET_PIXELS {
        return;
    }
    match decode_photo(data) {
        Ok(d) => {
            assert!(readable, "{:?} decoded", info.format);
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
                    ErrorCode::NotAnImage
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

/// Rewrites the size in the header of `data` (if it is a format whose size
/// sits at a fixed place, or a JPEG's first frame header) to a claim picked
/// by `steer`: from 1 MP up to the 250 MP limit, or just past a limit.
fn claim(data: &mut [u8], steer: u8) {
    let (w, h): (u32, u32) = match steer & 0x0f {
        0 => (1024, 1024),
        1 => (4000, 3000),
        2 => (8000, 6000),
        3 => (16_384, 1),
        4 => (16_385, 16),
        5 => (20_000, 12_500), // exactly 250 MP
        6 => (20_000, 12_501), // one row over
        7 => (65_535, 3_814),
        8 => (65_535, 3_815),
        9 => (65_536, 1),
        10 => (15_811, 15_811),
        11 => (12_000, 9_000),
        12 => (1, 65_535),
        13 => (30_000, 30_000),
        _ => (
            u16::from_le_bytes([data[0], data[1]]) as u32 + 1,
            u16::from_le_bytes([data[2], data[3]]) as u32 + 1,
        ),
    };
    let put = |d: &mut [u8], at: usize, v: &[u8]| {
        if d.len() >= at + v.len() {
            d[at..at + v.len()].copy_from_slice(v);
        }
    };
    if data.starts_with(b"\x89PNG") {
        put(data, 16, &w.to_be_bytes());
        put(data, 20, &h.to_be_bytes());
    } else if data.starts_with(b"GIF8") {
        // The screen, or (every other claim) the first frame in a plain GIF.
        put(data, 6, &(w.min(65_535) as u16).to_le_bytes());
        put(data, 8, &(h.min(65_535) as u16).to_le_bytes());
    } else if data.starts_with(b"BM") {
        put(data, 18, &w.to_le_bytes());
        let h = if steer & 0x10 != 0 { (h as i32).wrapping_neg() } else { h as i32 };
        put(data, 22, &h.to_le_bytes());
    } else if data.starts_with(b"RIFF") && data.get(12..16) == Some(b"VP8X") {
        put(data, 24, &(w - 1).to_le_bytes()[..3]);
        put(data, 27, &(h - 1).to_le_bytes()[..3]);
    } else if data.starts_with(&[0xff, 0xd8]) {
        let sof = data
            .windows(2)
            .position(|p| p[0] == 0xff && matches!(p[1], 0xc0 | 0xc1 | 0xc2));
        if let Some(i) = sof {
            put(data, i + 5, &(h.min(65_535) as u16).to_be_bytes());
            put(data, i + 7, &(w.min(65_535) as u16).to_be_bytes());
        }
    }
}

/// Sniffs as the page does, from a head that starts short (picked by
/// `steer`, so heads shorter than the header are tried too) and grows when
/// asked, and the last 64 KiB.
fn sniff_as_page(data: &[u8], steer: u8) -> Result<smp_visualiser::sniff::ImageInfo, ErrorCode> {
    let len = data.len() as u64;
    let tail = &data[data.len() - data.len().min(64 * 1024)..];
    let mut head = (len).min([64u64, 256, 1024, 256 * 1024][(steer as usize >> 5) & 3]);
    for _ in 0..64 {
        let file = FileBytes::parts(&data[..head as usize], tail, len).expect("a valid split");
        match sniff_image(&file) {
            Ok(Sniffed::Image(info)) => return Ok(info),
            Ok(Sniffed::NeedHead(n)) => {
                assert!(n > head && n <= len, "asked for {n} with {head} of {len}");
                head = n;
            }
            Err(e) => return Err(e.code),
        }
    }
    panic!("the sniffer kept asking for more");
}
