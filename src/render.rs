//! Compositing the dots into the photo: pigment as an absorber in the skin.
//!
//! Each shown dot adds absorbance to the pixels it covers through soft,
//! area-preserving profiles: its core (the impression) and a wide, faint
//! scatter halo (see [`crate::look`] for the calibration). The photo is then
//! darkened in linear light by `exp(-absorbance × cast)`: pigment multiplies
//! the light coming back through the skin rather than painting over it, so
//! shadowed dots stay darker than lit ones; overlapping dots deepen softly
//! instead of clipping to black; carbon reads as a neutral to cool grey
//! because red is absorbed more than blue; on dark skin part of the light
//! comes back from above the pigment and is not darkened; the scalp's shine
//! (white surface reflection) is left on top; hair stays on top of the
//! pigment.
//!
//! A [`Layer`] keeps, per resolution (the preview, or the full photo), what
//! each kind of change needs, so a change redoes only its own part:
//! - which dots are drawn, with their absorbance summed in exact fixed point
//!   (a density or area change adds or subtracts only the dots that changed);
//! - the dot shape (size, softness, halo, fresh redness): a change redraws
//!   every dot;
//! - the shade (a transmittance table): a change recomposites the pixels
//!   with pigment.

use crate::analysis::{MmFieldAxis, Skin};
use crate::color::Transfer;
use crate::error::{try_zeroed, SmpError};
use crate::halo::{larger, round_units, smaller, HaloGrid, HaloRow};
use crate::kept::{Footprint, KeptUnits};
pub use crate::look::Look;
use crate::look::PIGMENT_CAST;
use crate::placement::{Dot, Placement};
use crate::raster::{Mask, Rgba8Image};
pub use crate::tiles::Rect;
use crate::tiles::{spatial_order, Tiles};

mod band;
pub use band::Band;
mod composite;
use composite::Pass;

/// Most absorbance overlapping dots can reach, as a multiple of one dot's.
const SATURATION: f32 = 1.4;
/// Absorbance never exceeds this: the darkest carbon grey under skin keeps
/// about a tenth of the skin's brightness; pigment is never black.
const MAX_ABSORBANCE: f32 = 2.3;
/// How far the redness around fresh dots reaches beyond the dot's edge, in
/// mm (the skin reddens around each puncture for a few days), and its mean
/// strength over that disc.
const REDNESS_SPREAD_MM: f32 = 0.5;
const REDNESS_MEAN: f32 = 0.3;
/// Fixed-point units per unit of dot coverage (absorbance sums stay exact, so
/// removing a dot restores the pixel bit for bit). 16 bits hold 64 units of
/// coverage: far more than the densest, largest dots pile up.
const UNITS: f32 = 1024.0;
/// Transmittance table: entries per unit of coverage, and its length.
const LUT_PER_UNIT: u32 = 256;
const LUT_LEN: usize = 4096;
/// Marks a pixel whose hair and shine values are not computed yet.
const NOT_YET: u16 = u16::MAX;
/// Marks a pixel without pigment in the kept table indices.
const NO_PIGMENT: u16 = u16::MAX;

/// What a layer draws from: its photo and area (at its own size), the
/// pattern, and which dots are shown.
#[derive(Clone, Copy)]
pub struct LayerInput<'a> {
    /// The photo at this layer's size.
    pub photo: &'a Rgba8Image,
    /// The area at this layer's size.
    pub mask: &'a Mask,
    /// The pattern.
    pub placement: &'a Placement,
    /// Which dots are shown (one flag per dot of the pattern).
    pub visible: &'a [bool],
    /// The photo's skin analysis (hair and shine).
    pub skin: &'a Skin,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct ShapeKey {
    radius_px: f32,
    halo_reach_px: f32,
    /// The dot radius the halos are drawn for (see [`Look::halo_gain`]).
    halo_radius_px: f32,
    softness: f32,
    /// Reach of the fresh redness beyond the dot's edge, in pixels (0 when healed).
    redness_spread_px: f32,
}

