//! A loaded photo's prepared state, handed from one engine to another of
//! the same build. The export worker's engine loads a new photo, proposes
//! its area and builds the dot pattern and skin analysis off the page's
//! thread; the page's engine then takes that state with the photo instead
//! of computing it again, so loading a large photo never holds the page's
//! thread for long (issue: every control answers within a frame).
//!
//! What is handed over: the preview if the preparing engine made one (the
//! page's engine makes its own meanwhile when it holds no photo yet: see
//! [`Engine::begin_staging`]) and the small copy for detection, the area at
//! full and preview size, and the pattern (dots, skin analysis, dots on
//! bare scalp, the area's fade) with the seed and scale it was made for.
//! The receiving engine keeps each part only where it fits its own
//! settings and preview size, and computes the rest as a plain load would;
//! so taking a hand-off gives the same pixels as loading the photo there.

use crate::analysis::{AreaFeather, Skin};
use crate::codec::{ByteReader, ByteWriter};
use crate::error::{try_copy, try_zeroed, SmpError};
use crate::history;
use crate::placement::{self, Placement};
use crate::raster::{Mask, Rgba8Image};

use super::area::Area;
use super::layers::Layers;
use super::pattern::Pattern;
use super::photo::Photo;
use super::shown::Shown;
use super::{no_image, Engine, Loaded};

/// Marks a hand-off of this layout ("SMP" and a layout number).
const MAGIC: u32 = u32::from_le_bytes(*b"SMP2");

fn write_image(w: &mut ByteWriter, image: &Rgba8Image) -> Result<(), SmpError> {
    w.u32(image.width)?;
    w.u32(image.height)?;
    w.bytes(&image.pixels)
}

fn read_image(r: &mut ByteReader) -> Result<Rgba8Image, SmpError> {
    let (width, height) = (r.u32()?, r.u32()?);
    let pixels = try_copy(r.bytes()?, "photo")?;
    Rgba8Image::new(width, height, pixels)
}

/// An area goes run-length coded (as an undo step is): mostly long runs of
/// empty and full, so a few KB instead of a byte a pixel to copy twice.
fn write_mask(w: &mut ByteWriter, mask: &Mask) -> Result<(), SmpError> {
    w.bytes(&history::encode(&mask.weights))
}

fn read_mask(r: &mut ByteReader, width: u32, height: u32) -> Result<Mask, SmpError> {
    let code = r.bytes()?;
    let mut weights = try_zeroed::<u8>(width as usize * height as usize, "area")?;
    if !history::decodes_to(code, weights.len()) {
        return Err(ByteReader::mismatch("an area of another size"));
    }
    history::decode(code, &mut weights, false);
    Mask::new(width, height, weights)
}

fn write_pattern(w: &mut ByteWriter, p: &Pattern) -> Result<(), SmpError> {
    w.u32(p.seed)?;
    w.f64(p.px_per_mm)?;
    p.placement.write_to(w)?;
    p.skin.write_to(w)?;
    let on: Vec<u8> = p.on_scalp.iter().map(|&b| b as u8).collect();
    w.bytes(&on)?;
    p.feather.write_to(w)
}

fn read_pattern(r: &mut ByteReader, width: u32, height: u32) -> Result<Pattern, SmpError> {
    let seed = r.u32()?;
    let px_per_mm = r.f64()?;
    let placement = Placement::read_from(r)?;
    if placement.seed != seed
        || placement.width_mm != width as f64 / px_per_mm
        || placement.height_mm != height as f64 / px_per_mm
    {
        return Err(ByteReader::mismatch("a pattern of another photo"));
    }
    let skin = Skin::read_from(r, width, height, px_per_mm)?;
    let on_scalp: Vec<bool> = r.bytes()?.iter().map(|&b| b != 0).collect();
    if on_scalp.len() != placement.dots.len() {
        return Err(ByteReader::mismatch("dot flags of another pattern"));
    }
    let feather = AreaFeather::read_from(r, width, height, px_per_mm)?;
    Ok(Pattern {
        seed,
        px_per_mm,
        placement,
        skin,
        on_scalp,
        feather,
    })
}

