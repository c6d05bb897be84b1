//! Plain pixel buffers shared by the native and the wasm builds: a photo in
//! RGBA8 and a treatment mask of weights, plus the area-average resampling
//! that makes the live preview from the full-resolution data.

use crate::error::{try_zeroed, ErrorCode, SmpError};

/// Largest photo the engine works on, in pixels (24 megapixels). Larger
/// photos are reduced to this before they reach the engine (see
/// [`working_size`]): the full-resolution worker holds about 17 bytes per
/// pixel at its peak, so 24 MP keeps a tab near 400 MB, which phones survive.
pub const MAX_PIXELS: u64 = 24_000_000;
/// Largest side the engine works on, in pixels (the largest canvas side every
/// current browser accepts).
pub const MAX_SIDE_PX: u32 = 16_384;
/// Largest photo that is decoded at all, in pixels (250 megapixels): above
/// this a file is refused from its header before decoding, as it would need
/// more than a gigabyte just to decode (or is a "decompression bomb").
pub const MAX_DECODE_PIXELS: u64 = 250_000_000;
/// Largest side that is decoded at all, in pixels.
pub const MAX_DECODE_SIDE_PX: u32 = 65_535;

/// Refuses a size (from a file's header) that is too large to decode at all.
pub fn check_decode_size(width: u32, height: u32) -> Result<(), SmpError> {
    if width == 0 || height == 0 {
        return Err(SmpError::new(
            ErrorCode::BadImage,
            "The photo has no pixels.",
        ));
    }
    if width > MAX_DECODE_SIDE_PX
        || height > MAX_DECODE_SIDE_PX
        || width as u64 * height as u64 > MAX_DECODE_PIXELS
    {
        return Err(SmpError::new(
            ErrorCode::ImageTooLarge,
            format!(
                "This file says it is {width}×{height} pixels, more than the {} megapixels this tool can open (it may be damaged). Please use a smaller photo.",
                MAX_DECODE_PIXELS / 1_000_000
            ),
        ));
    }
    Ok(())
}

/// The size a photo is worked on at: its own size when it is within
/// [`MAX_PIXELS`] and [`MAX_SIDE_PX`], else the largest size with the same
/// aspect that is (each side at least 1 pixel).
pub fn working_size(width: u32, height: u32) -> (u32, u32) {
    let (w, h) = (width.max(1) as f64, height.max(1) as f64);
    let by_area = (MAX_PIXELS as f64 / (w * h)).sqrt();
    let by_side = MAX_SIDE_PX as f64 / w.max(h);
    let s = by_area.min(by_side);
    if s >= 1.0 {
        return (width, height);
    }
    // Floor, so the result never exceeds a limit by rounding.
    let fw = ((w * s).floor() as u32).clamp(1, MAX_SIDE_PX);
    let fh = ((h * s).floor() as u32).clamp(1, MAX_SIDE_PX);
    (fw, fh)
}

/// Checks a photo size against the engine's limits.
pub fn check_size(width: u32, height: u32) -> Result<(), SmpError> {
    if width == 0 || height == 0 {
        return Err(SmpError::new(
            ErrorCode::BadImage,
            "The photo has no pixels.",
        ));
    }
    if width > MAX_SIDE_PX || height > MAX_SIDE_PX || width as u64 * height as u64 > MAX_PIXELS {
        return Err(SmpError::new(
            ErrorCode::ImageTooLarge,
            format!(
                "The photo is {width}×{height} pixels; the largest accepted is {} megapixels with no side over {MAX_SIDE_PX} pixels.",
                MAX_PIXELS / 1_000_000
            ),
        ));
    }
    Ok(())
}

/// A photo as straight (not premultiplied) 8-bit RGBA, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rgba8Image {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height * 4` bytes.
    pub pixels: Vec<u8>,
}

