//! `smp`: the command-line front door of the engine.
//!
//! `smp render --input IN.(png|jpg) --mask MASK.png --out OUT.png [settings]`
//! renders exactly what the browser's export gives for the same photo, area
//! and settings.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use image::{DynamicImage, ImageFormat};
use smp_visualiser::decode::{decode_photo_from, downscale_notice, mask_for_photo, DecodedPhoto};
use smp_visualiser::files::{check_not_an_input, open_image, out_format, write_atomic, OutFormat};
use smp_visualiser::{render_photo, ErrorCode, Mask, Settings, SmpError, SETTINGS};

fn usage() -> String {
    let mut s = String::from(
        "smp — scalp micropigmentation simulation\n\n\
         Usage:\n  smp render --input PHOTO [--mask MASK.png] --out OUT.(png|jpg) [--preset NAME] [settings]\n             \
         [--hairline \"X,Y X,Y ...\" [--hairline-style soft|defined|broken]]\n  \
         smp sample --out PHOTO.png [--patches-out MASK.png] [--width W] [--height H] [--seed N]\n  \
         smp detect --input PHOTO --out MASK.png [--tap X,Y]...\n  \
         smp suggest --input PHOTO [--mask MASK.png]\n  \
         smp settings --markdown\n\n\
         PHOTO is a JPEG, PNG, GIF, WebP or BMP file. EXIF orientation is\n\
         applied; photos over 24 megapixels are reduced to 24 MP (a note says so).\n\n\
         `detect` proposes the bald scalp as a mask (grey = weight): every bald\n\
         area framed by hair, or with --tap (once per patch, in pixels) the\n\
         patches under the taps.\n\n\
         `suggest` reads the client's hair around the area (or around the bald\n\
         patches it finds) and the skin, and prints suggested settings as one\n\
         JSON object: densityPerCm2, dotDiameterMm, shade and a short reason.\n\n\
         `sample` makes a synthetic scalp photo with two bald patches (and their\n\
         true area as a mask) for trying the tool and for tests.\n\n\
         The mask has the photo's upright size; its alpha (or its grey level when\n\
         it has no alpha) is the treatment weight, 0 = untouched, 255 = full density.\n\
         Without --mask the whole photo is the area.\n\nSettings:\n",
    );
    for spec in SETTINGS {
        let unit = if spec.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", spec.unit)
        };
        let default = if spec.name == "pxPerMm" {
            "estimated from the photo".to_string()
        } else if !spec.choices.is_empty() {
            spec.choices[spec.default as usize].to_string()
        } else {
            format!("{}", spec.default)
        };
        let range = if spec.choices.is_empty() {
            format!("{}–{}{unit}", spec.min, spec.max)
        } else {
            spec.choices.join(" | ")
        };
        s.push_str(&format!(
            "  --{:<18} {range} (default {default})\n      {}\n",
            spec.flag, spec.help
        ));
    }
    s.push_str("\nPresets (--preset NAME, applied before the settings given one by one):\n");
    for p in smp_visualiser::presets::PRESETS {
        s.push_str(&format!("  \"{}\" ({})\n", p.name, p.group.to_lowercase()));
    }
    s
}

/// Prefixes an error with the file it is about.
fn about(path: &Path) -> impl Fn(SmpError) -> SmpError + '_ {
    move |e| SmpError::new(e.code, format!("{}: {}", path.display(), e.message))
}

/// Reads a photo as the page does: same refusals and codes (from the one
/// sniffer, before decoding), EXIF orientation applied, reduced to the
/// working limit (with a notice on stderr).
fn open_photo(path: &Path) -> Result<DecodedPhoto, SmpError> {
    let decoded = open_image(path)
        .and_then(|(reader, info)| decode_photo_from(reader, info))
        .map_err(about(path))?;
    if decoded.downscaled() {
        let size = (decoded.photo.width, decoded.photo.height);
        eprintln!("note: {}", downscale_notice(decoded.original_size, size));
    }
    Ok(decoded)
}

/// Points given in the photo's own (upright) pixels, in the pixels of the
/// photo as worked on: a photo over the working size was reduced, and a tap
/// or a hairline handle must land where the person put it.
fn in_working_pixels(points: &[(f64, f64)], photo: &DecodedPhoto) -> Vec<(f64, f64)> {
    let (ow, oh) = photo.original_size;
    let (sx, sy) = (
        photo.photo.width as f64 / ow.max(1) as f64,
        photo.photo.height as f64 / oh.max(1) as f64,
    );
    points.iter().map(|&(x, y)| (x * sx, y * sy)).collect()
}