impl Engine {
    /// Places the dots for a photo of `width`×`height` px before its pixels
    /// come, with this engine's seed and scale (or the scale estimated for
    /// that size), and returns them written out. Given back to
    /// [`keep_placed`], they are taken by the next engine on this thread
    /// that builds a pattern for the same size, seed and scale (see
    /// [`placement::place_ahead`]).
    pub fn place_ahead(&self, width: u32, height: u32) -> Result<Vec<u8>, SmpError> {
        let ppm = self.settings.px_per_mm_for(width, height);
        let placed =
            placement::place_ahead(width as f64 / ppm, height as f64 / ppm, self.settings.seed)?;
        let mut w = ByteWriter::new();
        placed.write_to(&mut w)?;
        Ok(w.finish())
    }

    /// The loaded photo's prepared state for [`Engine::load_prepared`] in
    /// another engine of this build: builds the pattern first if it is not
    /// built yet (the slow part, done here rather than there).
    pub fn prepared_state(&mut self) -> Result<Vec<u8>, SmpError> {
        self.warm()?;
        let l = self.loaded.as_mut().ok_or_else(no_image)?;
        l.area.preview_mask();
        let mut w = ByteWriter::new();
        w.u32(MAGIC)?;
        let (width, height) = l.photo.size();
        w.u32(width)?;
        w.u32(height)?;
        let (pw, ph) = l.photo.preview_size();
        w.u32(pw)?;
        w.u32(ph)?;
        // Only if it was made: an engine that only prepares the photo does
        // not make one (the other makes its own meanwhile).
        match l.photo.preview_if_made() {
            Some(preview) => {
                w.u32(1)?;
                w.bytes(&preview.pixels)?;
            }
            None => w.u32(0)?,
        }
        match l.photo.reduced_if_made() {
            Some(small) => {
                w.u32(1)?;
                write_image(&mut w, small)?;
            }
            None => w.u32(0)?,
        }
        write_mask(&mut w, &l.area.mask)?;
        // A proposed area undoes to the empty one (this engine only loaded
        // the photo and perhaps proposed its area).
        w.u32((l.area.history().0 > 0) as u32)?;
        let (preview_mask, _) = l.area.preview_mask_as_is();
        write_mask(&mut w, preview_mask)?;
        let p = l.pattern.as_ref().ok_or_else(no_image)?;
        write_pattern(&mut w, p)?;
        Ok(w.finish())
    }

    /// Loads `photo` (as [`Engine::load_image`]) with the state another
    /// engine prepared for it ([`Engine::prepared_state`]): its area
    /// (already proposed, say), preview and pattern. A part made for another
    /// preview size, seed or scale than this engine's is not taken but made
    /// here, so the result is the same as loading the photo here. A hand-off
    /// of another photo or layout is a `bad-image` error, and then nothing
    /// changes.
    pub fn load_prepared(
        &mut self,
        photo: Rgba8Image,
        preview_side_px: u32,
        prepared: &[u8],
    ) -> Result<(), SmpError> {
        self.check_fits(photo.width, photo.height)?;
        self.take_prepared(Photo::unseen(photo, preview_side_px), prepared)
    }

    /// [`Engine::load_prepared`] of the staged photo, once it is whole
    /// (see [`Engine::begin_staging`]).
    pub fn load_staged(&mut self, prepared: &[u8]) -> Result<(), SmpError> {
        let photo = self.staged.take().ok_or_else(no_image)?;
        self.take_prepared(photo, prepared)
    }