impl Rgba8Image {
    /// Wraps a buffer after checking that its length matches the size.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Result<Self, SmpError> {
        Self::check_buffer(width, height, pixels.len())?;
        Ok(Rgba8Image {
            width,
            height,
            pixels,
        })
    }

    /// Checks that `len` bytes make a `width`×`height` RGBA photo the
    /// engine takes, before any of them are copied (see [`Rgba8Image::new`]).
    pub fn check_buffer(width: u32, height: u32, len: usize) -> Result<(), SmpError> {
        check_size(width, height)?;
        let expected = width as usize * height as usize * 4;
        if len != expected {
            return Err(SmpError::new(
                ErrorCode::BadImage,
                format!("The pixel buffer has {len} bytes; a {width}×{height} RGBA photo needs {expected}."),
            ));
        }
        Ok(())
    }

    /// A photo of one colour, for tests and examples.
    pub fn filled(width: u32, height: u32, rgba: [u8; 4]) -> Result<Self, SmpError> {
        check_size(width, height)?;
        let n = width as usize * height as usize;
        let mut pixels = try_zeroed::<u8>(n * 4, "photo")?;
        for px in pixels.chunks_exact_mut(4) {
            px.copy_from_slice(&rgba);
        }
        Ok(Rgba8Image {
            width,
            height,
            pixels,
        })
    }

    /// Whether every pixel is fully opaque (the usual photo). The element
    /// then shows the after-image in an opaque canvas, which a compositor
    /// draws as a copy rather than blending it over what lies beneath.
    pub fn is_opaque(&self) -> bool {
        self.pixels.iter().skip(3).step_by(4).all(|&a| a == 255)
    }

    /// The same photo reduced by area averaging so that neither side exceeds
    /// `max_side` (returned unchanged in size when it already fits).
    pub fn downscaled_to_fit(&self, max_side: u32) -> Result<Rgba8Image, SmpError> {
        let (w, h) = fit_size(self.width, self.height, max_side);
        self.downscaled_to(w, h)
    }

    /// The same photo reduced by area averaging to `width`×`height` (each
    /// at most its own side).
    pub fn downscaled_to(&self, width: u32, height: u32) -> Result<Rgba8Image, SmpError> {
        let pixels = resample_area(&self.pixels, self.width, self.height, 4, width, height)?;
        Ok(Rgba8Image {
            width,
            height,
            pixels,
        })
    }
}

/// Where pigment may go and how strongly: one weight 0–255 per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` weights; 0 = untouched, 255 = full density.
    pub weights: Vec<u8>,
}

impl Mask {
    /// An empty mask (no area) of the given size.
    pub fn empty(width: u32, height: u32) -> Result<Self, SmpError> {
        Ok(Mask {
            width,
            height,
            weights: try_zeroed(width as usize * height as usize, "treatment area")?,
        })
    }

    /// Wraps weights after checking that they match the size.
    pub fn new(width: u32, height: u32, weights: Vec<u8>) -> Result<Self, SmpError> {
        if weights.len() != width as usize * height as usize {
            return Err(SmpError::new(
                ErrorCode::MaskSizeMismatch,
                format!(
                    "The area has {} values; a {width}×{height} photo needs {}.",
                    weights.len(),
                    width as usize * height as usize
                ),
            ));
        }
        Ok(Mask {
            width,
            height,
            weights,
        })
    }

    /// Weight at a pixel, 0 outside the mask.
    pub fn at(&self, x: i64, y: i64) -> u8 {
        if x < 0 || y < 0 || x >= self.width as i64 || y >= self.height as i64 {
            0
        } else {
            self.weights[y as usize * self.width as usize + x as usize]
        }
    }

    /// True when no pixel has any weight.
    pub fn is_empty(&self) -> bool {
        // OR-ing a chunk at a time vectorises (byte by byte with an early
        // exit does not); the page asks this after every edit of a 12 MP area.
        self.weights
            .chunks(4096)
            .all(|c| c.iter().fold(0u8, |a, &w| a | w) == 0)
    }
}

/// The largest size with the same aspect that fits in `max_side`.
pub fn fit_size(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_side || max_side == 0 {
        return (width, height);
    }
    let s = max_side as f64 / long as f64;
    let w = ((width as f64 * s).round() as u32).max(1);
    let h = ((height as f64 * s).round() as u32).max(1);
    (w, h)
}

