//! `smp` and its files: bounded memory for any input (limits checked from
//! headers before decoding, a mask's size checked before it is decoded,
//! colour profiles never inflated, rows streamed), devices and folders
//! refused, outputs written atomically, never onto an input, in the format
//! their name says. Runs the built binary; the memory cases run it under an
//! address-space limit (`ulimit -v`) that the old, whole-image reader broke.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use flate2::write::ZlibEncoder;
use flate2::Compression;

const SMP: &str = env!("CARGO_BIN_EXE_smp");

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("smp-cli-files-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn smp(args: &[&Path]) -> Output {
    Command::new(SMP).args(args).output().unwrap()
}

/// Runs `smp` with its address space limited to `mb` megabytes.
fn smp_within(mb: u64, args: &[&Path]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -v {} && exec \"$0\" \"$@\"", mb * 1024))
        .arg(SMP)
        .args(args);
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
    let mut crc = flate2::Crc::new();
    crc.update(kind);
    crc.update(data);
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend(kind);
    c.extend(data);
    c.extend(crc.sum().to_be_bytes());
    c
}

fn zlib_zeros(n: u64) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    let block = vec![0u8; 1 << 20];
    let mut left = n;
    while left > 0 {
        let k = left.min(block.len() as u64) as usize;
        z.write_all(&block[..k]).unwrap();
        left -= k as u64;
    }
    z.finish().unwrap()
}

/// A grey 8-bit PNG of `w`×`h` (pixels all `v`), with `extra` chunks
/// before its pixels. Rows are compressed as they are made.
fn grey_png(w: u32, h: u32, v: u8, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 0, 0, 0, 0]);
    b.extend(chunk(b"IHDR", &ihdr));
    for c in extra {
        b.extend(c);
    }
    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    let mut row = vec![v; w as usize + 1];
    row[0] = 0;
    for _ in 0..h {
        z.write_all(&row).unwrap();
    }
    b.extend(chunk(b"IDAT", &z.finish().unwrap()));
    b.extend(chunk(b"IEND", b""));
    b
}

