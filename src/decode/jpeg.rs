//! JPEG for the command line, in bounded memory.
//!
//! Two things a whole-image decode gets wrong with large or hostile files:
//!
//! - **Size.** A JPEG above the working size is decoded a row at a time by
//!   libjpeg-turbo (the `mozjpeg` crate), at full scale, straight into the
//!   area reduction to exactly the working size, as the page reduces the
//!   browser's whole decode: the decoder holds a few rows of blocks, not
//!   the image, so a 48 MP or a 250 MP JPEG costs the result and a few MB
//!   (whole, it cost 3 bytes a pixel besides). Progressive JPEGs keep every
//!   DCT coefficient until their last scan whatever the decoder (2 bytes a
//!   sample), so the sniffer refuses those above
//!   [`crate::sniff::PROGRESSIVE_BYTES`] of coefficients from their frame
//!   header, for the page and here alike. JPEGs up to the working size are
//!   decoded whole by the `image` crate, as before (3 bytes a pixel beside
//!   the 4 of the result).
//! - **Segments after the frame header.** The sniffer bounds what comes
//!   before the frame header (it must start within 16 MiB), but colour
//!   profile (APP2) and other APPn/COM segments may follow it, and decoders
//!   keep them: a file of a gigabyte of them would cost a gigabyte or two.
//!   [`AfterFrame`] drops every APPn and COM segment after the frame header
//!   before a decoder sees the bytes (nothing is read from them: orientation
//!   comes from the EXIF segment before it, as cameras write it).

use std::io::{self, BufRead, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

use image::metadata::Orientation;
use image::ColorType;
use mozjpeg::{Decompress, Format, Marker};

use super::{sink, wrong_size, Rows, Want};
use crate::error::{ErrorCode, SmpError};

/// libjpeg's message (carried by the unwind its error handler starts) as
/// the command line's error.
fn damaged(message: &str) -> SmpError {
    // libjpeg's JERR_OUT_OF_MEMORY: its own allocations failed.
    if message.contains("Insufficient memory") {
        return SmpError::new(
            ErrorCode::OutOfMemory,
            "There is not enough memory to read this photo.",
        );
    }
    SmpError::new(
        ErrorCode::NotAnImage,
        format!("This file is damaged and cannot be read as a photo ({message})."),
    )
}

fn io_damaged(e: io::Error) -> SmpError {
    damaged(&e.to_string())
}

/// Decodes a JPEG whose header gave `(w, h)` row by row into the reduction
/// to `out` (at most its size).
pub(super) fn read_streamed<R: Read>(
    reader: R,
    (w, h): (u32, u32),
    want: Want,
    out: (u32, u32),
) -> Result<Rows, SmpError> {
    // libjpeg reports errors by unwinding out of its error handler (the
    // crate's way: C cannot return them through every call); caught here,
    // they become the file's error like any other decoder's.
    match catch_unwind(AssertUnwindSafe(|| stream((w, h), reader, want, out))) {
        Ok(result) => result,
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("the JPEG decoder stopped");
            Err(damaged(message))
        }
    }
}