impl ShapeKey {
    /// For a dot of `size_factor`: its radius, the width of its soft
    /// edge, how far its core reaches and how far its fresh redness reaches
    /// (0 when healed), in pixels.
    fn reaches(&self, size_factor: f32) -> (f32, f32, f32, f32) {
        let radius = self.radius_px * size_factor;
        let edge = 1.0 + self.softness * radius * 1.2;
        let red_reach = if self.redness_spread_px > 0.0 {
            radius + self.redness_spread_px + 0.5
        } else {
            0.0
        };
        (radius, edge, radius + 0.5 * edge, red_reach)
    }
}

/// One resolution's render state and caches.
pub struct Layer {
    width: u32,
    height: u32,
    /// Pixels per mm of this layer, per axis.
    sx: f32,
    sy: f32,
    /// Full-resolution pixels per layer pixel, per axis.
    to_full_x: f64,
    to_full_y: f64,
    scalp: Vec<u8>,
    shine: Vec<u16>,
    /// The preview's: each pixel's light that pigment darkens (see
    /// `composite`); empty elsewhere, and until the preview's first draw
    /// (or when there was no memory for it).
    light: Vec<[u16; 3]>,
    /// Low 16 bits: pigment coverage units; high 16 bits: fresh-redness units.
    acc: Vec<u32>,
    /// The dots' scatter halos, on a coarse grid.
    halo: HaloGrid,
    /// Each dot's halo units on that grid, kept once drawn (only for a
    /// layer made with `keep_dots`: the preview, redrawn as people drag).
    kept_halos: Option<KeptUnits<u16>>,
    /// Each dot's core units for the current shape, kept once drawn by a
    /// density or area change (with `kept_halos`).
    kept_cores: Option<KeptUnits<u32>>,
    /// One row of the halo grid interpolated (reused buffer).
    halo_row: HaloRow,
    /// Where each pixel column and row falls on the skin analysis's grid
    /// (filled at the first pixel that needs it; a layer lives for one
    /// photo and scale, so for one skin analysis).
    skin_cols: Vec<MmFieldAxis>,
    skin_rows: Vec<MmFieldAxis>,
    /// Which dots' cores are drawn (in `acc`), and which dots' halos (on
    /// the grid): each follows which dots are shown, except for dots a
    /// banded update left for later (see [`Layer::update`]).
    shown: Vec<bool>,
    halo_on: Vec<bool>,
    shape: Option<ShapeKey>,
    /// Transmittance per channel for each absorbance step (65535 = clear).
    lut: Box<[[u16; 3]; LUT_LEN]>,
    lut_key: Option<(u32, u32, u32)>,
    out: Vec<u8>,
    /// `out` is a plain copy of the photo (nothing drawn yet).
    out_is_photo: bool,
    /// Each pixel's transmittance-table index (or [`NO_PIGMENT`]), kept
    /// from a layer's first shade change on; `None` until then.
    shade_index: Option<Vec<u16>>,
    /// A rectangle holding every pixel with pigment (the union of the drawn
    /// dots' footprints since the last full redraw): a shade change
    /// recomposites the pigmented pixels within it.
    inked: Rect,
    /// Per-pixel profile values of the dot being drawn (reused buffer).
    scratch: Vec<f32>,
    /// Its core units, to keep (reused buffer).
    core_units: Vec<u32>,
    /// The dots' indices in bands of rows, left to right within a band.
    order: Vec<u32>,
    /// The dots themselves in that order: a drawing pass reads them in
    /// sequence instead of one cache miss a dot.
    ordered: Vec<Dot>,
    /// The largest of their size factors, at least 1 (how far a dot can
    /// reach, for a banded update).
    largest_size_factor: f32,
    /// Which tiles an update recomposites.
    tiles: Tiles,
    /// A rectangle holding every halo drawn since the halo grid was cleared.
    haloed: Rect,
    /// One row's halo values while compositing (reused buffer).
    halos: Vec<f32>,
    /// Each pixel's halo value before the look's gain, kept from a layer's
    /// first look change on (empty until then): see `composite`.
    halo_px: Vec<f32>,
    /// The halo grid changed since the last composite.
    halo_changed: bool,
    /// The fresh redness the result was last drawn with.
    redness_drawn: f32,
    /// Per row, the first column from which pixels, kept halo values and
    /// table indices are up to date (see [`Band`]); empty when all are.
    fresh_from: Vec<u32>,
}

