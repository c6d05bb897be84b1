//! Reading photo files natively (the `smp` command line and the fuzz targets).
//!
//! The browser decodes with its own decoders; this module gives the command
//! line the same outcomes for the same files: the same refusals with the same
//! codes (from [`crate::sniff`], the sniffer the page calls too, before any
//! pixel is decoded), EXIF orientation applied, and photos above the working
//! limit reduced to it.
//!
//! Memory stays near the working size whatever the file (one module a
//! format where the `image` crate's whole-image decode would not):
//! - PNG rows stream from the decoder into the reduction
//!   ([`AreaResampler`]) so a 250 MP PNG is never held whole (interlaced
//!   ones, whose rows come in seven passes, a band of rows at a time:
//!   `interlace.rs`); its text and colour-profile chunks are skipped and
//!   every other chunk is capped ([`CHUNK_BYTES`]);
//! - JPEGs above the working size stream a row at a time from libjpeg-turbo
//!   into the reduction, large progressive ones are refused, and segments
//!   after the frame header are left out (`jpeg.rs`);
//! - GIF frames are read a row at a time (`gif.rs`; interlaced ones a band
//!   at a time, as PNG), uncompressed BMPs a
//!   strip at a time (`bmp.rs`);
//! - WebP and RLE bitmaps (whole images only) are refused above the
//!   working size by the sniffer, and decoded whole up to it.

mod bmp;
mod gif;
mod interlace;
mod jpeg;

use std::io::{BufRead, Cursor, Read, Seek, SeekFrom};

use image::metadata::Orientation;
use image::{ColorType, DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

use crate::error::{ensure_room, ErrorCode, SmpError};
use crate::raster::{check_decode_size, working_size, AreaResampler, Mask, Rgba8Image};
use crate::sniff::{sniff_bytes, truncated};
pub use crate::sniff::{Format, ImageInfo};

/// The most memory a PNG's chunks other than the pixels may take (16 MiB):
/// EXIF and the like; a colour profile or text that inflates to a gigabyte
/// is never read.
pub const CHUNK_BYTES: usize = 16 << 20;

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

/// The formats the browser reads but the command line does not.
fn refuse_unreadable(format: Format) -> Result<(), SmpError> {
    let message = match format {
        Format::Heic => "HEIC photos (the iPhone's own format) cannot be read here. Share the photo as JPEG, or on the iPhone choose Settings › Camera › Formats › Most Compatible.",
        Format::Avif => "AVIF images cannot be read by the command line. Please convert it to JPEG or PNG.",
        _ => return Ok(()),
    };
    Err(SmpError::new(ErrorCode::UnsupportedFormat, message))
}

fn damaged(e: &ImageError) -> SmpError {
    match e {
        ImageError::Limits(_) => SmpError::new(
            ErrorCode::ImageTooLarge,
            "This photo needs more memory to open than this tool allows. Please use a smaller photo.",
        ),
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => truncated(),
        _ => SmpError::new(
            ErrorCode::NotAnImage,
            format!("This file is damaged and cannot be read as a photo ({e})."),
        ),
    }
}

fn png_damaged(e: png::DecodingError) -> SmpError {
    match e {
        png::DecodingError::LimitsExceeded => SmpError::new(
            ErrorCode::ImageTooLarge,
            "This photo needs more memory to open than this tool allows. Please use a smaller photo.",
        ),
        png::DecodingError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            truncated()
        }
        e => damaged(&ImageError::IoError(std::io::Error::other(e.to_string()))),
    }
}

/// Decodes a whole photo file held in memory: [`decode_photo_from`] after
/// the sniffer.
pub fn decode_photo(bytes: &[u8]) -> Result<DecodedPhoto, SmpError> {
    let info = sniff_bytes(bytes)?;
    decode_photo_from(Cursor::new(bytes), info)
}

