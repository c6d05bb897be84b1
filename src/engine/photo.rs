//! The photo: lives until the next one is loaded. Its preview-size copy is
//! made again whenever the page shows the photo at another size.

use std::cell::OnceCell;

use crate::detect;
use crate::error::{ErrorCode, SmpError};
use crate::raster::{self, Rgba8Image};

pub(super) struct Photo {
    /// The photo at full resolution, untouched.
    pub full: Rgba8Image,
    /// The photo at preview size, untouched (the "before"), made at the
    /// first that needs it: an engine that only prepares a photo for
    /// another (see `handoff`) never draws it, and reducing a 12 MP photo
    /// took a sixth of that preparation.
    preview: OnceCell<Rgba8Image>,
    /// The preview's size, known before its pixels are made.
    preview_size: (u32, u32),
    /// The small copy detection and suggestions read, made at the first
    /// that needs it: loading a photo proposes its area and then matches
    /// the look, and each would otherwise read the whole photo again.
    reduced: OnceCell<Rgba8Image>,
}

fn missing(what: &str) -> SmpError {
    SmpError::new(
        ErrorCode::OutOfMemory,
        format!("The photo's {what} is missing."),
    )
}

impl Photo {
    /// A photo with a preview no larger than `preview_side_px`.
    pub fn new(full: Rgba8Image, preview_side_px: u32) -> Result<Photo, SmpError> {
        let photo = Photo::unseen(full, preview_side_px);
        photo.preview()?;
        Ok(photo)
    }

    /// A photo whose preview (no larger than `preview_side_px`) is made
    /// only when something needs it.
    pub fn unseen(full: Rgba8Image, preview_side_px: u32) -> Photo {
        let preview_size = raster::fit_size(full.width, full.height, preview_side_px.max(1));
        Photo {
            full,
            preview: OnceCell::new(),
            preview_size,
            reduced: OnceCell::new(),
        }
    }

    /// Takes parts another engine of this build made from the same photo
    /// (see `handoff`): the preview if it has this photo's preview size and
    /// none was made here, the small copy if none was.
    pub fn take_parts(&mut self, preview: Option<Rgba8Image>, reduced: Option<Rgba8Image>) {
        if let Some(p) = preview.filter(|p| (p.width, p.height) == self.preview_size) {
            let _ = self.preview.set(p);
        }
        if let Some(r) = reduced {
            let _ = self.reduced.set(r);
        }
    }

    /// The preview, made now if it was not yet.
    pub fn preview(&self) -> Result<&Rgba8Image, SmpError> {
        if self.preview.get().is_none() {
            let (w, h) = self.preview_size;
            let _ = self.preview.set(self.full.downscaled_to(w, h)?);
        }
        self.preview.get().ok_or_else(|| missing("preview"))
    }

    /// The preview, if it was made.
    pub fn preview_if_made(&self) -> Option<&Rgba8Image> {
        self.preview.get()
    }

    /// The preview's size (made or not).
    pub fn preview_size(&self) -> (u32, u32) {
        self.preview_size
    }

    /// Takes a new preview (of another size) in place of the old one.
    pub fn set_preview(&mut self, preview: Rgba8Image) {
        self.preview_size = (preview.width, preview.height);
        self.preview = OnceCell::from(preview);
    }

    /// The small copy, if it was made already.
    pub fn reduced_if_made(&self) -> Option<&Rgba8Image> {
        self.reduced.get()
    }

    /// The photo's copy for detection and suggestions
    /// ([`detect::reduced`]).
    pub fn reduced(&self) -> Result<&Rgba8Image, SmpError> {
        if self.reduced.get().is_none() {
            let _ = self.reduced.set(detect::reduced(&self.full)?);
        }
        self.reduced.get().ok_or_else(|| missing("reduced copy"))
    }

    /// The full photo's size.
    pub fn size(&self) -> (u32, u32) {
        (self.full.width, self.full.height)
    }

    /// Whether a preview no larger than `preview_side_px` would have the
    /// size the preview has now.
    pub fn preview_fits(&self, preview_side_px: u32) -> bool {
        let (w, h) = raster::fit_size(self.full.width, self.full.height, preview_side_px.max(1));
        (w, h) == self.preview_size
    }
}
