//! Writes detection's intermediate maps for a photo, to see why an area was
//! or was not proposed (development aid):
//! `cargo run --release --example maps -- PHOTO OUT_PREFIX` writes
//! `OUT_PREFIX-background.png`, `-hair.png`, `-skin.png` and so on.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let img = image::open(&args[1]).expect("photo").to_rgba8();
    let photo =
        smp_visualiser::Rgba8Image::new(img.width(), img.height(), img.into_raw()).expect("photo");
    let (w, h, maps) = smp_visualiser::detect::feature_maps(&photo).expect("maps");
    for (name, v) in maps {
        image::GrayImage::from_raw(w as u32, h as u32, v)
            .expect("map")
            .save(format!("{}-{name}.png", args[2]))
            .expect("save");
    }
}
