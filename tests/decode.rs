//! The command line's streamed decoding (`src/decode/`) gives the same
//! pixels as the `image` crate decoding the whole file and converting it,
//! for every colour type and format it reads; and a mask's weights are its
//! alpha, or its grey level when it has none.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};
use smp_visualiser::decode::{decode_photo, mask_for_photo};
use smp_visualiser::sniff::sniff_bytes;
use smp_visualiser::ErrorCode;

fn encode(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// A small test picture with every channel varying.
fn picture(w: u32, h: u32) -> image::ImageBuffer<image::Rgba<u16>, Vec<u16>> {
    image::ImageBuffer::from_fn(w, h, |x, y| {
        let v = |k: u32| ((x * 7919 + y * 104_729 + k * 31) % 65_536) as u16;
        image::Rgba([v(0), v(1), v(2), v(3) | 0x8000])
    })
}

fn assert_same(bytes: &[u8], what: &str) {
    let ours = decode_photo(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
    let theirs = image::load_from_memory(bytes).unwrap();
    assert_eq!(
        (ours.photo.width, ours.photo.height),
        (theirs.width(), theirs.height()),
        "{what}"
    );
    assert_eq!(ours.has_alpha, theirs.color().has_alpha(), "{what}");
    assert!(
        ours.photo.pixels == theirs.into_rgba8().into_raw(),
        "{what}: pixels differ"
    );
}

#[test]
fn png_of_every_colour_type_decodes_as_the_image_crate_does() {
    let p = DynamicImage::ImageRgba16(picture(13, 7));
    for (img, what) in [
        (DynamicImage::ImageLuma8(p.to_luma8()), "grey"),
        (DynamicImage::ImageLumaA8(p.to_luma_alpha8()), "grey+alpha"),
        (DynamicImage::ImageRgb8(p.to_rgb8()), "rgb"),
        (DynamicImage::ImageRgba8(p.to_rgba8()), "rgba"),
        (DynamicImage::ImageLuma16(p.to_luma16()), "grey16"),
        (
            DynamicImage::ImageLumaA16(p.to_luma_alpha16()),
            "grey+alpha16",
        ),
        (DynamicImage::ImageRgb16(p.to_rgb16()), "rgb16"),
        (p.clone(), "rgba16"),
    ] {
        assert_same(&encode(img, ImageFormat::Png), what);
    }
    // Palette (with transparency), interlaced and 16-bit files from other
    // encoders (the fuzz seeds; their first byte steers the fuzzer).
    for name in ["palette_5x4.png", "interlaced_8x8.png", "gray16_2x2.png"] {
        let seed = std::fs::read(format!("fuzz/seeds/decode/{name}")).unwrap();
        assert_same(&seed[1..], name);
    }
}

#[test]
fn other_formats_decode_as_the_image_crate_does() {
    let p = DynamicImage::ImageRgba16(picture(21, 11));
    let rgb = DynamicImage::ImageRgb8(p.to_rgb8());
    assert_same(&encode(rgb.clone(), ImageFormat::Jpeg), "jpeg");
    assert_same(
        &encode(DynamicImage::ImageLuma8(p.to_luma8()), ImageFormat::Jpeg),
        "grey jpeg",
    );
    assert_same(&encode(rgb.clone(), ImageFormat::Bmp), "bmp");
    assert_same(&encode(p.to_rgba8().into(), ImageFormat::WebP), "webp");
    assert_same(&encode(p.to_rgba8().into(), ImageFormat::Gif), "gif");
    for name in ["cmyk.jpg", "progressive.jpg", "lossy.webp", "animated.gif"] {
        assert_same(
            &std::fs::read(format!("tests/corpus/{name}")).unwrap(),
            name,
        );
    }
}

#[test]
fn mask_weights_are_alpha_or_grey_and_follow_a_reduced_photo() {
    let p = DynamicImage::ImageRgba16(picture(10, 6));
    for img in [
        DynamicImage::ImageRgba8(p.to_rgba8()),
        DynamicImage::ImageLuma8(p.to_luma8()),
        DynamicImage::ImageRgb16(p.to_rgb16()),
        DynamicImage::ImageLumaA16(p.to_luma_alpha16()),
    ] {
        let want: Vec<u8> = if img.color().has_alpha() {
            img.to_rgba8().pixels().map(|px| px.0[3]).collect()
        } else {
            img.to_luma8().into_raw()
        };
        let bytes = encode(img, ImageFormat::Png);
        let info = sniff_bytes(&bytes).unwrap();
        let mask = mask_for_photo(Cursor::new(&bytes), info, (10, 6), (10, 6)).unwrap();
        assert_eq!(mask.weights, want);
        // A photo reduced from 10×6 to 5×3: the mask is reduced with it.
        let half = mask_for_photo(Cursor::new(&bytes), info, (5, 3), (10, 6)).unwrap();
        let reduced = smp_visualiser::raster::resample_area(&want, 10, 6, 1, 5, 3).unwrap();
        assert_eq!(half.weights, reduced);
        // Any other size is refused before decoding.
        for (working, original) in [((5, 3), (5, 3)), ((6, 10), (6, 10)), ((5, 3), (11, 6))] {
            let e = mask_for_photo(Cursor::new(&bytes), info, working, original).unwrap_err();
            assert_eq!(e.code, ErrorCode::MaskSizeMismatch);
        }
    }
}

/// A bitmap of `img` with its rows stored top-down (a negative height), as
/// some writers store them; the `image` crate writes bottom-up.
fn top_down_bmp(img: &DynamicImage) -> Vec<u8> {
    let mut b = encode(img.clone(), ImageFormat::Bmp);
    let offset = u32::from_le_bytes(b[10..14].try_into().unwrap()) as usize;
    let h = i32::from_le_bytes(b[22..26].try_into().unwrap());
    let stride = (b.len() - offset) / h as usize;
    let rows: Vec<Vec<u8>> = b[offset..]
        .chunks(stride)
        .rev()
        .map(<[u8]>::to_vec)
        .collect();
    b.truncate(offset);
    b[22..26].copy_from_slice(&(-h).to_le_bytes());
    b.extend(rows.concat());
    b
}

#[test]
fn bitmaps_read_in_strips_decode_as_the_image_crate_does() {
    // 1500×1000 at 4 bytes a pixel is more than one 4 MiB strip, and the
    // strips do not divide the height evenly.
    let p = DynamicImage::ImageRgba16(picture(1500, 1000));
    for (img, what) in [
        (DynamicImage::ImageRgb8(p.to_rgb8()), "rgb"),
        (DynamicImage::ImageRgba8(p.to_rgba8()), "rgba"),
        (DynamicImage::ImageLuma8(p.to_luma8()), "grey (palette)"),
    ] {
        assert_same(&encode(img.clone(), ImageFormat::Bmp), what);
        assert_same(&top_down_bmp(&img), &format!("{what}, top-down"));
    }
    // Cut short in its last strip: refused as the whole decoder refuses it.
    let rgb = encode(DynamicImage::ImageRgb8(p.to_rgb8()), ImageFormat::Bmp);
    let cut = decode_photo(&rgb[..rgb.len() - 100]).unwrap_err();
    assert_eq!(cut.code, ErrorCode::TruncatedFile, "{cut}");
}

/// A GIF of `w`×`h` palette indices (`index(x, y)`), on a screen of
/// `screen`, at `at`, stored interlaced or not.
fn gif(screen: (u16, u16), at: (u16, u16), (w, h): (u16, u16), interlaced: bool) -> Vec<u8> {
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, 255 - i, i / 2]).collect();
    let index = |x: usize, y: usize| ((x * 7 + y * 13) % 256) as u8;
    let rows: Vec<usize> = if interlaced {
        [(0, 8), (4, 8), (2, 4), (1, 2)]
            .into_iter()
            .flat_map(|(s, step)| (s..h as usize).step_by(step))
            .collect()
    } else {
        (0..h as usize).collect()
    };
    let pixels: Vec<u8> = rows
        .iter()
        .flat_map(|&y| (0..w as usize).map(move |x| index(x, y)))
        .collect();
    let mut out = Vec::new();
    {
        let mut e = gif::Encoder::new(&mut out, screen.0, screen.1, &palette).unwrap();
        let mut frame = gif::Frame::from_indexed_pixels(w, h, pixels, Some(9));
        (frame.left, frame.top, frame.interlaced) = (at.0, at.1, interlaced);
        e.write_frame(&frame).unwrap();
    }
    out
}