fn stream<R: Read>(
    (w, h): (u32, u32),
    reader: R,
    want: Want,
    out: (u32, u32),
) -> Result<Rows, SmpError> {
    let mut filtered = AfterFrame::new(reader);
    let source = io::BufReader::with_capacity(64 << 10, &mut filtered);
    let decoder = Decompress::with_markers(&[Marker::APP(1)])
        .from_reader(source)
        .map_err(io_damaged)?;
    if decoder.size() != (w as usize, h as usize) {
        return Err(wrong_size());
    }
    let orientation = decoder
        .markers()
        .filter(|m| m.marker == Marker::APP(1))
        .find_map(|m| m.data.strip_prefix(b"Exif\0\0"))
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let (mut started, color, cmyk) = match decoder.image().map_err(io_damaged)? {
        Format::RGB(d) => (d, ColorType::Rgb8, false),
        Format::Gray(d) => (d, ColorType::L8, false),
        Format::CMYK(d) => (d, ColorType::Rgb8, true),
    };
    if (started.width(), started.height()) != (w as usize, h as usize) {
        return Err(wrong_size());
    }
    let mut rows = sink(color, (w, h), want, out, true)?;
    let mut line = vec![
        0u8;
        w as usize
            * if cmyk {
                4
            } else {
                color.bytes_per_pixel() as usize
            }
    ];
    let mut rgb = Vec::new();
    for _ in 0..h {
        started
            .read_scanlines_into(&mut line[..])
            .map_err(io_damaged)?;
        if cmyk {
            cmyk_to_rgb(&line, &mut rgb);
            rows.push(&rgb)?;
        } else {
            rows.push(&line)?;
        }
    }
    started.finish().map_err(io_damaged)?;
    // libjpeg pads a file cut short with grey and only warns; the page and
    // the whole decode call it truncated, and so does this: the end of the
    // image was never read.
    if !filtered.ended() {
        return Err(crate::sniff::truncated());
    }
    Ok(Rows {
        size: out,
        pixels: rows.resampler.finish()?,
        source_size: (w, h),
        has_alpha: false,
        orientation,
    })
}

/// CMYK as libjpeg gives it, with the inversion Adobe's software writes
/// (the browser assumes it too), to RGB.
fn cmyk_to_rgb(cmyk: &[u8], rgb: &mut Vec<u8>) {
    rgb.clear();
    for p in cmyk.chunks_exact(4) {
        let k = p[3] as u32;
        rgb.extend(p[..3].iter().map(|&c| (c as u32 * k / 255) as u8));
    }
}

/// Where [`AfterFrame`] is in the JPEG's structure.
#[derive(Clone, Copy, PartialEq, Debug)]
enum At {
    /// Between segments: the next 0xFF starts a marker.
    Markers,
    /// After 0xFF (and any fill bytes): the marker's code comes next.
    Marker,
    /// A marker that has a length: its two length bytes are read next.
    Length(u8),
    /// Inside a segment, with this many bytes of it to pass on; true when
    /// a scan's entropy-coded data follows it.
    Copy(usize, bool),
    /// Inside a dropped segment, with this many bytes of it left.
    Skip(usize),
    /// Entropy-coded data after a scan header: markers end it.
    Scan,
    /// After the end of the image (or the file): nothing more is read.
    End,
}

/// The bytes of a JPEG with every APPn and COM segment after the frame
/// header (`SOFn`) left out, up to its end-of-image marker; everything
/// else passes unchanged.
pub struct AfterFrame<R> {
    inner: io::BufReader<R>,
    at: At,
    framed: bool,
    /// Whether the end-of-image marker has been passed on.
    eoi: bool,
    /// Bytes made but not yet handed out (a marker and its length).
    pending: Vec<u8>,
}

impl<R: Read> AfterFrame<R> {
    /// Filters `inner`, a whole JPEG file from its first byte.
    pub fn new(inner: R) -> Self {
        AfterFrame {
            inner: io::BufReader::with_capacity(64 << 10, inner),
            at: At::Markers,
            framed: false,
            eoi: false,
            pending: Vec::new(),
        }
    }

    /// True once the end-of-image marker has been read.
    pub fn ended(&self) -> bool {
        self.eoi
    }

    fn byte(&mut self) -> io::Result<Option<u8>> {
        let b = self.inner.fill_buf()?.first().copied();
        if b.is_some() {
            self.inner.consume(1);
        }
        Ok(b)
    }

