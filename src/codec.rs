//! A plain byte format for handing state from one engine to another of the
//! same build (the export worker's engine to the page's, see
//! `engine::handoff`): little-endian numbers and length-prefixed arrays,
//! read back with every length checked, so a damaged hand-off is an error,
//! never a panic. Hand-written: the few plain types it carries (numbers,
//! byte and `f32` arrays) do not warrant serde and a format crate in the
//! wasm module.

use crate::error::{try_zeroed, ErrorCode, SmpError};

fn damaged(what: &str) -> SmpError {
    SmpError::new(
        ErrorCode::BadImage,
        format!("The prepared photo could not be read ({what})."),
    )
}

/// Writes numbers and arrays; every growth is reserved fallibly, so a
/// hand-off too large for memory is `out-of-memory`, not an abort.
#[derive(Default)]
pub struct ByteWriter {
    bytes: Vec<u8>,
}

impl ByteWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    fn room(&mut self, n: usize) -> Result<(), SmpError> {
        self.bytes.try_reserve(n).map_err(|_| {
            SmpError::new(
                ErrorCode::OutOfMemory,
                "Not enough memory to hand the prepared photo over.",
            )
        })
    }

    /// Appends a `u32`.
    pub fn u32(&mut self, v: u32) -> Result<(), SmpError> {
        self.room(4)?;
        self.bytes.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    /// Appends an `f32`.
    pub fn f32(&mut self, v: f32) -> Result<(), SmpError> {
        self.u32(v.to_bits())
    }

    /// Appends an `f64`.
    pub fn f64(&mut self, v: f64) -> Result<(), SmpError> {
        self.room(8)?;
        self.bytes.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }

    /// Appends a byte array with its length.
    pub fn bytes(&mut self, v: &[u8]) -> Result<(), SmpError> {
        self.room(8 + v.len())?;
        self.bytes
            .extend_from_slice(&(v.len() as u64).to_le_bytes());
        self.bytes.extend_from_slice(v);
        Ok(())
    }

    /// Appends an `f32` array with its length.
    pub fn f32s(&mut self, v: &[f32]) -> Result<(), SmpError> {
        self.room(8 + v.len() * 4)?;
        self.bytes
            .extend_from_slice(&(v.len() as u64).to_le_bytes());
        let start = self.bytes.len();
        self.bytes.resize(start + v.len() * 4, 0);
        for (b, x) in self.bytes[start..].chunks_exact_mut(4).zip(v) {
            b.copy_from_slice(&x.to_le_bytes());
        }
        Ok(())
    }

    /// The bytes written.
    pub fn finish(self) -> Vec<u8> {
        self.bytes
    }
}

/// Reads what a [`ByteWriter`] wrote, checking every length.
pub struct ByteReader<'a> {
    rest: &'a [u8],
}

impl<'a> ByteReader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        ByteReader { rest: bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], SmpError> {
        if self.rest.len() < n {
            return Err(damaged("cut short"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn len(&mut self, item_bytes: usize) -> Result<usize, SmpError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        let n = usize::try_from(u64::from_le_bytes(b)).map_err(|_| damaged("a length"))?;
        if n.checked_mul(item_bytes)
            .is_none_or(|total| total > self.rest.len())
        {
            return Err(damaged("a length past its end"));
        }
        Ok(n)
    }

    /// Reads a `u32`.
    pub fn u32(&mut self) -> Result<u32, SmpError> {
        let mut b = [0u8; 4];
        b.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(b))
    }

    /// Reads an `f32`.
    pub fn f32(&mut self) -> Result<f32, SmpError> {
        Ok(f32::from_bits(self.u32()?))
    }

    /// Reads an `f64`.
    pub fn f64(&mut self) -> Result<f64, SmpError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(f64::from_le_bytes(b))
    }

    /// Reads a byte array (borrowed from the input).
    pub fn bytes(&mut self) -> Result<&'a [u8], SmpError> {
        let n = self.len(1)?;
        self.take(n)
    }

    /// Reads an `f32` array into memory reserved fallibly.
    pub fn f32s(&mut self, what: &str) -> Result<Vec<f32>, SmpError> {
        let n = self.len(4)?;
        let mut v = try_zeroed::<f32>(n, what)?;
        for (x, b) in v.iter_mut().zip(self.take(n * 4)?.chunks_exact(4)) {
            *x = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        Ok(v)
    }

    /// Fails unless everything was read (a hand-off of another layout).
    pub fn end(&self) -> Result<(), SmpError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(damaged("bytes left over"))
        }
    }

    /// A reading error naming `what` did not fit.
    pub fn mismatch(what: &str) -> SmpError {
        damaged(what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_was_written() {
        let mut w = ByteWriter::new();
        w.u32(7).unwrap();
        w.f32(-1.5).unwrap();
        w.f64(0.1).unwrap();
        w.bytes(&[1, 2, 3]).unwrap();
        w.f32s(&[0.25, 4.0]).unwrap();
        let bytes = w.finish();
        let mut r = ByteReader::new(&bytes);
        assert_eq!(r.u32().unwrap(), 7);
        assert_eq!(r.f32().unwrap(), -1.5);
        assert_eq!(r.f64().unwrap(), 0.1);
        assert_eq!(r.bytes().unwrap(), &[1, 2, 3]);
        assert_eq!(r.f32s("test").unwrap(), vec![0.25, 4.0]);
        r.end().unwrap();
    }

    #[test]
    fn cut_short_or_lying_lengths_are_errors_not_panics() {
        let mut w = ByteWriter::new();
        w.bytes(&[9; 10]).unwrap();
        let bytes = w.finish();
        for cut in 0..bytes.len() {
            let mut r = ByteReader::new(&bytes[..cut]);
            assert_eq!(r.bytes().unwrap_err().code, ErrorCode::BadImage);
        }
        let mut lie = bytes.clone();
        lie[..8].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(ByteReader::new(&lie).bytes().is_err());
        assert!(ByteReader::new(&lie).f32s("test").is_err());
        let mut r = ByteReader::new(&bytes);
        r.u32().unwrap();
        assert!(r.end().is_err());
    }
}
