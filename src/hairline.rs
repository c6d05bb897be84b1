//! The designed hairline of the buzz-cut look: a smooth curve through a
//! handful of handles across the photo, with the scalp on its upper side (the
//! photo's top is the top of the head). It shapes the area's front edge in
//! one of the styles clients ask for:
//! - **soft** (feathered, the most requested): density thins out over the
//!   last ~4 mm, along an irregular edge;
//! - **defined**: a crisp edge that is still not a ruled line;
//! - **broken**: a scattered edge, with islands of dots just beyond it.
//!
//! The irregularity is seeded value noise, so a hairline is reproducible.

use crate::error::{ErrorCode, SmpError};
use crate::raster::Mask;
use crate::rng::Lattice;

/// How the hairline's edge looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HairlineStyle {
    /// Density thins out over the last few mm, along an irregular edge.
    Soft,
    /// A crisp but irregular edge.
    Defined,
    /// A scattered edge with islands of dots beyond it.
    Broken,
}

impl HairlineStyle {
    /// Parses `soft`, `defined` or `broken`.
    pub fn parse(name: &str) -> Result<HairlineStyle, SmpError> {
        match name {
            "soft" => Ok(HairlineStyle::Soft),
            "defined" => Ok(HairlineStyle::Defined),
            "broken" => Ok(HairlineStyle::Broken),
            _ => Err(SmpError::new(
                ErrorCode::InvalidSetting,
                format!("The hairline style must be soft, defined or broken; got \"{name}\"."),
            )),
        }
    }
}

/// Handles of a default hairline for a front view of a `width`×`height`
/// photo: lowest at the centre of the forehead, receding at the temples,
/// down again at the sideburns, with a slight natural asymmetry.
pub fn default_handles(width: u32, height: u32) -> Vec<(f64, f64)> {
    let (w, h) = (width as f64, height as f64);
    [
        (0.08, 0.46),
        (0.27, 0.30),
        (0.5, 0.35),
        (0.73, 0.31),
        (0.92, 0.47),
    ]
    .iter()
    .map(|&(x, y)| (x * w, y * h))
    .collect()
}

/// The curve's height at `x`: Catmull-Rom through the handles sorted by x,
/// flat beyond the outermost ones.
fn curve_y(handles: &[(f64, f64)], x: f64) -> f64 {
    let n = handles.len();
    if x <= handles[0].0 {
        return handles[0].1;
    }
    if x >= handles[n - 1].0 {
        return handles[n - 1].1;
    }
    let k = handles
        .windows(2)
        .position(|p| x >= p[0].0 && x <= p[1].0)
        .unwrap_or(0);
    let p = |i: isize| handles[i.clamp(0, n as isize - 1) as usize];
    let (p0, p1, p2, p3) = (
        p(k as isize - 1),
        p(k as isize),
        p(k as isize + 1),
        p(k as isize + 2),
    );
    let t = if p2.0 > p1.0 {
        (x - p1.0) / (p2.0 - p1.0)
    } else {
        0.0
    };
    let (t2, t3) = (t * t, t * t * t);
    0.5 * (2.0 * p1.1
        + (-p0.1 + p2.1) * t
        + (2.0 * p0.1 - 5.0 * p1.1 + 4.0 * p2.1 - p3.1) * t2
        + (-p0.1 + 3.0 * p1.1 - 3.0 * p2.1 + p3.1) * t3)
}

