//! Undo and redo of the treatment area, small enough for long sessions on
//! large photos.
//!
//! A stack keeps its newest snapshot whole and every older one as the
//! difference (XOR) from the snapshot after it. A brush stroke changes a
//! small part of the area, so each older step is almost all zeros, and runs
//! are coded with variable-length counts, so it costs a few bytes plus the
//! stroke's own pixels, whatever the photo's size. Hand-written: no crate
//! does this one job at this size. A byte budget drops the oldest steps when
//! many large edits (an inverted noisy area, say) would otherwise hold
//! hundreds of megabytes.

use crate::error::{try_zeroed, SmpError};

/// Run-length codes weights as (varint run length, weight) pairs.
pub(crate) fn encode(weights: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < weights.len() {
        let v = weights[i];
        let mut n = 1;
        // Long runs (an empty or full area) are measured eight bytes at a
        // time: a whole 12 MP area is coded at every undo step.
        let splat = u64::from_ne_bytes([v; 8]);
        while let Some(word) = weights.get(i + n..i + n + 8) {
            if u64::from_ne_bytes(word.try_into().unwrap_or([!v; 8])) != splat {
                break;
            }
            n += 8;
        }
        while i + n < weights.len() && weights[i + n] == v {
            n += 1;
        }
        let mut rest = n;
        while rest >= 0x80 {
            out.push((rest as u8 & 0x7f) | 0x80);
            rest >>= 7;
        }
        out.push(rest as u8);
        out.push(v);
        i += n;
    }
    // Coding grows the buffer by doubling; a step kept for a long time
    // should hold only what it uses.
    out.shrink_to_fit();
    out
}

