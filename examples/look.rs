//! `make eval`, the look table: how dark the result reads at viewing
//! distance. Tone on flat light and dark skin per session, fresh and healed
//! (the full look over the whole image); the patch-to-hair contrast
//! reduction per look on the real photos with their reference areas
//! (../shared/data/alopecia-photos, skipped with a message where absent).

use std::path::Path;

use smp_visualiser::measure::{patch_contrast, real_photos, tone_ratio, DARK_SKIN, LIGHT_SKIN};
use smp_visualiser::suggest::suggest;
use smp_visualiser::{render_photo, Mask, Rgba8Image, Settings};

fn settings(pairs: &[(&str, f64)]) -> Settings {
    let mut s = Settings::default();
    s.set_many(pairs).expect("valid settings");
    s
}

fn tone(skin: [u8; 4], pairs: &[(&str, f64)]) -> f64 {
    // 40 × 40 mm at 10 px/mm; the outer 2 mm are left out of the mean.
    let photo = Rgba8Image::filled(400, 400, skin).expect("photo");
    let mask = Mask::new(400, 400, vec![255; 400 * 400]).expect("mask");
    let mut all = vec![("pxPerMm", 10.0), ("mode", 2.0)];
    all.extend_from_slice(pairs);
    let out = render_photo(photo.clone(), mask, &settings(&all)).expect("render");
    tone_ratio(&photo, &out, 20)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

fn main() {
    println!("\nTone at viewing distance: mean linear luminance of the treated skin over the untreated (full look, defaults otherwise)\n");
    println!("| skin | healing | session 1 | session 2 | session 3 |");
    println!("|---|---|---|---|---|");
    for (skin_name, skin) in [("light", LIGHT_SKIN), ("dark", DARK_SKIN)] {
        for (heal_name, healing) in [("fresh", 0.0), ("healed", 1.0)] {
            let cells: Vec<String> = (1..=3)
                .map(|session| {
                    format!(
                        "{:.3}",
                        tone(skin, &[("session", session as f64), ("healing", healing)])
                    )
                })
                .collect();
            println!("| {skin_name} | {heal_name} | {} |", cells.join(" | "));
        }
    }

    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/alopecia-photos".into());
    let dir = Path::new(&dir);
    let Some(photos) = real_photos(dir) else {
        println!("\nSKIPPED real photos: {} is absent", dir.display());
        return;
    };
    println!("\nPatch-to-hair contrast reduction on the real photos with their reference areas (median over photos; helmets = patches left darker than the hair around them)\n");
    println!("| look | settings | median reduction | range | helmets | photos |");
    println!("|---|---|---|---|---|---|");
    let rows = [("patch", 0.0), ("density", 1.0), ("full", 2.0)]
        .into_iter()
        .flat_map(|(look, mode)| [(look, mode, false), (look, mode, true)]);
    for (look, mode, suggested) in rows {
        let mut reductions = Vec::new();
        for p in &photos {
            let (photo, mask) = (&p.photo, &p.area);
            let (w, h) = (photo.width, photo.height);
            let mut s = settings(&[("mode", mode)]);
            if suggested {
                s.set_many(&suggest(photo, Some(mask)).pairs())
                    .expect("suggestion in range");
            }
            let ppm = s.px_per_mm_for(w, h);
            let out = render_photo(photo.clone(), mask.clone(), &s).expect("render");
            if let Some(c) = patch_contrast(photo, &out, mask, ppm) {
                reductions.push(c.reduction());
            }
        }
        let helmets = reductions.iter().filter(|&&r| r > 1.0).count();
        let lo = reductions.iter().cloned().fold(f64::MAX, f64::min);
        let hi = reductions.iter().cloned().fold(f64::MIN, f64::max);
        let n = reductions.len();
        println!(
            "| {look} | {} | {:.1} % | {:.1}–{:.1} % | {helmets} | {n} |",
            if suggested { "suggested" } else { "defaults" },
            100.0 * median(reductions),
            100.0 * lo,
            100.0 * hi
        );
    }
}
