//! smp-visualiser: a scalp micropigmentation (SMP) simulation engine.
//!
//! The core is plain Rust with no web types, compiled natively (for the `smp`
//! command line and the tests) and to wasm32 (for the browser). [`wasm`] is
//! the one thin module that exposes it to JavaScript. Both front doors drive
//! the same [`Engine`], so they produce the same pixels.

#![warn(missing_docs)]

pub mod analysis;
pub mod brush;
pub mod codec;
pub mod color;
#[cfg(not(target_arch = "wasm32"))]
pub mod decode;
pub mod detect;
pub mod engine;
pub mod error;
pub(crate) mod field;
#[cfg(not(target_arch = "wasm32"))]
pub mod files;
pub mod hairline;
pub mod halo;
pub mod history;
pub mod kept;
pub mod look;
pub mod measure;
pub mod placement;
pub mod presets;
pub mod raster;
pub mod render;
pub mod rng;
pub mod sample;
pub mod settings;
pub mod sniff;
pub mod suggest;
pub mod tiles;
pub mod visible;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use brush::Stroke;
pub use engine::{render_photo, Engine, DEFAULT_PREVIEW_SIDE_PX};
pub use error::{ErrorCode, SmpError};
pub use raster::{Mask, Rgba8Image};
pub use settings::{Settings, SETTINGS};
pub use tiles::Rect;
