//! What the detection sees in the reduced photo: the backdrop (smooth,
//! the border's hue), hair (the dark mode) and its local density, skin,
//! the hair mass and what it encloses.

use super::*;

pub(super) struct Features {
    pub(super) w: usize,
    pub(super) h: usize,
    pub(super) background: Vec<bool>,
    pub(super) hair: Vec<bool>,
    pub(super) skin: Vec<bool>,
    /// Share of hair pixels in the neighbourhood, 0–1.
    pub(super) hair_density: Vec<f32>,
    /// Inside the frame of the hair: dense hair lies to the left and to the
    /// right in the same row, and below in the same column. A neck (no hair
    /// below), an ear (no hair beyond it) or a face under a top view is not.
    pub(super) enclosed: Vec<bool>,
    /// The same with any hair (even sparse) as the frame: for heads with
    /// little hair left, where dense hair frames nothing.
    pub(super) enclosed_loosely: Vec<bool>,
    /// At or above the head's lowest hair in the same column: below it lie
    /// the neck and the clothes, never scalp.
    pub(super) above_hairline: Vec<bool>,
}

pub(super) fn luma(p: &[u8]) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

/// Chroma per unit of brightness (YCbCr Cb, Cr over luma): a backdrop's hue
/// holds steady through its shading gradient, where plain colour distance
/// does not; the small offset keeps near-black pixels from dividing noise.
pub(super) fn hue(p: &[u8]) -> (f32, f32) {
    let (r, g, b) = (p[0] as f32, p[1] as f32, p[2] as f32);
    let cb = -0.1687 * r - 0.3313 * g + 0.5 * b;
    let cr = 0.5 * r - 0.4187 * g - 0.0813 * b;
    let y = luma(p) + 12.0;
    (cb / y, cr / y)
}

/// The backdrop: smooth, untextured, not skin, and of the hue that runs
/// along the photo's border, flooded inwards from the border over small
/// colour steps (a lit backdrop shades gradually; hair and skin meet it at an
/// edge). Hue rather than colour, so a backdrop shaded from light to dark
/// stays one backdrop; texture, so hair touching the border is not a seed.
pub(super) fn background(small: &Rgba8Image) -> Result<Vec<bool>, SmpError> {
    let (w, h) = (small.width as usize, small.height as usize);
    let px = |i: usize| &small.pixels[i * 4..i * 4 + 4];
    let y: Vec<f32> = (0..w * h).map(|i| luma(px(i))).collect();
    // Local strand energy: mean absolute Laplacian of luma around a pixel.
    let mut lap = vec![0.0f32; w * h];
    for yy in 1..h.saturating_sub(1) {
        for x in 1..w - 1 {
            let i = yy * w + x;
            lap[i] = (4.0 * y[i] - y[i - 1] - y[i + 1] - y[i - w] - y[i + w]).abs();
        }
    }
    let texture = box_mean(&lap, w, h, 1)?;
    let smooth = |i: usize| texture[i] < SMOOTH && !skin_coloured(px(i));
    let mut border: Vec<usize> = (0..w).flat_map(|x| [x, (h - 1) * w + x]).collect();
    border.extend((0..h).flat_map(|y| [y * w, y * w + w - 1]));
    let seeds: Vec<usize> = border.iter().copied().filter(|&i| smooth(i)).collect();
    let mut background = vec![false; w * h];
    // A border mostly of hair, skin or clutter shows no backdrop to model.
    if seeds.len() * 4 < border.len() {
        return Ok(background);
    }
    let median = |v: &mut Vec<f32>| {
        v.sort_unstable_by(f32::total_cmp);
        v[v.len() / 2]
    };
    let model = (
        median(&mut seeds.iter().map(|&i| hue(px(i)).0).collect()),
        median(&mut seeds.iter().map(|&i| hue(px(i)).1).collect()),
    );
    let seed_luma = median(&mut seeds.iter().map(|&i| y[i]).collect());
    // A grey or white backdrop has no hue to tell it from dark hair: then
    // its brightness must match too.
    let neutral = model.0.hypot(model.1) < HUE_TOLERANCE;
    let fits = |i: usize| {
        let (cb, cr) = hue(px(i));
        smooth(i)
            && (cb - model.0).hypot(cr - model.1) < HUE_TOLERANCE
            && (!neutral || (y[i] - seed_luma).abs() < 45.0)
    };
    let mut stack: Vec<usize> = seeds.into_iter().filter(|&i| fits(i)).collect();
    for &i in &stack {
        background[i] = true;
    }
    while let Some(i) = stack.pop() {
        for j in neighbours(i, w, h) {
            if !background[j] && (y[j] - y[i]).abs() < STEP && fits(j) {
                background[j] = true;
                stack.push(j);
            }
        }
    }
    Ok(background)
}