/// Whether `code` is a whole coding of exactly `len` weights (code from
/// elsewhere, a hand-off between engines, is checked before [`decode`]).
pub(crate) fn decodes_to(code: &[u8], len: usize) -> bool {
    let (mut i, mut p) = (0usize, 0usize);
    while p < code.len() {
        let mut n = 0usize;
        let mut shift = 0u32;
        loop {
            let Some(&b) = code.get(p) else { return false };
            p += 1;
            if shift > 56 {
                return false;
            }
            n |= ((b & 0x7f) as usize) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        if p >= code.len() {
            return false; // a run without its weight
        }
        p += 1;
        i = match i.checked_add(n) {
            Some(i) if i <= len => i,
            _ => return false,
        };
    }
    i == len
}

/// Decodes into `weights` (which has the area's size), combining each run
/// with what is there: `xor` for a difference, plain copy for a snapshot.
pub(crate) fn decode(code: &[u8], weights: &mut [u8], xor: bool) {
    let mut i = 0;
    let mut p = 0;
    while p < code.len() {
        let mut n = 0usize;
        let mut shift = 0;
        loop {
            let b = code[p];
            p += 1;
            n |= ((b & 0x7f) as usize) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        let v = code[p];
        p += 1;
        let run = &mut weights[i..i + n];
        if xor {
            if v != 0 {
                run.iter_mut().for_each(|w| *w ^= v);
            }
        } else {
            run.fill(v);
        }
        i += n;
    }
}

/// One direction of history (undo or redo): newest snapshot whole, older
/// ones as differences from their successor.
#[derive(Debug, Default)]
pub struct Stack {
    steps: Vec<Vec<u8>>,
}

impl Stack {
    /// Number of steps held.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True when there is no step.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Bytes held by the coded steps.
    pub fn bytes(&self) -> usize {
        self.steps.iter().map(Vec::len).sum()
    }

    /// Forgets every step.
    pub fn clear(&mut self) {
        self.steps = Vec::new();
    }

    /// Forgets the oldest step (nothing depends on it).
    pub fn drop_oldest(&mut self) {
        if !self.steps.is_empty() {
            self.steps.remove(0);
        }
    }

    /// Adds `snapshot` as the newest step.
    pub fn push(&mut self, snapshot: &[u8]) -> Result<(), SmpError> {
        if let Some(top) = self.steps.last_mut() {
            // The previous newest becomes its difference from this one.
            let mut prev = try_zeroed::<u8>(snapshot.len(), "undo history")?;
            decode(top, &mut prev, false);
            prev.iter_mut().zip(snapshot).for_each(|(p, s)| *p ^= s);
            *top = encode(&prev);
        }
        self.steps.push(encode(snapshot));
        Ok(())
    }

    /// Takes the newest step into `weights`; false (and `weights` untouched)
    /// when there is none.
    pub fn pop(&mut self, weights: &mut [u8]) -> Result<bool, SmpError> {
        let Some(top) = self.steps.last() else {
            return Ok(false);
        };
        // Both buffers first, so running out of memory changes nothing.
        let mut snapshot = try_zeroed::<u8>(weights.len(), "undo history")?;
        let mut whole = try_zeroed::<u8>(weights.len(), "undo history")?;
        decode(top, &mut snapshot, false);
        self.steps.pop();
        if let Some(next) = self.steps.last_mut() {
            // The step below becomes whole again: its difference applied to
            // the snapshot just taken.
            whole.copy_from_slice(&snapshot);
            decode(next, &mut whole, true);
            *next = encode(&whole);
        }
        weights.copy_from_slice(&snapshot);
        Ok(true)
    }
}

/// Undo and redo for one photo's area.
#[derive(Debug, Default)]
pub struct History {
    /// Steps that can be undone.
    pub undo: Stack,
    /// Steps that can be redone.
    pub redo: Stack,
    /// Most steps kept.
    pub max_steps: usize,
    /// Most bytes kept in all (the oldest undo steps go first; the newest
    /// undo step is always kept).
    pub max_bytes: usize,
}

impl History {
    /// History for an area of `pixels` weights: `max_steps` steps within a
    /// budget of 32 MB plus two bytes a pixel (one noisy whole snapshot).
    pub fn new(pixels: usize, max_steps: usize) -> Self {
        History {
            undo: Stack::default(),
            redo: Stack::default(),
            max_steps,
            max_bytes: (32 << 20) + 2 * pixels,
        }
    }

    /// Remembers `weights` (the area before an edit); the redo steps go.
    pub fn checkpoint(&mut self, weights: &[u8]) -> Result<(), SmpError> {
        self.redo.clear();
        self.undo.push(weights)?;
        while self.undo.len() > self.max_steps
            || (self.undo.len() > 1 && self.undo.bytes() > self.max_bytes)
        {
            self.undo.drop_oldest();
        }
        Ok(())
    }

    /// Remembers an empty area of `pixels` weights as the step before
    /// this one, without making one (its code is a single run).
    pub fn checkpoint_empty(&mut self, pixels: usize) -> Result<(), SmpError> {
        if !self.undo.is_empty() {
            let empty = try_zeroed::<u8>(pixels, "undo history")?;
            return self.checkpoint(&empty);
        }
        self.redo.clear();
        let mut code = Vec::new();
        let mut rest = pixels;
        while rest >= 0x80 {
            code.push((rest as u8 & 0x7f) | 0x80);
            rest >>= 7;
        }
        code.extend([rest as u8, 0]);
        self.undo.steps.push(code);
        Ok(())
    }

    /// Goes back (`back`) or forward one step, swapping `weights` with it;
    /// false when there is none.
    pub fn step(&mut self, back: bool, weights: &mut [u8]) -> Result<bool, SmpError> {
        let (from, to) = if back {
            (&mut self.undo, &mut self.redo)
        } else {
            (&mut self.redo, &mut self.undo)
        };
        if from.is_empty() {
            return Ok(false);
        }
        let mut now = try_zeroed::<u8>(weights.len(), "undo history")?;
        now.copy_from_slice(weights);
        from.pop(weights)?;
        to.push(&now)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_whole_codings_of_the_size_are_taken() {
        let weights: Vec<u8> = (0..5000u32)
            .map(|i| if i % 700 < 300 { 255 } else { (i % 3) as u8 })
            .collect();
        let code = encode(&weights);
        assert!(decodes_to(&code, weights.len()));
        assert!(!decodes_to(&code, weights.len() + 1));
        assert!(!decodes_to(&code, weights.len() - 1));
        for cut in 0..code.len() {
            assert!(!decodes_to(&code[..cut], weights.len()) || cut == 0 && weights.is_empty());
        }
        assert!(!decodes_to(&[0xff; 12], 10), "an endless count");
        let mut back = vec![0u8; weights.len()];
        decode(&code, &mut back, false);
        assert_eq!(back, weights);
    }

    use super::*;

    fn noise(n: usize, seed: u32) -> Vec<u8> {
        let mut draws = crate::rng::Draws::new(seed, 0);
        (0..n).map(|_| (draws.unit() * 256.0) as u8).collect()
    }

    #[test]
    fn coding_round_trips() {
        for weights in [vec![], vec![0; 1000], noise(5000, 1), {
            let mut v = vec![0u8; 300_000];
            v[1000..1200].fill(255);
            v
        }] {
            let code = encode(&weights);
            let mut back = vec![9u8; weights.len()];
            decode(&code, &mut back, false);
            assert_eq!(back, weights);
        }
        assert!(
            encode(&vec![0; 10_000_000]).len() <= 6,
            "long runs cost a few bytes"
        );
    }

    #[test]
    fn undo_and_redo_walk_every_state_back_and_forth() {
        let n = 4000;
        let mut history = History::new(n, 100);
        let mut area = vec![0u8; n];
        let mut states = vec![area.clone()];
        for k in 0..30 {
            history.checkpoint(&area).unwrap();
            // An "edit": a stroke of a few pixels, sometimes a noisy fill.
            if k % 7 == 3 {
                area = noise(n, k);
            } else {
                area[(k as usize * 97) % (n - 50)..][..50].fill(200 + k as u8);
            }
            states.push(area.clone());
        }
        for want in states.iter().rev().skip(1) {
            assert!(history.step(true, &mut area).unwrap());
            assert_eq!(&area, want);
        }
        assert!(!history.step(true, &mut area).unwrap());
        for want in states.iter().skip(1) {
            assert!(history.step(false, &mut area).unwrap());
            assert_eq!(&area, want);
        }
        assert!(!history.step(false, &mut area).unwrap());
    }

    #[test]
    fn small_edits_on_a_large_area_cost_little() {
        // 24 MP, 100 strokes: a few bytes a step, not megabytes.
        let n = 24_000_000;
        let mut history = History::new(n, 100);
        let mut area = vec![0u8; n];
        for k in 0..100 {
            history.checkpoint(&area).unwrap();
            area[k * 200_000..][..5000].fill(255);
        }
        assert_eq!(history.undo.len(), 100);
        assert!(
            history.undo.bytes() < 100_000,
            "{} bytes",
            history.undo.bytes()
        );
    }

    #[test]
    fn a_byte_budget_drops_the_oldest_steps() {
        let n = 100_000;
        let mut history = History::new(n, 100);
        history.max_bytes = 1_000_000;
        let mut area = vec![0u8; n];
        for k in 0..50 {
            history.checkpoint(&area).unwrap();
            area = noise(n, k); // every edit changes every pixel
        }
        assert!(history.undo.bytes() <= 1_000_000);
        assert!(history.undo.len() >= 2 && history.undo.len() < 50);
        // What is kept still undoes correctly.
        let mut last = area.clone();
        assert!(history.step(true, &mut last).unwrap());
        assert_eq!(last, noise(n, 48));
    }
}