impl Layer {
    /// Prepares a layer for `photo` (this resolution) of a photo whose full
    /// size is `full_w`×`full_h` at `full_px_per_mm`.
    pub fn new(
        photo: &Rgba8Image,
        full_w: u32,
        full_h: u32,
        full_px_per_mm: f64,
        keep_dots: bool,
    ) -> Result<Layer, SmpError> {
        let (w, h) = (photo.width, photo.height);
        let n = w as usize * h as usize;
        let to_full_x = full_w as f64 / w as f64;
        let to_full_y = full_h as f64 / h as f64;
        // Hair and shine maps are filled lazily, only for pixels that get
        // pigment (NOT_YET marks the rest): most of a photo never needs them.
        let scalp = try_zeroed::<u8>(n, "result")?;
        let mut shine = try_zeroed::<u16>(n, "result")?;
        shine.fill(NOT_YET);
        let mut out = try_zeroed::<u8>(n * 4, "result")?;
        out.copy_from_slice(&photo.pixels);
        Ok(Layer {
            width: w,
            height: h,
            sx: (full_px_per_mm / to_full_x) as f32,
            sy: (full_px_per_mm / to_full_y) as f32,
            to_full_x,
            to_full_y,
            scalp,
            shine,
            light: Vec::new(),
            acc: try_zeroed(n, "result")?,
            halo_row: HaloRow::default(),
            kept_halos: keep_dots.then(KeptUnits::default),
            kept_cores: keep_dots.then(KeptUnits::default),
            skin_cols: Vec::new(),
            skin_rows: Vec::new(),
            halo: HaloGrid::new(
                w,
                h,
                (0.5 * (full_px_per_mm / to_full_x + full_px_per_mm / to_full_y)) as f32,
            )?,
            shown: Vec::new(),
            halo_on: Vec::new(),
            shape: None,
            lut: Box::new([[65535; 3]; LUT_LEN]),
            lut_key: None,
            out,
            out_is_photo: true,
            inked: Rect::default(),
            shade_index: None,
            scratch: Vec::new(),
            core_units: Vec::new(),
            order: Vec::new(),
            ordered: Vec::new(),
            largest_size_factor: 1.0,
            tiles: Tiles::default(),
            haloed: Rect::default(),
            halos: Vec::new(),
            halo_px: Vec::new(),
            halo_changed: false,
            redness_drawn: 0.0,
            fresh_from: Vec::new(),
        })
    }

    /// The rendered RGBA pixels.
    pub fn pixels(&self) -> &[u8] {
        &self.out
    }