    fn take_prepared(&mut self, mut photo: Photo, prepared: &[u8]) -> Result<(), SmpError> {
        let (width, height) = photo.size();
        let mut r = ByteReader::new(prepared);
        if r.u32()? != MAGIC || (r.u32()?, r.u32()?) != (width, height) {
            return Err(ByteReader::mismatch("another photo"));
        }
        let (pw, ph) = (r.u32()?, r.u32()?);
        let preview = if r.u32()? != 0 {
            Some(Rgba8Image::new(pw, ph, try_copy(r.bytes()?, "photo")?)?)
        } else {
            None
        };
        let reduced = if r.u32()? != 0 {
            Some(read_image(&mut r)?)
        } else {
            None
        };
        let mask = read_mask(&mut r, width, height)?;
        let undo_to_empty = r.u32()? != 0;
        let preview_mask = read_mask(&mut r, pw, ph)?;
        let pattern = read_pattern(&mut r, width, height)?;
        r.end()?;
        // Free the previous photo's caches before the new ones are built.
        self.loaded = None;
        photo.take_parts(preview, reduced);
        let mut area = Area::with_masks(mask, preview_mask);
        if undo_to_empty {
            area.record_empty_before()?;
        }
        let (sw, sh) = photo.preview_size();
        if (sw, sh) != (pw, ph) {
            area.set_preview_mask(area.preview_mask_for(sw, sh)?);
        }
        // This engine draws the photo: a preview it lacks is made now.
        photo.preview()?;
        let keep = pattern.is_for(
            self.settings.seed,
            self.settings.px_per_mm_for(width, height),
        );
        self.loaded = Some(Loaded {
            photo,
            area,
            pattern: keep.then_some(pattern),
            shown: Shown::default(),
            layers: Layers::default(),
        });
        Ok(())
    }
}

