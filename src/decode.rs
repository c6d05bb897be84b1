//! Reading photo files natively (the `smp` command line and the fuzz targets).
//!
//! The browser decodes with its own decoders; this module gives the command
//! line the same outcomes for the same files: the same refusals with the same
//! codes (checked from the header before any pixel is decoded), EXIF
//! orientation applied, and photos above the working limit reduced to it.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use crate::error::{ErrorCode, SmpError};
use crate::raster::{check_decode_size, resample_area, working_size, Rgba8Image};

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// PNG (also APNG).
    Png,
    /// JPEG (baseline, progressive, CMYK).
    Jpeg,
    /// GIF (animated ones give their first frame).
    Gif,
    /// WebP, lossy or lossless.
    Webp,
    /// Windows bitmap.
    Bmp,
    /// AVIF (an AV1 still in an ISO media file).
    Avif,
    /// HEIC/HEIF (an HEVC still in an ISO media file, as iPhones save).
    Heic,
    /// TIFF.
    Tiff,
    /// An SVG drawing (text).
    Svg,
    /// Anything else.
    Other,
}

/// What the header tells before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// The kind of file.
    pub kind: FileKind,
    /// Size in pixels as stored (before EXIF orientation), where the header gives it.
    pub size: Option<(u32, u32)>,
    /// True when the file visibly ends early (no PNG `IEND`, no JPEG end marker).
    pub truncated: bool,
}

fn u32be(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

fn jpeg_size(b: &[u8]) -> Option<(u32, u32)> {
    let mut i = 2;
    while i + 9 < b.len() {
        if b[i] != 0xff {
            i += 1;
            continue;
        }
        let marker = b[i + 1];
        if marker == 0xff {
            i += 1;
            continue;
        }
        let len = u16::from_be_bytes([b[i + 2], b[i + 3]]) as usize;
        let is_sof = (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker);
        if is_sof {
            let h = u16::from_be_bytes([b[i + 5], b[i + 6]]) as u32;
            let w = u16::from_be_bytes([b[i + 7], b[i + 8]]) as u32;
            return Some((w, h));
        }
        i += 2 + len;
    }
    None
}

/// Reads a file's kind, stored size and visible truncation from its bytes.
/// The page does the same in JavaScript (`sniff` in `www/smp-visualiser.js`),
/// so both refuse the same files with the same codes.
pub fn sniff(bytes: &[u8]) -> Sniffed {
    let b = bytes;
    let other = Sniffed {
        kind: FileKind::Other,
        size: None,
        truncated: false,
    };
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        if b.len() < 24 || &b[12..16] != b"IHDR" {
            return Sniffed {
                kind: FileKind::Png,
                size: None,
                truncated: b.len() < 24,
            };
        }
        let ends = b.len() >= 12 && &b[b.len() - 8..b.len() - 4] == b"IEND";
        return Sniffed {
            kind: FileKind::Png,
            size: Some((u32be(b, 16), u32be(b, 20))),
            truncated: !ends,
        };
    }
    if b.starts_with(&[0xff, 0xd8, 0xff]) {
        // Some cameras pad after the end marker with zeros.
        let mut end = b.len();
        while end > 2 && b[end - 1] == 0 {
            end -= 1;
        }
        let tail = &b[end.saturating_sub(64)..end];
        let has_eoi = tail.windows(2).any(|w| w == [0xff, 0xd9]);
        let head = &b[..b.len().min(256 * 1024)];
        return Sniffed {
            kind: FileKind::Jpeg,
            size: jpeg_size(head),
            truncated: !has_eoi,
        };
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        let size = (b.len() >= 10).then(|| {
            (
                u16::from_le_bytes([b[6], b[7]]) as u32,
                u16::from_le_bytes([b[8], b[9]]) as u32,
            )
        });
        return Sniffed {
            kind: FileKind::Gif,
            size,
            truncated: false,
        };
    }
    if b.len() >= 12 && &b[0..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        return Sniffed {
            kind: FileKind::Webp,
            size: None,
            truncated: false,
        };
    }
    if b.starts_with(b"BM") && b.len() >= 26 {
        return Sniffed {
            kind: FileKind::Bmp,
            size: None,
            truncated: false,
        };
    }
    if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        return Sniffed {
            kind: FileKind::Tiff,
            size: None,
            truncated: false,
        };
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" {
        let brands = &b[8..b.len().min(64)];
        let has = |brand: &[u8]| brands.chunks(4).any(|c| c == brand);
        if has(b"avif") || has(b"avis") {
            return Sniffed {
                kind: FileKind::Avif,
                ..other
            };
        }
        if has(b"heic") || has(b"heix") || has(b"hevc") || has(b"heim") || has(b"mif1") {
            return Sniffed {
                kind: FileKind::Heic,
                ..other
            };
        }
    }
    if looks_like_svg(b) {
        return Sniffed {
            kind: FileKind::Svg,
            ..other
        };
    }
    other
}

