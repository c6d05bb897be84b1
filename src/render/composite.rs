//! Compositing: each pixel's coverage (its dots' cores, and the halos read
//! from the grid) turned into the photo seen through that much pigment.
//!
//! A look change (size, softness, years, healing) recomposites the whole
//! layer, so this is the inner loop a drag waits on. Three things keep it
//! short without changing a pixel:
//! - each pixel's halo value before the look's gain is kept (the grid
//!   changes only where dots come and go, and those pixels are always
//!   recomposited in the same update, which refreshes them);
//! - with each pixel's transmittance-table index kept, a pixel whose index
//!   is the one it was drawn with, under the same table, is already right
//!   (a softness step changes only the dots' edges);
//! - the preview keeps each pixel's light that the pigment darkens (the
//!   photo in linear light, less the shine on top: it depends on the photo
//!   alone), read only where a pixel is shaded: working it out was a table
//!   read and a saturating subtraction a channel.

use super::{Layer, Look, Rect, LUT_LEN, LUT_PER_UNIT, NOT_YET, NO_PIGMENT, UNITS};
use crate::analysis::{MmFieldAxis, Skin};
use crate::color::Transfer;
use crate::error::try_zeroed;
use crate::halo::round_units;
use crate::raster::{Mask, Rgba8Image};
use std::iter::Zip;
use std::slice::{Iter, IterMut};

/// How one composite pass may take shortcuts.
#[derive(Clone, Copy)]
pub(super) struct Pass {
    /// Pixels without pigment already show the photo (the first draw).
    pub covered_only: bool,
    /// The result was drawn with the current table and redness: a pixel
    /// whose kept table index is unchanged is left as it is.
    pub skip_same: bool,
    /// The halo grid changed in this update (or the kept halo values are
    /// new): read the grid, and keep what it gives.
    pub halo_live: bool,
}

impl Layer {
    /// Keeps each pixel's halo value and table index from now on (4 + 2
    /// bytes a pixel, only for layers whose look changes after their first
    /// draw), and in the preview (a layer that keeps its dots) each
    /// pixel's light (6 bytes more: `photo` gives it where the shine is
    /// known already). Without the memory, it goes on without. The update
    /// that makes them must recomposite every pixel.
    pub(super) fn keep_per_pixel(&mut self, photo: &Rgba8Image, t: &Transfer) {
        if self.light.is_empty() && self.kept_halos.is_some() {
            if let Ok(mut light) = try_zeroed::<[u16; 3]>(self.acc.len(), "result") {
                let pixels = photo.pixels.as_chunks::<4>().0;
                for ((l, &shine), px) in light.iter_mut().zip(&self.shine).zip(pixels) {
                    if shine != NOT_YET {
                        *l = Light::made(t, px, shine);
                    }
                }
                self.light = light;
            }
        }
        if self.halo_px.is_empty() {
            if let Ok(v) = try_zeroed::<f32>(self.acc.len(), "result") {
                self.halo_px = v;
            }
        }
        if self.shade_index.is_none() {
            if let Ok(mut cache) = try_zeroed::<u16>(self.acc.len(), "result") {
                cache.fill(NO_PIGMENT);
                self.shade_index = Some(cache);
            }
        }
    }

    /// Recomputes the result pixels in `r` from the photo.
    pub(super) fn composite(
        &mut self,
        input: (&Rgba8Image, &Mask, &Skin),
        r: Rect,
        pass: Pass,
        look: &Look,
        t: &Transfer,
    ) {
        let (photo, mask, skin) = input;
        let w = self.width as usize;
        if r.is_empty() {
            return;
        }
        self.skin_axes(skin);
        let mut halo_row = std::mem::take(&mut self.halo_row);
        let mut halos = std::mem::take(&mut self.halos);
        let mut cache = self.shade_index.take();
        let skip_same = pass.skip_same && cache.is_some();
        let kept_halos = !self.halo_px.is_empty();
        // Without a kept index, the indices go to a scratch row.
        let mut no_cache = Vec::new();
        let (x0, x1) = (r.x0 as usize, r.x1 as usize);
        let shader = Shader::new(&self.lut, look, t);
        for y in r.y0 as usize..r.y1 as usize {
            let (a, b) = (y * w + x0, y * w + x1);
            // The halo's values along the row, before the look's gain.
            let halo: &[f32] = if kept_halos && !pass.halo_live {
                &self.halo_px[a..b]
            } else {
                // Read from the grid straight into the kept values, if kept.
                self.halo.row(y, x0, x1, &mut halo_row);
                let values = if kept_halos {
                    &mut self.halo_px[a..b]
                } else {
                    halos.resize(x1 - x0, 0.0);
                    &mut halos[..]
                };
                self.halo.row_values(&halo_row, x0, values);
                values
            };
            let indices = match cache.as_mut() {
                Some(c) => &mut c[a..b],
                None => {
                    no_cache.resize(b - a, 0);
                    &mut no_cache[..]
                }
            };
            let job = RowJob {
                out: &mut self.out[a * 4..b * 4],
                indices,
                src: &photo.pixels[a * 4..b * 4],
                mask: &mask.weights[a..b],
                acc: &self.acc[a..b],
                halo,
                shine: &mut self.shine[a..b],
                scalp: &mut self.scalp[a..b],
                cols: &self.skin_cols[x0..x1],
                row: self.skin_rows[y],
            };
            let how = (skin, look.halo_gain, pass, skip_same);
            // One loop per kind of kept light (a slice of `()` takes no
            // memory): the test stays out of the pixel loop.
            if self.light.is_empty() {
                shader.row(job, &mut vec![(); b - a], look.redness > 0.0, how);
            } else {
                shader.row(job, &mut self.light[a..b], look.redness > 0.0, how);
            }
        }
        self.shade_index = cache;
        self.halos = halos;
        self.halo_row = halo_row;
    }