/// For each output sample along one axis: the source samples it covers and
/// their weights (fractions of the output sample's footprint).
fn area_weights(src: u32, dst: u32) -> Vec<Vec<(u32, f32)>> {
    let scale = src as f64 / dst as f64;
    (0..dst)
        .map(|i| {
            let a = i as f64 * scale;
            let b = (i + 1) as f64 * scale;
            let mut taps = Vec::new();
            let mut s = a.floor() as u32;
            while (s as f64) < b && s < src {
                let lo = a.max(s as f64);
                let hi = b.min(s as f64 + 1.0);
                if hi > lo {
                    taps.push((s, ((hi - lo) / scale) as f32));
                }
                s += 1;
            }
            taps
        })
        .collect()
}

/// Area-average resampling of an interleaved 8-bit buffer (separable box filter
/// over each output pixel's exact footprint). Hand-written: the `image` crate
/// is not in the wasm build, and this is the one filter the preview needs.
pub fn resample_area(
    src: &[u8],
    sw: u32,
    sh: u32,
    channels: usize,
    dw: u32,
    dh: u32,
) -> Result<Vec<u8>, SmpError> {
    if (sw, sh) == (dw, dh) {
        let mut out = try_zeroed::<u8>(src.len(), "preview")?;
        out.copy_from_slice(src);
        return Ok(out);
    }
    // One row at a time: only the output rows being summed are held, not a
    // float copy of the whole photo's reduced rows.
    let mut resampler = AreaResampler::new(sw, sh, channels, dw, dh)?;
    for row in src.chunks_exact(sw as usize * channels) {
        resampler.push_row(row)?;
    }
    resampler.finish()
}

/// [`resample_area`] one source row at a time, for decoders that stream
/// rows: only the output and the one or two output rows being summed are
/// held, never the whole source. The sums run in the same order as
/// [`resample_area`]'s, so the result is the same to the bit.
pub struct AreaResampler {
    channels: usize,
    sw: u32,
    sh: u32,
    dw: u32,
    xw: Vec<Vec<(u32, f32)>>,
    yw: Vec<Vec<(u32, f32)>>,
    /// The next source row expected.
    row: u32,
    /// The first output row not yet written.
    next_out: usize,
    /// Sums of output rows `next_out..`, as far as begun.
    active: std::collections::VecDeque<Vec<f32>>,
    tmp: Vec<f32>,
    out: Vec<u8>,
}

impl AreaResampler {
    /// Reduces a `sw`×`sh` image of `channels` bytes a pixel to `dw`×`dh`
    /// (each at most the source's side).
    pub fn new(
        sw: u32,
        sh: u32,
        channels: usize,
        dw: u32,
        dh: u32,
    ) -> Result<AreaResampler, SmpError> {
        if dw == 0 || dh == 0 || dw > sw || dh > sh {
            return Err(SmpError::new(
                ErrorCode::BadImage,
                format!("Cannot reduce {sw}×{sh} to {dw}×{dh}."),
            ));
        }
        Ok(AreaResampler {
            channels,
            sw,
            sh,
            dw,
            xw: area_weights(sw, dw),
            yw: area_weights(sh, dh),
            row: 0,
            next_out: 0,
            active: std::collections::VecDeque::new(),
            tmp: vec![0.0; dw as usize * channels],
            out: reserve(dw as usize * dh as usize * channels)?,
        })
    }