/// Decodes a photo file whose header [`crate::sniff::sniff_image`] has read
/// as `info`: applies EXIF orientation, and reduces photos above the working
/// limit ([`crate::raster::MAX_PIXELS`]) to it by area averaging, row by row.
pub fn decode_photo_from<R: BufRead + Seek>(
    reader: R,
    info: ImageInfo,
) -> Result<DecodedPhoto, SmpError> {
    refuse_unreadable(info.format)?;
    let rows = read_rows(reader, info, Want::Rgba, working_size)?;
    let (w, h) = rows.size;
    let mut img = DynamicImage::ImageRgba8(
        image::RgbaImage::from_raw(w, h, rows.pixels).ok_or_else(wrong_size)?,
    );
    img.apply_orientation(rows.orientation);
    let turned = matches!(
        rows.orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    );
    let (sw, sh) = rows.source_size;
    let original_size = if turned { (sh, sw) } else { (sw, sh) };
    let (ww, wh) = (img.width(), img.height());
    Ok(DecodedPhoto {
        photo: Rgba8Image::new(ww, wh, img.into_rgba8().into_raw())?,
        has_alpha: rows.has_alpha,
        original_size,
    })
}

/// Decodes a mask file whose header reads as `info` into weights (its alpha,
/// or its grey level when it has no alpha), reduced to `size` when that is
/// smaller; no orientation is applied (a mask's pixels line up with the
/// photo's upright pixels as stored).
pub fn decode_mask_from<R: BufRead + Seek>(
    reader: R,
    info: ImageInfo,
    size: (u32, u32),
) -> Result<Mask, SmpError> {
    refuse_unreadable(info.format)?;
    let rows = read_rows(reader, info, Want::Weight, |_, _| size)?;
    Mask::new(rows.size.0, rows.size.1, rows.pixels)
}

/// A zeroed buffer for a decoder to fill. Checked for room first (so a
/// failure is an error value), then taken zeroed from the system: pages a
/// decoder never writes (a file that claims more than it holds) cost no
/// memory, where writing the zeros first would cost all of it.
fn zeroed(len: usize) -> Result<Vec<u8>, SmpError> {
    ensure_room(len, "photo")?;
    Ok(vec![0; len])
}

/// The command line's mask reader: a mask (sniffed as `info`) for a photo
/// worked on at `working` whose file's upright size is `original`. Its size
/// must be the working size, or the original size when the photo was
/// reduced (the mask is then reduced with it); anything else is refused as
/// `mask-size-mismatch` before a pixel of it is decoded.
pub fn mask_for_photo<R: BufRead + Seek>(
    reader: R,
    info: ImageInfo,
    working: (u32, u32),
    original: (u32, u32),
) -> Result<Mask, SmpError> {
    let size = (info.width, info.height);
    if size != working && !(working != original && size == original) {
        return Err(SmpError::new(
            ErrorCode::MaskSizeMismatch,
            format!(
                "The mask is {}×{} pixels; the photo is {}×{}.",
                size.0, size.1, original.0, original.1
            ),
        ));
    }
    decode_mask_from(reader, info, working)
}

/// The size the decoder itself reads from a file's header (sniffed as
/// `info`), set up as for decoding; for the fuzz targets, which check it
/// against the sniffer's (the decode checks it too).
pub fn decoder_size<R: BufRead + Seek>(reader: R, info: ImageInfo) -> Result<(u32, u32), SmpError> {
    if info.format == Format::Png {
        let mut decoder = png::Decoder::new_with_limits(reader, png::Limits { bytes: CHUNK_BYTES });
        decoder.set_ignore_text_chunk(true);
        decoder.set_ignore_iccp_chunk(true);
        let reader = decoder.read_info().map_err(png_damaged)?;
        return Ok((reader.info().width, reader.info().height));
    }
    let decoder = image_decoder(reader, info)?;
    Ok(decoder.dimensions())
}

/// Bytes a row of a `total`-byte image of `h` rows, when that divides.
fn row_bytes(total: usize, h: u32) -> Result<usize, SmpError> {
    let row = total / h.max(1) as usize;
    if row == 0 || row * h as usize != total {
        return Err(wrong_size());
    }
    Ok(row)
}

