//! JPEG for the command line, in bounded memory.
//!
//! Two things a whole-image decode gets wrong with large or hostile files:
//!
//! - **Size.** A JPEG far above the working size is decoded at a reduced
//!   DCT scale (1/2, 1/4 or 1/8, the `jpeg-decoder` crate's
//!   [`jpeg_decoder::Decoder::scale`]): the smallest scale that is still at
//!   least the working size, which the area reduction then brings to exactly
//!   the working size (the same size the page gives). A 250 MP JPEG is so
//!   never held at more than a quarter of its pixels. Progressive JPEGs keep
//!   every DCT coefficient until their last scan whatever the scale (2 bytes
//!   a sample), so the sniffer refuses those above [`crate::sniff::PROGRESSIVE_BYTES`]
//!   of coefficients from their frame header, for the page and here alike.
//! - **Segments after the frame header.** The sniffer bounds what comes
//!   before the frame header (it must start within 16 MiB), but colour
//!   profile (APP2) and other APPn/COM segments may follow it, and decoders
//!   keep them: a file of a gigabyte of them would cost a gigabyte or two.
//!   [`AfterFrame`] drops every APPn and COM segment after the frame header
//!   before a decoder sees the bytes (nothing is read from them: orientation
//!   comes from the EXIF segment before it, as cameras write it).

use std::io::{self, BufRead, Read};

use image::metadata::Orientation;
use image::ColorType;

use super::{sink, wrong_size, Rows, Want};
use crate::error::{ensure_room, ErrorCode, SmpError};

/// The DCT scale (in eighths) to decode a `w`×`h` JPEG at so that it is at
/// least `target` on both sides: 8 when it must be decoded whole.
pub fn dct_eighths((w, h): (u32, u32), target: (u32, u32)) -> u32 {
    let scaled = |len: u32, k: u32| (len * k).div_ceil(8);
    [1, 2, 4]
        .into_iter()
        .find(|&k| scaled(w, k) >= target.0 && scaled(h, k) >= target.1)
        .unwrap_or(8)
}

fn damaged(e: jpeg_decoder::Error) -> SmpError {
    match e {
        jpeg_decoder::Error::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
            crate::sniff::truncated()
        }
        e => SmpError::new(
            ErrorCode::NotAnImage,
            format!("This file is damaged and cannot be read as a photo ({e})."),
        ),
    }
}

/// Decodes a JPEG whose header gave `(w, h)` at a reduced DCT scale, when
/// `target(w, h)` allows one; `None` when it must be decoded whole (the
/// caller then uses the `image` crate's decoder, on [`AfterFrame`] bytes).
pub(super) fn read_scaled<R: Read>(
    reader: R,
    (w, h): (u32, u32),
    want: Want,
    target: impl Fn(u32, u32) -> (u32, u32),
) -> Result<Option<Rows>, SmpError> {
    let out = target(w, h);
    let k = dct_eighths((w, h), out);
    if k == 8 {
        // Decoded whole. Progressive files too large for that were refused
        // by the sniffer, from the same frame header, before any decoding.
        return Ok(None);
    }
    let mut decoder = jpeg_decoder::Decoder::new(io::BufReader::new(AfterFrame::new(reader)));
    decoder.read_info().map_err(damaged)?;
    let info = decoder.info().ok_or_else(wrong_size)?;
    if (info.width as u32, info.height as u32) != (w, h) {
        return Err(wrong_size());
    }
    let scaled = |len: u32| (len * k).div_ceil(8);
    let (sw, sh) = (scaled(w), scaled(h));
    let got = decoder.scale(sw as u16, sh as u16).map_err(damaged)?;
    if (got.0 as u32, got.1 as u32) != (sw, sh) {
        return Err(wrong_size());
    }
    let (color, bytes) = match info.pixel_format {
        jpeg_decoder::PixelFormat::L8 => (ColorType::L8, 1),
        jpeg_decoder::PixelFormat::L16 => (ColorType::L16, 2),
        jpeg_decoder::PixelFormat::RGB24 => (ColorType::Rgb8, 3),
        jpeg_decoder::PixelFormat::CMYK32 => (ColorType::Rgb8, 4),
    };
    // The decoder holds its planes and its output at the reduced size.
    ensure_room(sw as usize * sh as usize * bytes * 2, "photo")?;
    let pixels = decoder.decode().map_err(damaged)?;
    let orientation = decoder
        .exif_data()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    drop(decoder);
    let row = sw as usize * bytes;
    if pixels.len() != row * sh as usize {
        return Err(wrong_size());
    }
    let mut rows = sink(color, (sw, sh), want, out, true)?;
    let mut rgb = Vec::new();
    for line in pixels.chunks_exact(row) {
        if info.pixel_format == jpeg_decoder::PixelFormat::CMYK32 {
            cmyk_to_rgb(line, &mut rgb);
            rows.push(&rgb)?;
        } else {
            rows.push(line)?;
        }
    }
    Ok(Some(Rows {
        size: out,
        pixels: rows.resampler.finish()?,
        source_size: (w, h),
        has_alpha: false,
        orientation,
    }))
}

/// CMYK as `jpeg-decoder` gives it (Adobe's inversion undone) to RGB.
fn cmyk_to_rgb(cmyk: &[u8], rgb: &mut Vec<u8>) {
    rgb.clear();
    for p in cmyk.chunks_exact(4) {
        let k = p[3] as u32;
        rgb.extend(
            p[..3]
                .iter()
                .map(|&c| ((255 - c as u32) * (255 - k) / 255) as u8),
        );
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
    /// After the end of the image: anything left is passed on as it is.
    End,
}

/// The bytes of a JPEG with every APPn and COM segment after the frame
/// header (`SOFn`) left out; everything else passes unchanged.
pub struct AfterFrame<R> {
    inner: io::BufReader<R>,
    at: At,
    framed: bool,
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
            pending: Vec::new(),
        }
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
                At::End | At::Copy(..) | At::Scan => {
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
        plain.extend([0xff, 0xd9, 1, 2, 3]);
        assert_eq!(filtered(&plain), plain);
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

    #[test]
    fn fill_bytes_do_not_pile_up() {
        let mut fill = vec![0xff, 0xd8];
        fill.resize(1 << 20, 0xff);
        fill.push(0xd9);
        assert_eq!(filtered(&fill), [0xff, 0xd8, 0xff, 0xd9]);
    }
}
