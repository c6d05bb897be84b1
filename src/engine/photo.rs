//! The photo: lives until the next one is loaded. Its preview-size copy is
//! made again whenever the page shows the photo at another size.

use crate::error::SmpError;
use crate::raster::{self, Rgba8Image};

pub(super) struct Photo {
    /// The photo at full resolution, untouched.
    pub full: Rgba8Image,
    /// The photo at preview size, untouched (the "before").
    pub preview: Rgba8Image,
}

impl Photo {
    /// A photo with a preview no larger than `preview_side_px`.
    pub fn new(full: Rgba8Image, preview_side_px: u32) -> Result<Photo, SmpError> {
        let preview = full.downscaled_to_fit(preview_side_px.max(1))?;
        Ok(Photo { full, preview })
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