#[test]
fn gifs_read_row_by_row_decode_as_the_image_crate_does() {
    for interlaced in [false, true] {
        for (screen, at, size) in [
            ((37, 29), (0, 0), (37, 29)),
            // A frame inside the screen, and one running off its edges.
            ((40, 30), (3, 5), (21, 17)),
            ((40, 30), (30, 20), (21, 17)),
        ] {
            let what = format!("{size:?} at {at:?} on {screen:?}, interlaced {interlaced}");
            assert_same(&gif(screen, at, size, interlaced), &what);
        }
    }
}

#[test]
fn larger_jpegs_stream_into_the_reduction_to_the_working_size() {
    // Over the 16,384-px side, so reduced: 40000×300 to 16384×122 (more
    // than twice the working size, once decoded at half DCT scale) and
    // 20000×300 to 16384×245 (once decoded whole); both are now read a row
    // at a time by libjpeg-turbo, at full scale.
    let mut bytes = Vec::new();
    for (w, h, reduced_h) in [(40_000u32, 300u32, 122u32), (20_000, 300, 245)] {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([
                (x / 160) as u8,
                (y * 255 / h) as u8,
                ((x / 40 + y) % 256) as u8,
            ])
        });
        let grey = DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(img.clone()).to_luma8());
        for (what, img) in [("colour", DynamicImage::ImageRgb8(img)), ("grey", grey)] {
            bytes = encode(img, ImageFormat::Jpeg);
            let d = decode_photo(&bytes).unwrap();
            assert_eq!((d.photo.width, d.photo.height), (16_384, reduced_h));
            assert_eq!(d.original_size, (w, h));
            // As the whole file decoded and reduced, as the page does: the
            // two decoders round a level differently here and there.
            let whole = image::load_from_memory(&bytes).unwrap().into_rgba8();
            let reduced =
                smp_visualiser::raster::resample_area(whole.as_raw(), w, h, 4, 16_384, reduced_h)
                    .unwrap();
            let diff: u64 = reduced
                .iter()
                .zip(&d.photo.pixels)
                .map(|(a, b)| a.abs_diff(*b) as u64)
                .sum();
            let mean = diff as f64 / reduced.len() as f64;
            assert!(mean < 0.1, "{w}×{h} {what}: mean difference {mean}");
        }
    }

    // EXIF orientation 6 (turn right) still turns it.
    let mut exif = b"Exif\0\0MM\0*\0\0\0\x08\0\x01".to_vec();
    exif.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
    let mut turned = bytes[..2].to_vec();
    turned.extend([0xff, 0xe1]);
    turned.extend(((exif.len() + 2) as u16).to_be_bytes());
    turned.extend(&exif);
    turned.extend(&bytes[2..]);
    let d = decode_photo(&turned).unwrap();
    assert_eq!((d.photo.width, d.photo.height), (245, 16_384));
    assert_eq!(d.original_size, (300, 20_000));
}

