use smp_visualiser::{Engine, Mask};
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let side: u32 = args[1].parse().unwrap();
    let name = args[2].clone();
    let a: f64 = args[3].parse().unwrap();
    let b: f64 = args[4].parse().unwrap();
    let n: usize = args.get(5).map_or(40, |v| v.parse().unwrap());
    let band = args.get(6).map(|v| v == "band").unwrap_or(false);
    let sample = smp_visualiser::sample::sample_scalp(1732, 1155, 8).unwrap();
    let mut e = Engine::new();
    e.load_image(sample.photo.clone(), side).unwrap();
    e.set_mask(Mask::new(1732, 1155, vec![255; 1732 * 1155]).unwrap())
        .unwrap();
    e.render_preview().unwrap();
    let h = e.preview_size().1;
    let mut t = vec![];
    for i in 0..n {
        let s = Instant::now();
        e.set_settings(&[(name.as_str(), if i % 2 == 0 { b } else { a })])
            .unwrap();
        if band {
            e.render_preview_band(Some((0, h / 2))).unwrap();
        } else {
            e.render_preview().unwrap();
        }
        t.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    t.sort_by(|x, y| x.partial_cmp(y).unwrap());
    println!("{name} side {side} band {band}: {:.2} ms", t[t.len() / 2]);
}