pub(super) fn features(small: &Rgba8Image) -> Result<Features, SmpError> {
    let (w, h) = (small.width as usize, small.height as usize);
    let px = |i: usize| &small.pixels[i * 4..i * 4 + 4];
    let background = background(small)?;
    // The darkness threshold splits the whole photo, backdrop included, as
    // it did before the backdrop was recognised by hue: the frame and
    // density levels below were set against that split, and it does not
    // shift with how much backdrop a photo shows.
    let mut hist = [0u32; 256];
    for i in 0..w * h {
        hist[luma(px(i)).clamp(0.0, 255.0) as usize] += 1;
    }
    let threshold = (otsu(&hist) as f32).clamp(40.0, 140.0);
    let hair: Vec<bool> = (0..w * h)
        .map(|i| !background[i] && luma(px(i)) < threshold)
        .collect();
    let skin: Vec<bool> = (0..w * h)
        .map(|i| !background[i] && !hair[i] && skin_coloured(px(i)))
        .collect();
    let r = ((w.min(h) as f32 * 0.025).round() as usize).max(2);
    let hair_density = box_mean(&hair, w, h, r)?;
    let enclosed = enclosure(&hair_mass(&hair_density, DENSE_HAIR, w, h), w, h);
    let loose: Vec<bool> = hair_density.iter().map(|&d| d > SOME_HAIR).collect();
    let enclosed_loosely = enclosure(&loose, w, h);
    let head = hair_mass(&hair_density, SOME_HAIR, w, h);
    let mut above_hairline = vec![false; w * h];
    for x in 0..w {
        if let Some(low) = (0..h).rev().find(|&y| head[y * w + x]) {
            for y in 0..=low {
                above_hairline[y * w + x] = true;
            }
        }
    }
    Ok(Features {
        w,
        h,
        background,
        hair,
        skin,
        hair_density,
        enclosed,
        enclosed_loosely,
        above_hairline,
    })
}

/// The reduced photo's backdrop and its hair (the dark class), per pixel:
/// steps 1 and 2 of the module notes, for reading the client's hair and
/// skin (`suggest`).
pub(crate) fn backdrop_and_hair(small: &Rgba8Image) -> Result<(Vec<bool>, Vec<bool>), SmpError> {
    let f = features(small)?;
    Ok((f.background, f.hair))
}

/// The head's hair: the large connected masses of dense hair. Dark clothes,
/// a dark chair or glasses below or beside the head form masses of their own
/// that are not connected to it, so they do not frame a neck as scalp.
pub(super) fn hair_mass(hair_density: &[f32], level: f32, w: usize, h: usize) -> Vec<bool> {
    let dense: Vec<bool> = hair_density.iter().map(|&d| d > level).collect();
    let masses = regions(&dense, w, h);
    let largest = masses.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = vec![false; w * h];
    // A bald band can split the hair in two: masses of a third of the
    // largest's size count too.
    for m in masses.iter().filter(|m| m.len() * 3 >= largest) {
        // Clothes enter the photo from its bottom edge; hair does not.
        let from_bottom = m.iter().any(|&i| i / w == h - 1)
            && m.iter().map(|&i| i / w).min().unwrap_or(0) > h / 2;
        if !from_bottom {
            for &i in m {
                out[i] = true;
            }
        }
    }
    out
}

/// Pixels with hair (`dense`) to their left and right in their row, and
/// below them in their column.
pub(super) fn enclosure(dense: &[bool], w: usize, h: usize) -> Vec<bool> {
    let mut enclosed = vec![false; w * h];
    let lowest: Vec<Option<usize>> = (0..w)
        .map(|x| (0..h).rev().find(|&y| dense[y * w + x]))
        .collect();
    for y in 0..h {
        let row = &dense[y * w..(y + 1) * w];
        let (Some(left), Some(right)) = (row.iter().position(|&d| d), row.iter().rposition(|&d| d))
        else {
            continue;
        };
        for x in left..=right {
            enclosed[y * w + x] = lowest[x].is_some_and(|low| low > y);
        }
    }
    enclosed
}
