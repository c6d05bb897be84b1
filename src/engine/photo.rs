//! The photo: lives until the next one is loaded. Its preview-size copy is
//! made again whenever the page shows the photo at another size.

use std::cell::OnceCell;

use crate::detect;
use crate::error::SmpError;
use crate::raster::{self, Rgba8Image};

pub(super) struct Photo {
    /// The photo at full resolution, untouched.
    pub full: Rgba8Image,
    /// The photo at preview size, untouched (the "before").
    pub preview: Rgba8Image,
    /// The small copy detection and suggestions read, made at the first
    /// that needs it: loading a photo proposes its area and then matches
    /// the look, and each would otherwise read the whole photo again.
    reduced: OnceCell<Rgba8Image>,
}

impl Photo {
    /// A photo with a preview no larger than `preview_side_px`.
    pub fn new(full: Rgba8Image, preview_side_px: u32) -> Result<Photo, SmpError> {
        let preview = full.downscaled_to_fit(preview_side_px.max(1))?;
        Ok(Photo {
            full,
            preview,
            reduced: OnceCell::new(),
        })
    }

    /// A photo with a preview (and perhaps the small copy) made elsewhere
    /// from it: by another engine of this build, see `handoff`.
    pub fn with_parts(full: Rgba8Image, preview: Rgba8Image, reduced: Option<Rgba8Image>) -> Photo {
        let cell = OnceCell::new();
        if let Some(r) = reduced {
            let _ = cell.set(r);
        }
        Photo {
            full,
            preview,
            reduced: cell,
        }
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
        self.reduced.get().ok_or_else(|| {
            SmpError::new(
                crate::error::ErrorCode::OutOfMemory,
                "The photo's reduced copy is missing.",
            )
        })
    }

    /// The full photo's size.
    pub fn size(&self) -> (u32, u32) {
        (self.full.width, self.full.height)
    }

    /// Whether a preview no larger than `preview_side_px` would have the
    /// size the preview has now.
    pub fn preview_fits(&self, preview_side_px: u32) -> bool {
        let (w, h) = raster::fit_size(self.full.width, self.full.height, preview_side_px.max(1));
        (w, h) == (self.preview.width, self.preview.height)
    }
}
