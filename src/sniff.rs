//! The one file sniffer: what a photo file is and how large it says it is,
//! read from its header before a single pixel is decoded.
//!
//! The page (through the wasm module's `sniffImage`) and the `smp` command
//! line both call [`sniff_image`], so a file is refused the same way, with the
//! same code, wherever it is opened. Every readable format's size comes from
//! its own header (PNG `IHDR`; the JPEG `SOFn` segment, walked to; GIF's
//! logical screen and first frame; WebP's `VP8 `/`VP8L`/`VP8X` chunk; the BMP
//! info header; the AVIF/HEIC `ispe` property), and a file whose size cannot
//! be read is refused: a decoder is never asked to find out.
//!
//! **Which bytes are read.** Only the file's first [`MAX_HEADER_BYTES`] and
//! its last [`TAIL_BYTES`] are ever looked at, whatever the caller holds, so
//! the outcome depends on the file alone. A caller that does not hold the
//! whole file passes a prefix (the *head*, [`FIRST_HEAD_BYTES`] to start
//! with) and the tail; when the header runs past the head (a JPEG whose
//! `SOFn` follows megabytes of metadata), the answer is
//! [`Sniffed::NeedHead`] and the caller asks again with a longer prefix.

use crate::error::{ErrorCode, SmpError};
use crate::raster::check_decode_size;

mod exif;
mod iso;
use iso::{iso_brand, iso_size};

/// Bytes of the file's start a caller should offer first (256 KiB): every
/// header of a usual photo lies within it.
pub const FIRST_HEAD_BYTES: u64 = 256 * 1024;
/// Bytes of the file's end the sniffer reads (64 KiB): PNG's `IEND`, JPEG's
/// end marker, and the `meta` box of AVIF/HEIC files that put it last.
pub const TAIL_BYTES: u64 = 64 * 1024;
/// How far into a file a header may reach (16 MiB). A JPEG whose size
/// segment lies further (behind that much metadata) is refused as
/// unreadable rather than read on and on.
pub const MAX_HEADER_BYTES: u64 = 16 * 1024 * 1024;

/// A photo format whose size the sniffer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PNG (also APNG).
    Png,
    /// JPEG (baseline, progressive, CMYK).
    Jpeg,
    /// GIF (animated ones give their first frame).
    Gif,
    /// WebP, lossy, lossless or extended.
    Webp,
    /// Windows bitmap.
    Bmp,
    /// AVIF (an AV1 still in an ISO media file).
    Avif,
    /// HEIC/HEIF (an HEVC still, as iPhones save).
    Heic,
}

impl Format {
    /// The format's name as the page sees it: `png`, `jpeg`, `gif`, `webp`,
    /// `bmp`, `avif`, `heic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Jpeg => "jpeg",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Bmp => "bmp",
            Format::Avif => "avif",
            Format::Heic => "heic",
        }
    }
}

/// What a file's header says: its format and its size in pixels as stored
/// (before EXIF orientation), already checked against the decode limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// The format.
    pub format: Format,
    /// Width in pixels (for GIF, the larger of the logical screen and the
    /// first frame's extent).
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Whether its EXIF orientation turns it a quarter, so that upright its
    /// width is `height` (read for JPEG only). A hint for work done before
    /// decoding: decoders apply the orientation themselves.
    pub turned: bool,
}

/// The sniffer's answer when it is given part of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// The header was read: the file may be decoded.
    Image(ImageInfo),
    /// The header goes on past the head given: ask again with at least this
    /// many of the file's first bytes (never more than [`MAX_HEADER_BYTES`]
    /// or the file's length).
    NeedHead(u64),
}

/// The parts of a file the sniffer may read: a prefix and the end.
#[derive(Debug, Clone, Copy)]
pub struct FileBytes<'a> {
    head: &'a [u8],
    tail: &'a [u8],
    len: u64,
}

impl<'a> FileBytes<'a> {
    /// A whole file.
    pub fn whole(bytes: &'a [u8]) -> Self {
        FileBytes {
            head: bytes,
            tail: &[],
            len: bytes.len() as u64,
        }
    }

