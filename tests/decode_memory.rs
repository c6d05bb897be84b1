//! How much memory the command line's decoding takes, counted by a global
//! allocator that keeps the high-water mark of live heap bytes: reading a
//! photo holds the working-size result and little else, whatever the
//! format (PNG is covered by tests/cli_files.rs). One test, so that nothing
//! else allocates while a decode is measured.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use image::{DynamicImage, ImageFormat};
use smp_visualiser::decode::decode_photo;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, layout, new) };
        if !q.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
            let now = LIVE.fetch_add(new, Relaxed) + new;
            PEAK.fetch_max(now, Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most heap `decode_photo(bytes)` holds at once beyond what was held
/// before it, in bytes, and the working image's size in bytes.
fn peak_of_decode(bytes: &[u8]) -> (usize, usize) {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let d = decode_photo(bytes).unwrap();
    let peak = PEAK.load(Relaxed) - before;
    (peak, d.photo.pixels.len())
}

fn encode(img: DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

fn flat_pixels(w: u16, h: u16) -> Vec<u8> {
    (0..h as usize)
        .flat_map(|y| (0..w as usize).map(move |x| ((x / 64 + y / 64) % 256) as u8))
        .collect()
}

fn flat_gif(w: u16, h: u16) -> Vec<u8> {
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i]).collect();
    let mut out = Vec::new();
    {
        let mut e = gif::Encoder::new(&mut out, w, h, &palette).unwrap();
        e.write_frame(&gif::Frame::from_indexed_pixels(
            w,
            h,
            flat_pixels(w, h),
            None,
        ))
        .unwrap();
    }
    out
}

fn interlaced_gif(w: u16, h: u16) -> Vec<u8> {
    let mut plain = gif::Frame::from_indexed_pixels(w, h, flat_pixels(w, h), None);
    plain.interlaced = true;
    let palette: Vec<u8> = (0..=255u8).flat_map(|i| [i, i, i]).collect();
    let mut out = Vec::new();
    {
        let mut e = gif::Encoder::new(&mut out, w, h, &palette).unwrap();
        e.write_frame(&plain).unwrap();
    }
    out
}

/// An interlaced (Adam7) 8-bit RGB PNG of `w`×`h` pixels `rgb(x, y)`:
/// neither the `png` nor the `image` crate writes one.
fn adam7_png(w: u32, h: u32, rgb: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    use std::io::Write;
    let chunk = |out: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let body = [kind, data].concat();
        out.extend(&body);
        let mut crc = flate2::Crc::new();
        crc.update(&body);
        out.extend(crc.sum().to_be_bytes());
    };
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    for (x0, dx, y0, dy) in [
        (0, 8, 0, 8),
        (4, 8, 0, 8),
        (0, 4, 4, 8),
        (2, 4, 0, 4),
        (0, 2, 2, 4),
        (1, 2, 0, 2),
        (0, 1, 1, 2),
    ] {
        if x0 >= w || y0 >= h {
            continue;
        }
        for y in (y0..h).step_by(dy) {
            let mut row = vec![0u8];
            row.extend((x0..w).step_by(dx).flat_map(|x| rgb(x, y)));
            z.write_all(&row).unwrap();
        }
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = [w.to_be_bytes(), h.to_be_bytes()].concat();
    ihdr.extend([8, 2, 0, 0, 1]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &z.finish().unwrap());
    chunk(&mut out, b"IEND", &[]);
    out
}