fn looks_like_svg(b: &[u8]) -> bool {
    let head = &b[..b.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<') && t.to_ascii_lowercase().contains("<svg")
}

/// A decoded photo ready for the engine.
#[derive(Debug, Clone)]
pub struct DecodedPhoto {
    /// The pixels, upright (EXIF orientation applied), at the working size.
    pub photo: Rgba8Image,
    /// True when the file has an alpha channel (the result then keeps one).
    pub has_alpha: bool,
    /// The upright size of the file's own pixels, before any reduction.
    pub original_size: (u32, u32),
}

impl DecodedPhoto {
    /// True when the photo was reduced to the working limit.
    pub fn downscaled(&self) -> bool {
        self.original_size != (self.photo.width, self.photo.height)
    }
}

/// The sentence shown when a photo is reduced to the working limit.
pub fn downscale_notice(original: (u32, u32), working: (u32, u32)) -> String {
    format!(
        "This photo is {}×{} pixels; it was reduced to {}×{}, the most this tool works with ({} megapixels, {} pixels a side).",
        original.0,
        original.1,
        working.0,
        working.1,
        crate::raster::MAX_PIXELS / 1_000_000,
        crate::raster::MAX_SIDE_PX
    )
}

fn refusal(kind: FileKind) -> Option<SmpError> {
    let (code, message) = match kind {
        FileKind::Heic => (
            ErrorCode::UnsupportedFormat,
            "HEIC photos (the iPhone's own format) cannot be read here. Share the photo as JPEG, or on the iPhone choose Settings › Camera › Formats › Most Compatible.",
        ),
        FileKind::Avif => (
            ErrorCode::UnsupportedFormat,
            "AVIF images cannot be read by the command line. Please convert it to JPEG or PNG.",
        ),
        FileKind::Tiff => (
            ErrorCode::UnsupportedFormat,
            "TIFF images cannot be read here. Please convert it to JPEG or PNG.",
        ),
        FileKind::Svg => (
            ErrorCode::UnsupportedFormat,
            "This is a drawing (SVG), not a photo. Please choose a JPEG or PNG photo.",
        ),
        FileKind::Other => (
            ErrorCode::NotAnImage,
            "This file is not a photo this tool can read. Please choose a JPEG or PNG photo.",
        ),
        _ => return None,
    };
    Some(SmpError::new(code, message))
}

fn damaged(e: &ImageError) -> SmpError {
    match e {
        ImageError::Limits(_) => SmpError::new(
            ErrorCode::ImageTooLarge,
            "This photo needs more memory to open than this tool allows. Please use a smaller photo.",
        ),
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            truncated()
        }
        _ => SmpError::new(
            ErrorCode::NotAnImage,
            format!("This file is damaged and cannot be read as a photo ({e})."),
        ),
    }
}

fn truncated() -> SmpError {
    SmpError::new(
        ErrorCode::TruncatedFile,
        "This photo file is incomplete (it may not have finished downloading). Please choose it again or use another photo.",
    )
}

