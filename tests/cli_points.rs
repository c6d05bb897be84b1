//! `smp`'s points (`--tap`, `--hairline`) are in the photo's own pixels,
//! also when a photo over the working size is reduced: a tap lands where the
//! person put it.

use std::path::PathBuf;
use std::process::Command;

const SMP: &str = env!("CARGO_BIN_EXE_smp");

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("smp-cli-points-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_tap_on_a_reduced_photo_is_read_in_the_photos_own_pixels() {
    let d = dir();
    let (photo, patches, out) = (d.join("big.png"), d.join("patches.png"), d.join("area.png"));
    // The sample scalp at 1600×1200, enlarged to 6400×4800 = 30.7 MP: over
    // the working size, so `smp` reduces it.
    let made = Command::new(SMP)
        .args([
            "sample", "--width", "1600", "--height", "1200", "--seed", "2", "--out",
        ])
        .arg(&photo)
        .arg("--patches-out")
        .arg(&patches)
        .status()
        .unwrap();
    assert!(made.success());
    for path in [&photo, &patches] {
        let small = image::open(path).unwrap();
        small
            .resize_exact(6400, 4800, image::imageops::FilterType::Nearest)
            .save(path)
            .unwrap();
    }
    // A point well inside a patch (in the photo's own pixels) such that the
    // same numbers read as reduced pixels would land on hair, far from any
    // patch (further than a tap reaches): only a tap read in the right
    // pixels finds the patch.
    let truth = image::open(&patches).unwrap().to_luma8();
    let inside = |x: i64, y: i64| {
        x >= 0 && y >= 0 && x < 6400 && y < 4800 && truth.get_pixel(x as u32, y as u32)[0] >= 128
    };
    let (ww, _) = smp_visualiser::raster::working_size(6400, 4800);
    let s = ww as f64 / 6400.0;
    let reach = 0.07 * 4800.0;
    let far_from_patches = |qx: f64, qy: f64| {
        let r = reach as i64;
        (-r..=r).step_by(16).all(|dy| {
            (-r..=r)
                .step_by(16)
                .all(|dx| dx * dx + dy * dy > r * r || !inside(qx as i64 + dx, qy as i64 + dy))
        })
    };
    let tap = (0..4800i64)
        .step_by(16)
        .flat_map(|y| (0..6400i64).step_by(16).map(move |x| (x, y)))
        .find(|&(x, y)| {
            [(0, 0), (48, 0), (-48, 0), (0, 48), (0, -48)]
                .iter()
                .all(|(dx, dy)| inside(x + dx, y + dy))
                && far_from_patches(x as f64 / s, y as f64 / s)
        })
        .expect("a point that tells the two readings apart");
    let o = Command::new(SMP)
        .args(["detect", "--input"])
        .arg(&photo)
        .arg("--out")
        .arg(&out)
        .arg("--tap")
        .arg(format!("{},{}", tap.0, tap.1))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let area = image::open(&out).unwrap().to_luma8();
    let (sx, sy) = (area.width() as f64 / 6400.0, area.height() as f64 / 4800.0);
    let at = area.get_pixel((tap.0 as f64 * sx) as u32, (tap.1 as f64 * sy) as u32)[0];
    assert!(at >= 128, "the tapped point {tap:?} is in the area found");
    let _ = std::fs::remove_dir_all(&d);
}
