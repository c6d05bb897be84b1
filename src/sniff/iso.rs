//! AVIF and HEIC (ISO base media files): the brand, and the size from
//! every `ispe` property the items' associations name.

use super::{FileBytes, Format, Miss};
use crate::raster::check_decode_size;

/// AVIF or HEIC by the `ftyp` box's brands.
pub(super) fn iso_brand(start: &[u8]) -> Option<Format> {
    if start.len() < 12 || &start[4..8] != b"ftyp" {
        return None;
    }
    let brands = &start[8..start.len().min(64)];
    let has = |brand: &[u8]| brands.chunks(4).any(|c| c == brand);
    if has(b"avif") || has(b"avis") {
        return Some(Format::Avif);
    }
    if ["heic", "heix", "hevc", "heim", "mif1"]
        .iter()
        .any(|b| has(b.as_bytes()))
    {
        return Some(Format::Heic);
    }
    None
}

/// An ISO media box at `at`: (type, start of its content, end).
fn iso_box(f: &FileBytes, at: u64, end: u64) -> Result<([u8; 4], u64, u64), Miss> {
    let size = f.u32be(at)? as u64;
    let kind: [u8; 4] = f.get(at + 4, 4)?.try_into().expect("4 bytes");
    let (body, size) = match size {
        0 => (at + 8, end - at),
        1 => {
            let b = f.get(at + 8, 8)?;
            (at + 16, u64::from_be_bytes(b.try_into().expect("8 bytes")))
        }
        n => (at + 8, n),
    };
    let box_end = at
        .checked_add(size)
        .ok_or(Miss::Damaged("a box is too long"))?;
    if box_end < body || box_end > end {
        return Err(Miss::Damaged("the file's boxes do not fit together"));
    }
    Ok((kind, body, box_end))
}

/// AVIF/HEIC: the primary item's `ispe` (image spatial extents) property.
/// Every `ispe` must be within the limits, since a decoder may decode any
/// of them (tiles, alpha); the primary's is the size reported.
pub(super) fn iso_size(f: &FileBytes) -> Result<(u32, u32), Miss> {
    let mut at = 0;
    let meta = loop {
        if at >= f.len {
            return Err(Miss::Damaged("it has no image properties"));
        }
        let (kind, body, end) = iso_box(f, at, f.len)?;
        if &kind == b"meta" {
            break (body + 4, end);
        }
        at = end;
    };
    let mut primary = None;
    // (index in `ipco`, counting from 1; width, height)
    let mut ispe: Vec<(usize, (u32, u32))> = Vec::new();
    let mut assoc: Vec<(u32, Vec<u16>)> = Vec::new();
    let mut at = meta.0;
    while at < meta.1 {
        let (kind, body, end) = iso_box(f, at, meta.1)?;
        match &kind {
            b"pitm" => {
                primary = Some(if f.byte(body)? == 0 {
                    f.u16be(body + 4)?
                } else {
                    f.u32be(body + 4)?
                })
            }
            b"iprp" => {
                let mut p = body;
                while p < end {
                    let (kind, body, pend) = iso_box(f, p, end)?;
                    if &kind == b"ipco" {
                        let mut q = body;
                        let mut index = 0usize;
                        while q < pend {
                            let (kind, body, qend) = iso_box(f, q, pend)?;
                            index += 1;
                            if &kind == b"ispe" {
                                ispe.push((index, (f.u32be(body + 4)?, f.u32be(body + 8)?)));
                            }
                            q = qend;
                        }
                    } else if &kind == b"ipma" {
                        assoc = ipma(f, body)?;
                    }
                    p = pend;
                }
            }
            _ => {}
        }
        at = end;
    }
    let sizes: Vec<(u32, u32)> = ispe.iter().map(|(_, s)| *s).collect();
    let Some(&largest) = sizes.iter().max_by_key(|(w, h)| *w as u64 * *h as u64) else {
        return Err(Miss::Damaged("it does not say its size"));
    };
    let primary_size = primary
        .and_then(|id| assoc.iter().find(|(item, _)| *item == id))
        .and_then(|(_, props)| {
            props
                .iter()
                .find_map(|&p| ispe.iter().find(|(i, _)| *i == p as usize))
                .map(|(_, s)| *s)
        });
    // Anything that would be refused shows as the size, so it is refused.
    let over = sizes
        .iter()
        .find(|(w, h)| check_decode_size(*w, *h).is_err());
    Ok(*over.unwrap_or(&primary_size.unwrap_or(largest)))
}

/// The item → property associations of an `ipma` box.
fn ipma(f: &FileBytes, body: u64) -> Result<Vec<(u32, Vec<u16>)>, Miss> {
    let version = f.byte(body)?;
    let wide = f.byte(body + 3)? & 1 != 0;
    let count = f.u32be(body + 4)?;
    let mut at = body + 8;
    let mut out = Vec::new();
    for _ in 0..count.min(4096) {
        let item = if version < 1 {
            let v = f.u16be(at)?;
            at += 2;
            v
        } else {
            let v = f.u32be(at)?;
            at += 4;
            v
        };
        let n = f.byte(at)?;
        at += 1;
        let mut props = Vec::new();
        for _ in 0..n {
            let p = if wide {
                let v = f.u16be(at)? & 0x7fff;
                at += 2;
                v as u16
            } else {
                let v = f.byte(at)? & 0x7f;
                at += 1;
                v as u16
            };
            props.push(p);
        }
        out.push((item, props));
    }
    Ok(out)
}