/// Keeps dots [`Engine::place_ahead`] placed for the next pattern built
/// on this thread. They are held outside wasm memory in between, and given
/// back once room is made for the photo: kept in it meanwhile, they split
/// the memory the old photo frees, and a photo's room check (one block)
/// grew the worker's memory by 62 MiB in a soak.
pub fn keep_placed(bytes: &[u8]) -> Result<(), SmpError> {
    let mut r = ByteReader::new(bytes);
    let placed = Placement::read_from(&mut r)?;
    r.end()?;
    placement::keep_ahead(placed);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Tap;
    use crate::sample::sample_scalp;

    fn loaded(preview_side: u32) -> Engine {
        let sample = sample_scalp(360, 240, 3).unwrap();
        let mut e = Engine::new();
        e.load_image(sample.photo, preview_side).unwrap();
        e
    }

    #[test]
    fn a_photo_prepared_unseen_and_staged_here_renders_the_same_as_loading_here() {
        let sample = sample_scalp(360, 240, 3).unwrap();
        let mut worker = Engine::new();
        worker.load_image_unseen(sample.photo.clone(), 200).unwrap();
        worker.detect_area(&[] as &[Tap], false).unwrap();
        let state = worker.prepared_state().unwrap();
        let made = |e: &Engine| e.loaded.as_ref().unwrap().photo.preview_if_made().is_some();
        assert!(!made(&worker), "preparing made no preview");
        // Staged by pieces of odd sizes (not whole rows).
        let mut page = Engine::new();
        page.begin_staging(360, 240, 200).unwrap();
        let bytes = &sample.photo.pixels;
        let mut whole = false;
        for piece in bytes.chunks(7919) {
            assert!(!whole && !page.staged_whole());
            whole = page.stage_bytes(piece).unwrap();
        }
        assert!(whole && page.staged_whole());
        assert!(page.stage_bytes(&[0]).is_err(), "nothing is coming now");
        page.load_staged(&state).unwrap();
        assert!(page.staged.is_none() && page.staging.is_none());
        // Taken without a preview and without a staged one: made on loading.
        let mut plain = Engine::new();
        plain.load_prepared(sample.photo, 200, &state).unwrap();
        assert!(made(&plain));
        let mut here = loaded(200);
        here.detect_area(&[] as &[Tap], false).unwrap();
        assert_eq!(page.preview_size(), here.preview_size());
        assert_eq!(page.preview_mask().unwrap(), here.preview_mask().unwrap());
        let expected = here.render_preview().unwrap().to_vec();
        assert_eq!(page.render_preview().unwrap(), &expected[..]);
        assert_eq!(plain.render_preview().unwrap(), &expected[..]);
        // The worker draws it all the same when asked (a shared frame).
        assert_eq!(worker.render_preview().unwrap(), &expected[..]);
        // Staged for another preview size: the state's preview mask is made again.
        let mut other = Engine::new();
        other.begin_staging(360, 240, 120).unwrap();
        assert!(other.stage_bytes(&here.before().unwrap().pixels).unwrap());
        other.load_staged(&state).unwrap();
        here.set_preview_side_px(120).unwrap();
        assert_eq!(other.preview_mask().unwrap(), here.preview_mask().unwrap());
        assert_eq!(
            other.render_preview().unwrap(),
            here.render_preview().unwrap()
        );
        assert!(other.load_staged(&state).is_err(), "nothing staged now");
    }

    #[test]
    fn a_hand_off_renders_the_same_as_loading_here() {
        let mut worker = loaded(200);
        worker.detect_area(&[] as &[Tap], false).unwrap();
        let state = worker.prepared_state().unwrap();
        let photo = worker.before().unwrap().clone();
        let mut page = Engine::new();
        page.load_prepared(photo.clone(), 200, &state).unwrap();
        let taken = |e: &Engine| e.loaded.as_ref().unwrap().pattern.is_some();
        assert!(taken(&page), "the pattern is taken, not built again");
        // The page's own way: load, propose the area, render.
        let mut here = loaded(200);
        here.detect_area(&[] as &[Tap], false).unwrap();
        assert_eq!(page.mask().unwrap(), here.mask().unwrap());
        assert_eq!(
            page.history(),
            here.history(),
            "undo goes back to the empty area"
        );
        assert_eq!(
            page.render_preview().unwrap(),
            here.render_preview().unwrap()
        );
        assert_eq!(page.render_full().unwrap(), here.render_full().unwrap());
        // Another preview size, seed or scale: made here, same pixels.
        let mut other = Engine::new();
        other
            .set_settings(&[("seed", 9.0), ("pxPerMm", 7.5)])
            .unwrap();
        other.load_prepared(photo, 120, &state).unwrap();
        assert!(
            !taken(&other),
            "a pattern for another seed and scale is not taken"
        );
        here.set_settings(&[("seed", 9.0), ("pxPerMm", 7.5)])
            .unwrap();
        here.set_preview_side_px(120).unwrap();
        assert_eq!(
            other.render_preview().unwrap(),
            here.render_preview().unwrap()
        );
    }

    #[test]
    fn a_damaged_or_foreign_hand_off_is_an_error_and_changes_nothing() {
        let mut worker = loaded(200);
        let state = worker.prepared_state().unwrap();
        let photo = worker.before().unwrap().clone();
        let mut page = loaded(200);
        let before = page.render_preview().unwrap().to_vec();
        for cut in [0, 3, 12, state.len() / 2, state.len() - 1] {
            let err = page
                .load_prepared(photo.clone(), 200, &state[..cut])
                .unwrap_err();
            assert_eq!(err.code, crate::error::ErrorCode::BadImage);
        }
        let smaller = sample_scalp(300, 240, 3).unwrap().photo;
        assert!(page.load_prepared(smaller, 200, &state).is_err());
        assert_eq!(page.render_preview().unwrap(), &before[..]);
    }

    #[test]
    fn dots_placed_ahead_of_a_photo_are_taken_by_its_load_with_the_same_pixels() {
        let photo = sample_scalp(360, 240, 3).unwrap().photo;
        let mut here = Engine::new();
        here.load_image(photo.clone(), 200).unwrap();
        let mut ahead = Engine::new();
        // Another engine places them (the worker's, from the header's size).
        let mut placer = Engine::new();
        let placed = placer.place_ahead(360, 240).unwrap();
        assert!(!crate::placement::tests::kept_ahead(), "held outside");
        keep_placed(&placed).unwrap();
        assert!(crate::placement::tests::kept_ahead());
        ahead.load_image(photo.clone(), 200).unwrap();
        assert_eq!(ahead.render_full().unwrap(), here.render_full().unwrap());
        assert!(!crate::placement::tests::kept_ahead(), "taken");
        // Placed for the other orientation, or another seed: not taken,
        // and the same pixels.
        for (w, h, seed) in [(240, 360, 1.0), (360, 240, 5.0)] {
            placer.set_settings(&[("seed", seed)]).unwrap();
            keep_placed(&placer.place_ahead(w, h).unwrap()).unwrap();
            let mut other = Engine::new();
            other.load_image(photo.clone(), 200).unwrap();
            assert_eq!(other.render_full().unwrap(), here.render_full().unwrap());
            assert!(!crate::placement::tests::kept_ahead(), "let go");
        }
    }
}