    /// Brings the result up to date and returns the rectangle that changed.
    /// `mask_changed` is where (in this layer's pixels) the area changed
    /// since the last update. With a `band`, only its pixels are composited
    /// and only the dots that reach it drawn (see [`Band`]: the rest is
    /// composited whole by the update that next covers it); the rectangle
    /// returned then lies within the band.
    pub fn update(
        &mut self,
        input: &LayerInput,
        mask_changed: Rect,
        look: &Look,
        t: &Transfer,
        band: Option<Band>,
    ) -> Rect {
        let LayerInput {
            photo,
            mask,
            placement,
            visible,
            skin,
        } = *input;
        let everything = Rect {
            x0: 0,
            y0: 0,
            x1: self.width,
            y1: self.height,
        };
        let px_per_mm = 0.5 * (self.sx + self.sy);
        let shape = ShapeKey {
            radius_px: look.radius_mm * px_per_mm,
            halo_reach_px: look.halo_reach_mm * px_per_mm,
            halo_radius_px: look.halo_radius_mm * px_per_mm,
            softness: look.softness,
            redness_spread_px: if look.redness > 0.0 {
                REDNESS_SPREAD_MM * px_per_mm
            } else {
                0.0
            },
        };
        let band = self.band_rect(band);
        let mut dirty = mask_changed;
        // Rectangles to recomposite: the area change, then each changed dot's
        // footprint; a scattered density change then touches only its dots.
        let mut rects: Vec<Rect> = Vec::new();
        if !mask_changed.is_empty() {
            rects.push(mask_changed);
        }
        let mut footprint_area = 0u64;
        let mut redraw_all = false;
        // The drawn halos depend on the scale only (a dot's size scales them
        // as they are read, see `Look::halo_gain`): a change of size,
        // softness, years or healing keeps them (adding the dots that
        // appear and removing those that go).
        let mut keep_halo = false;
        if self.shape != Some(shape) || self.shown.len() != placement.dots.len() {
            keep_halo = self.shown.len() == placement.dots.len()
                && self.shape.is_some_and(|s| {
                    (s.halo_radius_px, s.halo_reach_px)
                        == (shape.halo_radius_px, shape.halo_reach_px)
                });
            self.acc.fill(0);
            if let Some(k) = self.kept_cores.as_mut() {
                k.clear();
            }
            if !keep_halo {
                self.halo.clear();
                if let Some(k) = self.kept_halos.as_mut() {
                    k.clear();
                }
                self.halo_changed = true;
                self.haloed = Rect::default();
            }
            self.inked = Rect::default();
            self.shape = Some(shape);
            redraw_all = true;
        }
        if self.order.len() != placement.dots.len() {
            self.order = spatial_order(placement, self.sx, self.sy);
            self.ordered = self
                .order
                .iter()
                .map(|&i| placement.dots[i as usize])
                .collect();
            self.largest_size_factor =
                self.ordered.iter().fold(
                    1.0f32,
                    |m, d| {
                        if d.size_factor > m {
                            d.size_factor
                        } else {
                            m
                        }
                    },
                );
        }
        // In spatial order: neighbouring dots touch the same cache lines of
        // the sums and the halo grid. Integer sums do not depend on the order.
        let order = std::mem::take(&mut self.order);
        let ordered = std::mem::take(&mut self.ordered);
        // A layer that keeps its dots (the preview) will see its look
        // change (a drag): it keeps what makes that quick from its first
        // draw, which composites every pixel anyway, so that the first
        // change is as quick as the next. Other layers make them at a
        // look change after their first draw.
        let mut fresh_caches = false;
        let keeps = keep_halo || (redraw_all && self.kept_halos.is_some());
        if keeps && (self.halo_px.is_empty() || self.shade_index.is_none()) {
            self.keep_per_pixel(photo, t);
            fresh_caches = true;
        }
        let partial = band != self.band_rect(None);
        // A banded update looks only at the dots (in spatial order) whose
        // rows can reach the band; a dot beyond it is left as it is drawn,
        // for the update that next covers its rows.
        let near = if partial {
            self.dots_near(&ordered, &shape, band)
        } else {
            0..ordered.len()
        };
        if redraw_all {
            self.shown = vec![false; placement.dots.len()];
            if !keep_halo {
                self.halo_on = vec![false; placement.dots.len()];
            }
            for (&i, dot) in order[near.clone()].iter().zip(&ordered[near]) {
                let i = i as usize;
                if partial && !self.reaches_band(dot, &shape, band) {
                    continue;
                }
                if self.halo_on[i] != visible[i] {
                    self.splat_halo(i, dot, &shape, visible[i]);
                    self.halo_on[i] = visible[i];
                }
                if visible[i] {
                    let r = self.splat(i, dot, &shape, true, false);
                    self.inked = self.inked.union(r);
                    self.shown[i] = true;
                }
            }
            // The kept halos reach beyond the cores.
            self.inked = self.inked.union(self.haloed);
            dirty = everything;
        } else {
            for (&i, dot) in order[near.clone()].iter().zip(&ordered[near]) {
                let i = i as usize;
                let (core, halo) = (self.shown[i] != visible[i], self.halo_on[i] != visible[i]);
                if !(core || halo) || (partial && !self.reaches_band(dot, &shape, band)) {
                    continue;
                }
                let mut r = Rect::default();
                if halo {
                    r = self.splat_halo(i, dot, &shape, visible[i]);
                    self.halo_on[i] = visible[i];
                }
                if core {
                    r = r.union(self.splat(i, dot, &shape, visible[i], true));
                    self.shown[i] = visible[i];
                }
                dirty = dirty.union(r);
                self.inked = self.inked.union(r);
                footprint_area += (r.x1 - r.x0) as u64 * (r.y1 - r.y0) as u64;
                rects.push(r);
            }
        }
        self.order = order;
        self.ordered = ordered;
        let tiled = !redraw_all && footprint_area > self.width as u64 * self.height as u64 / 8;
        if redraw_all {
            rects = vec![everything];
        } else if tiled {
            // Many footprints overlap: each pixel once, by tiles.
            self.tiles.clear(self.width, self.height);
            for r in &rects {
                self.tiles.mark(*r);
            }
            rects = self.tiles.runs();
        }
        // On the first draw every pixel without pigment is already the photo.
        let covered_only = std::mem::take(&mut self.out_is_photo);
        let superficial = skin.superficial_share();
        let key = (
            look.absorbance_per_cover.to_bits(),
            look.centre_cover.to_bits(),
            superficial.to_bits(),
        );
        // Pixels whose table index stays may be left as they are only when
        // they were drawn with this table and this redness (the redness
        // units are not kept, so with redness every pixel is drawn).
        let mut same_table = !fresh_caches && look.redness == 0.0 && self.redness_drawn == 0.0;
        if self.lut_key != Some(key) {
            self.build_lut(look, superficial);
            self.lut_key = Some(key);
            // A new shade changes every pigmented pixel and nothing else
            // (unless everything is being redrawn anyway).
            if tiled {
                // Many dots changed too (a session, a look): one pass over
                // them and every pigmented pixel, rather than shading the
                // pigmented pixels and then most of them again.
                self.tiles.mark(self.inked);
                rects = self.tiles.runs();
                same_table = false;
                dirty = everything;
            } else if rects.first() != Some(&everything) {
                self.composite_covered(photo, mask, skin, look, t, band);
                dirty = everything;
            } else {
                same_table = false;
            }
        }
        // Every halo that changed lies in `rects` (a dot's footprint holds
        // its halo's reach): compositing them refreshes the kept values.
        let pass = Pass {
            covered_only,
            skip_same: same_table,
            halo_live: std::mem::take(&mut self.halo_changed) || fresh_caches,
        };
        for r in &rects {
            self.composite((photo, mask, skin), r.within(band), pass, look, t);
        }
        self.redness_drawn = look.redness;
        let caught_up = self.settle_band((photo, mask, skin), band, look, t);
        // Only the band's pixels were composited: a changed dot reaching
        // beyond it is drawn there by the other engine (or a later update).
        dirty.union(caught_up).within(band)
    }

