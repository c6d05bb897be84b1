//! A photo handed from the export worker's engine to the page's: the
//! worker places the dots as soon as the photo's size is known, then
//! prepares the photo (area, look, pattern) off the page's thread, and the
//! page's engine takes the result.

use wasm_bindgen::prelude::*;

use super::{to_js, Engine};

#[wasm_bindgen]
impl Engine {
    /// Places the dots for a photo of `width`×`height` px before its pixels
    /// come (its header gives the size long before it is decoded), with
    /// this engine's settings: the next engine in this thread to load a
    /// photo of that size with the same seed and scale takes these dots.
    #[wasm_bindgen(js_name = placeAhead)]
    pub fn place_ahead(&self, width: u32, height: u32) -> Result<(), JsValue> {
        self.core.place_ahead(width, height).map_err(to_js)
    }

    /// Loads a photo as `loadImage` does, taking the state another engine
    /// of this build prepared for it (`preparedState`: the export worker
    /// proposes the area and builds the pattern off the page's thread). The
    /// same room check comes first; a hand-off for another photo is a
    /// `bad-image` error.
    #[wasm_bindgen(js_name = loadPrepared)]
    pub fn load_prepared(
        &mut self,
        rgba: &js_sys::Uint8Array,
        width: u32,
        height: u32,
        preview_side_px: u32,
        prepared: &js_sys::Uint8Array,
    ) -> Result<(), JsValue> {
        let photo = self.photo_in(rgba, width, height)?;
        let mut state =
            crate::error::try_zeroed::<u8>(prepared.length() as usize, "photo").map_err(to_js)?;
        prepared.copy_to(&mut state);
        self.core
            .load_prepared(photo, preview_side_px, &state)
            .map_err(to_js)
    }

    /// The loaded photo's state for another engine's `loadPrepared` (the
    /// pattern is built first if it is not yet): a copy outside wasm memory,
    /// ready to be transferred.
    #[wasm_bindgen(js_name = preparedState)]
    pub fn prepared_state(&mut self) -> Result<js_sys::Uint8Array, JsValue> {
        let state = self.core.prepared_state().map_err(to_js)?;
        Ok(js_sys::Uint8Array::from(&state[..]))
    }
}