fn write(path: &Path, bytes: &[u8]) -> PathBuf {
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

#[test]
fn a_mask_of_the_wrong_size_is_refused_from_its_header() {
    let d = dir("mask");
    let photo = write(&d.join("photo.png"), &grey_png(64, 48, 128, &[]));
    // A mask claiming 15000×15000 whose pixels are never decoded (a few
    // bytes of them, not 225 MB): refused for its size, not for its data.
    let mut mask = grey_png(16, 16, 255, &[]);
    mask[16..20].copy_from_slice(&15_000u32.to_be_bytes());
    mask[20..24].copy_from_slice(&15_000u32.to_be_bytes());
    let mask = write(&d.join("mask.png"), &mask);
    let out = d.join("out.png");
    let o = smp(&[
        "render".as_ref(),
        "--input".as_ref(),
        &photo,
        "--mask".as_ref(),
        &mask,
        "--out".as_ref(),
        &out,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("(mask-size-mismatch)"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("15000×15000"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn a_colour_profile_that_inflates_to_a_gigabyte_costs_nothing() {
    let d = dir("iccp");
    // iCCP: a name, a NUL, compression method 0, then zlib data.
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend(zlib_zeros(1 << 30));
    assert!(iccp.len() < 8 << 20);
    let photo = write(
        &d.join("photo.png"),
        &grey_png(64, 48, 128, &[chunk(b"iCCP", &iccp)]),
    );
    let out = d.join("out.png");
    let o = smp_within(
        400,
        &[
            "render".as_ref(),
            "--input".as_ref(),
            &photo,
            "--out".as_ref(),
            &out,
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.exists());
}

#[test]
fn a_large_png_is_reduced_as_its_rows_arrive() {
    let d = dir("large");
    // 108 MP: decoded whole at 4 bytes a pixel plus the reduction's
    // buffers it took over 1.5 GB; streamed, the working copy (24 MP) and
    // the detection's reduced copies.
    let photo = write(&d.join("photo.png"), &grey_png(12_000, 9_000, 160, &[]));
    let out = d.join("area.png");
    let o = smp_within(
        700,
        &[
            "detect".as_ref(),
            "--input".as_ref(),
            &photo,
            "--out".as_ref(),
            &out,
        ],
    );
    // Nothing bald to find on a flat grey photo; what matters is that it
    // was read and reduced.
    assert!(
        stderr(&o).contains("reduced to 5656×4242"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("memory allocation"), "{}", stderr(&o));
    assert!(o.status.code().is_some(), "killed: {}", stderr(&o));
}

#[test]
fn devices_pipes_and_folders_are_refused_at_once() {
    let d = dir("devices");
    let out = d.join("out.png");
    for input in ["/dev/zero", "/dev/urandom", d.to_str().unwrap()] {
        let start = Instant::now();
        let mut child = Command::new(SMP)
            .args(["render", "--input", input, "--out"])
            .arg(&out)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The old reader read /dev/zero until memory ran out.
        let status = loop {
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            if start.elapsed() > Duration::from_secs(20) {
                child.kill().unwrap();
                panic!("{input}: still reading after 20 s");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let o = child.wait_with_output().unwrap();
        assert_eq!(status.code(), Some(1), "{input}");
        assert!(
            stderr(&o).contains("(not-a-file)"),
            "{input}: {}",
            stderr(&o)
        );
    }
    let o = smp(&[
        "render".as_ref(),
        "--input".as_ref(),
        &d.join("missing.png"),
        "--out".as_ref(),
        &out,
    ]);
    assert!(stderr(&o).contains("(not-a-file)"), "{}", stderr(&o));
    assert!(!out.exists());
}

fn sample(d: &Path) -> (PathBuf, PathBuf) {
    let (photo, mask) = (d.join("photo.png"), d.join("mask.png"));
    let o = smp(&[
        "sample".as_ref(),
        "--out".as_ref(),
        &photo,
        "--patches-out".as_ref(),
        &mask,
        "--width".as_ref(),
        "120".as_ref(),
        "--height".as_ref(),
        "90".as_ref(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    (photo, mask)
}

#[test]
fn the_output_is_never_one_of_the_inputs() {
    let d = dir("same");
    let (photo, mask) = sample(&d);
    let before = std::fs::read(&photo).unwrap();
    let link = d.join("link.png");
    std::os::unix::fs::symlink(&photo, &link).unwrap();
    let relative = d.join(".").join("photo.png");
    for out in [&photo, &mask, &link, &relative] {
        let o = smp(&[
            "render".as_ref(),
            "--input".as_ref(),
            &photo,
            "--mask".as_ref(),
            &mask,
            "--out".as_ref(),
            out,
        ]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        assert!(stderr(&o).contains("same file"), "{}", stderr(&o));
    }
    assert_eq!(std::fs::read(&photo).unwrap(), before);
    let o = smp(&[
        "detect".as_ref(),
        "--input".as_ref(),
        &photo,
        "--out".as_ref(),
        &photo,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(&photo).unwrap(), before);
}

#[test]
fn the_output_format_comes_from_its_name_or_is_refused() {
    let d = dir("format");
    let (photo, _) = sample(&d);
    let render = |out: &Path| {
        smp(&[
            "render".as_ref(),
            "--input".as_ref(),
            &photo,
            "--out".as_ref(),
            out,
        ])
    };
    for bad in ["after.gif", "after.webp", "after", "after.png.txt"] {
        let out = d.join(bad);
        let o = render(&out);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(!out.exists(), "{bad} was written");
    }
    for (name, magic) in [
        ("after.png", &b"\x89PNG"[..]),
        ("after.PNG", b"\x89PNG"),
        ("after.jpg", b"\xff\xd8\xff"),
        ("after.JPEG", b"\xff\xd8\xff"),
    ] {
        let out = d.join(name);
        let o = render(&out);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        assert!(std::fs::read(&out).unwrap().starts_with(magic), "{name}");
    }
    // Masks and samples are PNG only.
    let o = smp(&[
        "detect".as_ref(),
        "--input".as_ref(),
        &photo,
        "--out".as_ref(),
        &d.join("area.jpg"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn outputs_are_replaced_whole_never_written_in_place() {
    let d = dir("atomic");
    let (photo, _) = sample(&d);
    // `out.png` and `keep.png` are one file (a hard link): writing in place
    // would change `keep.png` too; a new file renamed over `out.png` does not.
    let keep = write(&d.join("keep.png"), b"earlier result");
    let out = d.join("out.png");
    std::fs::hard_link(&keep, &out).unwrap();
    let o = smp(&[
        "render".as_ref(),
        "--input".as_ref(),
        &photo,
        "--out".as_ref(),
        &out,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&keep).unwrap(), b"earlier result");
    assert!(std::fs::read(&out).unwrap().starts_with(b"\x89PNG"));
    // A failed render leaves the earlier output as it was, and no
    // temporary file behind.
    let text = write(&d.join("notes.png"), b"not a photo at all");
    let o = smp(&[
        "render".as_ref(),
        "--input".as_ref(),
        &text,
        "--out".as_ref(),
        &keep,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(&keep).unwrap(), b"earlier result");
    let left: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("smp-tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    // An output in a folder that does not exist: a write error, with its code.
    let o = smp(&[
        "render".as_ref(),
        "--input".as_ref(),
        &photo,
        "--out".as_ref(),
        &d.join("no-such-folder").join("out.png"),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("(write-failed)"), "{}", stderr(&o));
}
