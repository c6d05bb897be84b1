//! The one file sniffer (`src/sniff.rs`): every format's size from its
//! header, crafted "decompression bomb" headers refused before decoding,
//! files whose size cannot be read refused, and the same answer whether the
//! whole file is given (the CLI) or its head and tail (the page).

use std::io::Cursor;

use image::{ImageFormat, RgbaImage};
use smp_visualiser::sniff::{
    sniff_bytes, sniff_image, FileBytes, Format, ImageInfo, Sniffed, FIRST_HEAD_BYTES,
    MAX_HEADER_BYTES, TAIL_BYTES,
};
use smp_visualiser::ErrorCode;

fn encode(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
    let img = RgbaImage::from_fn(w, h, |x, y| image::Rgba([x as u8, y as u8, 90, 255]));
    let mut out = Vec::new();
    let img = image::DynamicImage::ImageRgba8(img);
    // JPEG has no alpha.
    let img = if format == ImageFormat::Jpeg {
        img.to_rgb8().into()
    } else {
        img
    };
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// Sniffs as the page does: the first 256 KiB and the last 64 KiB, then a
/// longer head whenever asked. Checks the answer is the whole file's.
fn sniff_as_page(bytes: &[u8]) -> Result<ImageInfo, ErrorCode> {
    let len = bytes.len() as u64;
    let tail = &bytes[(len - len.min(TAIL_BYTES)) as usize..];
    let mut head_len = len.min(FIRST_HEAD_BYTES);
    let mut asks = 0;
    let page = loop {
        let file = FileBytes::parts(&bytes[..head_len as usize], tail, len).unwrap();
        match sniff_image(&file) {
            Ok(Sniffed::Image(info)) => break Ok(info),
            Ok(Sniffed::NeedHead(n)) => {
                assert!(
                    n > head_len && n <= len.min(MAX_HEADER_BYTES),
                    "asked for {n}"
                );
                head_len = n;
                asks += 1;
                assert!(asks < 20, "too many asks");
            }
            Err(e) => break Err(e.code),
        }
    };
    let whole = sniff_bytes(bytes).map_err(|e| e.code);
    assert_eq!(page, whole, "the page and the CLI differ");
    whole
}

fn size(bytes: &[u8]) -> (Format, u32, u32) {
    let i = sniff_as_page(bytes).unwrap_or_else(|c| panic!("refused: {c:?}"));
    (i.format, i.width, i.height)
}

fn code(bytes: &[u8]) -> ErrorCode {
    sniff_as_page(bytes).expect_err("should be refused")
}

#[test]
fn every_readable_format_gives_its_size() {
    assert_eq!(size(&encode(7, 5, ImageFormat::Png)), (Format::Png, 7, 5));
    assert_eq!(size(&encode(9, 4, ImageFormat::Jpeg)), (Format::Jpeg, 9, 4));
    assert_eq!(size(&encode(6, 3, ImageFormat::Gif)), (Format::Gif, 6, 3));
    assert_eq!(size(&encode(5, 8, ImageFormat::WebP)), (Format::Webp, 5, 8));
    assert_eq!(size(&encode(3, 2, ImageFormat::Bmp)), (Format::Bmp, 3, 2));
    // The corpus's files from other encoders (Pillow, libavif, libheif).
    let corpus = |name: &str| std::fs::read(format!("tests/corpus/{name}")).unwrap();
    for (name, format) in [
        ("baseline.jpg", Format::Jpeg),
        ("progressive.jpg", Format::Jpeg),
        ("cmyk.jpg", Format::Jpeg),
        ("exif-6.jpg", Format::Jpeg),
        ("zero-padded.jpg", Format::Jpeg),
        ("animated.gif", Format::Gif),
        ("lossy.webp", Format::Webp),
        ("lossless-alpha.webp", Format::Webp),
        ("photo.bmp", Format::Bmp),
        ("photo.avif", Format::Avif),
        ("photo.heic", Format::Heic),
        ("rgba16.png", Format::Png),
    ] {
        let exif6 = name == "exif-6.jpg";
        let want = if exif6 { (240, 320) } else { (320, 240) };
        assert_eq!(size(&corpus(name)), (format, want.0, want.1), "{name}");
    }
    for (name, want) in [
        ("empty.jpg", ErrorCode::EmptyFile),
        ("text-renamed.jpg", ErrorCode::NotAnImage),
        ("truncated.jpg", ErrorCode::TruncatedFile),
        ("truncated.png", ErrorCode::TruncatedFile),
        ("photo.tif", ErrorCode::UnsupportedFormat),
        ("script.svg", ErrorCode::UnsupportedFormat),
        ("bomb-header.png", ErrorCode::ImageTooLarge),
        ("bomb-zeros.png", ErrorCode::ImageTooLarge),
        ("bomb.gif", ErrorCode::ImageTooLarge),
    ] {
        assert_eq!(code(&corpus(name)), want, "{name}");
    }
}

fn le16(v: u32) -> [u8; 2] {
    (v as u16).to_le_bytes()
}

/// A BMP header (BITMAPINFOHEADER) with `compression` (1 = RLE8) and a few
/// bytes of data: decoders used to run the RLE to fill what it claims.
fn bmp(w: i32, h: i32, bpp: u16, compression: u32) -> Vec<u8> {
    let mut b = b"BM".to_vec();
    b.extend(1078u32.to_le_bytes());
    b.extend([0; 4]);
    b.extend(1078u32.to_le_bytes());
    b.extend(40u32.to_le_bytes());
    b.extend(w.to_le_bytes());
    b.extend(h.to_le_bytes());
    b.extend(1u16.to_le_bytes());
    b.extend(bpp.to_le_bytes());
    b.extend(compression.to_le_bytes());
    b.extend([0; 20]);
    b.resize(1078, 0);
    b.extend([0, 1]); // RLE8: end of bitmap
    b
}

#[test]
fn bitmaps_sizes_and_bombs() {
    assert_eq!(size(&bmp(10, 20, 8, 0)), (Format::Bmp, 10, 20));
    // Negative height: rows stored top-down, same size.
    assert_eq!(size(&bmp(10, -20, 8, 0)), (Format::Bmp, 10, 20));
    // A 1 KB RLE bitmap claiming 16000×16000 (256 MP).
    let bomb = bmp(16_000, 16_000, 8, 1);
    assert!(bomb.len() < 1100);
    assert_eq!(code(&bomb), ErrorCode::ImageTooLarge);
    assert_eq!(code(&bmp(70_000, 1, 8, 1)), ErrorCode::ImageTooLarge);
    // RLE rows vary in length, so such a bitmap is decoded whole: above the
    // working size (24 MP) it is refused, 15000×15000 (225 MP) too; an
    // uncompressed one of that size is read a strip at a time.
    assert_eq!(size(&bmp(6000, 4000, 8, 1)), (Format::Bmp, 6000, 4000));
    assert_eq!(code(&bmp(6000, 4001, 8, 1)), ErrorCode::ImageTooLarge);
    assert_eq!(code(&bmp(15_000, 15_000, 8, 1)), ErrorCode::ImageTooLarge);
    assert_eq!(
        size(&bmp(15_000, 15_000, 8, 0)),
        (Format::Bmp, 15_000, 15_000)
    );
    assert_eq!(code(&bmp(-5, 5, 8, 0)), ErrorCode::NotAnImage);
    assert_eq!(code(&bmp(5, i32::MIN, 8, 0)), ErrorCode::NotAnImage);
    assert_eq!(code(&bmp(0, 5, 8, 0)), ErrorCode::NotAnImage);
    // An OS/2 bitmap's 16-bit size.
    let mut os2 = b"BM".to_vec();
    os2.extend([0; 12]);
    os2.extend(12u32.to_le_bytes());
    os2.extend(le16(300));
    os2.extend(le16(200));
    os2.extend([1, 0, 24, 0]);
    os2.resize(64, 0);
    assert_eq!(size(&os2), (Format::Bmp, 300, 200));
    // Text that starts with "BM" is not a bitmap.
    assert_eq!(
        code(b"BMW owners' club newsletter, spring issue"),
        ErrorCode::NotAnImage
    );
}

/// A JPEG: SOI, `padding` bytes of APP segments (64 KB each, as EXIF and
/// XMP blocks are), then a frame header claiming `w`×`h`, a scan and EOI.
fn jpeg(padding: usize, w: u16, h: u16) -> Vec<u8> {
    jpeg_with_scan(padding, w, h, 0)
}

/// [`jpeg`] with `scan` bytes of entropy-coded data.
fn jpeg_with_scan(padding: usize, w: u16, h: u16, scan: usize) -> Vec<u8> {
    let mut b = vec![0xff, 0xd8];
    let mut left = padding;
    while left > 0 {
        let n = left.min(65_533);
        b.extend([0xff, 0xe1]);
        b.extend(((n + 2) as u16).to_be_bytes());
        b.extend(std::iter::repeat_n(0x41, n));
        left -= n;
    }
    b.extend([0xff, 0xc0, 0, 17, 8]);
    b.extend(h.to_be_bytes());
    b.extend(w.to_be_bytes());
    b.extend([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    b.extend([0xff, 0xda, 0, 2]);
    b.extend(std::iter::repeat_n(0x55, scan));
    b.extend([0xff, 0xd9]);
    b
}

#[test]
fn jpeg_frame_headers_are_walked_to_wherever_they_are() {
    assert_eq!(size(&jpeg(0, 640, 480)), (Format::Jpeg, 640, 480));
    // The frame header past the first 256 KB: the page is asked for more.
    // (A scan of 100 KB after it, so it is not in the tail that is read anyway.)
    let far = jpeg_with_scan(300_000, 640, 480, 100_000);
    let tail = &far[far.len() - TAIL_BYTES as usize..];
    let head = FileBytes::parts(&far[..FIRST_HEAD_BYTES as usize], tail, far.len() as u64);
    assert!(matches!(
        sniff_image(&head.unwrap()),
        Ok(Sniffed::NeedHead(n)) if n > FIRST_HEAD_BYTES
    ));
    assert_eq!(size(&far), (Format::Jpeg, 640, 480));
    // …and a bomb there is still refused before decoding.
    assert_eq!(
        code(&jpeg_with_scan(300_000, 65_000, 65_000, 100_000)),
        ErrorCode::ImageTooLarge
    );
    assert_eq!(
        code(&jpeg_with_scan(3_000_000, 20_000, 20_000, 100_000)),
        ErrorCode::ImageTooLarge
    );
    // Beyond the first 16 MB the size is not looked for, even in the last
    // 64 KB, which is read anyway: refused (so a decoder never keeps more
    // than 16 MB of metadata from before it).
    for scan in [0, 100_000] {
        let far = jpeg_with_scan(MAX_HEADER_BYTES as usize + 100_000, 64, 64, scan);
        assert_eq!(code(&far), ErrorCode::NotAnImage);
    }
    // A scan before any frame header, or a height left to a DNL segment.
    assert_eq!(
        code(&[0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9]),
        ErrorCode::NotAnImage
    );
    assert_eq!(code(&jpeg(0, 640, 0)), ErrorCode::NotAnImage);
    // Cut short before the frame header, or after it.
    let whole = jpeg(1000, 640, 480);
    assert_eq!(code(&whole[..500]), ErrorCode::TruncatedFile);
    assert_eq!(code(&whole[..whole.len() - 4]), ErrorCode::TruncatedFile);
}

#[test]
fn a_jpeg_frame_the_decoder_skips_is_refused_not_sized() {
    // Found by the decode fuzzer: a lossless, arithmetic or differential
    // frame header (SOF3, 5-7, 9-11, 13-15) claiming one size, then a
    // baseline one. The `image` crate skips the first and decodes the
    // second, so a small first frame could hide a bomb. Photos never use
    // those codings: refused.
    let baseline = jpeg(0, 20_000, 20_000);
    for marker in [0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf] {
        let mut b = vec![
            0xff, 0xd8, 0xff, marker, 0, 11, 8, 0, 3, 1, 1, 1, 1, 0x11, 0,
        ];
        b.extend(&baseline[2..]);
        assert_eq!(code(&b), ErrorCode::UnsupportedFormat, "SOF {marker:#x}");
    }
    // Baseline, extended and progressive frames are sized as before.
    for marker in [0xc0, 0xc1, 0xc2] {
        let mut b = jpeg(0, 640, 480);
        b[3] = marker;
        assert_eq!(size(&b), (Format::Jpeg, 640, 480), "SOF {marker:#x}");
    }
}

/// [`jpeg`] with its frame header made progressive (SOF2) and
/// `components` colour components.
fn progressive_jpeg(w: u16, h: u16, components: u8) -> Vec<u8> {
    let mut b = jpeg(0, w, h);
    let sof = b.windows(2).position(|m| m == [0xff, 0xc0]).unwrap();
    b[sof + 1] = 0xc2;
    b[sof + 9] = components;
    b
}

#[test]
fn large_progressive_jpegs_are_refused_from_the_header_everywhere() {
    // Their decoders keep every coefficient (2 bytes a sample) to the last
    // scan: over 256 MiB the command line could not stay within its memory,
    // so the one sniffer refuses them for the page too.
    assert_eq!(
        code(&progressive_jpeg(9000, 6000, 3)),
        ErrorCode::ImageTooLarge
    );
    assert_eq!(
        code(&progressive_jpeg(7000, 6000, 4)),
        ErrorCode::ImageTooLarge
    );
    // Within the budget: 40 MP in colour, or 100 MP of grey.
    assert_eq!(
        size(&progressive_jpeg(8000, 5000, 3)),
        (Format::Jpeg, 8000, 5000)
    );
    assert_eq!(
        size(&progressive_jpeg(12_000, 8000, 1)),
        (Format::Jpeg, 12_000, 8000)
    );
    // A baseline JPEG of the first size is reduced, not refused.
    assert_eq!(size(&jpeg(0, 9000, 6000)), (Format::Jpeg, 9000, 6000));
    let err = sniff_bytes(&progressive_jpeg(9000, 6000, 3)).unwrap_err();
    assert!(err.message.contains("baseline JPEG"), "{}", err.message);
}

/// A GIF: logical screen `sw`×`sh`, a comment of `comment` bytes, then a
/// frame of `fw`×`fh` at (`fx`, `fy`).
fn gif(sw: u32, sh: u32, comment: usize, (fx, fy, fw, fh): (u32, u32, u32, u32)) -> Vec<u8> {
    let mut b = b"GIF89a".to_vec();
    b.extend(le16(sw));
    b.extend(le16(sh));
    b.extend([0x80, 0, 0]); // a global colour table of 2 entries
    b.extend([0, 0, 0, 255, 255, 255]);
    if comment > 0 {
        b.extend([0x21, 0xfe]);
        let mut left = comment;
        while left > 0 {
            let n = left.min(255);
            b.push(n as u8);
            b.extend(std::iter::repeat_n(b'x', n));
            left -= n;
        }
        b.push(0);
    }
    b.push(0x2c);
    for v in [fx, fy, fw, fh] {
        b.extend(le16(v));
    }
    b.extend([0, 2, 2, 0x4c, 0x01, 0, 0x3b]);
    b
}

#[test]
fn gif_screens_and_first_frames() {
    assert_eq!(size(&gif(40, 30, 0, (0, 0, 40, 30))), (Format::Gif, 40, 30));
    // A first frame larger than the screen (or off it) grows the size.
    assert_eq!(
        size(&gif(40, 30, 0, (10, 5, 50, 20))),
        (Format::Gif, 60, 30)
    );
    assert_eq!(
        code(&gif(10, 10, 0, (0, 0, 30_000, 30_000))),
        ErrorCode::ImageTooLarge
    );
    assert_eq!(
        code(&gif(65_535, 65_535, 0, (0, 0, 1, 1))),
        ErrorCode::ImageTooLarge
    );
    // A frame behind 400 KB of comment is found (the page asks for more).
    assert_eq!(
        code(&gif(10, 10, 400_000, (0, 0, 20_000, 20_000))),
        ErrorCode::ImageTooLarge
    );
    // No frame at all; a frame of no pixels; cut before the frame.
    let mut none = gif(10, 10, 0, (0, 0, 1, 1));
    none.truncate(19);
    none.push(0x3b);
    assert_eq!(code(&none), ErrorCode::NotAnImage);
    assert_eq!(code(&gif(0, 0, 0, (0, 0, 0, 0))), ErrorCode::NotAnImage);
    assert_eq!(
        code(&gif(10, 10, 1000, (0, 0, 1, 1))[..600]),
        ErrorCode::TruncatedFile
    );
}

fn riff(chunk: &[u8], data: &[u8]) -> Vec<u8> {
    let mut b = b"RIFF".to_vec();
    b.extend(((4 + 8 + data.len()) as u32).to_le_bytes());
    b.extend(b"WEBP");
    b.extend(chunk);
    b.extend((data.len() as u32).to_le_bytes());
    b.extend(data);
    b
}

#[test]
fn webp_sizes_from_each_kind_of_header() {
    let vp8x = |w: u32, h: u32| {
        let mut d = vec![0x10, 0, 0, 0];
        d.extend(&(w - 1).to_le_bytes()[..3]);
        d.extend(&(h - 1).to_le_bytes()[..3]);
        riff(b"VP8X", &d)
    };
    assert_eq!(size(&vp8x(300, 200)), (Format::Webp, 300, 200));
    // Above the working size (24 MP) a WebP is refused: it can only be
    // decoded whole.
    assert_eq!(size(&vp8x(6000, 4000)), (Format::Webp, 6000, 4000));
    assert_eq!(code(&vp8x(6000, 4001)), ErrorCode::ImageTooLarge);
    assert_eq!(code(&vp8x(20_000, 20_000)), ErrorCode::ImageTooLarge);
    assert_eq!(code(&vp8x(1 << 24, 1)), ErrorCode::ImageTooLarge);
    let vp8 = |w: u32, h: u32| {
        let mut d = vec![0x50, 0x02, 0x00, 0x9d, 0x01, 0x2a];
        d.extend(le16(w));
        d.extend(le16(h));
        d.resize(32, 0);
        riff(b"VP8 ", &d)
    };
    assert_eq!(size(&vp8(640, 480)), (Format::Webp, 640, 480));
    // 14 bits a side: at most 16383×16383, 268 MP.
    assert_eq!(code(&vp8(16_383, 16_383)), ErrorCode::ImageTooLarge);
    let mut broken = vp8(640, 480);
    broken[23] = 0;
    assert_eq!(code(&broken), ErrorCode::NotAnImage);
    let vp8l = |w: u32, h: u32| {
        let mut d = vec![0x2f];
        d.extend(((w - 1) | (h - 1) << 14).to_le_bytes());
        d.resize(16, 0);
        riff(b"VP8L", &d)
    };
    assert_eq!(size(&vp8l(123, 45)), (Format::Webp, 123, 45));
    assert_eq!(code(&vp8l(16_384, 16_384)), ErrorCode::ImageTooLarge);
    assert_eq!(code(&riff(b"ICCP", &[0; 16])), ErrorCode::NotAnImage);
}

fn boxed(kind: &[u8], body: &[u8]) -> Vec<u8> {
    let mut b = ((8 + body.len()) as u32).to_be_bytes().to_vec();
    b.extend(kind);
    b.extend(body);
    b
}

/// An AVIF/HEIC file: `ftyp` with `brand`, and a `meta` box whose primary
/// item 1 has the `ispe` sizes given (the first is the primary's); `mdat`
/// before `meta` when `meta_last` (as some writers do).
fn iso(brand: &[u8], sizes: &[(u32, u32)], meta_last: bool, mdat: usize) -> Vec<u8> {
    let mut ftyp = brand.to_vec();
    ftyp.extend([0; 4]);
    ftyp.extend(b"mif1");
    ftyp.extend(brand);
    let mut ipco = Vec::new();
    for &(w, h) in sizes {
        let mut d = vec![0; 4];
        d.extend(w.to_be_bytes());
        d.extend(h.to_be_bytes());
        ipco.extend(boxed(b"ispe", &d));
    }
    // Item 1 → property 1; item 2 → property 2.
    let ipma = [0, 0, 0, 0, 0, 0, 0, 2, 0, 1, 1, 0x81, 0, 2, 1, 0x82];
    let iprp = boxed(
        b"iprp",
        &[boxed(b"ipco", &ipco), boxed(b"ipma", &ipma)].concat(),
    );
    let pitm = boxed(b"pitm", &[0, 0, 0, 0, 0, 1]);
    let meta = boxed(b"meta", &[vec![0; 4], pitm, iprp].concat());
    let mdat = boxed(b"mdat", &vec![7; mdat]);
    let mut b = boxed(b"ftyp", &ftyp);
    if meta_last {
        b.extend(mdat);
        b.extend(meta);
    } else {
        b.extend(meta);
        b.extend(mdat);
    }
    b
}

#[test]
fn avif_and_heic_sizes_come_from_ispe() {
    assert_eq!(
        size(&iso(b"avif", &[(640, 480), (64, 48)], false, 100)),
        (Format::Avif, 640, 480)
    );
    assert_eq!(
        size(&iso(b"heic", &[(4032, 3024)], false, 100)),
        (Format::Heic, 4032, 3024)
    );
    // The primary, not the largest, is the size…
    assert_eq!(
        size(&iso(b"avif", &[(64, 48), (640, 480)], false, 100)),
        (Format::Avif, 64, 48)
    );
    // …but any item too large to decode refuses the file.
    assert_eq!(
        code(&iso(b"avif", &[(64, 48), (30_000, 30_000)], false, 100)),
        ErrorCode::ImageTooLarge
    );
    assert_eq!(
        code(&iso(b"avif", &[(60_000, 60_000)], false, 100)),
        ErrorCode::ImageTooLarge
    );
    // `meta` after a 20 MB `mdat` is read from the file's tail.
    assert_eq!(
        size(&iso(b"avif", &[(640, 480)], true, 20 << 20)),
        (Format::Avif, 640, 480)
    );
    assert_eq!(
        code(&iso(b"heic", &[(40_000, 40_000)], true, 20 << 20)),
        ErrorCode::ImageTooLarge
    );
    // No size at all, or boxes that do not fit: refused.
    assert_eq!(code(&iso(b"avif", &[], false, 100)), ErrorCode::NotAnImage);
    let mut broken = iso(b"avif", &[(640, 480)], false, 100);
    broken[24..28].copy_from_slice(&9_999u32.to_be_bytes());
    assert_eq!(code(&broken), ErrorCode::NotAnImage);
    // An MP4 video is not a photo.
    assert_eq!(code(&iso(b"isom", &[], false, 100)), ErrorCode::NotAnImage);
}

#[test]
fn png_headers() {
    let good = encode(4, 4, ImageFormat::Png);
    let mut bomb = good.clone();
    bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    assert_eq!(code(&bomb), ErrorCode::ImageTooLarge);
    let mut not_ihdr = good.clone();
    not_ihdr[12..16].copy_from_slice(b"tEXt");
    assert_eq!(code(&not_ihdr), ErrorCode::NotAnImage);
    let mut zero = good.clone();
    zero[16..20].copy_from_slice(&0u32.to_be_bytes());
    assert_eq!(code(&zero), ErrorCode::NotAnImage);
    assert_eq!(code(&good[..20]), ErrorCode::TruncatedFile);
    assert_eq!(code(&good[..good.len() - 1]), ErrorCode::TruncatedFile);
}

#[test]
fn a_broken_contract_is_an_error_not_a_guess() {
    let f = jpeg(0, 8, 8);
    // The tail must be the file's last min(size, 64 KiB) bytes.
    assert!(FileBytes::parts(&f[..10], &f[..5], f.len() as u64).is_err());
    assert!(FileBytes::parts(&f, &[], 3).is_err());
    assert!(FileBytes::parts(&f, &[], f.len() as u64).is_ok());
}

/// The sniffer's hint that a JPEG's EXIF orientation turns it a quarter
/// (the page places a photo's dots for its upright size before decoding
/// it) agrees with the decoder, which turns it: on the corpus's eight
/// orientations, and on a file whose first APP1 is XMP, not EXIF.
#[test]
fn a_quarter_turn_is_told_from_the_header_as_the_decoder_turns_it() {
    for n in 1..=8 {
        let name = format!("exif-{n}.jpg");
        let bytes = std::fs::read(format!("tests/corpus/{name}")).unwrap();
        let info = sniff_as_page(&bytes).unwrap();
        let photo = smp_visualiser::decode::decode_photo(&bytes).unwrap().photo;
        assert_ne!(info.width, info.height, "{name}: a square tells nothing");
        let swapped = (photo.width, photo.height) == (info.height, info.width);
        assert_eq!(info.turned, swapped, "{name}");
        assert_eq!(info.turned, n >= 5, "{name}");
    }
    let plain = encode(30, 20, ImageFormat::Jpeg);
    assert!(!sniff_as_page(&plain).unwrap().turned);
    let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0".to_vec();
    exif.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    let segment = |body: &[u8]| {
        let mut s = vec![0xff, 0xe1];
        s.extend(((body.len() + 2) as u16).to_be_bytes());
        s.extend(body);
        s
    };
    let mut turned = plain[..2].to_vec();
    turned.extend(segment(b"http://ns.adobe.com/xap/1.0/\0<x/>"));
    turned.extend(segment(&exif));
    turned.extend(&plain[2..]);
    assert!(sniff_as_page(&turned).unwrap().turned);
    let photo = smp_visualiser::decode::decode_photo(&turned).unwrap().photo;
    assert_eq!((photo.width, photo.height), (20, 30));
}