#[test]
fn decoding_holds_little_more_than_the_working_image() {
    // An uncompressed 12 MP bitmap and a 12 MP GIF: decoded whole they
    // held their pixels at 3–4 bytes each besides the result (about twice
    // the result); read a strip or a row at a time, a few MB more.
    let (w, h) = (4000u32, 3000u32);
    let rgb = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 7]));
    let bmp = encode(rgb.clone().into(), ImageFormat::Bmp);
    let (peak, working) = peak_of_decode(&bmp);
    assert!(
        peak < working + (8 << 20),
        "BMP: {peak} bytes at the peak for a {working}-byte result"
    );
    drop(bmp);
    let gif = flat_gif(w as u16, h as u16);
    let (peak, working) = peak_of_decode(&gif);
    assert!(
        peak < working + (8 << 20),
        "GIF: {peak} bytes at the peak for a {working}-byte result"
    );
    drop(gif);

    // Interlaced: a 12 MP GIF's palette indices (12 MB) and a 12 MP RGB
    // PNG's frame (36 MB) were held whole until the last pass; now only
    // the even rows of a band (here all of them: half the image).
    let gif = interlaced_gif(w as u16, h as u16);
    let (peak, working) = peak_of_decode(&gif);
    assert!(
        peak < working + (8 << 20),
        "interlaced GIF: {peak} bytes at the peak for a {working}-byte result"
    );
    drop(gif);
    let png = adam7_png(w, h, |x, y| [x as u8, y as u8, (x ^ y) as u8]);
    let d = decode_photo(&png).unwrap();
    assert!(d.photo.pixels.chunks_exact(4).enumerate().all(|(i, p)| {
        let (x, y) = (i as u32 % w, i as u32 / w);
        p == [x as u8, y as u8, (x ^ y) as u8, 255]
    }));
    drop(d);
    let (peak, working) = peak_of_decode(&png);
    assert!(
        peak < working + (24 << 20),
        "interlaced PNG: {peak} bytes at the peak for a {working}-byte result"
    );
    drop(png);

    // JPEGs above the working size stream from libjpeg's rows into the
    // reduction. 20000×1000 (20 MP, over the 16,384-px side, reduced to
    // 16384×819) was decoded whole: 3 bytes a pixel (60 MB) besides the
    // 54 MB result, the case between the working size and twice it on a
    // side that no DCT scale could shrink. 36000×800 was decoded at half
    // scale (18000×400, 4.5 bytes a pixel besides). libjpeg's own buffers
    // (a few rows of blocks) are C allocations this count does not see:
    // the README's peaks of the whole process cover them.
    for (w, h, reduced) in [
        (20_000u32, 1_000u32, (16_384, 819)),
        (36_000, 800, (16_384, 364)),
    ] {
        let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x / 150) as u8, y as u8, 90]));
        let jpeg = encode(img.into(), ImageFormat::Jpeg);
        let (peak, working) = peak_of_decode(&jpeg);
        assert_eq!(working, reduced.0 * reduced.1 * 4);
        assert!(
            peak < working + (8 << 20),
            "{w}×{h} JPEG: {peak} bytes at the peak for a {working}-byte result"
        );
    }

    // 64 MB of colour-profile segments after the frame header cost nothing:
    // decoders kept every one of them (twice, with the file's own copy).
    let small = encode(
        image::RgbImage::from_pixel(64, 48, image::Rgb([120, 90, 80])).into(),
        ImageFormat::Jpeg,
    );
    let sof = small.windows(2).position(|m| m == [0xff, 0xc0]).unwrap();
    let end = sof + 2 + u16::from_be_bytes([small[sof + 2], small[sof + 3]]) as usize;
    let mut segment = vec![0xff, 0xe2, 0xff, 0xff];
    segment.extend(b"ICC_PROFILE\0\x01\x01");
    segment.resize(2 + 0xffff, 0x55);
    let mut bomb = small[..end].to_vec();
    for _ in 0..1024 {
        bomb.extend(&segment);
    }
    bomb.extend(&small[end..]);
    let (peak, _) = peak_of_decode(&bomb);
    assert!(peak < 4 << 20, "JPEG with 64 MB of segments: {peak} bytes");
    drop(bomb);

    // 32 MB of junk after the end of the image, or within its last scan
    // (before its end marker): the whole decode copied the file first,
    // junk and all. Nothing after the end is read now, and a file with
    // more bytes than its pixels need streams through libjpeg instead.
    let junk = vec![0x55; 32 << 20];
    let body = &small[..small.len() - 2];
    let after = [&small[..], &junk, &[0xff, 0xd9]].concat();
    let within = [body, &junk, &[0xff, 0xd9]].concat();
    for (what, bytes) in [("after its end", after), ("within its scan", within)] {
        let (peak, working) = peak_of_decode(&bytes);
        assert_eq!(working, 64 * 48 * 4);
        assert!(peak < 4 << 20, "JPEG with 32 MB {what}: {peak} bytes");
    }
}
