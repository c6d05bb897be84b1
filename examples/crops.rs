//! Side-by-side crops of renders for looking at them:
//! `cargo run --release --example crops -- OUT.png X Y W H SCALE A.png B.png …`
//! cuts the same W×H rectangle at X,Y out of each image, enlarges it SCALE
//! times (nearest neighbour, so single pixels stay visible) and sets the
//! crops side by side.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n = |i: usize| args[i].parse::<u32>().expect("a whole number");
    let (x, y, w, h, scale) = (n(1), n(2), n(3), n(4), n(5));
    let inputs = &args[6..];
    let mut out = image::RgbImage::new(
        w * scale * inputs.len() as u32 + 4 * (inputs.len() as u32 - 1),
        h * scale,
    );
    for (k, path) in inputs.iter().enumerate() {
        let img = image::open(path).expect("image").to_rgb8();
        let x0 = k as u32 * (w * scale + 4);
        for yy in 0..h * scale {
            for xx in 0..w * scale {
                let (sx, sy) = (x + xx / scale, y + yy / scale);
                if sx < img.width() && sy < img.height() {
                    out.put_pixel(x0 + xx, yy, *img.get_pixel(sx, sy));
                }
            }
        }
    }
    out.save(&args[0]).expect("save");
}
