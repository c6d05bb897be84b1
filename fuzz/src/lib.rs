//! Input builders shared by the fuzz targets.
//!
//! libFuzzer hands each target a flat byte string. Deriving every value with
//! plain `Arbitrary` would spend nearly all inputs on meaningless bit
//! patterns (a random `f64` is almost never inside a setting's range, a
//! random `u32` size is almost always refused), so these helpers steer the
//! bytes towards the interesting places: mostly plausible values, a good
//! share of edges (just outside a range, zero, the largest accepted), and a
//! steady trickle of poison (NaN, ±∞, subnormals, raw bit patterns). All of
//! them are total: running out of bytes gives a default, never an error, so
//! short inputs still reach the engine.

use arbitrary::{Result, Unstructured};
use smp_visualiser::hairline::HairlineStyle;
use smp_visualiser::raster::{Mask, Rgba8Image};
use smp_visualiser::settings::SETTINGS;
use smp_visualiser::Stroke;
use std::sync::OnceLock;

/// Floats that break naive arithmetic: each is worth trying everywhere a
/// number crosses into the engine.
pub const SPECIAL_F64: &[f64] = &[
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    f64::MIN_POSITIVE,
    5e-324, // smallest subnormal
    f64::EPSILON,
    f64::MAX,
    f64::MIN,
    1.0,
    -1.0,
    0.5,
    1e7,
    -1e7,
    1e300,
    -1e300,
    255.0,
    256.0,
    65_535.0,
    65_536.0,
    4_294_967_295.0,
    4_294_967_296.0,
    // Integers that stop being exact, and the u32/i64 cast boundaries.
    9_007_199_254_740_993.0,
    9.223_372_036_854_776e18,
];

/// A number that is mostly inside `lo..=hi`, sometimes at or just past its
/// ends, and sometimes one of [`SPECIAL_F64`] or any bit pattern at all.
pub fn number(u: &mut Unstructured, lo: f64, hi: f64) -> Result<f64> {
    let span = hi - lo;
    Ok(match u.int_in_range(0u8..=15)? {
        0 | 1 => SPECIAL_F64[u.choose_index(SPECIAL_F64.len())?],
        2 => f64::from_bits(u.arbitrary()?),
        3 => lo,
        4 => hi,
        // Just outside the range, where off-by-one checks fail.
        5 => lo - span * 0.01 - f64::EPSILON,
        6 => hi + span * 0.01 + f64::EPSILON,
        // Whole numbers around the range (integer-only settings, choices).
        7 | 8 => {
            let a = (lo.floor() as i64).saturating_sub(2);
            let b = (hi.ceil() as i64).saturating_add(2);
            u.int_in_range(a..=b)? as f64
        }
        // A uniform value inside the range.
        _ => lo + span * (u.arbitrary::<u16>()? as f64 / u16::MAX as f64),
    })
}

/// A pixel coordinate for a `extent`-pixel side: mostly on the photo, some
/// off it on either side (which the engine must clip), some poison.
pub fn coord(u: &mut Unstructured, extent: u32) -> Result<f64> {
    let e = extent as f64;
    number(u, -0.25 * e, 1.25 * e)
}

/// A setting name: a real one (script name or CLI flag) most of the time,
/// else a near miss or arbitrary text, which must be `UnknownSetting`.
pub fn setting_name(u: &mut Unstructured) -> Result<String> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => u.arbitrary::<String>()?,
        1 => {
            // A real name with a different case or a stray byte.
            let s = &SETTINGS[u.choose_index(SETTINGS.len())?];
            let mut n = s.name.to_ascii_uppercase();
            if u.arbitrary()? {
                n = format!("{} ", s.name);
            }
            n
        }
        2 => String::new(),
        3 | 4 => SETTINGS[u.choose_index(SETTINGS.len())?].flag.to_string(),
        _ => SETTINGS[u.choose_index(SETTINGS.len())?].name.to_string(),
    })
}

/// A value for the setting called `name`: around its range when it is a
/// known one, anything when it is not.
pub fn setting_value(u: &mut Unstructured, name: &str) -> Result<f64> {
    match smp_visualiser::settings::spec(name) {
        Some(s) => number(u, s.min, s.max),
        None => number(u, -1e3, 1e3),
    }
}