/// Reads a mask image (PNG, or any format the CLI reads) without
/// orientation: its pixels line up with the photo's upright pixels. Its size
/// is checked from its header before it is decoded: the photo's working
/// size, or the photo's original size when the photo was reduced (the mask
/// is then reduced with it, row by row as it is decoded).
fn open_mask(path: &Path, photo: &DecodedPhoto) -> Result<Mask, SmpError> {
    let working = (photo.photo.width, photo.photo.height);
    let (reader, info) = open_image(path)
        .map_err(|e| match e.code {
            // Larger than any photo: so not this photo's size either.
            ErrorCode::ImageTooLarge => SmpError::new(
                ErrorCode::MaskSizeMismatch,
                format!(
                    "the mask is larger than any photo this tool opens; the photo is {}×{}. ({})",
                    photo.original_size.0, photo.original_size.1, e.message
                ),
            ),
            _ => e,
        })
        .map_err(about(path))?;
    mask_for_photo(reader, info, working, photo.original_size).map_err(about(path))
}

struct RenderArgs {
    input: PathBuf,
    mask: Option<PathBuf>,
    out: PathBuf,
    format: OutFormat,
    settings: Settings,
    hairline: Option<Vec<(f64, f64)>>,
    hairline_style: String,
}

fn parse_points(raw: &str, flag: &str) -> Result<Vec<(f64, f64)>, String> {
    raw.split_whitespace()
        .map(|p| {
            let (x, y) = p
                .split_once(',')
                .ok_or_else(|| format!("--{flag} needs points X,Y separated by spaces"))?;
            let n = |v: &str| {
                v.parse::<f64>()
                    .map_err(|_| format!("--{flag}: \"{p}\" is not X,Y"))
            };
            Ok((n(x)?, n(y)?))
        })
        .collect()
}