    /// Recomposites every pigmented pixel within `band` (after a shade
    /// change): the others already show the photo.
    pub(super) fn composite_covered(
        &mut self,
        photo: &Rgba8Image,
        mask: &Mask,
        skin: &Skin,
        look: &Look,
        t: &Transfer,
        band: Rect,
    ) {
        let inked = self.inked.within(band);
        let Some(cache) = self.shade_index.take() else {
            // The first shade change on this layer: from now on each pixel's
            // table index is kept (2 bytes a pixel, only for layers whose
            // shade changes: the preview), so later ones skip the halo and
            // hair lookups. Without the memory, it goes on without.
            if let Ok(mut cache) = try_zeroed::<u16>(self.acc.len(), "result") {
                cache.fill(NO_PIGMENT);
                self.shade_index = Some(cache);
            }
            let pass = Pass {
                // Dots that went in this update left pixels without
                // pigment that do not show the photo yet.
                covered_only: false,
                skip_same: false,
                // Halos that changed in this update are read from the grid.
                halo_live: self.halo_changed,
            };
            self.composite((photo, mask, skin), inked, pass, look, t);
            return;
        };
        let w = self.width as usize;
        let r = inked;
        let (x0, x1) = (r.x0 as usize, r.x1 as usize);
        let shader = Shader::new(&self.lut, look, t);
        for y in r.y0 as usize..r.y1 as usize {
            let (a, b) = (y * w + x0, y * w + x1);
            let out = &mut self.out[a * 4..b * 4];
            let src = &photo.pixels[a * 4..b * 4];
            let kept = (
                &cache[a..b],
                &self.shine[a..b],
                &self.acc[a..b],
                &self.scalp[a..b],
            );
            if self.light.is_empty() {
                shader.shade_row(out, src, &vec![(); b - a], kept);
            } else {
                shader.shade_row(out, src, &self.light[a..b], kept);
            }
        }
        self.shade_index = Some(cache);
    }

    /// Where each column and row falls on the skin grid, once a layer
    /// (it lives for one photo and scale, so for one skin analysis).
    fn skin_axes(&mut self, skin: &Skin) {
        if self.skin_cols.is_empty() {
            self.skin_cols = (0..self.width)
                .map(|x| skin.axis((x as f64 + 0.5) * self.to_full_x, false))
                .collect();
            self.skin_rows = (0..self.height)
                .map(|y| skin.axis((y as f64 + 0.5) * self.to_full_y, true))
                .collect();
        }
    }
}

/// A pixel's hair (scalp share, 255 = bare scalp) and shine values, computed
/// the first time it needs them.
#[cold]
#[inline(never)]
fn maps_at(
    src: &[u8; 4],
    skin: &Skin,
    t: &Transfer,
    ax: &MmFieldAxis,
    ay: &MmFieldAxis,
) -> (u8, u16) {
    let lin = [t.linear(src[0]), t.linear(src[1]), t.linear(src[2])];
    let scalp = (skin.scalp_at(lin, *ax, *ay) * 255.0 + 0.5) as u8;
    let shine = ((skin.shine(lin) * 65535.0 + 0.5) as u16).min(NOT_YET - 1);
    (scalp, shine)
}

/// The light of a photo's pixel that pigment darkens (each channel in
/// 16-bit linear light, less the pixel's shine: that is reflected at the
/// surface, so on top of the pigment), as a layer keeps it: not at all
/// (`()`: worked out each time, from nothing a pixel; a slice of them
/// takes no memory), or each pixel's.
trait Light: Copy {
    /// The light of the photo's pixel `px`, whose shine is `shine`.
    fn light(self, t: &Transfer, px: &[u8; 4], shine: u16) -> [u16; 3];
    /// What is kept for the photo's pixel `px` with its `shine`.
    fn made(t: &Transfer, px: &[u8; 4], shine: u16) -> Self;
}

