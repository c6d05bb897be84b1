//! A photo handed from the export worker's engine to the page's: the
//! worker places the dots as soon as the photo's size is known, then
//! prepares the photo (area, look, pattern) off the page's thread, and the
//! page's engine takes the result.

use wasm_bindgen::prelude::*;

use super::{room_for_photo, to_js, Engine};

/// Another engine's prepared state copied into wasm memory (a photo-sized
/// buffer that does not fit is an `out-of-memory` error, not an abort).
fn state_in(prepared: &js_sys::Uint8Array) -> Result<Vec<u8>, JsValue> {
    let mut state =
        crate::error::try_zeroed::<u8>(prepared.length() as usize, "photo").map_err(to_js)?;
    prepared.copy_to(&mut state);
    Ok(state)
}

#[wasm_bindgen]
impl Engine {
    /// Places the dots for a photo of `width`×`height` px before its pixels
    /// come (its header gives the size long before it is decoded), with
    /// this engine's settings, and returns them written out, outside wasm
    /// memory: given to `keepPlaced` once room is made for the photo, they
    /// are taken by the next engine in this thread to load a photo of that
    /// size with the same seed and scale.
    #[wasm_bindgen(js_name = placeAhead)]
    pub fn place_ahead(&self, width: u32, height: u32) -> Result<js_sys::Uint8Array, JsValue> {
        let placed = self.core.place_ahead(width, height).map_err(to_js)?;
        Ok(js_sys::Uint8Array::from(&placed[..]))
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
        let state = state_in(prepared)?;
        self.core
            .load_prepared(photo, preview_side_px, &state)
            .map_err(to_js)
    }

    /// Starts taking a `width`×`height` photo by pieces (`stageBytes`,
    /// after the same room check as `loadImage`) for the `loadStaged` that
    /// is to take it with the state the worker prepares meanwhile; its
    /// preview is made as its rows come, instead of after the worker's
    /// reply. The loaded photo stays as it is.
    #[wasm_bindgen(js_name = stagePhoto)]
    pub fn stage_photo(
        &mut self,
        width: u32,
        height: u32,
        preview_side_px: u32,
    ) -> Result<(), JsValue> {
        room_for_photo(width, height)?;
        self.core
            .begin_staging(width, height, preview_side_px)
            .map_err(to_js)
    }

    /// The staged photo's next bytes (RGBA, in order, any length); true
    /// once it is whole.
    #[wasm_bindgen(js_name = stageBytes)]
    pub fn stage_bytes(&mut self, piece: &[u8]) -> Result<bool, JsValue> {
        self.core.stage_bytes(piece).map_err(to_js)
    }

    /// Whether a staged photo is whole, ready for `loadStaged`.
    #[wasm_bindgen(js_name = stagedWhole)]
    pub fn staged_whole(&self) -> bool {
        self.core.staged_whole()
    }

    /// Lets the staged photo go.
    #[wasm_bindgen(js_name = dropStaged)]
    pub fn drop_staged(&mut self) {
        self.core.drop_staged();
    }

    /// `loadPrepared` of the staged photo (a `no-image` error unless it is
    /// whole).
    #[wasm_bindgen(js_name = loadStaged)]
    pub fn load_staged(&mut self, prepared: &js_sys::Uint8Array) -> Result<(), JsValue> {
        let state = state_in(prepared)?;
        self.core.load_staged(&state).map_err(to_js)
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

/// Keeps dots `placeAhead` placed for the next photo loaded in this thread
/// (call after that photo's room check: kept in wasm memory before it,
/// they split the memory the old photo frees). A `bad-image` error for
/// bytes of another build.
#[wasm_bindgen(js_name = keepPlaced)]
pub fn keep_placed(placed: &[u8]) -> Result<(), JsValue> {
    crate::engine::keep_placed(placed).map_err(to_js)
}