    /// Part of a file of `len` bytes: `head` is its first bytes and `tail`
    /// its last `min(len, TAIL_BYTES)` bytes (any tail when `head` is the
    /// whole file). Anything else is a caller's mistake, refused as
    /// `bad-image` so it shows at once.
    pub fn parts(head: &'a [u8], tail: &'a [u8], len: u64) -> Result<Self, SmpError> {
        let whole = head.len() as u64 == len;
        let tail_ok = whole || tail.len() as u64 == len.min(TAIL_BYTES);
        if head.len() as u64 > len || !tail_ok {
            return Err(SmpError::new(
                ErrorCode::BadImage,
                format!(
                    "sniffImage needs the file's first bytes and its last min(size, {TAIL_BYTES}) bytes; got {} and {} of {len}.",
                    head.len(),
                    tail.len()
                ),
            ));
        }
        Ok(FileBytes { head, tail, len })
    }
}

/// Why a read inside the sniffer did not give bytes.
enum Miss {
    /// The file ends first.
    Eof,
    /// The bytes lie beyond the head given but within what may be read.
    NeedHead(u64),
    /// The bytes lie where the sniffer never reads.
    Unreadable,
    /// The header is damaged or its size cannot be read; the reason.
    Damaged(&'static str),
    /// Not a photo format that is read at all.
    Refused(SmpError),
}

impl FileBytes<'_> {
    /// `n` bytes at `at`, from the head region (the first
    /// [`MAX_HEADER_BYTES`]) or the tail region (the last [`TAIL_BYTES`]).
    fn get(&self, at: u64, n: u64) -> Result<&[u8], Miss> {
        let end = at.checked_add(n).ok_or(Miss::Eof)?;
        if end > self.len {
            return Err(Miss::Eof);
        }
        if end <= self.head.len() as u64 && (end <= MAX_HEADER_BYTES || at >= self.tail_start()) {
            return Ok(&self.head[at as usize..end as usize]);
        }
        if at >= self.tail_start() {
            let i = (at - self.tail_start()) as usize;
            return Ok(&self.tail[i..i + n as usize]);
        }
        if end <= self.len.min(MAX_HEADER_BYTES) {
            // Ask for room to go on (doubling), not for one more segment.
            let want = end.max(self.head.len() as u64 * 2).max(FIRST_HEAD_BYTES);
            return Err(Miss::NeedHead(want.min(self.len.min(MAX_HEADER_BYTES))));
        }
        Err(Miss::Unreadable)
    }

    /// Where the tail region starts.
    fn tail_start(&self) -> u64 {
        self.len - self.len.min(TAIL_BYTES)
    }

    fn byte(&self, at: u64) -> Result<u8, Miss> {
        Ok(self.get(at, 1)?[0])
    }

