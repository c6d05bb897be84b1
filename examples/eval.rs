//! `make eval`: scores bald-area detection against reference areas, as
//! intersection over union (IoU), automatic and with one tap per patch.
//! Real photos: ../shared/data/alopecia-photos (skipped with a message where
//! absent). Own test set: synthetic sample scalps with known patches.

use std::path::Path;
use std::time::Instant;

use smp_visualiser::detect::{detect, iou, taps_for};
use smp_visualiser::measure::real_photos;
use smp_visualiser::sample::sample_scalp;
use smp_visualiser::{Mask, Rgba8Image};

struct Score {
    name: String,
    auto: f64,
    tapped: f64,
    taps: usize,
}

fn score(name: String, photo: &Rgba8Image, reference: &Mask) -> Score {
    let empty = Mask::empty(photo.width, photo.height).expect("size");
    let auto_mask = detect(photo, &[]).unwrap_or_else(|_| empty.clone());
    let auto = iou(&auto_mask, reference);
    if let Ok(dir) = std::env::var("SMP_EVAL_OUT") {
        let img = image::GrayImage::from_raw(photo.width, photo.height, auto_mask.weights.clone())
            .expect("mask");
        img.save(Path::new(&dir).join(png_name(&name)))
            .expect("save");
    }
    // One tap per patch of at least 0.2 % of the photo (smaller specks are
    // not what a person taps on).
    let min = (photo.width * photo.height / 500) as usize;
    let taps = taps_for(reference, min);
    let tapped_mask = detect(photo, &taps).unwrap_or_else(|_| empty.clone());
    let tapped = iou(&tapped_mask, reference);
    if let Ok(dir) = std::env::var("SMP_EVAL_OUT") {
        let img =
            image::GrayImage::from_raw(photo.width, photo.height, tapped_mask.weights.clone())
                .expect("mask");
        img.save(Path::new(&dir).join(format!("tap-{}", png_name(&name))))
            .expect("save");
    }
    Score {
        name,
        auto,
        tapped,
        taps: taps.len(),
    }
}

/// The file name a proposed mask is written under: the photo's own name, or
/// a PNG name for the synthetic samples (whose names have no extension).
fn png_name(name: &str) -> String {
    if name.ends_with(".png") {
        name.to_string()
    } else {
        format!("{}.png", name.replace([' ', '×'], "-"))
    }
}

fn report(title: &str, scores: &[Score]) {
    println!("\n{title}\n");
    println!("| photo | automatic IoU | with taps IoU | taps |");
    println!("|---|---|---|---|");
    for s in scores {
        println!(
            "| {} | {:.3} | {:.3} | {} |",
            s.name, s.auto, s.tapped, s.taps
        );
    }
    let n = scores.len() as f64;
    let mean = |f: fn(&Score) -> f64| scores.iter().map(f).sum::<f64>() / n;
    let worst = |f: fn(&Score) -> f64| scores.iter().map(f).fold(f64::MAX, f64::min);
    println!(
        "| **mean** (worst) | **{:.3}** ({:.3}) | **{:.3}** ({:.3}) | |",
        mean(|s| s.auto),
        worst(|s| s.auto),
        mean(|s| s.tapped),
        worst(|s| s.tapped)
    );
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/alopecia-photos".into());
    let dir = Path::new(&dir);
    if let Some(photos) = real_photos(dir) {
        let scores: Vec<Score> = photos
            .iter()
            .map(|p| score(p.name.clone(), &p.photo, &p.area))
            .collect();
        report(
            &format!(
                "Real photos ({}; reference areas from a segmentation model)",
                dir.display()
            ),
            &scores,
        );
    } else {
        println!("SKIPPED real photos: {} is absent", dir.display());
    }
    let synthetic: Vec<Score> = [
        (640, 480, 1),
        (900, 700, 2),
        (1600, 1200, 3),
        (480, 640, 4),
        (2000, 1500, 5),
    ]
    .iter()
    .map(|&(w, h, seed)| {
        let s = sample_scalp(w, h, seed).expect("sample");
        score(format!("sample {w}×{h} seed {seed}"), &s.photo, &s.patches)
    })
    .collect();
    report(
        "Own test set: synthetic scalps with known patches",
        &synthetic,
    );

    let s = sample_scalp(1732, 1155, 9).expect("sample");
    let mut times: Vec<f64> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let _ = detect(&s.photo, &[]);
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "\nautomatic detection on a 2 MP photo (native): median {:.1} ms",
        times[3]
    );
}