fn parse_render(parser: &mut lexopt::Parser) -> Result<RenderArgs, String> {
    use lexopt::prelude::*;
    let (mut input, mut mask, mut out) = (None, None, None);
    let mut settings = Settings::default();
    // A preset is applied first, wherever it stands; the settings given
    // one by one then change it.
    let (mut preset, mut given) = (None, Vec::new());
    let (mut hairline, mut hairline_style) = (None, "soft".to_string());
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("input") => input = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("mask") => mask = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("out") => out = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("hairline") => {
                let raw = parser.value().map_err(|e| e.to_string())?;
                hairline = Some(parse_points(&raw.to_string_lossy(), "hairline")?);
            }
            Long("hairline-style") => {
                hairline_style = parser
                    .value()
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .into_owned();
            }
            Long("preset") => {
                let name = parser.value().map_err(|e| e.to_string())?;
                preset = Some(
                    smp_visualiser::presets::preset(&name.to_string_lossy())
                        .map_err(|e| e.message)?,
                );
            }
            Long(flag) if smp_visualiser::settings::spec(flag).is_some() => {
                let flag = flag.to_string();
                let raw = parser.value().map_err(|e| e.to_string())?;
                given.push((flag, raw.to_string_lossy().into_owned()));
            }
            Short('h') | Long("help") => return Err(usage()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    if let Some(p) = preset {
        smp_visualiser::presets::apply(&mut settings, p).map_err(|e| e.message)?;
    }
    for (flag, raw) in &given {
        settings.set_text(flag, raw).map_err(|e| e.message)?;
    }
    let (input, out): (PathBuf, PathBuf) = (
        input.ok_or("--input is required")?,
        out.ok_or("--out is required")?,
    );
    let format = out_format(&out, true)?;
    let inputs: Vec<&Path> = std::iter::once(input.as_path())
        .chain(mask.as_deref())
        .collect();
    check_not_an_input(&out, &inputs)?;
    Ok(RenderArgs {
        input,
        mask,
        out,
        format,
        settings,
        hairline,
        hairline_style,
    })
}

fn run_render(args: RenderArgs) -> Result<(), SmpError> {
    let decoded = open_photo(&args.input)?;
    let keep_alpha = decoded.has_alpha;
    let (w, h) = (decoded.photo.width, decoded.photo.height);
    let mut mask = match &args.mask {
        Some(path) => open_mask(path, &decoded)?,
        // No mask: the whole photo is the area.
        None => Mask::new(w, h, vec![255; w as usize * h as usize])?,
    };
    if let Some(handles) = &args.hairline {
        // As the page does: an empty area means the head's scalp side (never
        // the backdrop behind the head).
        if mask.is_empty() {
            mask = smp_visualiser::detect::head_area(&decoded.photo)?;
        }
        let style = smp_visualiser::hairline::HairlineStyle::parse(&args.hairline_style)?;
        let ppm = args.settings.px_per_mm_for(w, h);
        let handles = in_working_pixels(handles, &decoded);
        smp_visualiser::hairline::apply(&mut mask, &handles, style, ppm, args.settings.seed)?;
    }
    let photo = decoded.photo;
    let result = render_photo(photo, mask, &args.settings)?;
    let buffer = image::RgbaImage::from_raw(result.width, result.height, result.pixels)
        .ok_or_else(|| SmpError::new(ErrorCode::BadImage, "Result buffer has the wrong size."))?;
    // The result keeps the photo's channels: RGB in, RGB out.
    let (img, format) = match args.format {
        OutFormat::Jpeg => (
            DynamicImage::ImageRgba8(buffer).to_rgb8().into(),
            ImageFormat::Jpeg,
        ),
        OutFormat::Png if !keep_alpha => (
            DynamicImage::ImageRgba8(buffer).to_rgb8().into(),
            ImageFormat::Png,
        ),
        OutFormat::Png => (DynamicImage::ImageRgba8(buffer), ImageFormat::Png),
    };
    save(&args.out, &img, format)
}

/// Writes an image atomically (see `write_atomic`).
fn save(path: &Path, img: &DynamicImage, format: ImageFormat) -> Result<(), SmpError> {
    write_atomic(path, |w| img.write_to(w, format).map_err(|e| e.to_string()))
}

struct DetectArgs {
    input: PathBuf,
    out: PathBuf,
    taps: Vec<(f64, f64)>,
}

fn parse_detect(parser: &mut lexopt::Parser) -> Result<DetectArgs, String> {
    use lexopt::prelude::*;
    let (mut input, mut out, mut taps) = (None, None, Vec::new());
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("input") => input = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("out") => out = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("tap") => {
                let raw = parser
                    .value()
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .into_owned();
                let (x, y) = raw
                    .split_once(',')
                    .ok_or_else(|| format!("--tap needs X,Y, not \"{raw}\""))?;
                let parse = |v: &str| {
                    v.trim()
                        .parse::<f64>()
                        .map_err(|_| format!("--tap needs numbers X,Y, not \"{raw}\""))
                };
                taps.push((parse(x)?, parse(y)?));
            }
            Short('h') | Long("help") => return Err(usage()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    let (input, out): (PathBuf, PathBuf) = (
        input.ok_or("--input is required")?,
        out.ok_or("--out is required")?,
    );
    out_format(&out, false)?;
    check_not_an_input(&out, &[&input])?;
    Ok(DetectArgs { input, out, taps })
}

fn run_detect(args: DetectArgs) -> Result<(), SmpError> {
    let decoded = open_photo(&args.input)?;
    let taps = in_working_pixels(&args.taps, &decoded);
    let photo = decoded.photo;
    let (w, h) = (photo.width, photo.height);
    let mask = smp_visualiser::detect::detect(&photo, &taps)?;
    let img = image::GrayImage::from_raw(w, h, mask.weights)
        .ok_or_else(|| SmpError::new(ErrorCode::BadImage, "Mask buffer has the wrong size."))?;
    save_png(&args.out, img.into())
}

struct SuggestArgs {
    input: PathBuf,
    mask: Option<PathBuf>,
}

fn parse_suggest(parser: &mut lexopt::Parser) -> Result<SuggestArgs, String> {
    use lexopt::prelude::*;
    let (mut input, mut mask) = (None, None);
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("input") => input = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("mask") => mask = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Short('h') | Long("help") => return Err(usage()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    Ok(SuggestArgs {
        input: input.ok_or("--input is required")?,
        mask,
    })
}

fn run_suggest(args: SuggestArgs) -> Result<(), SmpError> {
    let decoded = open_photo(&args.input)?;
    // The same checks and reduction as `render`'s mask (size from the header).
    let mask = match &args.mask {
        Some(path) => Some(open_mask(path, &decoded)?),
        None => None,
    };
    let s = smp_visualiser::suggest::suggest(&decoded.photo, mask.as_ref());
    println!("{}", s.to_json());
    Ok(())
}

struct SampleArgs {
    out: PathBuf,
    patches_out: Option<PathBuf>,
    width: u32,
    height: u32,
    seed: u32,
}

fn parse_sample(parser: &mut lexopt::Parser) -> Result<SampleArgs, String> {
    use lexopt::prelude::*;
    let mut args = SampleArgs {
        out: PathBuf::new(),
        patches_out: None,
        width: 1600,
        height: 1200,
        seed: 1,
    };
    let mut out = None;
    let number = |p: &mut lexopt::Parser, name: &str| -> Result<u32, String> {
        let raw = p.value().map_err(|e| e.to_string())?;
        raw.to_string_lossy()
            .parse()
            .map_err(|_| format!("--{name} needs a whole number"))
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Long("out") => out = Some(parser.value().map_err(|e| e.to_string())?.into()),
            Long("patches-out") => {
                args.patches_out = Some(parser.value().map_err(|e| e.to_string())?.into())
            }
            Long("width") => args.width = number(parser, "width")?,
            Long("height") => args.height = number(parser, "height")?,
            Long("seed") => args.seed = number(parser, "seed")?,
            Short('h') | Long("help") => return Err(usage()),
            other => return Err(other.unexpected().to_string()),
        }
    }
    args.out = out.ok_or("--out is required")?;
    out_format(&args.out, false)?;
    if let Some(p) = &args.patches_out {
        out_format(p, false)?;
    }
    Ok(args)
}

fn save_png(path: &Path, img: image::DynamicImage) -> Result<(), SmpError> {
    save(path, &img, ImageFormat::Png)
}

fn run_sample(args: SampleArgs) -> Result<(), SmpError> {
    let s = smp_visualiser::sample::sample_scalp(args.width, args.height, args.seed)?;
    let photo = image::RgbaImage::from_raw(s.photo.width, s.photo.height, s.photo.pixels)
        .ok_or_else(|| SmpError::new(ErrorCode::BadImage, "Sample buffer has the wrong size."))?;
    save_png(&args.out, DynamicImage::ImageRgba8(photo).to_rgb8().into())?;
    if let Some(path) = &args.patches_out {
        let mask = image::GrayImage::from_raw(s.patches.width, s.patches.height, s.patches.weights)
            .ok_or_else(|| SmpError::new(ErrorCode::BadImage, "Sample mask has the wrong size."))?;
        save_png(path, mask.into())?;
    }
    Ok(())
}

/// Runs a parsed command: exit 0 on success, 1 on a failed render, 2 on bad usage.
fn finish<A>(parsed: Result<A, String>, run: impl FnOnce(A) -> Result<(), SmpError>) -> ExitCode {
    match parsed {
        Ok(args) => match run(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn main() -> ExitCode {
    let mut parser = lexopt::Parser::from_env();
    let command = match parser.next() {
        Ok(Some(lexopt::Arg::Value(v))) => v.to_string_lossy().into_owned(),
        Ok(Some(lexopt::Arg::Long("help"))) | Ok(Some(lexopt::Arg::Short('h'))) => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{}", usage());
            return ExitCode::from(2);
        }
    };
    match command.as_str() {
        "render" => finish(parse_render(&mut parser), run_render),
        "sample" => finish(parse_sample(&mut parser), run_sample),
        "detect" => finish(parse_detect(&mut parser), run_detect),
        "suggest" => finish(parse_suggest(&mut parser), run_suggest),
        "settings" => match parser.next() {
            // The README's settings table, made from the engine's one table.
            Ok(Some(lexopt::Arg::Long("markdown"))) => {
                print!("{}", smp_visualiser::settings::markdown_table());
                ExitCode::SUCCESS
            }
            _ => {
                eprintln!("error: smp settings --markdown prints the settings table");
                ExitCode::from(2)
            }
        },
        other => {
            eprintln!("error: unknown command \"{other}\"\n\n{}", usage());
            ExitCode::from(2)
        }
    }
}