fn wrong_size() -> SmpError {
    SmpError::new(
        ErrorCode::BadImage,
        "The decoder gave a buffer of the wrong size.",
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Want {
    /// RGBA, 4 bytes a pixel.
    Rgba,
    /// One weight a pixel: alpha, or grey when there is no alpha.
    Weight,
}

/// Decoded, reduced pixels in the file's stored orientation.
struct Rows {
    pixels: Vec<u8>,
    size: (u32, u32),
    source_size: (u32, u32),
    has_alpha: bool,
    orientation: Orientation,
}

/// Turns decoded rows of any colour type into `want` pixels and reduces
/// them as they come.
struct RowSink {
    color: ColorType,
    width: u32,
    want: Want,
    resampler: AreaResampler,
    /// 16-bit samples arrive big-endian (PNG) rather than native.
    big_endian: bool,
}

impl RowSink {
    fn push(&mut self, row: &[u8]) -> Result<(), SmpError> {
        let w = self.width;
        let buf8 = |v: &[u8]| v.to_vec();
        let buf16 = |v: &[u8]| -> Vec<u16> {
            v.chunks_exact(2)
                .map(|b| {
                    if self.big_endian {
                        u16::from_be_bytes([b[0], b[1]])
                    } else {
                        u16::from_ne_bytes([b[0], b[1]])
                    }
                })
                .collect()
        };
        use image::ImageBuffer as B;
        // One row as an image, so the conversion is the `image` crate's own
        // (the same bits as converting the whole image).
        let img = match self.color {
            ColorType::L8 => B::from_raw(w, 1, buf8(row)).map(DynamicImage::ImageLuma8),
            ColorType::La8 => B::from_raw(w, 1, buf8(row)).map(DynamicImage::ImageLumaA8),
            ColorType::Rgb8 => B::from_raw(w, 1, buf8(row)).map(DynamicImage::ImageRgb8),
            ColorType::Rgba8 => B::from_raw(w, 1, buf8(row)).map(DynamicImage::ImageRgba8),
            ColorType::L16 => B::from_raw(w, 1, buf16(row)).map(DynamicImage::ImageLuma16),
            ColorType::La16 => B::from_raw(w, 1, buf16(row)).map(DynamicImage::ImageLumaA16),
            ColorType::Rgb16 => B::from_raw(w, 1, buf16(row)).map(DynamicImage::ImageRgb16),
            ColorType::Rgba16 => B::from_raw(w, 1, buf16(row)).map(DynamicImage::ImageRgba16),
            _ => None,
        }
        .ok_or_else(wrong_size)?;
        let out = match self.want {
            Want::Rgba => img.into_rgba8().into_raw(),
            Want::Weight if self.color.has_alpha() => {
                img.to_rgba8().pixels().map(|p| p.0[3]).collect()
            }
            Want::Weight => img.to_luma8().into_raw(),
        };
        self.resampler.push_row(&out)
    }
}

fn sink(
    color: ColorType,
    (w, h): (u32, u32),
    want: Want,
    target: (u32, u32),
    big_endian: bool,
) -> Result<RowSink, SmpError> {
    let channels = if want == Want::Rgba { 4 } else { 1 };
    Ok(RowSink {
        color,
        width: w,
        want,
        resampler: AreaResampler::new(w, h, channels, target.0, target.1)?,
        big_endian,
    })
}

/// Decodes `reader` (sniffed as `info`) row by row into `want` pixels at the
/// size `target(width, height)` gives for the decoder's own size.
fn read_rows<R: BufRead + Seek>(
    reader: R,
    info: ImageInfo,
    want: Want,
    target: impl Fn(u32, u32) -> (u32, u32),
) -> Result<Rows, SmpError> {
    if info.format == Format::Png {
        return read_png_rows(reader, want, target);
    }
    if info.format == Format::Jpeg {
        return read_jpeg_rows(reader, info, want, target);
    }
    if info.format == Format::Gif {
        return gif::read_rows(reader, want, target);
    }
    if info.format == Format::Bmp {
        let mut reader = reader;
        if let Some(rows) = bmp::read_rows(&mut reader, want, &target)? {
            return Ok(rows);
        }
        return read_whole(reader, info, want, target);
    }
    read_whole(reader, info, want, target)
}

/// Bytes a pixel (beyond [`CHUNK_BYTES`]) that a JPEG up to the working
/// size may take, segments after its frame header left out, and still be
/// decoded whole: cameras write well under one. More is padding or junk
/// within its scans, which the whole decode would first copy into memory.
const WHOLE_JPEG_BYTES_PER_PX: u64 = 1;

/// A JPEG: whole by the `image` crate's decoder when it needs no reduction
/// (the pixels it always gave), else, or when its bytes are more than such
/// a photo needs ([`WHOLE_JPEG_BYTES_PER_PX`]), row by row from libjpeg
/// into the reduction; either way without the APPn/COM segments after its
/// frame header nor anything after its end ([`jpeg::AfterFrame`]).
fn read_jpeg_rows<R: BufRead + Seek>(
    mut reader: R,
    info: ImageInfo,
    want: Want,
    target: impl Fn(u32, u32) -> (u32, u32),
) -> Result<Rows, SmpError> {
    let size = (info.width, info.height);
    let out = target(size.0, size.1);
    if out == size {
        let start = reader.stream_position().map_err(read_failed)?;
        let cap = size.0 as u64 * size.1 as u64 * WHOLE_JPEG_BYTES_PER_PX + CHUNK_BYTES as u64;
        // Counted first, then copied into a buffer of exactly that size:
        // a file of junk is never copied, and a good one only once.
        let len = std::io::copy(
            &mut jpeg::AfterFrame::new(&mut reader).take(cap + 1),
            &mut std::io::sink(),
        )
        .map_err(read_failed)?;
        reader.seek(SeekFrom::Start(start)).map_err(read_failed)?;
        if len <= cap {
            ensure_room(len as usize, "photo")?;
            let mut kept = Vec::with_capacity(len as usize);
            jpeg::AfterFrame::new(&mut reader)
                .take(len)
                .read_to_end(&mut kept)
                .map_err(read_failed)?;
            return read_whole(Cursor::new(kept), info, want, target);
        }
    }
    jpeg::read_streamed(reader, size, want, out)
}

fn read_failed(e: std::io::Error) -> SmpError {
    damaged(&ImageError::IoError(e))
}

/// Any format the `image` crate decodes whole, reduced row by row.
fn read_whole<R: BufRead + Seek>(
    reader: R,
    info: ImageInfo,
    want: Want,
    target: impl Fn(u32, u32) -> (u32, u32),
) -> Result<Rows, SmpError> {
    let mut decoder = image_decoder(reader, info)?;
    let (w, h) = decoder.dimensions();
    check_decode_size(w, h)?;
    // A broken orientation tag is not worth refusing a photo over.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let color = decoder.color_type();
    let total = usize::try_from(decoder.total_bytes()).map_err(|_| wrong_size())?;
    let mut buf = zeroed(total)?;
    decoder.read_image(&mut buf).map_err(|e| damaged(&e))?;
    let mut rows = sink(color, (w, h), want, target(w, h), false)?;
    for row in buf.chunks_exact(row_bytes(total, h)?) {
        rows.push(row)?;
    }
    drop(buf);
    Ok(Rows {
        size: target(w, h),
        pixels: rows.resampler.finish()?,
        source_size: (w, h),
        has_alpha: color.has_alpha(),
        orientation,
    })
}

/// The `image` crate's decoder for a non-PNG file, with limits.
fn image_decoder<'a, R: BufRead + Seek + 'a>(
    reader: R,
    info: ImageInfo,
) -> Result<impl ImageDecoder + 'a, SmpError> {
    let format = match info.format {
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Gif => ImageFormat::Gif,
        Format::Webp => ImageFormat::WebP,
        _ => ImageFormat::Bmp,
    };
    let mut reader = ImageReader::with_format(reader, format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(crate::raster::MAX_DECODE_SIDE_PX);
    limits.max_image_height = Some(crate::raster::MAX_DECODE_SIDE_PX);
    // The decoded image at up to 4 bytes a pixel (RGBA, or CMYK on its way
    // to RGB), and room for the decoders' tables.
    limits.max_alloc = Some(info.width as u64 * info.height as u64 * 4 + (64 << 20));
    reader.limits(limits);
    let decoder = reader.into_decoder().map_err(|e| damaged(&e))?;
    // The decoder's own header must give the size the sniffer read (a GIF's
    // frame: within the screen the sniffer grew to it). Segments damaged so
    // that the two walk them differently (the decode fuzzer finds JPEGs
    // whose lengths lie) make them disagree: refused, not decoded at a size
    // that was never checked.
    let (w, h) = decoder.dimensions();
    let agrees = if info.format == Format::Gif {
        w <= info.width && h <= info.height
    } else {
        (w, h) == (info.width, info.height)
    };
    if !agrees {
        return Err(SmpError::new(
            ErrorCode::NotAnImage,
            "This file is damaged: its headers disagree about its size, so it is not opened. Please choose another photo.",
        ));
    }
    Ok(decoder)
}

/// The PNG decoder as the command line sets it up: text and colour-profile
/// chunks skipped, other chunks capped, pixels expanded to whole bytes.
fn open_png<R: BufRead + Seek>(reader: R) -> Result<png::Reader<R>, SmpError> {
    let mut decoder = png::Decoder::new_with_limits(reader, png::Limits { bytes: CHUNK_BYTES });
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    decoder.set_transformations(png::Transformations::EXPAND);
    decoder.read_info().map_err(png_damaged)
}

fn read_png_rows<R: BufRead + Seek>(
    mut source: R,
    want: Want,
    target: impl Fn(u32, u32) -> (u32, u32),
) -> Result<Rows, SmpError> {
    let start = source.stream_position().map_err(read_failed)?;
    let mut reader = open_png(&mut source)?;
    let (w, h, interlaced) = {
        let i = reader.info();
        (i.width, i.height, i.interlaced)
    };
    check_decode_size(w, h)?;
    let orientation = reader
        .info()
        .exif_metadata
        .as_ref()
        .and_then(|exif| Orientation::from_exif_chunk(exif))
        .unwrap_or(Orientation::NoTransforms);
    let color = match reader.output_color_type() {
        (png::ColorType::Grayscale, png::BitDepth::Sixteen) => ColorType::L16,
        (png::ColorType::GrayscaleAlpha, png::BitDepth::Sixteen) => ColorType::La16,
        (png::ColorType::Rgb, png::BitDepth::Sixteen) => ColorType::Rgb16,
        (png::ColorType::Rgba, png::BitDepth::Sixteen) => ColorType::Rgba16,
        (png::ColorType::Grayscale, _) => ColorType::L8,
        (png::ColorType::GrayscaleAlpha, _) => ColorType::La8,
        (png::ColorType::Rgb, _) => ColorType::Rgb8,
        _ => ColorType::Rgba8,
    };
    let mut rows = sink(color, (w, h), want, target(w, h), true)?;
    if interlaced {
        // Adam7 rows come in passes: read a band of rows at a time.
        drop(reader);
        interlace::banded(
            &interlace::ADAM7,
            (w as usize, h as usize),
            color.bytes_per_pixel() as usize,
            interlace::BAND_BYTES,
            |take| {
                source.seek(SeekFrom::Start(start)).map_err(read_failed)?;
                let mut png = open_png(&mut source)?;
                while let Some(row) = png.next_row().map_err(png_damaged)? {
                    if !take(row.data())? {
                        break;
                    }
                }
                Ok(())
            },
            |row| rows.push(row),
        )?;
    } else {
        while let Some(row) = reader.next_row().map_err(png_damaged)? {
            rows.push(row.data())?;
        }
    }
    Ok(Rows {
        size: target(w, h),
        pixels: rows.resampler.finish()?,
        source_size: (w, h),
        has_alpha: color.has_alpha(),
        orientation,
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
            code(include_bytes!("../../tests/corpus/photo.heic")),
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
