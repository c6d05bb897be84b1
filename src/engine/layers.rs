//! The drawn results, one [`Layer`] per resolution (the preview, and the
//! full size while exporting). Each is updated by difference: it remembers
//! where the area changed since its last update. A layer is dropped when
//! its pattern or its photo's size changes, and made again on the next
//! render.

use crate::color::Transfer;
use crate::error::SmpError;
use crate::raster::{Mask, Rgba8Image};
use crate::render::{Band, Layer, LayerInput, Look, Rect};

use super::area::whole;
use super::pattern::Pattern;
use super::to_layer;

#[derive(Default)]
pub(super) struct Layers {
    preview: Option<Layer>,
    full: Option<Layer>,
    /// Where the area changed (full pixels) since each layer's last update.
    pending_preview: Rect,
    pending_full: Rect,
    /// The preview rectangle the last preview render changed.
    pub last_preview_change: Rect,
}

/// What a layer is drawn from: the photo and the area at its size, the
/// pattern and the dots shown.
pub(super) struct Sources<'a> {
    pub photo: &'a Rgba8Image,
    pub mask: &'a Mask,
    pub pattern: &'a Pattern,
    pub visible: &'a [bool],
    /// The full photo's size, which the layer's pixels map to.
    pub full_size: (u32, u32),
}

impl Layers {
    /// Notes that the area changed within `r` (full pixels).
    pub fn area_changed(&mut self, r: Rect) {
        self.pending_preview = self.pending_preview.union(r);
        self.pending_full = self.pending_full.union(r);
    }

    /// Drops the preview's layer (the preview's size changed).
    pub fn forget_preview(&mut self) {
        self.preview = None;
    }

    /// Drops the full-size layer (kept only while exporting).
    pub fn forget_full(&mut self) {
        self.full = None;
    }

    /// Drops both layers (the pattern changed, or room is needed).
    pub fn forget(&mut self) {
        self.preview = None;
        self.full = None;
    }

    /// Updates the preview's layer, compositing only `band` when one is
    /// given (see [`Layer::update`]); returns its pixels and
    /// the rectangle that changed.
    pub fn render_preview(
        &mut self,
        src: &Sources,
        look: &Look,
        t: &Transfer,
        band: Option<Band>,
    ) -> Result<(&[u8], Rect), SmpError> {
        let (changed, layer) =
            Self::ready(&mut self.preview, &mut self.pending_preview, src, true)?;
        let (sx, sy) = layer.to_full();
        let changed = to_layer(changed, sx, sy, src.photo.width, src.photo.height);
        self.last_preview_change = layer.update(&src.input(), changed, look, t, band);
        Ok((layer.pixels(), self.last_preview_change))
    }

    /// The preview's current pixels, if it has been rendered.
    pub fn preview_pixels(&self) -> Option<&[u8]> {
        self.preview.as_ref().map(Layer::pixels)
    }

    /// Updates the full-size layer and returns its pixels.
    pub fn render_full(
        &mut self,
        src: &Sources,
        look: &Look,
        t: &Transfer,
    ) -> Result<&[u8], SmpError> {
        let (changed, layer) = Self::ready(&mut self.full, &mut self.pending_full, src, false)?;
        layer.update(&src.input(), changed, look, t, None);
        Ok(layer.pixels())
    }

    /// The layer in `slot` (made if missing: all of it is then to draw) and
    /// where the area changed since its last update, which it takes.
    fn ready<'l>(
        slot: &'l mut Option<Layer>,
        pending: &mut Rect,
        src: &Sources,
        keep_dots: bool,
    ) -> Result<(Rect, &'l mut Layer), SmpError> {
        let (w, h) = src.full_size;
        if slot.is_none() {
            *slot = Some(Layer::new(
                src.photo,
                w,
                h,
                src.pattern.px_per_mm,
                keep_dots,
            )?);
            *pending = whole(w, h);
        }
        let layer = slot.as_mut().ok_or_else(super::no_image)?;
        Ok((std::mem::take(pending), layer))
    }
}

impl Sources<'_> {
    fn input(&self) -> LayerInput<'_> {
        LayerInput {
            photo: self.photo,
            mask: self.mask,
            placement: &self.pattern.placement,
            visible: self.visible,
            skin: &self.pattern.skin,
        }
    }
}
