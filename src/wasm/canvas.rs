//! Putting the preview's pixels into a page's canvas, from wasm memory
//! where they are (no copy for the page to make or view to rebuild).

use wasm_bindgen::JsValue;

use crate::error::{ErrorCode, SmpError};

/// The error for a preview asked for before its first render.
pub(super) fn no_preview() -> SmpError {
    SmpError::new(ErrorCode::NoImage, "The preview has not been drawn yet.")
}

/// Puts `[x0, y0, x1, y1]` of `pixels` (RGBA of `size`) into `ctx` at the
/// same place (nothing for an empty rectangle).
pub(super) fn put_rect(
    ctx: &web_sys::CanvasRenderingContext2d,
    pixels: &[u8],
    (w, h): (u32, u32),
    [x0, y0, x1, y1]: [u32; 4],
) -> Result<(), JsValue> {
    let (x1, y1) = (x1.min(w), y1.min(h));
    if x1 <= x0 || y1 <= y0 {
        return Ok(());
    }
    let image =
        web_sys::ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(pixels), w, h)?;
    ctx.put_image_data_with_dirty_x_and_dirty_y_and_dirty_width_and_dirty_height(
        &image,
        0.0,
        0.0,
        x0.into(),
        y0.into(),
        (x1 - x0).into(),
        (y1 - y0).into(),
    )
}
