//! Painting the treatment area: a round brush and eraser with a soft edge.
//!
//! A stroke segment is applied through the exact distance from each pixel to
//! the segment (not by stamping discs), so fast strokes have no gaps or
//! scalloped edges. A soft brush edge gives a soft mask edge, which thins the
//! dots out over the edge the way real work is feathered.

use crate::error::{ErrorCode, SmpError};
use crate::raster::Mask;
use crate::tiles::Rect;

/// One straight piece of a brush stroke, in full-resolution photo pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    /// Start x.
    pub x0: f64,
    /// Start y.
    pub y0: f64,
    /// End x (equal to the start for a single dab).
    pub x1: f64,
    /// End y.
    pub y1: f64,
    /// Brush radius in pixels.
    pub radius_px: f64,
    /// Fraction of the radius painted at full weight, 0 (all soft) to 1 (hard).
    pub hardness: f64,
    /// Erase instead of paint.
    pub erase: bool,
}

/// Applies a stroke to the mask and returns the rectangle it may have
/// changed (`None` when the stroke lies wholly outside the photo).
pub fn paint(mask: &mut Mask, s: &Stroke) -> Result<Option<Rect>, SmpError> {
    let coords_ok = [s.x0, s.y0, s.x1, s.y1]
        .iter()
        .all(|v| v.is_finite() && v.abs() < 1e7);
    let radius_ok = s.radius_px > 0.0 && s.radius_px <= 10_000.0;
    if !(coords_ok && radius_ok && (0.0..=1.0).contains(&s.hardness)) {
        return Err(SmpError::new(
            ErrorCode::InvalidStroke,
            "A brush stroke needs finite coordinates, a radius of 0–10000 px and a hardness of 0–1.",
        ));
    }
    let r = s.radius_px;
    let clampx = |v: f64| v.clamp(0.0, mask.width as f64) as u32;
    let clampy = |v: f64| v.clamp(0.0, mask.height as f64) as u32;
    let rect = Rect {
        x0: clampx((s.x0.min(s.x1) - r).floor()),
        y0: clampy((s.y0.min(s.y1) - r).floor()),
        x1: clampx((s.x0.max(s.x1) + r).ceil() + 1.0),
        y1: clampy((s.y0.max(s.y1) + r).ceil() + 1.0),
    };
    if rect.x0 >= rect.x1 || rect.y0 >= rect.y1 {
        return Ok(None);
    }
    let (dx, dy) = (s.x1 - s.x0, s.y1 - s.y0);
    let len2 = dx * dx + dy * dy;
    let hard_r = r * s.hardness;
    let width = mask.width as usize;
    for y in rect.y0..rect.y1 {
        let py = y as f64 + 0.5;
        for x in rect.x0..rect.x1 {
            let px = x as f64 + 0.5;
            let t = if len2 > 0.0 {
                (((px - s.x0) * dx + (py - s.y0) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let d = (px - (s.x0 + t * dx)).hypot(py - (s.y0 + t * dy));
            let p = if d <= hard_r {
                1.0
            } else if d >= r {
                0.0
            } else {
                let u = (r - d) / (r - hard_r);
                u * u * (3.0 - 2.0 * u)
            };
            let value = (p * 255.0).round() as u8;
            let m = &mut mask.weights[y as usize * width + x as usize];
            *m = if s.erase {
                (*m).min(255 - value)
            } else {
                (*m).max(value)
            };
        }
    }
    Ok(Some(rect))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dab(x: f64, y: f64, r: f64, erase: bool) -> Stroke {
        Stroke {
            x0: x,
            y0: y,
            x1: x,
            y1: y,
            radius_px: r,
            hardness: 1.0,
            erase,
        }
    }

    #[test]
    fn hard_dab_fills_exactly_the_disk() {
        let mut m = Mask::empty(9, 9).unwrap();
        paint(&mut m, &dab(4.5, 4.5, 2.0, false)).unwrap();
        let inside: Vec<_> = (0..81).filter(|&i| m.weights[i] == 255).collect();
        // Pixel centres within 2 px of (4.5, 4.5): the 13-pixel diamond-ish disk.
        assert_eq!(inside.len(), 13);
        assert!(m.weights.iter().all(|&w| w == 0 || w == 255));
    }

    #[test]
    fn segment_has_no_gaps_and_eraser_removes() {
        let mut m = Mask::empty(50, 10).unwrap();
        let s = Stroke {
            x0: 2.0,
            y0: 5.0,
            x1: 48.0,
            y1: 5.0,
            radius_px: 1.5,
            hardness: 0.5,
            erase: false,
        };
        let rect = paint(&mut m, &s).unwrap().unwrap();
        assert!(rect.x0 <= 1 && rect.x1 >= 49);
        assert!((2..48).all(|x| m.at(x, 4) == 255 && m.at(x, 5) == 255));
        paint(&mut m, &dab(25.0, 5.0, 6.0, true)).unwrap();
        assert_eq!(m.at(25, 5), 0);
        assert_eq!(m.at(5, 5), 255);
    }

    #[test]
    fn bad_strokes_are_errors_and_outside_strokes_change_nothing() {
        let mut m = Mask::empty(5, 5).unwrap();
        assert_eq!(
            paint(&mut m, &dab(f64::NAN, 1.0, 1.0, false))
                .unwrap_err()
                .code,
            ErrorCode::InvalidStroke
        );
        assert_eq!(
            paint(&mut m, &dab(1.0, 1.0, -1.0, false)).unwrap_err().code,
            ErrorCode::InvalidStroke
        );
        assert_eq!(paint(&mut m, &dab(-50.0, -50.0, 3.0, false)).unwrap(), None);
        assert!(m.is_empty());
    }
}
