//! `make bench` (native half): medians of the engine's re-render paths, next
//! to the time of one plain copy of the same frame. The wasm half runs the
//! same scenarios in headless Chromium (tools/bench.mjs).

use std::hint::black_box;
use std::time::Instant;

use smp_visualiser::sample::sample_scalp;
use smp_visualiser::{Engine, Mask, Stroke};

fn median_ms(runs: usize, mut f: impl FnMut(usize)) -> f64 {
    f(0); // warm-up
    let mut t: Vec<f64> = (1..=runs)
        .map(|i| {
            let start = Instant::now();
            f(i);
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(|a, b| a.total_cmp(b));
    t[t.len() / 2]
}

fn full_mask(w: u32, h: u32) -> Mask {
    Mask::new(w, h, vec![255; (w * h) as usize]).unwrap()
}

fn row(name: &str, ms: f64, copy_ms: f64) {
    println!("| {name:<44} | {ms:>9.2} | {:>8.1}× |", ms / copy_ms);
}

fn main() {
    println!(
        "native ({} build)\n",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
    println!("| scenario                                     | median ms | × copy   |");
    println!("|----------------------------------------------|-----------|----------|");

    // 2-megapixel preview, the whole photo in the area (the worst case).
    let (w, h) = (1732, 1155);
    let sample = sample_scalp(w, h, 1).unwrap();
    let mut e = Engine::new();
    e.load_image(sample.photo.clone(), 2000).unwrap();
    e.set_mask(full_mask(w, h)).unwrap();
    e.render_preview().unwrap();
    let frame = sample.photo.pixels.clone();
    let mut dst = vec![0u8; frame.len()];
    let copy2 = median_ms(21, |_| {
        dst.copy_from_slice(black_box(&frame));
        black_box(&dst);
    });
    row("2 MP: one plain copy of the frame", copy2, copy2);
    // Each setting dragged one step, and jumped, back and forth: the
    // engine's share of a frame (set, then render the preview).
    let cases: [(&str, &str, f64, f64); 14] = [
        ("density step 80<->81", "densityPerCm2", 80.0, 81.0),
        ("density jump 80<->90", "densityPerCm2", 80.0, 90.0),
        ("dot size step 0.35<->0.36", "dotDiameterMm", 0.35, 0.36),
        ("dot size jump 0.35<->0.5", "dotDiameterMm", 0.35, 0.5),
        ("shade step 0.5<->0.51", "shade", 0.5, 0.51),
        ("shade jump 0.5<->0.7", "shade", 0.5, 0.7),
        ("softness step 0.35<->0.36", "softness", 0.35, 0.36),
        ("softness jump 0.35<->0.6", "softness", 0.35, 0.6),
        ("years step 0<->0.5", "yearsAfter", 0.0, 0.5),
        ("years jump 0<->5", "yearsAfter", 0.0, 5.0),
        ("look patch<->full", "mode", 0.0, 2.0),
        ("look patch<->density", "mode", 0.0, 1.0),
        ("session 3<->2", "session", 3.0, 2.0),
        ("healing healed<->fresh", "healing", 1.0, 0.0),
    ];
    // `cargo bench --bench engine -- WORD` runs only the cases naming WORD.
    let only: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    for (label, name, a, b) in cases {
        if only.as_ref().is_some_and(|w| !label.contains(w.as_str())) {
            continue;
        }
        let ms = median_ms(11, |i| {
            e.set_settings(&[(name, if i % 2 == 0 { a } else { b })])
                .unwrap();
            black_box(e.render_preview().unwrap());
        });
        e.set_settings(&[(name, a)]).unwrap();
        e.render_preview().unwrap();
        row(&format!("2 MP {label}"), ms, copy2);
    }
    if only.as_ref().is_some_and(|w| w != "rest") {
        return;
    }
    let brush = median_ms(41, |i| {
        let x = 200.0 + (i * 97 % 1300) as f64;
        let y = 150.0 + (i * 61 % 850) as f64;
        let s = Stroke {
            x0: x,
            y0: y,
            x1: x + 30.0,
            y1: y + 10.0,
            radius_px: 80.0,
            hardness: 0.5,
            erase: i % 2 == 0,
        };
        e.paint(&s).unwrap();
        black_box(e.render_preview().unwrap());
    });
    row("2 MP preview after a 160 px brush stroke", brush, copy2);

    // 12-megapixel export, from scratch as the export worker does it.
    let (w, h) = (4243, 2828);
    let sample = sample_scalp(w, h, 2).unwrap();
    let frame = sample.photo.pixels.clone();
    let mut dst = vec![0u8; frame.len()];
    let copy12 = median_ms(7, |_| {
        dst.copy_from_slice(black_box(&frame));
        black_box(&dst);
    });
    row("12 MP: one plain copy of the frame", copy12, copy12);
    let mut first = 0.0;
    let export = median_ms(5, |_| {
        let mut e = Engine::new();
        e.load_image(sample.photo.clone(), 1).unwrap();
        e.set_mask(full_mask(w, h)).unwrap();
        let t = Instant::now();
        black_box(e.render_full().unwrap());
        first = t.elapsed().as_secs_f64() * 1000.0;
    });
    row(
        "12 MP export (load + analyse + place + render)",
        export,
        copy12,
    );
    row("12 MP export: render alone", first, copy12);
}