/// Up to `max` (name, value) pairs for `Engine::set_settings`.
pub fn setting_pairs(u: &mut Unstructured, max: usize) -> Result<Vec<(String, f64)>> {
    let n = u.int_in_range(0..=max)?;
    let mut pairs = Vec::with_capacity(n);
    for _ in 0..n {
        let name = setting_name(u)?;
        let value = setting_value(u, &name)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

/// Borrows owned pairs as the `&[(&str, f64)]` the engine takes.
pub fn as_pairs(pairs: &[(String, f64)]) -> Vec<(&str, f64)> {
    pairs.iter().map(|(n, v)| (n.as_str(), *v)).collect()
}

/// A brush stroke segment on a `w`×`h` photo: plausible geometry most of the
/// time, with every field now and then out of range or not a number.
pub fn stroke(u: &mut Unstructured, w: u32, h: u32) -> Result<Stroke> {
    let x0 = coord(u, w)?;
    let y0 = coord(u, h)?;
    // A dab (end = start) is the common first event of a real stroke.
    let (x1, y1) = if u.arbitrary()? {
        (x0, y0)
    } else {
        (coord(u, w)?, coord(u, h)?)
    };
    Ok(Stroke {
        x0,
        y0,
        x1,
        y1,
        radius_px: number(u, 0.0, 0.5 * w.max(h) as f64)?,
        hardness: number(u, 0.0, 1.0)?,
        erase: u.arbitrary()?,
    })
}

/// Up to `max` points on (or off) a `w`×`h` photo, for taps and handles.
pub fn points(u: &mut Unstructured, w: u32, h: u32, max: usize) -> Result<Vec<(f64, f64)>> {
    let n = u.int_in_range(0..=max)?;
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        v.push((coord(u, w)?, coord(u, h)?));
    }
    Ok(v)
}

/// One of the three hairline styles.
pub fn hairline_style(u: &mut Unstructured) -> Result<HairlineStyle> {
    Ok(*u.choose(&[
        HairlineStyle::Soft,
        HairlineStyle::Defined,
        HairlineStyle::Broken,
    ])?)
}

/// A mask of `w`×`h` weights taken from the input: uniform fills (empty and
/// full are the two the engine special-cases), or the remaining bytes
/// repeated over the area so the fuzzer controls real shapes.
pub fn mask_weights(u: &mut Unstructured, len: usize) -> Result<Vec<u8>> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => vec![0; len],
        1 => vec![255; len],
        2 => vec![u.arbitrary()?; len],
        _ => {
            let n = u.int_in_range(1usize..=4096)?;
            let src = u.bytes(n.min(u.len()))?.to_vec();
            tile(&src, len)
        }
    })
}

/// `len` bytes made by repeating `src` (zeros when it is empty).
pub fn tile(src: &[u8], len: usize) -> Vec<u8> {
    if src.is_empty() {
        return vec![0; len];
    }
    src.iter().copied().cycle().take(len).collect()
}

/// Sizes of the synthetic sample photos the stateful targets draw on: small,
/// so one input runs in milliseconds, and of both orientations and odd sizes
/// so the preview reduction does not divide evenly.
pub const SAMPLE_SIZES: [(u32, u32); 4] = [(64, 48), (45, 71), (97, 61), (3, 2)];

/// A synthetic scalp photo with its true bald patches. Made once per size
/// and cloned, since making one costs more than a whole fuzz iteration.
pub fn sample(index: usize) -> (Rgba8Image, Mask) {
    static CACHE: [OnceLock<(Rgba8Image, Mask)>; SAMPLE_SIZES.len()] =
        [const { OnceLock::new() }; SAMPLE_SIZES.len()];
    let i = index % SAMPLE_SIZES.len();
    CACHE[i]
        .get_or_init(|| {
            let (w, h) = SAMPLE_SIZES[i];
            let s =
                smp_visualiser::sample::sample_scalp(w, h, 7).expect("the sample sizes are valid");
            (s.photo, s.patches)
        })
        .clone()
}

/// A scale (pxPerMm) to start an engine with. The dot pattern is made for
/// the photo's size in millimetres, and at the estimated scale of these
/// small photos (the range's minimum, 1 px/mm) it has ~10 000 dots, whose
/// placement is most of an input's time under the fuzzing instrumentation
/// (~100 ms). Mostly a finer scale, so inputs run ~10× faster and explore
/// more orders of operations; sometimes the estimate, so that path stays
/// covered too.
pub fn start_scale(u: &mut Unstructured) -> Result<Option<f64>> {
    // Choice 0 is what an exhausted input gives, so it is the fast one.
    Ok(match u.int_in_range(0u8..=7)? {
        0 => Some(12.0),
        1 => Some(4.0),
        2 => Some(number(u, 1.0, 50.0)?).filter(|v| (1.0..=50.0).contains(v)),
        3 => None,
        _ => Some(12.0),
    })
}