/// `jpeg` with `count` APP2 (colour profile) segments of `len` bytes
/// put right after its frame header.
pub fn with_segments_after_frame(jpeg: &[u8], count: usize, len: usize) -> Vec<u8> {
    let sof = jpeg.windows(2).position(|m| m == [0xff, 0xc0]).unwrap();
    let end = sof + 2 + u16::from_be_bytes([jpeg[sof + 2], jpeg[sof + 3]]) as usize;
    let mut segment = vec![0xff, 0xe2];
    segment.extend(((len + 2) as u16).to_be_bytes());
    segment.extend(b"ICC_PROFILE\0\x01\x01");
    segment.resize(4 + len, 0x55);
    let mut out = jpeg[..end].to_vec();
    for _ in 0..count {
        out.extend(&segment);
    }
    out.extend(&jpeg[end..]);
    out
}

#[test]
fn segments_after_the_frame_header_are_left_out_of_the_decode() {
    let p = DynamicImage::ImageRgba16(picture(21, 11));
    let plain = encode(DynamicImage::ImageRgb8(p.to_rgb8()), ImageFormat::Jpeg);
    let padded = with_segments_after_frame(&plain, 40, 60_000);
    let (a, b) = (
        decode_photo(&plain).unwrap(),
        decode_photo(&padded).unwrap(),
    );
    assert_eq!(a.photo.pixels, b.photo.pixels);
}

#[test]
fn a_file_whose_headers_disagree_about_its_size_is_refused() {
    // Found by the decode fuzzer (its first byte steers the fuzzer): a JPEG
    // whose quantisation table's length lies, so that the sniffer, walking
    // segments by their lengths, reads an 8×72 frame header while the
    // decoder reads an 8×8 one. Decoded, it would be a size never checked.
    let file = std::fs::read("fuzz/seeds/decode/lying_dqt_length.jpg").unwrap();
    let jpeg = &file[1..];
    let sniffed = sniff_bytes(jpeg).unwrap();
    assert_eq!((sniffed.width, sniffed.height), (8, 72));
    let e = decode_photo(jpeg).expect_err("refused");
    assert_eq!(e.code, ErrorCode::NotAnImage);
    assert!(e.message.contains("disagree"), "{}", e.message);
}
