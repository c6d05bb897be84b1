//! When memory runs out, the engine answers `out-of-memory` and keeps
//! working: no photo-sized buffer is taken by an allocation that aborts
//! (in wasm an abort stops the engine for good: `engine-stopped`). A global
//! allocator here refuses every allocation of a photo's size or more while
//! told to, as a full wasm memory does.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use smp_visualiser::hairline::HairlineStyle;
use smp_visualiser::suggest::{suggest, Suggestion};
use smp_visualiser::{Engine, ErrorCode, Mask, Rgba8Image};

struct Refusing;

/// Allocations of at least this many bytes fail.
static REFUSE_FROM: AtomicUsize = AtomicUsize::new(usize::MAX);

unsafe impl GlobalAlloc for Refusing {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= REFUSE_FROM.load(Relaxed) {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        if new >= REFUSE_FROM.load(Relaxed) {
            return std::ptr::null_mut();
        }
        unsafe { System.realloc(p, layout, new) }
    }
}

#[global_allocator]
static ALLOCATOR: Refusing = Refusing;

/// One test at a time: the refusal applies to every thread.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn a_hairline_without_memory_is_an_error_not_an_abort() {
    let _alone = SERIAL.lock().unwrap();
    let (w, h) = (1600u32, 1200u32);
    let mut e = Engine::new();
    e.load_image(Rgba8Image::filled(w, h, [150, 120, 100, 255]).unwrap(), 640)
        .unwrap();
    let mut area = vec![0u8; (w * h) as usize];
    area[..(w * 300) as usize].fill(255);
    e.set_mask(Mask::new(w, h, area).unwrap()).unwrap();
    let handles = [(100.0, 500.0), (800.0, 400.0), (1500.0, 500.0)];
    REFUSE_FROM.store((w * h) as usize, Relaxed);
    let refused = e.design_hairline(&handles, HairlineStyle::Soft);
    REFUSE_FROM.store(usize::MAX, Relaxed);
    assert_eq!(refused.unwrap_err().code, ErrorCode::OutOfMemory);
    // Nothing changed, and the engine goes on.
    e.design_hairline(&handles, HairlineStyle::Soft).unwrap();
}

#[test]
fn suggestions_without_memory_are_made_without_copying_the_area() {
    let _alone = SERIAL.lock().unwrap();
    // Wide, so that its reduction to 320 px (1.5 MB of sums) fits where a
    // copy of its area (1.9 MB) does not.
    let (w, h) = (6400u32, 300u32);
    let photo = Rgba8Image::filled(w, h, [150, 120, 100, 255]).unwrap();
    let mut area = vec![0u8; (w * h) as usize];
    // A strip, so that the samples read under it (at most 4 M, however
    // large the photo) stay under the refusal too.
    area[..(w * 20) as usize].fill(255);
    let area = Mask::new(w, h, area).unwrap();
    REFUSE_FROM.store((w * h) as usize, Relaxed);
    let s = suggest(&photo, Some(&area));
    REFUSE_FROM.store(usize::MAX, Relaxed);
    assert!(!s.reason.is_empty());
}

#[test]
fn suggestions_without_memory_for_their_samples_are_the_defaults() {
    let _alone = SERIAL.lock().unwrap();
    // Skin below, hair (dark strands every third column) above, and the
    // area on the skin, against the hair: the area's skin (1.1 M samples,
    // 4.5 MB of luminances) is read from the photo itself.
    let (w, h) = (2000u32, 1500u32);
    let mut pixels = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let hair = y < 600 && x % 3 == 0;
            pixels.extend(if hair {
                [45, 35, 30, 255]
            } else {
                [205, 160, 140, 255]
            });
        }
    }
    let photo = Rgba8Image::new(w, h, pixels).unwrap();
    let mut area = vec![0u8; (w * h) as usize];
    for y in 600..1400 {
        area[(y * w + 300) as usize..(y * w + 1700) as usize].fill(255);
    }
    let area = Mask::new(w, h, area).unwrap();
    let read = suggest(&photo, Some(&area));
    assert!(
        read.stop.is_some(),
        "the hair was not read: {}",
        read.reason
    );
    // Every buffer of the suggestion but the samples is under 2 MB here;
    // the samples grew a push at a time, and their growth aborted.
    REFUSE_FROM.store(2 << 20, Relaxed);
    let s = suggest(&photo, Some(&area));
    REFUSE_FROM.store(usize::MAX, Relaxed);
    assert!(s.reason.contains("Not enough memory"), "{}", s.reason);
    assert_eq!(s.shade, Suggestion::defaults_because("").shade);
}
