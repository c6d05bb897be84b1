//! Whether a JPEG's EXIF orientation turns it a quarter, read from its APP1
//! segment. Shown upright, such a photo's sides are swapped, and the work
//! done with its size before it is decoded (placing its dots) must know.
//! Only a hint: decoders apply the orientation themselves, so a file this
//! misreads is still shown the right way up. Hand-written: the `image`
//! crate's reader is not in the wasm build, and this is one tag.

/// Whether the APP1 segment body `data` is an EXIF block whose first image
/// directory gives an orientation of 5 to 8 (turned a quarter, mirrored or
/// not). `None` when it is no EXIF block or gives no orientation, or when
/// anything it points to lies outside it.
pub(super) fn quarter_turned(data: &[u8]) -> Option<bool> {
    let tiff = data.strip_prefix(b"Exif\0\0")?;
    let little = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    // The `n`-byte number at `at`, in the block's byte order.
    let number = |at: usize, n: usize| -> Option<u32> {
        let bytes = tiff.get(at..at.checked_add(n)?)?;
        let next = |v: u32, &b: &u8| v << 8 | b as u32;
        Some(if little {
            bytes.iter().rev().fold(0, next)
        } else {
            bytes.iter().fold(0, next)
        })
    };
    let u16_at = |at: usize| number(at, 2);
    if u16_at(2)? != 42 {
        return None;
    }
    let directory = usize::try_from(number(4, 4)?).ok()?;
    let entries = u16_at(directory)? as usize;
    for k in 0..entries {
        // Entries of 12 bytes: tag, type, count, then the value itself
        // when it fits in 4 bytes (a SHORT does, in the first two).
        let entry = directory.checked_add(2 + 12 * k)?;
        if u16_at(entry)? == 0x0112 {
            const SHORT: u32 = 3;
            if u16_at(entry + 2)? != SHORT {
                return None;
            }
            return u16_at(entry + 8).map(|o| (5..=8).contains(&o));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::quarter_turned;

    fn block(order: &[u8; 2], orientation: u16) -> Vec<u8> {
        let be = order == b"MM";
        let u16b = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let u32b = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
        let mut b = b"Exif\0\0".to_vec();
        b.extend(order);
        b.extend(u16b(42));
        b.extend(u32b(8));
        b.extend(u16b(2));
        // Another tag first (XResolution, a RATIONAL), then the orientation.
        b.extend(u16b(0x011a));
        b.extend(u16b(5));
        b.extend(u32b(1));
        b.extend(u32b(100));
        b.extend(u16b(0x0112));
        b.extend(u16b(3));
        b.extend(u32b(1));
        b.extend(u16b(orientation));
        b.extend([0, 0]);
        b
    }

    #[test]
    fn orientations_five_to_eight_turn_a_quarter_in_either_byte_order() {
        for order in [b"II", b"MM"] {
            for o in 1..=8u16 {
                assert_eq!(quarter_turned(&block(order, o)), Some(o >= 5), "{o}");
            }
        }
    }

    #[test]
    fn other_blocks_and_cut_short_ones_give_no_answer() {
        let whole = block(b"MM", 6);
        for n in 0..whole.len() - 2 {
            assert_eq!(quarter_turned(&whole[..n]), None, "cut to {n}");
        }
        assert_eq!(quarter_turned(b"http://ns.adobe.com/xap/1.0/\0"), None);
        let mut far = whole.clone();
        far[10..14].copy_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(quarter_turned(&far), None);
    }
}