    fn u16le(&self, at: u64) -> Result<u32, Miss> {
        let b = self.get(at, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]) as u32)
    }

    fn u16be(&self, at: u64) -> Result<u32, Miss> {
        let b = self.get(at, 2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]) as u32)
    }

    fn u32be(&self, at: u64) -> Result<u32, Miss> {
        let b = self.get(at, 4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u32le(&self, at: u64) -> Result<u32, Miss> {
        let b = self.get(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The first `n` bytes, or fewer when the file is shorter.
    fn start(&self, n: u64) -> Result<&[u8], Miss> {
        self.get(0, n.min(self.len))
    }
}

fn empty() -> SmpError {
    SmpError::new(
        ErrorCode::EmptyFile,
        "This file is empty. Please choose a photo.",
    )
}

/// The refusal of a file cut short (shared with the decoders' own check).
pub fn truncated() -> SmpError {
    SmpError::new(
        ErrorCode::TruncatedFile,
        "This photo file is incomplete (it may not have finished downloading). Please choose it again or use another photo.",
    )
}

fn unreadable(why: &str) -> SmpError {
    SmpError::new(
        ErrorCode::NotAnImage,
        format!("This file is damaged: {why}, so it is not opened. Please choose another photo."),
    )
}

fn unsupported(message: &str) -> SmpError {
    SmpError::new(ErrorCode::UnsupportedFormat, message)
}

fn not_an_image() -> SmpError {
    SmpError::new(
        ErrorCode::NotAnImage,
        "This file is not a photo this tool can read. Please choose a JPEG or PNG photo.",
    )
}

/// Reads what a file is and its size from the bytes given, and refuses it
/// (with the codes `empty-file`, `not-an-image`, `truncated-file`,
/// `unsupported-format` or `image-too-large`) when it must not be decoded.
/// The order of the checks is the page's: format, then size, then a
/// visibly cut-short PNG or JPEG.
pub fn sniff_image(file: &FileBytes) -> Result<Sniffed, SmpError> {
    if file.len == 0 {
        return Err(empty());
    }
    let read = || -> Result<(Format, (u32, u32), bool), Miss> {
        let start = file.start(64)?;
        let (format, size) = if start.starts_with(b"\x89PNG\r\n\x1a\n") {
            (Format::Png, png_size(file)?)
        } else if start.starts_with(&[0xff, 0xd8, 0xff]) {
            (Format::Jpeg, jpeg_size(file)?)
        } else if start.starts_with(b"GIF87a") || start.starts_with(b"GIF89a") {
            (Format::Gif, gif_size(file)?)
        } else if start.len() >= 12 && &start[0..4] == b"RIFF" && &start[8..12] == b"WEBP" {
            (Format::Webp, webp_size(file)?)
        } else if start.starts_with(b"BM") && bmp_plausible(file) {
            (Format::Bmp, bmp_size(file)?)
        } else if let Some(format) = iso_brand(start) {
            (format, iso_size(file)?)
        } else {
            return Err(Miss::Refused(other_kind(file.start(4096)?)));
        };
        Ok((format, size, cut_short(file, format)?))
    };
    match read() {
        Ok((format, (width, height), cut)) => {
            if width == 0 || height == 0 {
                return Err(unreadable("its header says it has no pixels"));
            }
            check_decode_size(width, height)?;
            let whole_only = match format {
                Format::Webp => Some("WebP images"),
                Format::Bmp if bmp_rle(file) => Some("Compressed (RLE) bitmaps"),
                _ => None,
            };
            if let Some(what) = whole_only {
                check_whole_only_size(what, width, height)?;
            }
            let mut turned = false;
            if format == Format::Jpeg {
                if let Ok(frame) = jpeg_frame(file) {
                    check_progressive_size(&frame)?;
                    turned = frame.turned;
                }
            }
            if cut {
                return Err(truncated());
            }
            Ok(Sniffed::Image(ImageInfo {
                format,
                width,
                height,
                turned,
            }))
        }
        Err(Miss::NeedHead(n)) => Ok(Sniffed::NeedHead(n)),
        Err(Miss::Refused(e)) => Err(e),
        Err(Miss::Damaged(why)) => Err(unreadable(why)),
        Err(Miss::Eof) => Err(truncated()),
        Err(Miss::Unreadable) => Err(unreadable(&format!(
            "its size is not within its first {} MB",
            MAX_HEADER_BYTES >> 20
        ))),
    }
}

/// [`sniff_image`] on a whole file, which never needs more bytes.
pub fn sniff_bytes(bytes: &[u8]) -> Result<ImageInfo, SmpError> {
    match sniff_image(&FileBytes::whole(bytes))? {
        Sniffed::Image(info) => Ok(info),
        // A whole file holds every byte the sniffer may ask for.
        Sniffed::NeedHead(_) => Err(not_an_image()),
    }
}

/// The refusal of a file that is not a readable photo: TIFF and SVG by name,
/// anything else as not an image.
fn other_kind(start: &[u8]) -> SmpError {
    if start.starts_with(b"II*\0") || start.starts_with(b"MM\0*") {
        return unsupported("TIFF images cannot be read here. Please convert it to JPEG or PNG.");
    }
    let text = String::from_utf8_lossy(start);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('<') && t.to_ascii_lowercase().contains("<svg") {
        return unsupported(
            "This is a drawing (SVG), not a photo. Please choose a JPEG or PNG photo.",
        );
    }
    not_an_image()
}

/// Whether a visibly cut-short PNG (no `IEND` last) or JPEG (no end marker
/// near the end, after any zero padding some cameras add).
fn cut_short(file: &FileBytes, format: Format) -> Result<bool, Miss> {
    let tail_len = file.len.min(TAIL_BYTES);
    let tail = file.get(file.len - tail_len, tail_len)?;
    Ok(match format {
        Format::Png => tail.len() < 12 || &tail[tail.len() - 8..tail.len() - 4] != b"IEND",
        Format::Jpeg => {
            let mut end = tail.len();
            while end > 2 && tail[end - 1] == 0 {
                end -= 1;
            }
            !tail[end.saturating_sub(64)..end]
                .windows(2)
                .any(|w| w == [0xff, 0xd9])
        }
        _ => false,
    })
}

fn png_size(f: &FileBytes) -> Result<(u32, u32), Miss> {
    if f.get(12, 4)? != b"IHDR" {
        return Err(Miss::Damaged("its first chunk is not the PNG header"));
    }
    Ok((f.u32be(16)?, f.u32be(20)?))
}

/// Walks the JPEG's segments to the first frame header (`SOFn`), which
/// holds the size. Bytes between segments are skipped as decoders do. The
/// frame header must start within the first [`MAX_HEADER_BYTES`], even
/// when the file's tail would hold it: decoders keep some segments before
/// it (colour profiles, XMP), so this also bounds what they keep.
fn jpeg_size(f: &FileBytes) -> Result<(u32, u32), Miss> {
    jpeg_frame(f).map(|frame| frame.size)
}

/// What a JPEG's frame header says.
struct JpegFrame {
    size: (u32, u32),
    /// Progressive (SOF2; the others are refused): every coefficient is kept until the
    /// last scan.
    progressive: bool,
    /// Colour components (1 grey, 3 colour, 4 CMYK).
    components: u8,
    /// Whether the first EXIF block's orientation turns it a quarter.
    turned: bool,
}

/// See [`jpeg_size`].
fn jpeg_frame(f: &FileBytes) -> Result<JpegFrame, Miss> {
    let mut i = 2u64;
    let mut turned = None;
    loop {
        if i >= MAX_HEADER_BYTES {
            return Err(Miss::Unreadable);
        }
        if f.byte(i)? != 0xff {
            i += 1;
            continue;
        }
        let marker = f.byte(i + 1)?;
        match marker {
            // Fill bytes, and markers without a length.
            0xff => i += 1,
            0x00 | 0x01 | 0xd0..=0xd8 => i += 2,
            0xd9 | 0xda => return Err(Miss::Damaged("its size comes after its pixels")),
            // Lossless (SOF3), differential (hierarchical: SOF5-7, 13-15)
            // and arithmetic (SOF9-11) frames: photos never use them, and
            // the `image` crate skips such a header to read a later one, so
            // the size would not be the one decoded. Refused.
            0xc3 | 0xc5..=0xc7 | 0xc9..=0xcb | 0xcd..=0xcf => {
                return Err(Miss::Refused(unsupported(
                    "This JPEG is coded in a way photos do not use (lossless, arithmetic or hierarchical) and cannot be read here. Please choose another photo.",
                )));
            }
            0xc0..=0xc2 => {
                let (h, w) = (f.u16be(i + 5)?, f.u16be(i + 7)?);
                if h == 0 {
                    // The height would come later, in a DNL segment.
                    return Err(Miss::Damaged("its header does not give its height"));
                }
                return Ok(JpegFrame {
                    size: (w, h),
                    progressive: marker == 0xc2,
                    components: f.byte(i + 9)?,
                    turned: turned.unwrap_or(false),
                });
            }
            _ => {
                let len = f.u16be(i + 2)? as u64;
                if len < 2 {
                    return Err(Miss::Damaged("a JPEG segment has a broken length"));
                }
                if marker == 0xe1 && turned.is_none() {
                    // Read only when the head holds it: a hint never asks for more.
                    turned = f.get(i + 4, len - 2).ok().and_then(exif::quarter_turned);
                }
                i += 2 + len;
            }
        }
    }
}

/// GIF: the logical screen, grown to the first frame where that is larger
/// (browsers and decoders allocate for it).
fn gif_size(f: &FileBytes) -> Result<(u32, u32), Miss> {
    let (sw, sh) = (f.u16le(6)?, f.u16le(8)?);
    let flags = f.byte(10)?;
    let mut i = 13u64;
    if flags & 0x80 != 0 {
        i += 3 << ((flags & 7) + 1);
    }
    loop {
        match f.byte(i)? {
            0x2c => {
                let (x, y) = (f.u16le(i + 1)?, f.u16le(i + 3)?);
                let (w, h) = (f.u16le(i + 5)?, f.u16le(i + 7)?);
                return Ok((sw.max(x + w), sh.max(y + h)));
            }
            0x21 => {
                // An extension: a label, then sub-blocks until an empty one.
                i += 2;
                loop {
                    let n = f.byte(i)? as u64;
                    i += 1 + n;
                    if n == 0 {
                        break;
                    }
                }
            }
            0x3b => return Err(Miss::Damaged("the GIF has no picture in it")),
            _ => return Err(Miss::Damaged("the GIF's blocks are broken")),
        }
    }
}

/// WebP: the first chunk says which kind and holds the size.
fn webp_size(f: &FileBytes) -> Result<(u32, u32), Miss> {
    let u24 = |at: u64| -> Result<u32, Miss> {
        let b = f.get(at, 3)?;
        Ok(b[0] as u32 | (b[1] as u32) << 8 | (b[2] as u32) << 16)
    };
    match f.get(12, 4)? {
        b"VP8X" => Ok((1 + u24(24)?, 1 + u24(27)?)),
        b"VP8 " => {
            if f.get(23, 3)? != [0x9d, 0x01, 0x2a] {
                return Err(Miss::Damaged("the WebP frame header is broken"));
            }
            Ok((f.u16le(26)? & 0x3fff, f.u16le(28)? & 0x3fff))
        }
        b"VP8L" => {
            if f.byte(20)? != 0x2f {
                return Err(Miss::Damaged("the lossless WebP header is broken"));
            }
            let bits = f.u32le(21)?;
            Ok((1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff)))
        }
        _ => Err(Miss::Damaged("the WebP has no picture chunk first")),
    }
}

/// Refuses an image that can only be decoded whole (WebP, RLE bitmaps,
/// `what`) when it is larger than the working size: the command line's
/// decoders give such images only whole, at up to 4 bytes a pixel besides
/// the reduced copy, so a larger one could not be read within about twice
/// the working image's memory. Refused here, it is refused the same way by
/// the page.
fn check_whole_only_size(what: &str, width: u32, height: u32) -> Result<(), SmpError> {
    if width as u64 * height as u64 <= crate::raster::MAX_PIXELS {
        return Ok(());
    }
    Err(SmpError::new(
        ErrorCode::ImageTooLarge,
        format!(
            "This image is {width}×{height} pixels; {what} are opened up to {} megapixels. Please save it as JPEG or PNG, or use a smaller image.",
            crate::raster::MAX_PIXELS / 1_000_000
        ),
    ))
}

/// The most memory a progressive JPEG's coefficients may take (256 MiB),
/// counting every colour component at full size (decoders may not say how
/// much the colour is subsampled): 44 MP in colour (33 MP in CMYK),
/// 134 MP in grey.
pub const PROGRESSIVE_BYTES: u64 = 256 << 20;

/// Refuses a progressive JPEG whose coefficients would take more than
/// [`PROGRESSIVE_BYTES`]: a decoder keeps every one of them until the last
/// scan, at any scale, so the command line could not read it within about
/// twice the working image. Refused here, it is refused the same way by the
/// page, whose browser could have opened it: the same file gets the same
/// answer everywhere.
fn check_progressive_size(frame: &JpegFrame) -> Result<(), SmpError> {
    let (w, h) = frame.size;
    let bytes = w as u64 * h as u64 * frame.components.max(1) as u64 * 2;
    if !frame.progressive || bytes <= PROGRESSIVE_BYTES {
        return Ok(());
    }
    Err(SmpError::new(
        ErrorCode::ImageTooLarge,
        format!(
            "This progressive JPEG is {w}×{h} pixels; progressive JPEGs are opened up to {} MB of image data ({} megapixels in colour). Please save it as a baseline JPEG or as PNG, or use a smaller photo.",
            PROGRESSIVE_BYTES >> 20,
            PROGRESSIVE_BYTES / 6 / 1_000_000
        ),
    ))
}

/// Whether a bitmap's rows are run-length compressed (RLE8 or RLE4), so
/// of no fixed length.
fn bmp_rle(f: &FileBytes) -> bool {
    f.u32le(14).is_ok_and(|n| n != 12) && f.u32le(30).is_ok_and(|c| c == 1 || c == 2)
}

/// The DIB header sizes that exist, so a text file starting "BM" is not
/// taken for a bitmap.
const BMP_HEADERS: [u32; 8] = [12, 16, 40, 52, 56, 64, 108, 124];

fn bmp_plausible(f: &FileBytes) -> bool {
    f.u32le(14).is_ok_and(|n| BMP_HEADERS.contains(&n))
}

fn bmp_size(f: &FileBytes) -> Result<(u32, u32), Miss> {
    if f.u32le(14)? == 12 {
        return Ok((f.u16le(18)?, f.u16le(20)?));
    }
    let w = f.u32le(18)? as i32;
    // A negative height means rows stored top-down; the size is the same.
    let h = f.u32le(22)? as i32;
    if w < 0 || h == i32::MIN {
        return Err(Miss::Damaged("the bitmap's size is negative"));
    }
    Ok((w as u32, h.unsigned_abs()))
}
