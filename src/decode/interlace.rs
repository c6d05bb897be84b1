//! Interlaced PNG (Adam7) and GIF frames in bounded memory.
//!
//! An interlaced image's rows come in passes: every even row in the passes
//! before the last (partly, for Adam7: a pass gives some of a row's
//! pixels), then every odd row, whole and in order, in the last. A row can
//! be reduced only once it is whole, so a decoder's whole frame used to be
//! held (3–8 bytes a pixel for a PNG, 1 for a GIF's palette indices). Here
//! the image is read a band of rows at a time: the decoder runs from the
//! file's start once a band, keeping only the band's even rows, and hands
//! out the band's rows in order as the last pass passes through it. Memory
//! is one band ([`BAND_BYTES`]); the cost is decoding the file once a band
//! (a 100 MP RGB PNG: 150 MB of even rows, three times).

use crate::error::{try_zeroed, ErrorCode, SmpError};

/// The most memory a band's even rows may take (64 MiB).
pub const BAND_BYTES: usize = 64 << 20;

/// Where a pass's rows and pixels fall: from (`x0`, `y0`), every `dx`-th
/// pixel of every `dy`-th row.
#[derive(Clone, Copy, PartialEq)]
pub(super) struct Pass {
    x0: usize,
    dx: usize,
    y0: usize,
    dy: usize,
}

const fn pass(x0: usize, dx: usize, y0: usize, dy: usize) -> Pass {
    Pass { x0, dx, y0, dy }
}

/// PNG's seven Adam7 passes.
pub(super) const ADAM7: [Pass; 7] = [
    pass(0, 8, 0, 8),
    pass(4, 8, 0, 8),
    pass(0, 4, 4, 8),
    pass(2, 4, 0, 4),
    pass(0, 2, 2, 4),
    pass(1, 2, 0, 2),
    pass(0, 1, 1, 2),
];

/// GIF's four passes (whole rows).
pub(super) const GIF: [Pass; 4] = [
    pass(0, 1, 0, 8),
    pass(0, 1, 4, 8),
    pass(0, 1, 2, 4),
    pass(0, 1, 1, 2),
];

/// The rows a decoder hands out, in order: (pass, row). Passes with no
/// pixels are left out, as decoders leave them out.
fn pass_rows(passes: &[Pass], w: usize, h: usize) -> impl Iterator<Item = (Pass, usize)> + '_ {
    passes
        .iter()
        .filter(move |p| p.x0 < w && p.y0 < h)
        .flat_map(move |&p| (p.y0..h).step_by(p.dy).map(move |y| (p, y)))
}

fn wrong_row() -> SmpError {
    SmpError::new(
        ErrorCode::BadImage,
        "The decoder gave an interlaced row of the wrong size.",
    )
}

/// Reads a `w`×`h` interlaced image of `bpp` bytes a pixel, laid out in
/// `passes` (whose last gives the odd rows), and hands its rows to `emit`
/// in order, holding at most `band_bytes` of even rows (or two rows'
/// worth, when one row is more). `decode(take)` must decode the image from its start, giving
/// each row the decoder makes to `take` in turn until `take` answers
/// `false` (the band is done) or the rows end.
pub(super) fn banded<D, E>(
    passes: &[Pass],
    (w, h): (usize, usize),
    bpp: usize,
    band_bytes: usize,
    mut decode: D,
    mut emit: E,
) -> Result<(), SmpError>
where
    D: FnMut(&mut dyn FnMut(&[u8]) -> Result<bool, SmpError>) -> Result<(), SmpError>,
    E: FnMut(&[u8]) -> Result<(), SmpError>,
{
    let row_bytes = w * bpp;
    if row_bytes == 0 || h == 0 {
        return Ok(());
    }
    // Rows a band: even, so that bands start on even rows.
    let band = ((band_bytes / row_bytes).max(1) * 2).min(h.next_multiple_of(2));
    let last = passes[passes.len() - 1];
    let mut even = try_zeroed::<u8>(band / 2 * row_bytes, "interlaced rows")?;
    let mut top = 0;
    while top < h {
        let bottom = (top + band).min(h);
        // The next row to hand out.
        let mut next = top;
        let mut order = pass_rows(passes, w, h);
        decode(&mut |data: &[u8]| {
            let (p, y) = order.next().ok_or_else(wrong_row)?;
            let count = (p.x0..w).step_by(p.dx).len();
            if data.len() != count * bpp {
                return Err(wrong_row());
            }
            if p != last {
                if (top..bottom).contains(&y) {
                    let row = &mut even[(y - top) / 2 * row_bytes..][..row_bytes];
                    for (i, px) in data.chunks_exact(bpp).enumerate() {
                        let x = p.x0 + i * p.dx;
                        row[x * bpp..(x + 1) * bpp].copy_from_slice(px);
                    }
                }
                return Ok(true);
            }
            if y < top {
                return Ok(true);
            }
            // An odd row: the even row before it is whole by now.
            while next < y {
                emit(&even[(next - top) / 2 * row_bytes..][..row_bytes])?;
                next += 1;
            }
            emit(data)?;
            next = y + 1;
            Ok(next < bottom)
        })?;
        // An even last row (an odd height) has no odd row after it.
        while next < bottom {
            if next % 2 == 1 {
                return Err(wrong_row());
            }
            emit(&even[(next - top) / 2 * row_bytes..][..row_bytes])?;
            next += 1;
        }
        top = bottom;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An interlaced `w`×`h` image (1 byte a pixel, value from its place)
    /// decoded in bands of `band` even rows: its rows, in order.
    fn rows_of(passes: &[Pass], w: usize, h: usize, band: usize) {
        let value = |x: usize, y: usize| (x * 7 + y * 13) as u8;
        let mut out = Vec::new();
        banded(
            passes,
            (w, h),
            1,
            band * w,
            |take| {
                for (p, y) in pass_rows(passes, w, h) {
                    let row: Vec<u8> = (p.x0..w).step_by(p.dx).map(|x| value(x, y)).collect();
                    if !take(&row)? {
                        break;
                    }
                }
                Ok(())
            },
            |row| {
                out.extend_from_slice(row);
                Ok(())
            },
        )
        .unwrap();
        let want: Vec<u8> = (0..h)
            .flat_map(|y| (0..w).map(move |x| value(x, y)))
            .collect();
        assert_eq!(out, want, "{w}×{h} in bands of {band} even rows");
    }

    #[test]
    fn rows_come_out_in_order_whatever_the_size() {
        for (w, h) in [(1, 1), (1, 2), (3, 1), (5, 3), (9, 17), (16, 16), (33, 8)] {
            for band in [1, 2, 3, 100] {
                rows_of(&ADAM7, w, h, band);
                rows_of(&GIF, w, h, band);
            }
        }
    }
}
