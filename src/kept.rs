//! Each dot's drawn units, kept from its first drawing so that a dot that
//! comes and goes (a density drag, a brush stroke, a session) only adds or
//! takes them again instead of computing its profile anew. The same units
//! either way, so a layer's sums stay the same bit for bit.

/// Where one dot's units lie: the first column and row (pixels or grid
/// nodes), and the size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footprint {
    /// First column.
    pub x0: u32,
    /// First row.
    pub y0: u32,
    /// Columns.
    pub span: u32,
    /// Rows.
    pub rows: u32,
}

impl Footprint {
    /// Adds (or, without `add`, takes) `units`, row by row over this
    /// footprint, into `sums`, a grid `stride` wide. Wrapping: adding then
    /// taking the same units restores the sums bit for bit.
    pub fn add_into<T: Copy + Into<u32>>(
        &self,
        sums: &mut [u32],
        stride: usize,
        units: &[T],
        add: bool,
    ) {
        let (x0, span) = (self.x0 as usize, self.span as usize);
        for (y, row) in (self.y0 as usize..).zip(units.chunks_exact(span)) {
            for (a, &u) in sums[y * stride + x0..][..span].iter_mut().zip(row) {
                let u: u32 = u.into();
                *a = if add {
                    a.wrapping_add(u)
                } else {
                    a.wrapping_sub(u)
                };
            }
        }
    }
}

/// Most bytes one [`KeptUnits`] holds: 16 MB, the halos of some 60,000
/// dots at 16 bits a unit, more than a photo has at the densest setting.
/// Past it, dots are computed each time as when nothing is kept.
const MAX_BYTES: usize = 16 << 20;

/// Each dot's units (`T`: `u16` where they are known to be small, such as
/// halos, or `u32`), row by row over its [`Footprint`].
pub struct KeptUnits<T> {
    /// Per dot: its entry in `heads`, plus one (0: not kept).
    at: Vec<u32>,
    /// Per entry: the footprint and where its units start in `data`.
    heads: Vec<(Footprint, u32)>,
    data: Vec<T>,
}

impl<T> Default for KeptUnits<T> {
    fn default() -> Self {
        KeptUnits {
            at: Vec::new(),
            heads: Vec::new(),
            data: Vec::new(),
        }
    }
}

impl<T: Copy + TryFrom<u32>> KeptUnits<T> {
    /// Forgets every dot (what they were drawn for changed).
    pub fn clear(&mut self) {
        self.at.clear();
        self.heads.clear();
        self.data.clear();
    }

    /// Dot `dot`'s footprint and units, if kept.
    pub fn get(&self, dot: usize) -> Option<(Footprint, &[T])> {
        let entry = (*self.at.get(dot)? as usize).checked_sub(1)?;
        let (f, start) = *self.heads.get(entry)?;
        let n = (f.span * f.rows) as usize;
        Some((f, self.data.get(start as usize..start as usize + n)?))
    }

    /// Keeps dot `dot`'s units (`span × rows` of them), unless one does not
    /// fit `T`, or that would pass the budget, or memory is short: it is
    /// then simply not kept.
    pub fn put(&mut self, dot: usize, f: Footprint, units: &[u32]) {
        let bytes = |n: usize| n * std::mem::size_of::<T>();
        let heads = |n: usize| n * std::mem::size_of::<(Footprint, u32)>();
        if bytes(self.data.len() + units.len()) + heads(self.heads.len() + 1) > MAX_BYTES
            || u32::try_from(self.data.len() + units.len()).is_err()
            || self.data.try_reserve(units.len()).is_err()
            || self.heads.try_reserve(1).is_err()
            || (self.at.len() <= dot && self.at.try_reserve(dot + 1 - self.at.len()).is_err())
        {
            return;
        }
        let start = self.data.len();
        for &u in units {
            match T::try_from(u) {
                Ok(v) => self.data.push(v),
                Err(_) => {
                    self.data.truncate(start);
                    return;
                }
            }
        }
        if self.at.len() <= dot {
            self.at.resize(dot + 1, 0);
        }
        self.heads.push((f, start as u32));
        self.at[dot] = self.heads.len() as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x0: u32, span: u32) -> Footprint {
        Footprint {
            x0,
            y0: 4,
            span,
            rows: 1,
        }
    }

    #[test]
    fn a_kept_dot_comes_back_as_it_was_put() {
        let mut k = KeptUnits::<u32>::default();
        let f = Footprint {
            x0: 3,
            y0: 4,
            span: 2,
            rows: 3,
        };
        assert!(k.get(7).is_none());
        k.put(7, f, &[1, 2, 3, 4, 5, 6]);
        k.put(2, at(1, 1), &[9]);
        assert_eq!(k.get(7), Some((f, &[1, 2, 3, 4, 5, 6][..])));
        assert_eq!(k.get(2), Some((at(1, 1), &[9][..])));
        assert!(k.get(3).is_none() && k.get(100).is_none());
        k.clear();
        assert!(k.get(7).is_none());
    }

    #[test]
    fn nothing_is_kept_past_the_budget() {
        let mut k = KeptUnits::<u32>::default();
        let big = vec![1u32; MAX_BYTES / 4 - 8];
        k.put(0, at(0, big.len() as u32), &big);
        assert!(k.get(0).is_some());
        k.put(1, at(0, 4), &[1, 2, 3, 4]);
        assert!(k.get(1).is_none());
    }

    #[test]
    fn units_too_large_for_16_bits_are_not_kept() {
        let mut k = KeptUnits::<u16>::default();
        k.put(0, at(0, 2), &[1, 70_000]);
        assert!(k.get(0).is_none());
        k.put(1, at(0, 2), &[1, 65_535]);
        assert_eq!(k.get(1), Some((at(0, 2), &[1u16, 65_535][..])));
        assert!(k.get(0).is_none());
    }
}