    /// Adds the next source row (`sw * channels` bytes).
    pub fn push_row(&mut self, src: &[u8]) -> Result<(), SmpError> {
        let (c, stride) = (self.channels, self.dw as usize * self.channels);
        if self.row >= self.sh || src.len() != self.sw as usize * c {
            return Err(SmpError::new(
                ErrorCode::BadImage,
                "The decoder gave a row of the wrong size.",
            ));
        }
        // Each sum starts at zero and adds its taps in order. The pixel's
        // width is a constant for the common cases (RGBA photos, 1-byte
        // masks), so the channel loop unrolls and nothing is index-checked:
        // a 12 MP photo is reduced several times faster.
        match c {
            4 => reduce_row::<4>(&self.xw, src, &mut self.tmp),
            1 => reduce_row::<1>(&self.xw, src, &mut self.tmp),
            _ => reduce_row_any(&self.xw, src, c, &mut self.tmp),
        }
        let s = self.row;
        let mut k = 0;
        while let Some(taps) = self.yw.get(self.next_out + k) {
            if taps.first().is_none_or(|t| t.0 > s) {
                break;
            }
            if k == self.active.len() {
                self.active.push_back(vec![0.0; stride]);
            }
            if let Some(&(_, w)) = taps.iter().find(|t| t.0 == s) {
                for (a, &t) in self.active[k].iter_mut().zip(&self.tmp) {
                    *a += t * w;
                }
            }
            k += 1;
        }
        // Output rows whose last source row has come are done.
        while let Some(taps) = self.yw.get(self.next_out) {
            if taps.last().is_some_and(|t| t.0 > s) {
                break;
            }
            let acc = self.active.pop_front().unwrap_or_else(|| vec![0.0; stride]);
            // Within the capacity reserved up front: no reallocation.
            self.out
                .extend(acc.iter().map(|a| (a + 0.5).clamp(0.0, 255.0) as u8));
            self.next_out += 1;
        }
        self.row += 1;
        Ok(())
    }

    /// The reduced image, once every source row has been added.
    pub fn finish(self) -> Result<Vec<u8>, SmpError> {
        if self.row != self.sh || self.next_out != self.yw.len() {
            return Err(truncated_rows());
        }
        Ok(self.out)
    }
}

/// One source row reduced along x into `out`, for pixels of `C` bytes.
fn reduce_row<const C: usize>(xw: &[Vec<(u32, f32)>], src: &[u8], out: &mut [f32]) {
    let (pixels, _) = src.as_chunks::<C>();
    let (sums, _) = out.as_chunks_mut::<C>();
    for (taps, px) in xw.iter().zip(sums) {
        let mut acc = [0.0f32; C];
        for &(s, w) in taps {
            if let Some(from) = pixels.get(s as usize) {
                for c in 0..C {
                    acc[c] += from[c] as f32 * w;
                }
            }
        }
        *px = acc;
    }
}

/// [`reduce_row`] for pixels of any width.
fn reduce_row_any(xw: &[Vec<(u32, f32)>], src: &[u8], c: usize, out: &mut [f32]) {
    out.fill(0.0);
    for (taps, px) in xw.iter().zip(out.chunks_exact_mut(c)) {
        for &(s, w) in taps {
            let from = &src[s as usize * c..(s as usize + 1) * c];
            for (acc, &v) in px.iter_mut().zip(from) {
                *acc += v as f32 * w;
            }
        }
    }
}

/// An empty buffer with room for `len` bytes, or an `out-of-memory` error.
/// Rows are appended as they are finished, so a file that claims a large
/// size but ends early never costs the whole output's memory.
fn reserve(len: usize) -> Result<Vec<u8>, SmpError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        SmpError::new(
            ErrorCode::OutOfMemory,
            "Not enough memory for the photo; try a smaller photo.",
        )
    })?;
    Ok(v)
}

