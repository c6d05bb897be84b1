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

/// Most words one [`KeptUnits`] holds (4 bytes each): 16 MB, the halos of
/// about 30,000 dots, more than a photo has at the densest setting. Past
/// it, dots are computed each time as when nothing is kept.
const MAX_WORDS: usize = 4 << 20;

/// Each dot's units, row by row over its [`Footprint`].
#[derive(Default)]
pub struct KeptUnits {
    /// Per dot: where its entry starts in `data`, plus one (0: not kept).
    at: Vec<u32>,
    /// Entries: the footprint (4 words), then the units.
    data: Vec<u32>,
}

impl KeptUnits {
    /// Forgets every dot (what they were drawn for changed).
    pub fn clear(&mut self) {
        self.at.clear();
        self.data.clear();
    }

    /// Dot `dot`'s footprint and units, if kept.
    pub fn get(&self, dot: usize) -> Option<(Footprint, &[u32])> {
        let start = (*self.at.get(dot)? as usize).checked_sub(1)?;
        let [x0, y0, span, rows] = self.data[start..start + 4] else {
            return None;
        };
        let n = (span * rows) as usize;
        Some((
            Footprint { x0, y0, span, rows },
            &self.data[start + 4..start + 4 + n],
        ))
    }

    /// Keeps dot `dot`'s units (`span × rows` of them), unless that would
    /// pass the budget or memory is short: it is then simply not kept.
    pub fn put(&mut self, dot: usize, f: Footprint, units: &[u32]) {
        let words = 4 + units.len();
        if self.data.len() + words > MAX_WORDS
            || self.data.try_reserve(words).is_err()
            || (self.at.len() <= dot && self.at.try_reserve(dot + 1 - self.at.len()).is_err())
        {
            return;
        }
        if self.at.len() <= dot {
            self.at.resize(dot + 1, 0);
        }
        self.at[dot] = self.data.len() as u32 + 1;
        self.data.extend_from_slice(&[f.x0, f.y0, f.span, f.rows]);
        self.data.extend_from_slice(units);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_dot_comes_back_as_it_was_put() {
        let mut k = KeptUnits::default();
        let f = Footprint {
            x0: 3,
            y0: 4,
            span: 2,
            rows: 3,
        };
        assert!(k.get(7).is_none());
        k.put(7, f, &[1, 2, 3, 4, 5, 6]);
        k.put(
            2,
            Footprint {
                span: 1,
                rows: 1,
                ..f
            },
            &[9],
        );
        assert_eq!(k.get(7), Some((f, &[1, 2, 3, 4, 5, 6][..])));
        assert_eq!(k.get(2).map(|(_, u)| u.to_vec()), Some(vec![9]));
        assert!(k.get(3).is_none() && k.get(100).is_none());
        k.clear();
        assert!(k.get(7).is_none());
    }

    #[test]
    fn nothing_is_kept_past_the_budget() {
        let mut k = KeptUnits::default();
        let big = vec![1u32; MAX_WORDS - 4];
        let f = Footprint {
            x0: 0,
            y0: 0,
            span: big.len() as u32,
            rows: 1,
        };
        k.put(0, f, &big);
        assert!(k.get(0).is_some());
        k.put(
            1,
            Footprint {
                span: 1,
                rows: 1,
                ..f
            },
            &[1],
        );
        assert!(k.get(1).is_none());
    }
}