fn smoothstep(e0: f64, e1: f64, x: f64) -> f64 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// Limits `mask` to the scalp side of the hairline (weight = min(mask,
/// hairline)). `handles` in photo pixels, at least two.
pub fn apply(
    mask: &mut Mask,
    handles: &[(f64, f64)],
    style: HairlineStyle,
    px_per_mm: f64,
    seed: u32,
) -> Result<(), SmpError> {
    if handles.len() < 2
        || handles
            .iter()
            .any(|&(x, y)| !x.is_finite() || !y.is_finite())
    {
        return Err(SmpError::new(
            ErrorCode::InvalidSetting,
            "A hairline needs at least two handles with finite coordinates.",
        ));
    }
    let mut handles = handles.to_vec();
    handles.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mm = px_per_mm;
    let (feather_mm, wobble_mm) = match style {
        HairlineStyle::Soft => (4.0, 1.2),
        HairlineStyle::Defined => (0.8, 0.5),
        HairlineStyle::Broken => (2.0, 1.5),
    };
    let (w, h) = (mask.width as usize, mask.height as usize);
    // Lattices over the photo: one value a wavelength (3 mm and 9 mm) along
    // the edge, and for broken islands one a 1.2 mm cell.
    let along = |wavelength_mm: f64| (w as f64 / (wavelength_mm * mm)).ceil() as usize + 2;
    let fine = Lattice::new(seed, 1, along(3.0), 1, "hairline")?;
    let coarse = Lattice::new(seed, 2, along(9.0), 1, "hairline")?;
    let islands = if style == HairlineStyle::Broken {
        let rows = (h as f64 / (1.2 * mm)).ceil() as usize + 1;
        Some(Lattice::new(seed, 3, along(1.2), rows, "hairline")?)
    } else {
        None
    };
    for x in 0..w {
        let fx = x as f64 + 0.5;
        // The edge wanders a little (about 3 mm and 9 mm wavelengths).
        let wobble = (fine.smooth(fx / (3.0 * mm), 0.0) - 0.5) * wobble_mm
            + (coarse.smooth(fx / (9.0 * mm), 0.0) - 0.5) * wobble_mm;
        let edge_y = curve_y(&handles, fx) + wobble * mm;
        for y in 0..h {
            // Millimetres behind the hairline (positive on the scalp side).
            let behind = (edge_y - (y as f64 + 0.5)) / mm;
            let mut weight = smoothstep(0.0, feather_mm, behind);
            if let Some(islands) = islands.as_ref().filter(|_| behind < 0.0 && behind > -5.0) {
                // Islands of scattered dots up to 5 mm in front of the line.
                let cell = islands.at((fx / (1.2 * mm)) as usize, (y as f64 / (1.2 * mm)) as usize);
                if cell < 0.25 * (1.0 + behind / 5.0) {
                    weight = weight.max(0.6);
                }
            }
            let m = &mut mask.weights[y * w + x];
            *m = (*m).min((weight * 255.0).round() as u8);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full(w: u32, h: u32) -> Mask {
        Mask::new(w, h, vec![255; (w * h) as usize]).unwrap()
    }

    #[test]
    fn scalp_side_kept_front_cleared_edge_irregular() {
        let (w, h) = (400u32, 300u32);
        let handles = default_handles(w, h);
        for style in [
            HairlineStyle::Soft,
            HairlineStyle::Defined,
            HairlineStyle::Broken,
        ] {
            let mut m = full(w, h);
            apply(&mut m, &handles, style, 10.0, 1).unwrap();
            assert_eq!(m.at(200, 5), 255, "top of the head stays");
            assert_eq!(m.at(200, 290), 0, "forehead cleared");
            // Not a ruled line: the last full row differs from column to column.
            let edge: Vec<usize> = (150..250)
                .map(|x| {
                    (0..h as i64)
                        .rev()
                        .find(|&y| m.at(x, y) == 255)
                        .unwrap_or(0) as usize
                })
                .collect();
            let spread = edge.iter().max().unwrap() - edge.iter().min().unwrap();
            assert!(spread >= 2, "{style:?}: edge rows vary by {spread}");
        }
        // Soft feathers over more rows than defined.
        let rows = |style| {
            let mut m = full(w, h);
            apply(&mut m, &handles, style, 10.0, 1).unwrap();
            (0..h as i64)
                .filter(|&y| (1..255).contains(&m.at(200, y)))
                .count()
        };
        assert!(rows(HairlineStyle::Soft) > rows(HairlineStyle::Defined));
        // The temples recede: the edge is higher at x = 27 % than at the centre.
        let mut m = full(w, h);
        apply(&mut m, &handles, HairlineStyle::Defined, 10.0, 1).unwrap();
        let last = |x: i64| (0..h as i64).rev().find(|&y| m.at(x, y) > 128).unwrap();
        assert!(last(108) < last(200));
    }

    #[test]
    fn bad_handles_and_styles_are_errors() {
        let mut m = full(10, 10);
        assert!(apply(&mut m, &[(1.0, 1.0)], HairlineStyle::Soft, 5.0, 1).is_err());
        assert!(apply(
            &mut m,
            &[(1.0, f64::NAN), (5.0, 2.0)],
            HairlineStyle::Soft,
            5.0,
            1
        )
        .is_err());
        assert_eq!(
            HairlineStyle::parse("ruler").unwrap_err().code,
            ErrorCode::InvalidSetting
        );
    }
}
