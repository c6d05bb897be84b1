//! BMP for the command line, a strip at a time.
//!
//! An uncompressed bitmap's rows all have one length, so any run of them
//! with the file's own headers in front is itself a bitmap. Each strip of
//! a few megabytes is made so (its height written into the header) and
//! decoded by the `image` crate's BMP decoder, which so gives exactly the
//! pixels it gives for the whole file, and the rows are reduced at once:
//! only the working-size output and one strip are held. Bottom-up files
//! (the usual kind) are read from their last strip back. Compressed (RLE)
//! bitmaps, whose rows vary in length, are decoded whole as before.

use std::io::{Cursor, Read, Seek, SeekFrom};

use image::codecs::bmp::BmpDecoder;
use image::ImageDecoder;

use super::{damaged, read_failed, sink, zeroed, Rows, Want};
use crate::error::SmpError;
use crate::raster::check_decode_size;

/// About how many bytes of decoded pixels a strip holds (4 MiB).
const STRIP_BYTES: usize = 4 << 20;
/// The most header (file header, info header, palette) kept in front of
/// each strip; a file whose pixels start further in is decoded whole.
const MAX_HEADER: u64 = 1 << 20;

/// Where an uncompressed bitmap's rows are, read from its header.
struct Layout {
    offset: u64,
    width: u32,
    height: u32,
    top_down: bool,
    stride: u64,
    /// Where the height is written in the header, and whether it is the
    /// 16-bit field of the oldest (core) header.
    height_at: usize,
    core: bool,
}

fn layout(head: &[u8]) -> Option<Layout> {
    let u16le = |at: usize| Some(u16::from_le_bytes(head.get(at..at + 2)?.try_into().ok()?));
    let u32le = |at: usize| Some(u32::from_le_bytes(head.get(at..at + 4)?.try_into().ok()?));
    let offset = u32le(10)? as u64;
    let dib = u32le(14)?;
    let core = dib == 12;
    // The pixels must follow the headers for the headers to be copied.
    if offset < 14 + dib as u64 {
        return None;
    }
    let (width, height, bits, compression) = if core {
        (u16le(18)? as i32, u16le(20)? as i32, u16le(24)?, 0)
    } else {
        (u32le(18)? as i32, u32le(22)? as i32, u16le(28)?, u32le(30)?)
    };
    // Uncompressed or bit fields only: the rows of RLE files vary.
    if !matches!(compression, 0 | 3) || !matches!(bits, 1 | 2 | 4 | 8 | 16 | 24 | 32) {
        return None;
    }
    if width <= 0 || height == 0 || height == i32::MIN || offset > MAX_HEADER {
        return None;
    }
    let width = width as u32;
    Some(Layout {
        offset,
        width,
        height: height.unsigned_abs(),
        top_down: height < 0,
        stride: (bits as u64 * width as u64).div_ceil(32) * 4,
        height_at: if core { 20 } else { 22 },
        core,
    })
}

/// Decodes an uncompressed bitmap strip by strip; `None` (nothing read)
/// when it is compressed or laid out so that it must be decoded whole.
pub(super) fn read_rows<R: Read + Seek>(
    mut reader: R,
    want: Want,
    target: impl Fn(u32, u32) -> (u32, u32),
) -> Result<Option<Rows>, SmpError> {
    let start = reader.stream_position().map_err(read_failed)?;
    let mut head = Vec::new();
    (&mut reader)
        .take(64)
        .read_to_end(&mut head)
        .map_err(read_failed)?;
    let Some(l) = layout(&head) else {
        reader.seek(SeekFrom::Start(start)).map_err(read_failed)?;
        return Ok(None);
    };
    check_decode_size(l.width, l.height)?;
    reader.seek(SeekFrom::Start(start)).map_err(read_failed)?;
    let mut header = vec![0; l.offset as usize];
    reader.read_exact(&mut header).map_err(read_failed)?;
    let per_strip = (STRIP_BYTES / (l.width as usize * 4)).clamp(1, l.height as usize) as u32;
    let mut bytes: Vec<u8> = Vec::new();
    let mut rows = None;
    let mut color = None;
    let mut y = 0u32;
    while y < l.height {
        let n = per_strip.min(l.height - y);
        // The strip's rows in the file: from the end back when bottom-up.
        let first = if l.top_down { y } else { l.height - y - n };
        let mut strip = header.clone();
        if l.core {
            strip[l.height_at..l.height_at + 2].copy_from_slice(&(n as u16).to_le_bytes());
        } else {
            let h = if l.top_down { -(n as i32) } else { n as i32 };
            strip[l.height_at..l.height_at + 4].copy_from_slice(&h.to_le_bytes());
        }
        let at = start + l.offset + first as u64 * l.stride;
        reader.seek(SeekFrom::Start(at)).map_err(read_failed)?;
        let len = (n as u64 * l.stride) as usize;
        let kept = strip.len();
        strip.resize(kept + len, 0);
        reader.read_exact(&mut strip[kept..]).map_err(read_failed)?;
        let decoder = BmpDecoder::new(Cursor::new(strip)).map_err(|e| damaged(&e))?;
        let c = decoder.color_type();
        let rows = match &mut rows {
            Some(r) => r,
            None => {
                color = Some(c);
                let (w, h) = (l.width, l.height);
                rows.insert(sink(c, (w, h), want, target(w, h), false)?)
            }
        };
        if color != Some(c) || decoder.dimensions() != (l.width, n) {
            return Err(super::wrong_size());
        }
        let total = decoder.total_bytes() as usize;
        if bytes.len() != total {
            bytes = zeroed(total)?;
        }
        decoder.read_image(&mut bytes).map_err(|e| damaged(&e))?;
        for row in bytes.chunks_exact(total / n as usize) {
            rows.push(row)?;
        }
        y += n;
    }
    let rows = rows.ok_or_else(super::wrong_size)?;
    Ok(Some(Rows {
        size: target(l.width, l.height),
        pixels: rows.resampler.finish()?,
        source_size: (l.width, l.height),
        has_alpha: color.is_some_and(|c| c.has_alpha()),
        orientation: image::metadata::Orientation::NoTransforms,
    }))
}