    /// Moves through the structure until `out` has bytes or the file ends;
    /// returns how many bytes were put in `out`.
    fn step(&mut self, out: &mut [u8]) -> io::Result<usize> {
        loop {
            // A marker's bytes are held until it is known to be kept.
            let deciding = matches!(self.at, At::Marker | At::Length(_));
            if !self.pending.is_empty() && !deciding {
                let n = self.pending.len().min(out.len());
                out[..n].copy_from_slice(&self.pending[..n]);
                self.pending.drain(..n);
                return Ok(n);
            }
            match self.at {
                // Nothing after the end of the image is passed on: no
                // decoder reads it, and a copy of it could be any size.
                At::End => return Ok(0),
                At::Copy(..) | At::Scan => {
                    let buf = self.inner.fill_buf()?;
                    if buf.is_empty() {
                        return Ok(0);
                    }
                    let mut n = buf.len().min(out.len());
                    match self.at {
                        At::Copy(left, scan) => {
                            n = n.min(left);
                            self.at = match (left == n, scan) {
                                (false, _) => At::Copy(left - n, scan),
                                (true, false) => At::Markers,
                                (true, true) => At::Scan,
                            };
                        }
                        At::Scan => {
                            // Up to a 0xFF; what follows it decides.
                            if let Some(i) = buf[..n].iter().position(|&b| b == 0xff) {
                                if i == 0 {
                                    self.inner.consume(1);
                                    match self.byte()? {
                                        // Stuffed 0xFF and restart markers
                                        // belong to the scan.
                                        Some(m @ (0x00 | 0xd0..=0xd7)) => {
                                            self.pending.extend([0xff, m])
                                        }
                                        Some(m) => {
                                            self.at = At::Marker;
                                            self.pending.push(0xff);
                                            if m != 0xff {
                                                self.code(m)?;
                                            }
                                        }
                                        None => self.pending.push(0xff),
                                    }
                                    continue;
                                }
                                n = i;
                            }
                        }
                        _ => {}
                    }
                    if n == 0 {
                        // An empty segment: nothing to hand out yet.
                        continue;
                    }
                    out[..n].copy_from_slice(&self.inner.fill_buf()?[..n]);
                    self.inner.consume(n);
                    return Ok(n);
                }
                At::Skip(left) => {
                    let buf = self.inner.fill_buf()?;
                    if buf.is_empty() {
                        return Ok(0);
                    }
                    let n = buf.len().min(left);
                    self.inner.consume(n);
                    self.at = if left == n {
                        At::Markers
                    } else {
                        At::Skip(left - n)
                    };
                }
                At::Markers => match self.byte()? {
                    None => return Ok(0),
                    Some(0xff) => {
                        self.at = At::Marker;
                        self.pending.push(0xff);
                    }
                    // Stray bytes between segments: decoders skip them.
                    Some(b) => self.pending.push(b),
                },
                At::Marker => match self.byte()? {
                    None => self.at = At::End,
                    // Fill bytes: one 0xFF is kept, so a file of them
                    // never piles up here.
                    Some(0xff) => {}
                    Some(m) => self.code(m)?,
                },
                At::Length(m) => {
                    let (Some(a), Some(b)) = (self.byte()?, self.byte()?) else {
                        self.pending.push(m);
                        self.at = At::End;
                        continue;
                    };
                    let len = (u16::from_be_bytes([a, b]) as usize).saturating_sub(2);
                    let ancillary = matches!(m, 0xe0..=0xef | 0xfe);
                    if ancillary && self.framed {
                        // Its 0xFF (and any fill) is dropped with it.
                        self.pending.clear();
                        self.at = At::Skip(len);
                    } else {
                        self.pending.extend([m, a, b]);
                        if matches!(m, 0xc0..=0xcf) && ![0xc4, 0xc8, 0xcc].contains(&m) {
                            self.framed = true;
                        }
                        self.at = At::Copy(len, m == 0xda);
                    }
                }
            }
        }
    }

    /// Acts on a marker's code `m` (its 0xFF already queued).
    fn code(&mut self, m: u8) -> io::Result<()> {
        match m {
            0xd9 => {
                self.eoi = true;
                self.pending.push(m);
                self.at = At::End;
            }
            0x00 | 0x01 | 0xd0..=0xd8 => {
                self.pending.push(m);
                self.at = At::Markers;
            }
            _ => self.at = At::Length(m),
        }
        Ok(())
    }
}

