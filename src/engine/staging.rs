//! A photo copied into this engine by pieces while another engine prepares
//! it (see `handoff`): the page's engine, which shows no photo yet, takes
//! the photo's rows a few at a time between other work and reduces them to
//! the preview as they come, so neither the copy nor the preview holds its
//! thread for long, and both are done when the other engine's state comes.

use crate::error::{ErrorCode, SmpError};
use crate::raster::{self, AreaResampler, Rgba8Image};

use super::photo::Photo;
use super::Engine;

/// A photo whose rows are coming.
pub(super) struct Staging {
    width: u32,
    height: u32,
    preview_side_px: u32,
    /// The preview's size.
    preview_size: (u32, u32),
    /// The rows so far (room for all of them is reserved at the start).
    bytes: Vec<u8>,
    /// The preview, summed row by row as they come (the same bits as
    /// reducing the whole photo at once).
    preview: AreaResampler,
    rows: u32,
}

impl Engine {
    /// Starts taking a `width`×`height` RGBA photo by pieces
    /// ([`Engine::stage_bytes`]) for the [`Engine::load_staged`] that is to
    /// follow, its preview no larger than `preview_side_px` made as its
    /// rows come. The loaded photo, if any, stays as it is; a photo staged
    /// before is let go.
    pub fn begin_staging(
        &mut self,
        width: u32,
        height: u32,
        preview_side_px: u32,
    ) -> Result<(), SmpError> {
        self.drop_staged();
        raster::check_size(width, height)?;
        self.check_fits(width, height)?;
        let mut bytes = Vec::new();
        bytes
            .try_reserve_exact(width as usize * height as usize * 4)
            .map_err(|_| {
                SmpError::new(ErrorCode::OutOfMemory, "Not enough memory for the photo.")
            })?;
        let (pw, ph) = raster::fit_size(width, height, preview_side_px.max(1));
        self.staging = Some(Staging {
            width,
            height,
            preview_side_px,
            preview_size: (pw, ph),
            bytes,
            preview: AreaResampler::new(width, height, 4, pw, ph)?,
            rows: 0,
        });
        Ok(())
    }

    /// Takes the next piece of the staged photo's bytes (any length, in
    /// order) and reduces the rows it completes to the preview. Returns
    /// whether the photo is whole; then it waits for
    /// [`Engine::load_staged`]. More bytes than the photo has are a
    /// `bad-image` error, and the staging is let go.
    pub fn stage_bytes(&mut self, piece: &[u8]) -> Result<bool, SmpError> {
        let s = self.staging.as_mut().ok_or_else(super::no_image)?;
        if s.bytes.len() + piece.len() > s.bytes.capacity() {
            self.drop_staged();
            return Err(SmpError::new(
                ErrorCode::BadImage,
                "More bytes came than the photo has.",
            ));
        }
        s.bytes.extend_from_slice(piece);
        let stride = s.width as usize * 4;
        while (s.rows as usize + 1) * stride <= s.bytes.len() {
            let at = s.rows as usize * stride;
            s.preview.push_row(&s.bytes[at..at + stride])?;
            s.rows += 1;
        }
        if s.rows < s.height {
            return Ok(false);
        }
        let s = self.staging.take().ok_or_else(super::no_image)?;
        let (pw, ph) = s.preview_size;
        let preview = Rgba8Image::new(pw, ph, s.preview.finish()?)?;
        let full = Rgba8Image::new(s.width, s.height, s.bytes)?;
        let mut photo = Photo::unseen(full, s.preview_side_px);
        photo.take_parts(Some(preview), None);
        self.staged = Some(photo);
        Ok(true)
    }

    /// Whether a staged photo is whole, waiting for [`Engine::load_staged`].
    pub fn staged_whole(&self) -> bool {
        self.staged.is_some()
    }

    /// Lets a staged photo go, whole or coming.
    pub fn drop_staged(&mut self) {
        self.staging = None;
        self.staged = None;
    }
}
