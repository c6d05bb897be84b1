//! Errors as values: a stable machine-readable code plus a sentence for people.
//!
//! Every failure of the engine crosses the wasm boundary and the command line
//! as one of these, never as a panic, so the page can show the message and keep
//! working with what it had.

use std::fmt;

/// What went wrong, as a stable code that scripts and tests can match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// A setting's value is not a finite number or is outside its range.
    InvalidSetting,
    /// A setting name the engine does not know.
    UnknownSetting,
    /// A preset name that is not one of the presets.
    UnknownPreset,
    /// The mask does not have the same size as the photo.
    MaskSizeMismatch,
    /// The photo has no pixels, or its pixel buffer does not match its size.
    BadImage,
    /// The photo is larger than the engine accepts.
    ImageTooLarge,
    /// Memory for the photo or its result could not be reserved.
    OutOfMemory,
    /// An operation needs a photo and none is loaded.
    NoImage,
    /// A brush stroke with coordinates or a size that are not usable.
    InvalidStroke,
    /// A tap outside the photo (or not a number).
    InvalidTap,
    /// No bald scalp where it was looked for.
    NoBaldScalp,
    /// The file has no bytes.
    EmptyFile,
    /// The file is not an image (or is damaged beyond reading).
    NotAnImage,
    /// The file is cut short (an unfinished download or copy).
    TruncatedFile,
    /// An image format this build cannot read (HEIC, or a drawing such as SVG).
    UnsupportedFormat,
    /// The command line was given something that is not a regular file (a
    /// folder, a device such as `/dev/zero`, a pipe) or a file it cannot open.
    NotAFile,
    /// The command line could not write its output (the earlier file, if
    /// any, is left as it was).
    WriteFailed,
}

impl ErrorCode {
    /// The code as the kebab-case string used in `smp-error` events and by the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidSetting => "invalid-setting",
            ErrorCode::UnknownSetting => "unknown-setting",
            ErrorCode::UnknownPreset => "unknown-preset",
            ErrorCode::MaskSizeMismatch => "mask-size-mismatch",
            ErrorCode::BadImage => "bad-image",
            ErrorCode::ImageTooLarge => "image-too-large",
            ErrorCode::OutOfMemory => "out-of-memory",
            ErrorCode::NoImage => "no-image",
            ErrorCode::InvalidStroke => "invalid-stroke",
            ErrorCode::InvalidTap => "invalid-tap",
            ErrorCode::NoBaldScalp => "no-bald-scalp",
            ErrorCode::EmptyFile => "empty-file",
            ErrorCode::NotAnImage => "not-an-image",
            ErrorCode::TruncatedFile => "truncated-file",
            ErrorCode::UnsupportedFormat => "unsupported-format",
            ErrorCode::NotAFile => "not-a-file",
            ErrorCode::WriteFailed => "write-failed",
        }
    }
}

/// An engine error: a stable [`ErrorCode`] and a human message.
#[derive(Debug, Clone, PartialEq)]
pub struct SmpError {
    /// Stable code for scripts.
    pub code: ErrorCode,
    /// One plain sentence for people.
    pub message: String,
}

impl SmpError {
    /// Makes an error from a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        SmpError {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for SmpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code.as_str())
    }
}

impl std::error::Error for SmpError {}

/// Reserves a zeroed buffer, turning an allocation failure into an error
/// value instead of an abort (in wasm an abort would kill the engine for good).
pub fn try_zeroed<T: Copy + Default>(len: usize, what: &str) -> Result<Vec<T>, SmpError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| {
        SmpError::new(
            ErrorCode::OutOfMemory,
            format!("Not enough memory for the {what}; try a smaller photo."),
        )
    })?;
    v.resize(len, T::default());
    Ok(v)
}

/// A copy of `src` in a buffer from [`try_zeroed`]: a photo-sized copy
/// that does not fit is an `out-of-memory` error, where `clone` would abort.
pub fn try_copy<T: Copy + Default>(src: &[T], what: &str) -> Result<Vec<T>, SmpError> {
    let mut v = try_zeroed(src.len(), what)?;
    v.copy_from_slice(src);
    Ok(v)
}

/// Bytes a pixel the page's engine needs for a photo it holds (photo, area,
/// undo), measured with the soak test, with a margin.
pub const PHOTO_BYTES_PER_PX: u64 = 7;
/// Bytes a pixel a full-resolution render needs at its peak (photo, dot
/// layer, result, caches), measured with the bench at 12 MP, with a margin.
pub const FULL_RENDER_BYTES_PER_PX: u64 = 20;

/// Checks that a `width`×`height` photo needing `bytes_per_px` a pixel (and
/// 16 MB besides) can be taken in now; see [`ensure_room`].
pub fn ensure_room_for(
    width: u32,
    height: u32,
    bytes_per_px: u64,
    what: &str,
) -> Result<(), SmpError> {
    let bytes = width as u64 * height as u64 * bytes_per_px + (16 << 20);
    ensure_room(usize::try_from(bytes).unwrap_or(usize::MAX), what)
}

/// Checks that `bytes` more can be allocated now, by reserving them and
/// letting them go. In wasm the memory grown for the test stays with the
/// allocator, so the allocations that follow (including the copy
/// wasm-bindgen makes of a photo passed in, which would abort on failure)
/// are served from it. Call before a large operation so that running out of
/// memory is an error value, not a dead engine.
pub fn ensure_room(bytes: usize, what: &str) -> Result<(), SmpError> {
    let mut v: Vec<u8> = Vec::new();
    v.try_reserve_exact(bytes).map_err(|_| {
        SmpError::new(
            ErrorCode::OutOfMemory,
            format!("Not enough memory for the {what}; try a smaller photo. Earlier work is kept."),
        )
    })?;
    // An allocation nobody looks at may be optimised away (and its failure
    // with it): this one must really be made.
    std::hint::black_box(v.as_mut_ptr());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_reservations_are_errors() {
        assert_eq!(
            ensure_room(usize::MAX / 2, "photo").unwrap_err().code,
            ErrorCode::OutOfMemory
        );
        assert!(ensure_room(1 << 20, "photo").is_ok());
        assert_eq!(
            try_zeroed::<u64>(usize::MAX / 16, "photo")
                .unwrap_err()
                .code,
            ErrorCode::OutOfMemory
        );
    }
}