    /// The transmittance per coverage step: pigment absorbs in linear light,
    /// only the light that reached its depth (`superficial` never did).
    fn build_lut(&mut self, look: &Look, superficial: f32) {
        let d = look.absorbance_per_cover;
        let linear_limit = d * look.centre_cover * 1.15;
        let headroom = linear_limit * (SATURATION - 1.0);
        for (i, entry) in self.lut.iter_mut().enumerate() {
            let mut a = i as f32 / LUT_PER_UNIT as f32 * d;
            // Skin holds only so much pigment: beyond one full dot, overlaps
            // saturate softly, so a cluster is a darker spot, never a black blob.
            if a > linear_limit && headroom > 0.0 {
                a = linear_limit + headroom * (1.0 - libm::expf(-(a - linear_limit) / headroom));
            }
            let a = a.min(MAX_ABSORBANCE);
            for c in 0..3 {
                let tr = superficial + (1.0 - superficial) * libm::expf(-a * PIGMENT_CAST[c]);
                entry[c] = (tr * 65535.0 + 0.5) as u16;
            }
        }
    }

    /// Adds (or removes) one dot's halo alone; returns the pixels it reaches.
    fn splat_halo(&mut self, i: usize, dot: &Dot, shape: &ShapeKey, add: bool) -> Rect {
        let (cx, cy) = (dot.x_mm * self.sx, dot.y_mm * self.sy);
        // Drawn for a dot of the halos' radius; the look's gain scales it
        // to the dots' size as it is read.
        let radius = shape.halo_radius_px * dot.size_factor;
        let area = std::f32::consts::PI * radius * radius;
        let strength = UNITS * dot.darkness_factor;
        // Light diffusing in the skin spreads a soft shadow (the scatter
        // halo) around each impression, about a fixed distance.
        let halo_reach = shape.halo_reach_px + 0.5;
        let halo_amount = crate::look::HALO_SHARE as f32 * area * strength;
        let r = match self.kept_halos.as_mut() {
            Some(kept) => {
                let halo = (cx, cy, halo_reach, halo_amount);
                self.halo.splat_kept(kept, i, halo, add)
            }
            None => self.halo.splat(cx, cy, halo_reach, halo_amount, add),
        };
        let r = r.map_or(Rect::default(), |(x0, y0, x1, y1)| Rect { x0, y0, x1, y1 });
        self.halo_changed = true;
        self.haloed = self.haloed.union(r);
        r
    }