fn truncated_rows() -> SmpError {
    SmpError::new(
        ErrorCode::TruncatedFile,
        "This photo file is incomplete (it may not have finished downloading). Please choose it again or use another photo.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pixel_short_of_opaque_is_not_opaque() {
        let mut photo = Rgba8Image::filled(3, 2, [10, 20, 30, 255]).unwrap();
        assert!(photo.is_opaque());
        photo.pixels[4 * 5 + 3] = 254;
        assert!(!photo.is_opaque());
        photo.pixels[4 * 5 + 3] = 255;
        photo.pixels[4 * 5 + 2] = 0; // a colour channel is not alpha
        assert!(photo.is_opaque());
    }

    #[test]
    fn halving_averages_blocks_exactly() {
        // 4×2 grey image, halved to 2×1: each output is the mean of a 2×2 block.
        let src = [0u8, 100, 200, 200, 100, 200, 200, 255];
        let out = resample_area(&src, 4, 2, 1, 2, 1).unwrap();
        assert_eq!(out, vec![100, 214]);
    }

    /// The plain two-pass form of the area filter (the whole buffer's rows
    /// reduced, then its columns), kept as the reference the row-at-a-time
    /// resampler must match to the bit.
    fn two_pass_reference(src: &[u8], sw: u32, sh: u32, c: usize, dw: u32, dh: u32) -> Vec<u8> {
        let (xw, yw) = (area_weights(sw, dw), area_weights(sh, dh));
        let stride = dw as usize * c;
        let mut tmp = vec![0.0f32; stride * sh as usize];
        for y in 0..sh as usize {
            for (x, taps) in xw.iter().enumerate() {
                for ch in 0..c {
                    let mut acc = 0.0f32;
                    for &(s, w) in taps {
                        acc += src[(y * sw as usize + s as usize) * c + ch] as f32 * w;
                    }
                    tmp[y * stride + x * c + ch] = acc;
                }
            }
        }
        let mut out = Vec::new();
        for taps in &yw {
            for i in 0..stride {
                let mut acc = 0.0f32;
                for &(s, w) in taps {
                    acc += tmp[s as usize * stride + i] * w;
                }
                out.push((acc + 0.5).clamp(0.0, 255.0) as u8);
            }
        }
        out
    }

    #[test]
    fn row_by_row_reduction_equals_the_two_pass_filter() {
        let (sw, sh) = (37u32, 23u32);
        for c in [1usize, 3, 4] {
            let src: Vec<u8> = (0..sw as usize * sh as usize * c)
                .map(|i| (i * 7919 % 251) as u8)
                .collect();
            for (dw, dh) in [(37, 23), (5, 3), (36, 22), (1, 1), (18, 23), (11, 7)] {
                let mut r = AreaResampler::new(sw, sh, c, dw, dh).unwrap();
                for row in src.chunks(sw as usize * c) {
                    r.push_row(row).unwrap();
                }
                let want = two_pass_reference(&src, sw, sh, c, dw, dh);
                assert_eq!(r.finish().unwrap(), want, "{c} channels to {dw}×{dh}");
                assert_eq!(resample_area(&src, sw, sh, c, dw, dh).unwrap(), want);
            }
        }
    }

    #[test]
    fn fit_size_keeps_aspect() {
        assert_eq!(fit_size(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit_size(261, 261, 1600), (261, 261));
    }

    #[test]
    fn working_size_fits_the_limits_and_keeps_aspect() {
        assert_eq!(working_size(4000, 3000), (4000, 3000));
        let (w, h) = working_size(8000, 6000); // 48 MP
        assert!(w as u64 * h as u64 <= MAX_PIXELS);
        assert!(w as u64 * h as u64 > MAX_PIXELS * 99 / 100);
        assert!(((w as f64 / h as f64) - 8.0 / 6.0).abs() < 0.001);
        assert_eq!(working_size(30_000, 8), (16_384, 4));
        assert_eq!(working_size(60_000, 1), (16_384, 1));
        for (w0, h0) in [(1, 1), (24_001, 1_000), (16_385, 16_385), (7, 65_535)] {
            let (w, h) = working_size(w0, h0);
            assert!(check_size(w, h).is_ok(), "{w0}×{h0} -> {w}×{h}");
        }
    }

    #[test]
    fn decode_limits_refuse_bombs_from_the_header() {
        assert!(check_decode_size(8000, 6000).is_ok());
        assert!(check_decode_size(65_535, 1).is_ok());
        for (w, h) in [(100_000, 100_000), (20_000, 20_000), (65_536, 1)] {
            assert_eq!(
                check_decode_size(w, h).unwrap_err().code,
                ErrorCode::ImageTooLarge
            );
        }
    }

    #[test]
    fn sizes_are_checked() {
        assert_eq!(check_size(0, 5).unwrap_err().code, ErrorCode::BadImage);
        assert_eq!(
            check_size(16_385, 5).unwrap_err().code,
            ErrorCode::ImageTooLarge
        );
        assert_eq!(
            check_size(10_000, 10_000).unwrap_err().code,
            ErrorCode::ImageTooLarge
        );
        assert_eq!(
            Rgba8Image::new(2, 2, vec![0; 15]).unwrap_err().code,
            ErrorCode::BadImage
        );
        assert_eq!(
            Mask::new(2, 2, vec![0; 3]).unwrap_err().code,
            ErrorCode::MaskSizeMismatch
        );
    }
}
