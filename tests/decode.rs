//! The command line's streamed decoding (`src/decode.rs`) gives the same
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