impl Light for () {
    #[inline(always)]
    fn light(self, t: &Transfer, px: &[u8; 4], shine: u16) -> [u16; 3] {
        let shine = shine as u32;
        [0, 1, 2].map(|c| t.linear16(px[c]).saturating_sub(shine) as u16)
    }
    #[inline(always)]
    fn made(_: &Transfer, _: &[u8; 4], _: u16) -> Self {}
}

impl Light for [u16; 3] {
    #[inline(always)]
    fn light(self, _: &Transfer, _: &[u8; 4], _: u16) -> [u16; 3] {
        self
    }
    #[inline(always)]
    fn made(t: &Transfer, px: &[u8; 4], shine: u16) -> Self {
        ().light(t, px, shine)
    }
}

/// Each pixel of a row of `out` with the photo's pixel `src` under it (4
/// bytes a pixel), zipped: the loop indexes nothing it must bounds-check
/// (the type is named so that zipping it with more slices keeps that).
#[inline(always)]
fn pixel_pairs<'a>(
    out: &'a mut [u8],
    src: &'a [u8],
) -> Zip<IterMut<'a, [u8; 4]>, Iter<'a, [u8; 4]>> {
    out.as_chunks_mut::<4>()
        .0
        .iter_mut()
        .zip(src.as_chunks::<4>().0)
}

/// `units × scalp / 255` (rounded down): units where scalp shows (hair
/// stays on top of the pigment). The division as a multiply and shift,
/// exact for every u32 product: wasm has no multiply-high, so the
/// compiler leaves a real division per pixel.
#[inline(always)]
fn on_scalp(units: u32, scalp: u8) -> u32 {
    ((u64::from(units * scalp as u32) * 0x8080_8081) >> 39) as u32
}

/// A pigmented pixel's entry in the transmittance table: its coverage
/// where scalp shows.
#[inline(always)]
fn lut_index(cover: u32, scalp: u8) -> u16 {
    let units = on_scalp(cover, scalp);
    ((units * LUT_PER_UNIT) / UNITS as u32).min(LUT_LEN as u32 - 1) as u16
}

/// What shading a pigmented pixel needs besides the pixel's own values.
struct Shader<'a> {
    /// The transmittance table ([`LUT_LEN`] entries).
    lut: &'a [[u16; 3]; LUT_LEN],
    /// The look's redness (0 when healed).
    redness: f32,
    t: &'a Transfer,
}

/// One row of pixels to draw, every slice of the same length in pixels
/// (4 bytes a pixel for `out` and `src`).
struct RowJob<'a> {
    out: &'a mut [u8],
    /// Each pixel's kept table entry (or [`NO_PIGMENT`]).
    indices: &'a mut [u16],
    src: &'a [u8],
    mask: &'a [u8],
    acc: &'a [u32],
    /// The halo's values before the look's gain.
    halo: &'a [f32],
    shine: &'a mut [u16],
    scalp: &'a mut [u8],
    /// The pixels' columns, and the row, on the skin grid.
    cols: &'a [MmFieldAxis],
    row: MmFieldAxis,
}

impl<'a> Shader<'a> {
    /// The shading of `look` through the transmittance table `lut`.
    fn new(lut: &'a [[u16; 3]; LUT_LEN], look: &Look, t: &'a Transfer) -> Self {
        Shader {
            lut,
            redness: look.redness,
            t,
        }
    }

    /// Draws one row: each pixel's coverage (its cores' units and the halo
    /// scaled by `gain`, as [`crate::halo::HaloGrid::at_in_row`] does; none
    /// outside the area), its table entry, then its colour. With
    /// `skip_same`, a pixel whose entry is the kept one is left as it is.
    /// One pass: in wasm nothing vectorises, so every extra pass over a
    /// row buffer is paid in full. `lit`: each pixel's kept light, see
    /// [`Light`]; `red`: the redness is above 0.
    #[inline(always)]
    fn row<K: Light>(&self, job: RowJob, lit: &mut [K], red: bool, how: (&Skin, f32, Pass, bool)) {
        if red {
            self.row_as::<true, K>(job, lit, how);
        } else {
            self.row_as::<false, K>(job, lit, how);
        }
    }