    /// Adds (or removes) one dot's core absorbance (its halo is drawn by
    /// [`Self::splat_halo`]); returns the pixels it touches. With `keep`,
    /// its core's units are kept for the next time it comes or goes under
    /// the same shape.
    fn splat(
        &mut self,
        dot_index: usize,
        dot: &Dot,
        shape: &ShapeKey,
        add: bool,
        keep: bool,
    ) -> Rect {
        let (cx, cy) = (dot.x_mm * self.sx, dot.y_mm * self.sy);
        let (radius, edge, reach, red_reach) = shape.reaches(dot.size_factor);
        let area = std::f32::consts::PI * radius * radius;
        let strength = UNITS * dot.darkness_factor;
        if let Some(kept) = self.kept_cores.take() {
            let r = kept
                .get(dot_index)
                .map(|(f, units)| self.add_units(f, units, add));
            self.kept_cores = Some(kept);
            if let Some(r) = r {
                return r;
            }
        }
        let keep = keep && self.kept_cores.is_some();
        let mut kept_units = std::mem::take(&mut self.core_units);
        kept_units.clear();
        // Fresh work also shows redness around each dot.
        let redness = shape.redness_spread_px > 0.0;
        let outer = larger(reach, red_reach);
        let (w, h) = (self.width as usize, self.height as usize);
        // `as` saturates: a negative edge is 0 (an f32 `max` is a call in wasm).
        let x0 = (cx - outer).floor() as usize;
        let y0 = (cy - outer).floor() as usize;
        let x1 = ((cx + outer).ceil() as usize).min(w);
        let y1 = ((cy + outer).ceil() as usize).min(h);
        if x0 >= x1 || y0 >= y1 {
            return Rect::default();
        }
        // Each profile is scaled so its sum is its true area in pixels: a dot
        // smaller than a pixel still carries its true amount of pigment, and
        // the same dot looks the same at every scale.
        // First pass: the profiles per pixel (kept for the second pass) and
        // their sums, each one serial sum in pixel order (its rounding
        // depends on the order); then the units. Footprints are a few pixels
        // at the preview's scale, so the loops are plain: in wasm nothing
        // vectorises and every pass and call per dot counts.
        let span = x1 - x0;
        let n = span * (y1 - y0);
        let mut scratch = std::mem::take(&mut self.scratch);
        // Every value read is written first: the buffer only grows.
        let len = if redness { 2 * n } else { n };
        if scratch.len() < len {
            scratch.resize(len, 0.0);
        }
        let (cores, reds) = scratch[..len].split_at_mut(n);
        // The distance, the same operations for both profiles.
        let dist = |x: usize, dy2: f32| {
            // Pixel indices are far below 2^24: exact as i32 and f32.
            let dx = x as i32 as f32 + 0.5 - cx;
            (dx * dx + dy2).sqrt()
        };
        let mut core_sum = 0.0f32;
        let mut i = 0;
        for y in y0..y1 {
            let dy = y as f32 + 0.5 - cy;
            let dy2 = dy * dy;
            for x in x0..x1 {
                let d = dist(x, dy2);
                let t = ((reach - d) / edge).clamp(0.0, 1.0);
                let c = t * t * (3.0 - 2.0 * t);
                cores[i] = c;
                core_sum += c;
                i += 1;
            }
        }
        for (y, red_row) in (y0..y1).zip(reds.chunks_exact_mut(span)) {
            let dy = y as f32 + 0.5 - cy;
            let dy2 = dy * dy;
            for (k, r) in red_row.iter_mut().enumerate() {
                // The redness falls off linearly.
                let d = dist(x0 + k, dy2);
                *r = if d < red_reach {
                    1.0 - d / red_reach
                } else {
                    0.0
                };
            }
        }
        let red_sum: f32 = reds.iter().fold(0.0, |a, &v| a + v);
        if core_sum > 0.0 {
            let core_scale = area / core_sum;
            let red_area = std::f32::consts::PI * (red_reach - 0.5).powi(2) * REDNESS_MEAN;
            let red_scale = if red_sum > 0.0 {
                red_area / red_sum
            } else {
                0.0
            };
            // Wrapping: adding then subtracting the same units is exact.
            let apply = |a: &mut u32, units: u32| {
                *a = if add {
                    a.wrapping_add(units)
                } else {
                    a.wrapping_sub(units)
                };
            };
            let core_units = |c: f32| round_units(smaller(c * core_scale, 1.0) * strength);
            for (y, core_row) in (y0..y1).zip(cores.chunks_exact(span)) {
                let sums = &mut self.acc[y * w + x0..y * w + x1];
                if redness {
                    let red_row = &reds[(y - y0) * span..][..span];
                    for ((a, &c), &r) in sums.iter_mut().zip(core_row).zip(red_row) {
                        let red = round_units(smaller(r * red_scale, 1.0) * UNITS);
                        let units = core_units(c) | red << 16;
                        apply(a, units);
                        if keep {
                            kept_units.push(units);
                        }
                    }
                } else {
                    for (a, &c) in sums.iter_mut().zip(core_row) {
                        let units = core_units(c);
                        apply(a, units);
                        if keep {
                            kept_units.push(units);
                        }
                    }
                }
            }
            if let Some(kept) = self.kept_cores.as_mut().filter(|_| keep) {
                let f = Footprint {
                    x0: x0 as u32,
                    y0: y0 as u32,
                    span: span as u32,
                    rows: (y1 - y0) as u32,
                };
                kept.put(dot_index, f, &kept_units);
            }
        }
        self.core_units = kept_units;
        self.scratch = scratch;
        Rect {
            x0: x0 as u32,
            y0: y0 as u32,
            x1: x1 as u32,
            y1: y1 as u32,
        }
    }

    /// Adds (or takes) a dot's kept core units; returns their pixels.
    fn add_units(&mut self, f: Footprint, units: &[u32], add: bool) -> Rect {
        f.add_into(&mut self.acc, self.width as usize, units, add);
        Rect {
            x0: f.x0,
            y0: f.y0,
            x1: f.x0 + f.span,
            y1: f.y0 + f.rows,
        }
    }

    /// Full-resolution pixels per layer pixel (x, y).
    pub fn to_full(&self) -> (f64, f64) {
        (self.to_full_x, self.to_full_y)
    }
}
