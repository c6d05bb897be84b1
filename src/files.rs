//! Files for the command line: reading inputs with bounded memory, and
//! writing outputs safely.
//!
//! An input must be a regular file (a device such as `/dev/zero`, a pipe or
//! a directory is refused before anything is read) of at most
//! [`MAX_FILE_BYTES`]; only its header is read before the sniffer
//! ([`crate::sniff`]) has accepted it, in the same pieces the page passes,
//! and the decoder then streams the rest from disk. An output is written to
//! a temporary file beside it and renamed over it only when complete, so a
//! failed or interrupted run never leaves half a file; it may not be one of
//! the inputs, and its format comes from its name.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{ErrorCode, SmpError};
use crate::sniff::{sniff_image, FileBytes, ImageInfo, Sniffed, FIRST_HEAD_BYTES, TAIL_BYTES};

/// Largest input file opened at all (2 GiB): far above any photo within
/// the decode limits, and a bound on what a damaged file can make us read.
pub const MAX_FILE_BYTES: u64 = 2 << 30;

/// The refusal of something that is not a readable file (the callers put
/// the path in front).
fn not_a_file(why: impl std::fmt::Display) -> SmpError {
    SmpError::new(
        ErrorCode::NotAFile,
        format!("This {why}. Please give a photo file."),
    )
}

/// Opens `path` for reading when it is a regular file of at most
/// [`MAX_FILE_BYTES`]; returns it with its length.
pub fn open_regular(path: &Path) -> Result<(File, u64), SmpError> {
    let file = File::open(path).map_err(|e| not_a_file(format!("file cannot be opened ({e})")))?;
    let meta = file
        .metadata()
        .map_err(|e| not_a_file(format!("file cannot be read ({e})")))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "is a folder"
        } else {
            "is not a regular file but a device or a pipe"
        };
        return Err(not_a_file(what));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(SmpError::new(
            ErrorCode::ImageTooLarge,
            format!(
                "This file is {} MB, more than the {} MB this tool opens. Please use a smaller photo.",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    Ok((file, meta.len()))
}

fn read_at(file: &mut File, at: u64, n: u64) -> Result<Vec<u8>, SmpError> {
    let mut buf = Vec::new();
    file.seek(SeekFrom::Start(at))
        .and_then(|_| file.by_ref().take(n).read_to_end(&mut buf))
        .map_err(|e| not_a_file(format!("file cannot be read ({e})")))?;
    if buf.len() as u64 != n {
        // The file shrank while being read.
        return Err(crate::sniff::truncated());
    }
    Ok(buf)
}

/// Sniffs an open file of `len` bytes as the page does: its first
/// [`FIRST_HEAD_BYTES`] and last [`TAIL_BYTES`], and a longer head only
/// when the sniffer asks for one.
pub fn sniff_file(file: &mut File, len: u64) -> Result<ImageInfo, SmpError> {
    let tail = read_at(file, len - len.min(TAIL_BYTES), len.min(TAIL_BYTES))?;
    let mut head_len = len.min(FIRST_HEAD_BYTES);
    loop {
        let head = read_at(file, 0, head_len)?;
        match sniff_image(&FileBytes::parts(&head, &tail, len)?)? {
            Sniffed::Image(info) => return Ok(info),
            // The sniffer only ever asks for more than it has.
            Sniffed::NeedHead(n) if n > head_len => head_len = n,
            Sniffed::NeedHead(_) => return Err(crate::sniff::truncated()),
        }
    }
}

/// Opens an image file: refused unless it is a regular file whose header
/// the sniffer accepts; then a buffered reader from its start, for the
/// decoder to stream, and what the header says.
pub fn open_image(path: &Path) -> Result<(BufReader<File>, ImageInfo), SmpError> {
    let (mut file, len) = open_regular(path)?;
    let info = sniff_file(&mut file, len)?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| not_a_file(format!("file cannot be read ({e})")))?;
    Ok((BufReader::new(file), info))
}

/// The formats an output may have, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    /// `.png`
    Png,
    /// `.jpg` or `.jpeg`
    Jpeg,
}

/// The output format named by `path`'s extension (any case): `.png`, or
/// `.jpg`/`.jpeg` when `jpeg_ok`; anything else is a usage error.
pub fn out_format(path: &Path, jpeg_ok: bool) -> Result<OutFormat, String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => Ok(OutFormat::Png),
        "jpg" | "jpeg" if jpeg_ok => Ok(OutFormat::Jpeg),
        _ if jpeg_ok => Err(format!(
            "{}: the output's name must end in .png, .jpg or .jpeg (its format comes from the name)",
            path.display()
        )),
        _ => Err(format!(
            "{}: the output's name must end in .png (it is written as PNG)",
            path.display()
        )),
    }
}

/// True when `a` and `b` name the same existing file (through links too).
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Refuses an output that is one of the inputs (it would be overwritten).
pub fn check_not_an_input(out: &Path, inputs: &[&Path]) -> Result<(), String> {
    match inputs.iter().find(|i| same_file(out, i)) {
        Some(i) => Err(format!(
            "--out {} is the same file as the input {}; it would be overwritten",
            out.display(),
            i.display()
        )),
        None => Ok(()),
    }
}

/// Writes `path` atomically: `write` fills a temporary file in the same
/// folder, which is flushed to disk and then renamed over `path`. On any
/// failure the temporary file is removed and `path` is left as it was.
pub fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), String>,
) -> Result<(), SmpError> {
    let failed = |why: String| {
        SmpError::new(
            ErrorCode::WriteFailed,
            format!("Cannot write {}: {why}.", path.display()),
        )
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| failed("it names no file".into()))?;
    let tmp = dir.join(format!(
        ".{}.{}.smp-tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let file = File::options()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| e.to_string())?;
        let mut w = BufWriter::new(file);
        write(&mut w)?;
        let file = w.into_inner().map_err(|e| e.error().to_string())?;
        file.sync_all().map_err(|e| e.to_string())?;
        std::fs::rename(&tmp, path).map_err(|e| e.to_string())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(failed)
}