impl<R: Read> Read for AfterFrame<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        self.step(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filtered(bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        AfterFrame::new(bytes).read_to_end(&mut out).unwrap();
        out
    }

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![0xff, marker];
        s.extend(((body.len() + 2) as u16).to_be_bytes());
        s.extend(body);
        s
    }

    #[test]
    fn only_segments_after_the_frame_header_are_left_out() {
        let exif = segment(0xe1, b"Exif\0\0 before the frame");
        let sof = segment(0xc0, &[8, 0, 2, 0, 2, 1, 1, 0x11, 0]);
        let sos = segment(0xda, &[1, 1, 0, 0, 63, 0]);
        // Entropy-coded data with a stuffed 0xFF and a restart marker.
        let scan = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56];
        let mut plain = vec![0xff, 0xd8];
        for part in [&exif, &sof, &sos, &scan[..]] {
            plain.extend(part);
        }
        plain.extend([0xff, 0xd9]);
        let mut trailed = plain.clone();
        // What follows the end of the image is not passed on.
        trailed.extend([1, 2, 3]);
        assert_eq!(filtered(&trailed), plain);
        let mut padded = vec![0xff, 0xd8];
        for part in [&exif, &sof] {
            padded.extend(part);
        }
        padded.extend(segment(0xe2, &[7; 5000]));
        padded.extend(segment(0xfe, b"a comment"));
        padded.extend([&sos[..], &scan[..]].concat());
        padded.extend(segment(0xe5, &[9; 300]));
        padded.extend([0xff, 0xd9, 1, 2, 3]);
        assert_eq!(filtered(&padded), plain);
    }

    /// Mean difference, in levels, between streaming `file` into a
    /// reduction to half its size and the `image` crate's whole decode of
    /// it reduced the same way.
    fn streamed_against_whole(file: &str) -> f64 {
        let bytes = std::fs::read(format!("tests/corpus/{file}")).unwrap();
        let whole = image::load_from_memory(&bytes).unwrap().into_rgba8();
        let (w, h) = whole.dimensions();
        let rows = read_streamed(&bytes[..], (w, h), Want::Rgba, (w / 2, h / 2)).unwrap();
        assert_eq!(rows.size, (w / 2, h / 2));
        let reduced = crate::raster::resample_area(whole.as_raw(), w, h, 4, w / 2, h / 2).unwrap();
        let diff: u64 = reduced
            .iter()
            .zip(&rows.pixels)
            .map(|(a, b)| a.abs_diff(*b) as u64)
            .sum();
        diff as f64 / reduced.len() as f64
    }

    #[test]
    fn cmyk_and_progressive_files_stream_as_they_decode_whole() {
        // Different decoders (libjpeg-turbo, zune-jpeg) round differently,
        // by a level here and there; a wrong CMYK inversion or channel
        // order would be off by tens.
        for file in ["cmyk.jpg", "progressive.jpg"] {
            let mean = streamed_against_whole(file);
            assert!(mean < 0.1, "{file}: mean difference {mean}");
        }
    }

    #[test]
    fn errors_from_libjpeg_are_the_files_errors() {
        let bytes = std::fs::read("tests/corpus/progressive.jpg").unwrap();
        let whole = image::load_from_memory(&bytes).unwrap();
        let size = (whole.width(), whole.height());
        let half = (size.0 / 2, size.1 / 2);
        let code = |r: Result<Rows, SmpError>| r.err().expect("an error").code;
        let read = |b: &[u8]| code(read_streamed(b, size, Want::Rgba, half));
        // Cut short: libjpeg pads with grey and warns; this says truncated.
        assert_eq!(
            read(&bytes[..bytes.len() * 2 / 3]),
            ErrorCode::TruncatedFile
        );
        // A frame header of another size than the sniffer read.
        let other = read_streamed(&bytes[..], (size.0 + 1, size.1), Want::Rgba, half);
        assert_eq!(code(other), ErrorCode::BadImage);
        // Not a JPEG at all: libjpeg's own error, unwound and caught.
        assert_eq!(read(b"\xff\xd8\xff\xc0 not a frame"), ErrorCode::NotAnImage);
    }

    #[test]
    fn fill_bytes_do_not_pile_up() {
        let mut fill = vec![0xff, 0xd8];
        fill.resize(1 << 20, 0xff);
        fill.push(0xd9);
        assert_eq!(filtered(&fill), [0xff, 0xd8, 0xff, 0xd9]);
    }
}
