//! GIF for the command line, row by row.
//!
//! The `image` crate gives a GIF's first frame whole, as RGBA on its
//! logical screen (4 bytes a pixel, plus the frame again when it is placed
//! off the screen's corner). Here the frame's palette indices are read a
//! row at a time (`gif`'s [`gif::Decoder::fill_buffer`]) and each screen
//! row is made as the `image` crate makes it, then reduced at once: the
//! same pixels, with only the working-size output held. An interlaced
//! frame's rows come in four passes, so it is read a band of rows at a
//! time (`interlace.rs`): at most 64 MiB of its even rows' indices held.

use std::io::{BufRead, Seek, SeekFrom};

use image::ColorType;

use super::{interlace, read_failed, sink, Rows, Want};
use crate::error::{ErrorCode, SmpError};
use crate::raster::check_decode_size;

fn damaged(e: impl std::fmt::Display) -> SmpError {
    SmpError::new(
        ErrorCode::NotAnImage,
        format!("This file is damaged and cannot be read as a photo ({e})."),
    )
}

/// The first frame of a GIF as RGBA rows of its logical screen, reduced to
/// `target(width, height)`.
pub(super) fn read_rows<R: BufRead + Seek>(
    mut source: R,
    want: Want,
    target: impl Fn(u32, u32) -> (u32, u32),
) -> Result<Rows, SmpError> {
    let start = source.stream_position().map_err(read_failed)?;
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::Indexed);
    let mut decoder = options.clone().read_info(&mut source).map_err(damaged)?;
    let (w, h) = (decoder.width() as u32, decoder.height() as u32);
    check_decode_size(w, h)?;
    let frame = decoder
        .next_frame_info()
        .map_err(damaged)?
        .ok_or_else(|| damaged("no picture in it"))?;
    let (left, top) = (frame.left as usize, frame.top as usize);
    let (fw, fh) = (frame.width as usize, frame.height as usize);
    let (interlaced, transparent) = (frame.interlaced, frame.transparent);
    let palette = decoder.palette().map_err(damaged)?.to_vec();
    check_decode_size(fw.max(1) as u32, fh.max(1) as u32)?;
    let out = target(w, h);
    let mut rows = sink(ColorType::Rgba8, (w, h), want, out, false)?;
    // Screen rows as the `image` crate fills them: transparent black
    // outside the frame, and where an index has no palette entry.
    let mut line = vec![0u8; w as usize * 4];
    let mut indices = vec![0u8; fw];
    let paint = |line: &mut [u8], indices: Option<&[u8]>| {
        line.fill(0);
        let Some(indices) = indices else { return };
        for (x, &i) in indices.iter().enumerate() {
            let Some(px) = line.get_mut((left + x) * 4..(left + x) * 4 + 4) else {
                break;
            };
            if let Some(rgb) = palette.get(i as usize * 3..i as usize * 3 + 3) {
                px[..3].copy_from_slice(rgb);
                px[3] = if transparent == Some(i) { 0 } else { 0xff };
            }
        }
    };
    let cut = || damaged("image truncated");
    if interlaced && fw > 0 {
        // Rows in four passes: read a band of rows at a time, the file
        // decoded from its start for each ([`interlace::banded`]).
        drop(decoder);
        let (h, top) = (h as usize, top.min(h as usize));
        for _ in 0..top {
            paint(&mut line, None);
            rows.push(&line)?;
        }
        let mut y = top;
        interlace::banded(
            &interlace::GIF,
            (fw, fh),
            1,
            interlace::BAND_BYTES,
            |take| {
                source.seek(SeekFrom::Start(start)).map_err(read_failed)?;
                let mut decoder = options.clone().read_info(&mut source).map_err(damaged)?;
                decoder.next_frame_info().map_err(damaged)?;
                for _ in 0..fh {
                    if !decoder.fill_buffer(&mut indices).map_err(damaged)? {
                        return Err(cut());
                    }
                    if !take(&indices)? {
                        break;
                    }
                }
                Ok(())
            },
            |frame_row| {
                // Frame rows below the screen are not drawn.
                if y < h {
                    paint(&mut line, Some(frame_row));
                    rows.push(&line)?;
                }
                y += 1;
                Ok(())
            },
        )?;
        for _ in y.min(h)..h {
            paint(&mut line, None);
            rows.push(&line)?;
        }
    } else {
        for y in 0..h as usize {
            let inside = y >= top && y < top + fh && fw > 0;
            if inside && !decoder.fill_buffer(&mut indices).map_err(damaged)? {
                return Err(cut());
            }
            paint(&mut line, inside.then_some(&indices[..]));
            rows.push(&line)?;
        }
    }
    Ok(Rows {
        size: out,
        pixels: rows.resampler.finish()?,
        source_size: (w, h),
        has_alpha: true,
        orientation: image::metadata::Orientation::NoTransforms,
    })
}