    /// [`Self::row`] with the redness test made (`RED`).
    #[inline(always)]
    fn row_as<const RED: bool, K: Light>(
        &self,
        job: RowJob,
        lit: &mut [K],
        how: (&Skin, f32, Pass, bool),
    ) {
        let (skin, gain, pass, skip_same) = how;
        let RowJob {
            out,
            indices,
            src,
            mask,
            acc,
            halo,
            shine,
            scalp,
            cols,
            row,
        } = job;
        let n = indices.len();
        // Equal lengths, said once; the zipped iterators then index
        // nothing they must bounds-check (in wasm every check is paid).
        assert!(out.len() == 4 * n && src.len() == 4 * n && mask.len() == n && acc.len() == n);
        assert!(halo.len() == n && shine.len() == n && scalp.len() == n && cols.len() == n);
        assert!(lit.len() == n);
        let pixels = pixel_pairs(out, src);
        let kept = indices
            .iter_mut()
            .zip(shine.iter_mut())
            .zip(scalp.iter_mut().zip(lit.iter_mut()));
        let sums = mask.iter().zip(acc).zip(halo).zip(cols);
        // The column's place on the skin grid is passed by reference: by
        // value, it was copied to the stack for every pixel.
        for (((dst, px), ((index, shine), (scalp, lit))), (((&m, &acc), &halo), col)) in
            pixels.zip(kept).zip(sums)
        {
            let cover = if m == 0 {
                0
            } else {
                (acc & 0xFFFF) + round_units(halo * gain)
            };
            let new = if cover == 0 {
                NO_PIGMENT
            } else {
                if *shine == NOT_YET {
                    (*scalp, *shine) = maps_at(px, skin, self.t, col, &row);
                    *lit = K::made(self.t, px, *shine);
                }
                lut_index(cover, *scalp)
            };
            if skip_same && *index == new {
                continue;
            }
            *index = new;
            if new == NO_PIGMENT {
                if !pass.covered_only {
                    *dst = *px;
                }
                continue;
            }
            let light = lit.light(self.t, px, *shine);
            *dst = self.shade_as::<RED>(*px, (light, *shine), new, acc, *scalp);
        }
    }

    /// Shades again the pigmented pixels of one row (`out`, from the
    /// photo's `src`, 4 bytes a pixel) from what is kept of them: their
    /// light `lit`, and their table indices, shine, sums and scalp shares
    /// (`kept`), each one a pixel.
    #[inline(always)]
    fn shade_row<K: Light>(
        &self,
        out: &mut [u8],
        src: &[u8],
        lit: &[K],
        kept: (&[u16], &[u16], &[u32], &[u8]),
    ) {
        if self.redness > 0.0 {
            self.shade_row_as::<true, K>(out, src, lit, kept);
        } else {
            self.shade_row_as::<false, K>(out, src, lit, kept);
        }
    }

    /// [`Self::shade_row`] with the redness test made (`RED`).
    #[inline(always)]
    fn shade_row_as<const RED: bool, K: Light>(
        &self,
        out: &mut [u8],
        src: &[u8],
        lit: &[K],
        kept: (&[u16], &[u16], &[u32], &[u8]),
    ) {
        let (indices, shine, acc, scalp) = kept;
        // Zipped row slices: the loop indexes nothing it must bounds-check.
        let pixels = pixel_pairs(out, src);
        let maps = indices
            .iter()
            .zip(lit.iter().zip(shine))
            .zip(acc.iter().zip(scalp));
        for ((dst, src), ((&index, (&lit, &shine)), (&acc, &scalp))) in pixels.zip(maps) {
            if index != NO_PIGMENT {
                let light = lit.light(self.t, src, shine);
                *dst = self.shade_as::<RED>(*src, (light, shine), index, acc, scalp);
            }
        }
    }

    /// The photo's pixel `src` seen through the pigment of table entry
    /// `index`, with its shine on top (`lit`: its light, see [`Light`],
    /// and its shine), reddened by the fresh-redness units of its sums `acc` where scalp
    /// (`scalp`) shows. `RED`: the redness is above 0 (tested by the
    /// caller, once for many pixels).
    #[inline(always)]
    fn shade_as<const RED: bool>(
        &self,
        src: [u8; 4],
        lit: ([u16; 3], u16),
        index: u16,
        acc: u32,
        scalp: u8,
    ) -> [u8; 4] {
        let t = self.t;
        let (light, shine) = lit;
        // Indices are below LUT_LEN (a power of two): the mask only drops
        // the bounds check.
        let tr = self.lut[index as usize & (LUT_LEN - 1)];
        // The shine is reflected at the surface: it stays on top.
        let shine = shine as u32;
        let mut px = src;
        if RED {
            let halo = on_scalp((acc >> 16).min(UNITS as u32), scalp) as f32 / UNITS;
            let red = (self.redness * halo * 65535.0) as u32;
            let redden = [65535, 65535 - red * 25 / 100, 65535 - red * 28 / 100];
            for c in 0..3 {
                let lin = light[c] as u32;
                px[c] = t.srgb16(((((lin * tr[c] as u32) >> 16) * redden[c]) >> 16) + shine);
            }
        } else {
            for c in 0..3 {
                let lin = light[c] as u32;
                px[c] = t.srgb16(((lin * tr[c] as u32) >> 16) + shine);
            }
        }
        px
    }
}