/// Decodes a photo file: refuses what cannot be read with a clear code,
/// applies EXIF orientation, and reduces photos above the working limit
/// ([`crate::raster::MAX_PIXELS`]) to it by area averaging.
pub fn decode_photo(bytes: &[u8]) -> Result<DecodedPhoto, SmpError> {
    if bytes.is_empty() {
        return Err(SmpError::new(
            ErrorCode::EmptyFile,
            "This file is empty. Please choose a photo.",
        ));
    }
    let sniffed = sniff(bytes);
    if let Some(e) = refusal(sniffed.kind) {
        return Err(e);
    }
    if let Some((w, h)) = sniffed.size {
        check_decode_size(w, h)?;
    }
    if sniffed.truncated {
        return Err(truncated());
    }
    let format = match sniffed.kind {
        FileKind::Png => ImageFormat::Png,
        FileKind::Jpeg => ImageFormat::Jpeg,
        FileKind::Gif => ImageFormat::Gif,
        FileKind::Webp => ImageFormat::WebP,
        _ => ImageFormat::Bmp,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Room for the largest decodable photo at 16 bits per channel; the
    // decoders refuse anything needing more instead of aborting.
    let mut limits = Limits::default();
    limits.max_alloc = Some(crate::raster::MAX_DECODE_PIXELS * 8 + (64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| damaged(&e))?;
    let (w, h) = decoder.dimensions();
    check_decode_size(w, h)?;
    // A broken orientation tag is not worth refusing a photo over.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| damaged(&e))?;
    img.apply_orientation(orientation);
    let has_alpha = img.color().has_alpha();
    let rgba = img.into_rgba8();
    let original_size = rgba.dimensions();
    let (ww, wh) = working_size(original_size.0, original_size.1);
    let photo = if (ww, wh) == original_size {
        Rgba8Image::new(ww, wh, rgba.into_raw())?
    } else {
        let small = resample_area(rgba.as_raw(), original_size.0, original_size.1, 4, ww, wh)?;
        Rgba8Image::new(ww, wh, small)?
    };
    Ok(DecodedPhoto {
        photo,
        has_alpha,
        original_size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, rgba: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        image::RgbaImage::from_raw(w, h, rgba.to_vec())
            .unwrap()
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn refusals_have_codes() {
        let code = |b: &[u8]| decode_photo(b).unwrap_err().code;
        assert_eq!(code(b""), ErrorCode::EmptyFile);
        assert_eq!(code(b"hello, not a photo"), ErrorCode::NotAnImage);
        assert_eq!(
            code(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
            ErrorCode::UnsupportedFormat
        );
        assert_eq!(
            code(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            ErrorCode::UnsupportedFormat
        );
        let good = png(2, 2, &[9; 16]);
        assert_eq!(code(&good[..good.len() - 20]), ErrorCode::TruncatedFile);
        // A header that claims 100000×100000 pixels is refused before decoding.
        let mut bomb = good.clone();
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert_eq!(code(&bomb), ErrorCode::ImageTooLarge);
    }

    #[test]
    fn small_photos_decode_unchanged() {
        let rgba: Vec<u8> = (0..3 * 2 * 4).map(|i| (i * 10) as u8).collect();
        let d = decode_photo(&png(3, 2, &rgba)).unwrap();
        assert_eq!((d.photo.width, d.photo.height), (3, 2));
        assert_eq!(d.photo.pixels, rgba);
        assert!(d.has_alpha);
        assert!(!d.downscaled());
    }

    #[test]
    fn wide_photos_are_reduced_to_the_working_limit() {
        let (w, h) = (20_000u32, 2u32);
        let d = decode_photo(&png(w, h, &vec![200; (w * h * 4) as usize])).unwrap();
        assert_eq!(d.original_size, (20_000, 2));
        assert_eq!((d.photo.width, d.photo.height), (16_384, 1));
        assert!(d.downscaled());
        assert!(d.photo.pixels.iter().all(|&v| v == 200));
        assert!(downscale_notice(d.original_size, (16_384, 1)).contains("reduced to 16384×1"));
    }
}
