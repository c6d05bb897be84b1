//! Finding the bald scalp: proposed treatment areas from the photo alone, or
//! grown from the user's taps.
//!
//! Works on a reduced copy of the photo (at most [`WORK_SIDE`] px a side):
//! 1. the background is the smooth, untextured backdrop whose hue runs
//!    along the photo's border, flooded inwards over small steps;
//! 2. hair is the dark mode of the photo (Otsu threshold) outside the
//!    background, and each pixel gets the share of hair around it (its
//!    local hair density);
//! 3. bald scalp is skin-coloured, not hair, with little hair around it;
//! 4. automatically, a bald region is kept when hair frames it (most of its
//!    surroundings are hair, little is background): that is what tells a
//!    patch of scalp from a neck, an ear or a face. A large bald region is
//!    also kept when sparse hair frames it, or when it is a whole hairless
//!    head (its crown meets the backdrop and, unlike a face, it has no
//!    holes). A tap keeps the region
//!    under it whatever frames it, and grows a little more permissively;
//!    it also takes the framed patches that thinning hair links to it (one
//!    tap per patch, however many bald cores the patch has), and stops at
//!    the head's lowest hair (a neck below a nape patch is not scalp).
//!
//! The result is feathered along its edge, fades in over a rim from the
//! backdrop (where the scalp turns away from the camera), and is scaled back
//! to full size.
//! Hand-written: no small, wasm-friendly crate does skin/hair segmentation.

use crate::analysis::skin_coloured;
use crate::error::{try_zeroed, ErrorCode, SmpError};
use crate::raster::{Mask, Rgba8Image};

/// Longest side of the reduced copy the detection works on.
pub const WORK_SIDE: u32 = 320;
/// Local hair density above which hair counts as dense (a frame, not a gap).
const DENSE_HAIR: f32 = 0.45;
/// Local hair density that counts as some hair (for nearly bald heads).
const SOME_HAIR: f32 = 0.1;
/// Local hair density below which skin counts as bald (the core of a patch).
const BALD_CORE: f32 = 0.3;
/// Local hair density up to which a patch extends into thinning hair.
const THIN_HAIR: f32 = 0.6;
/// How far (share of the photo's shorter side) thinning hair may run
/// between the bald cores of one tapped patch.
const LINK_REACH: f32 = 0.2;
/// Local strand energy (mean absolute Laplacian of luma) below which a
/// pixel is smooth enough to be backdrop.
const SMOOTH: f32 = 20.0;
/// How far a backdrop pixel's hue may stray from the border's.
const HUE_TOLERANCE: f32 = 0.25;
/// Largest luma step between neighbouring backdrop pixels.
const STEP: f32 = 12.0;
/// Half the thickness (share of the photo's shorter side) below which a
/// strip left of a tapped region by its cut is a band, not a patch.
const BAND: f32 = 0.012;
/// Distance from the backdrop (share of the photo's shorter side) at which
/// the area's weight reaches ½; it is full from twice that.
const RIM: f32 = 0.07;

/// A point given by the user, in full-resolution photo pixels.
pub type Tap = (f64, f64);

struct Features {
    w: usize,
    h: usize,
    background: Vec<bool>,
    hair: Vec<bool>,
    skin: Vec<bool>,
    /// Share of hair pixels in the neighbourhood, 0–1.
    hair_density: Vec<f32>,
    /// Inside the frame of the hair: dense hair lies to the left and to the
    /// right in the same row, and below in the same column. A neck (no hair
    /// below), an ear (no hair beyond it) or a face under a top view is not.
    enclosed: Vec<bool>,
    /// The same with any hair (even sparse) as the frame: for heads with
    /// little hair left, where dense hair frames nothing.
    enclosed_loosely: Vec<bool>,
    /// At or above the head's lowest hair in the same column: below it lie
    /// the neck and the clothes, never scalp.
    above_hairline: Vec<bool>,
}

/// The 4-neighbours of pixel `i` in a `w`×`h` grid.
fn neighbours(i: usize, w: usize, h: usize) -> impl Iterator<Item = usize> {
    let (x, y) = (i % w, i / w);
    [
        (x > 0, i.wrapping_sub(1)),
        (x + 1 < w, i + 1),
        (y > 0, i.wrapping_sub(w)),
        (y + 1 < h, i + w),
    ]
    .into_iter()
    .filter_map(|(ok, j)| ok.then_some(j))
}

fn luma(p: &[u8]) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

/// Chroma per unit of brightness (YCbCr Cb, Cr over luma): a backdrop's hue
/// holds steady through its shading gradient, where plain colour distance
/// does not; the small offset keeps near-black pixels from dividing noise.
fn hue(p: &[u8]) -> (f32, f32) {
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
fn background(small: &Rgba8Image) -> Vec<bool> {
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
    let texture = box_mean_f(&lap, w, h, 1);
    let smooth = |i: usize| texture[i] < SMOOTH && !skin_coloured(px(i));
    let mut border: Vec<usize> = (0..w).flat_map(|x| [x, (h - 1) * w + x]).collect();
    border.extend((0..h).flat_map(|y| [y * w, y * w + w - 1]));
    let seeds: Vec<usize> = border.iter().copied().filter(|&i| smooth(i)).collect();
    let mut background = vec![false; w * h];
    // A border mostly of hair, skin or clutter shows no backdrop to model.
    if seeds.len() * 4 < border.len() {
        return background;
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
    background
}

/// Box mean of a float field with radius `r`, via a summed-area table.
fn box_mean_f(field: &[f32], w: usize, h: usize, r: usize) -> Vec<f32> {
    let mut sat = vec![0.0f64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0.0f64;
        for x in 0..w {
            row += field[y * w + x] as f64;
            sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + row;
        }
    }
    let mut out = vec![0.0f32; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let s = sat[y1 * (w + 1) + x1] + sat[y0 * (w + 1) + x0]
                - sat[y0 * (w + 1) + x1]
                - sat[y1 * (w + 1) + x0];
            out[y * w + x] = (s / ((x1 - x0) * (y1 - y0)) as f64) as f32;
        }
    }
    out
}

/// Box mean of a 0/1 field with radius `r` (the share of true pixels).
fn box_mean(field: &[bool], w: usize, h: usize, r: usize) -> Vec<f32> {
    let ones: Vec<f32> = field.iter().map(|&b| f32::from(u8::from(b))).collect();
    box_mean_f(&ones, w, h, r)
}

/// Otsu's threshold of a histogram of 0–255 values.
fn otsu(hist: &[u32; 256]) -> usize {
    let total: u64 = hist.iter().map(|&c| c as u64).sum();
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &c)| i as f64 * c as f64)
        .sum();
    let (mut w0, mut sum0, mut best, mut best_t) = (0u64, 0.0f64, -1.0f64, 128usize);
    for (t, &c) in hist.iter().enumerate() {
        w0 += c as u64;
        sum0 += t as f64 * c as f64;
        if w0 == 0 || w0 == total {
            continue;
        }
        let (m0, m1) = (sum0 / w0 as f64, (sum_all - sum0) / (total - w0) as f64);
        let between = w0 as f64 * (total - w0) as f64 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t;
        }
    }
    best_t
}

fn features(small: &Rgba8Image) -> Features {
    let (w, h) = (small.width as usize, small.height as usize);
    let px = |i: usize| &small.pixels[i * 4..i * 4 + 4];
    let background = background(small);
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
    let hair_density = box_mean(&hair, w, h, r);
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
    Features {
        w,
        h,
        background,
        hair,
        skin,
        hair_density,
        enclosed,
        enclosed_loosely,
        above_hairline,
    }
}

/// The reduced photo's backdrop and its hair (the dark class), per pixel:
/// steps 1 and 2 of the module notes, for reading the client's hair and
/// skin (`suggest`).
pub(crate) fn backdrop_and_hair(small: &Rgba8Image) -> (Vec<bool>, Vec<bool>) {
    let f = features(small);
    (f.background, f.hair)
}

/// The head's hair: the large connected masses of dense hair. Dark clothes,
/// a dark chair or glasses below or beside the head form masses of their own
/// that are not connected to it, so they do not frame a neck as scalp.
fn hair_mass(hair_density: &[f32], level: f32, w: usize, h: usize) -> Vec<bool> {
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
fn enclosure(dense: &[bool], w: usize, h: usize) -> Vec<bool> {
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

/// Connected regions (4-neighbour) of a field, as lists of pixel indices.
fn regions(field: &[bool], w: usize, h: usize) -> Vec<Vec<usize>> {
    let mut seen = vec![false; w * h];
    let mut out = Vec::new();
    for start in 0..w * h {
        if !field[start] || seen[start] {
            continue;
        }
        let mut region = vec![start];
        seen[start] = true;
        let mut k = 0;
        while k < region.len() {
            let i = region[k];
            k += 1;
            for j in neighbours(i, w, h) {
                if field[j] && !seen[j] {
                    seen[j] = true;
                    region.push(j);
                }
            }
        }
        out.push(region);
    }
    out
}

/// Opening then closing with a 3×3 square: removes specks and fills pinholes.
fn clean(field: &[bool], w: usize, h: usize) -> Vec<bool> {
    let pass = |src: &[bool], erode: bool| {
        let mut out = vec![false; w * h];
        for y in 0..h {
            for x in 0..w {
                let mut all = true;
                let mut any = false;
                for yy in y.saturating_sub(1)..(y + 2).min(h) {
                    for xx in x.saturating_sub(1)..(x + 2).min(w) {
                        let v = src[yy * w + xx];
                        all &= v;
                        any |= v;
                    }
                }
                out[y * w + x] = if erode { all } else { any };
            }
        }
        out
    };
    let opened = pass(&pass(field, true), false);
    pass(&pass(&opened, false), true)
}

/// How the surroundings of a region (a ring a few % of the photo wide) split
/// between hair and background.
fn frame(region: &[usize], f: &Features) -> (f32, f32) {
    let (w, h) = (f.w, f.h);
    let r = ((w.min(h) as f32 * 0.05).round() as usize).max(3);
    let mut inside = vec![false; w * h];
    for &i in region {
        inside[i] = true;
    }
    let near = box_mean(&inside, w, h, r);
    let (mut ring, mut hair, mut bg) = (0u32, 0u32, 0u32);
    for i in 0..w * h {
        if !inside[i] && near[i] > 0.0 {
            ring += 1;
            hair += (f.hair_density[i] > DENSE_HAIR) as u32;
            bg += f.background[i] as u32;
        }
    }
    if ring == 0 {
        return (0.0, 0.0);
    }
    (hair as f32 / ring as f32, bg as f32 / ring as f32)
}

/// Proposes the treatment area: every framed bald region with no taps, or
/// the bald regions under the taps. Errors when a tap is outside the photo
/// or nothing bald is found (never an empty area presented as success); a
/// tap that finds nothing is only an error when no other tap found a patch.
pub fn detect(photo: &Rgba8Image, taps: &[Tap]) -> Result<Mask, SmpError> {
    let small = photo.downscaled_to_fit(WORK_SIDE)?;
    let f = features(&small);
    let (w, h) = (f.w, f.h);
    let (sx, sy) = (
        photo.width as f64 / w as f64,
        photo.height as f64 / h as f64,
    );
    let min_area = (w * h) / 500;
    let mut chosen = vec![false; w * h];
    if taps.is_empty() {
        chosen = framed_patches(&f);
        extend_into_thinning_hair(&mut chosen, &f, true);
        if !chosen.iter().any(|&c| c) {
            return Err(SmpError::new(
                ErrorCode::NoBaldScalp,
                "No bald scalp was found in this photo. Paint the area with the brush, or tap on a bald patch.",
            ));
        }
    } else {
        // A tap takes the bald region under it (or, failing that, a region
        // grown more permissively: the user has said where to look).
        let labelled = |core: f32| {
            let bald: Vec<bool> = (0..w * h)
                .map(|i| f.skin[i] && f.hair_density[i] < core)
                .collect();
            let all = regions(&clean(&bald, w, h), w, h);
            let mut label = vec![usize::MAX; w * h];
            for (k, region) in all.iter().enumerate() {
                for &i in region {
                    label[i] = k;
                }
            }
            (all, label)
        };
        let strict = labelled(BALD_CORE);
        let framed = framed_patches(&f);
        let loose = labelled(DENSE_HAIR);
        let mut missed = None;
        for &(tx, ty) in taps {
            if !(tx.is_finite() && ty.is_finite())
                || tx < 0.0
                || ty < 0.0
                || tx >= photo.width as f64
                || ty >= photo.height as f64
            {
                return Err(SmpError::new(
                    ErrorCode::InvalidTap,
                    format!(
                        "The point {tx:.0},{ty:.0} is outside the {}×{} photo.",
                        photo.width, photo.height
                    ),
                ));
            }
            let (cx, cy) = (
                ((tx / sx) as usize).min(w - 1),
                ((ty / sy) as usize).min(h - 1),
            );
            // The nearest bald pixel within a small radius of the tap.
            let reach = ((w.min(h) as f32 * 0.04) as usize).max(3);
            let nearest = |(all, label): &(Vec<Vec<usize>>, Vec<usize>)| -> Option<(usize, usize)> {
                let mut best: Option<(usize, usize)> = None;
                for y in cy.saturating_sub(reach)..(cy + reach + 1).min(h) {
                    for x in cx.saturating_sub(reach)..(cx + reach + 1).min(w) {
                        let i = y * w + x;
                        if label[i] != usize::MAX && all[label[i]].len() >= min_area / 4 {
                            let d = (x as i64 - cx as i64).pow(2) as usize
                                + (y as i64 - cy as i64).pow(2) as usize;
                            if best.is_none_or(|(bd, _)| d < bd) {
                                best = Some((d, i));
                            }
                        }
                    }
                }
                best.map(|(_, i)| (label[i], i))
            };
            let best = nearest(&strict)
                .map(|(k, i)| (&strict.0[k], i))
                .or_else(|| nearest(&loose).map(|(k, i)| (&loose.0[k], i)));
            let Some((region, seed)) = best else {
                missed.get_or_insert(SmpError::new(
                    ErrorCode::NoBaldScalp,
                    format!("No bald scalp found near the point {tx:.0},{ty:.0}. Tap on the bare skin of a patch, or paint it."),
                ));
                continue;
            };
            // The same cut as the automatic proposal's where the hair frames
            // the tapped point; elsewhere (a nape, a temple) the head's lowest
            // hair still bounds it.
            let cut: Option<&[bool]> = if nearly_bald_head(region, &f) {
                None
            } else if f.enclosed[seed] {
                Some(&f.enclosed)
            } else if f.above_hairline[seed] {
                Some(&f.above_hairline)
            } else {
                None
            };
            let mut mine = vec![false; w * h];
            for &j in region {
                mine[j] = cut.is_none_or(|c| c[j]);
            }
            if cut.is_some() {
                // Where the cut leaves a thin band (the skin just above the
                // nape hairline, reached through the hair), it is not a patch.
                let opened = open_square(&mine, w, h, (w.min(h) as f32 * BAND).round() as usize);
                if opened.iter().any(|&o| o) {
                    mine = opened;
                }
            }
            link_framed_patches(&mut mine, &f, &framed, cut);
            for (c, m) in chosen.iter_mut().zip(&mine) {
                *c |= m;
            }
        }
        // Taps that found something still count when another tap missed;
        // only when every tap missed is the result an error.
        if let Some(e) = missed {
            if !chosen.iter().any(|&c| c) {
                return Err(e);
            }
        }
        extend_into_thinning_hair(&mut chosen, &f, true);
    }
    let mut fade = rim_fade(&f.background, w, h);
    // A patch that lies wholly in the rim (one tapped on the very edge of
    // the head) reaches full weight at its deepest point instead of fading
    // to almost nothing: each patch's fade is scaled to a maximum of 1.
    for patch in regions(&chosen, w, h) {
        let deepest = patch.iter().map(|&i| fade[i]).fold(0.0f32, f32::max);
        if deepest > 0.0 && deepest < 1.0 {
            for i in patch {
                fade[i] = (fade[i] / deepest).min(1.0);
            }
        }
    }
    upscale_feathered(&chosen, &fade, w, h, photo.width, photo.height)
}

/// Weight of the area by distance from the backdrop: 0 at the head's
/// outline, ½ at [`RIM`] of the photo's shorter side, 1 from twice that.
/// Near its outline the scalp turns away from the camera: flat dots there
/// would sit on the silhouette, not on the head (and the reference areas
/// stop short of it too); the engine thins the dots where the weight falls.
fn rim_fade(background: &[bool], w: usize, h: usize) -> Vec<f32> {
    if !background.iter().any(|&b| b) {
        return vec![1.0; w * h];
    }
    // Chamfer distance (3 along, 4 across), two passes. Hand-written: a
    // few lines, where a crate would bring a whole image-processing stack.
    let far = u32::MAX / 2;
    let mut d: Vec<u32> = background
        .iter()
        .map(|&b| if b { 0 } else { far })
        .collect();
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let mut v = d[i];
            if x > 0 {
                v = v.min(d[i - 1] + 3);
            }
            if y > 0 {
                v = v.min(d[i - w] + 3);
                if x > 0 {
                    v = v.min(d[i - w - 1] + 4);
                }
                if x + 1 < w {
                    v = v.min(d[i - w + 1] + 4);
                }
            }
            d[i] = v;
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let i = y * w + x;
            let mut v = d[i];
            if x + 1 < w {
                v = v.min(d[i + 1] + 3);
            }
            if y + 1 < h {
                v = v.min(d[i + w] + 3);
                if x + 1 < w {
                    v = v.min(d[i + w + 1] + 4);
                }
                if x > 0 {
                    v = v.min(d[i + w - 1] + 4);
                }
            }
            d[i] = v;
        }
    }
    let half = (w.min(h) as f32 * RIM).max(1.0);
    let fade: Vec<f32> = d
        .iter()
        .map(|&v| (v as f32 / 3.0 / (2.0 * half)).min(1.0))
        .collect();
    // Specks of backdrop-like pixels at the outline would print as streaks
    // of the chamfer's directions: a light blur spreads them out.
    box_mean_f(&fade, w, h, (half / 3.0).round().max(1.0) as usize)
}

/// Morphological opening with a square of radius `r`: removes the parts of
/// `field` thinner than about 2`r`+1 pixels, keeps the rest as it was.
fn open_square(field: &[bool], w: usize, h: usize, r: usize) -> Vec<bool> {
    if r == 0 {
        return field.to_vec();
    }
    let eroded: Vec<bool> = box_mean(field, w, h, r)
        .iter()
        .map(|&v| v > 0.999)
        .collect();
    box_mean(&eroded, w, h, r)
        .iter()
        .zip(field)
        .map(|(&v, &f)| f && v > 0.0)
        .collect()
}

/// A large bald area on a head with little or no hair left: sparse hair
/// around it is frame enough (the background may border it above), or it is
/// a whole hairless head.
fn nearly_bald_head(region: &[usize], f: &Features) -> bool {
    if region.len() <= f.w * f.h / 10 {
        return false;
    }
    let loosely = region.iter().filter(|&&i| f.enclosed_loosely[i]).count();
    loosely * 2 >= region.len() || bare_head(region, f)
}

/// A large bald region that is a whole hairless head: its top (the crown)
/// meets the backdrop along most of its width, and it has no holes to speak
/// of (a face has eyes, brows and a mouth in it; a bald head has none).
fn bare_head(region: &[usize], f: &Features) -> bool {
    let (w, h) = (f.w, f.h);
    let mut inside = vec![false; w * h];
    for &i in region {
        inside[i] = true;
    }
    let reach = ((w.min(h) as f32 * 0.03) as usize).max(2);
    let (mut columns, mut crown) = (0usize, 0usize);
    for x in 0..w {
        let Some(top) = (0..h).find(|&y| inside[y * w + x]) else {
            continue;
        };
        columns += 1;
        crown += (top.saturating_sub(reach)..top).any(|y| f.background[y * w + x]) as usize;
    }
    // Holes: parts of the outside that do not reach the photo's border.
    let on_border = |i: usize| {
        let (x, y) = (i % w, i / w);
        x == 0 || y == 0 || x == w - 1 || y == h - 1
    };
    let outside: Vec<bool> = inside.iter().map(|&v| !v).collect();
    let holes: usize = regions(&outside, w, h)
        .iter()
        .filter(|r| !r.iter().any(|&i| on_border(i)))
        .map(Vec::len)
        .sum();
    crown * 2 >= columns && holes * 100 < region.len() * 3
}

/// The bald regions that hair frames (or that cover most of a nearly bald
/// head), cut where the frame ends: what the automatic proposal offers.
fn framed_patches(f: &Features) -> Vec<bool> {
    let (w, h) = (f.w, f.h);
    let min_area = (w * h) / 500;
    let mut chosen = vec![false; w * h];
    let bald: Vec<bool> = (0..w * h)
        .map(|i| f.skin[i] && f.hair_density[i] < BALD_CORE)
        .collect();
    for region in regions(&clean(&bald, w, h), w, h) {
        if region.len() < min_area {
            continue;
        }
        let share =
            |map: &[bool]| region.iter().filter(|&&i| map[i]).count() as f32 / region.len() as f32;
        let (hair, bg) = frame(&region, f);
        let framed = share(&f.enclosed) >= 0.5 && hair >= 0.2 && bg < 0.35;
        let nearly_bald_head = nearly_bald_head(&region, f);
        if framed || nearly_bald_head {
            // A framed patch ends where the head's hair frame ends: a part
            // running on into a neck or an ear is cut. (A nearly bald head
            // has too little hair for that; it is kept whole.)
            for i in region {
                chosen[i] = nearly_bald_head || f.enclosed[i];
            }
        }
    }
    chosen
}

/// Adds to a tapped patch (`mine`) the framed patches (`framed`) that
/// thinning hair links to it within [`LINK_REACH`]: a person taps once on
/// a patch whose bald cores strands and sparse hair keep apart. The linked
/// patches keep to `cut` like the tapped one.
fn link_framed_patches(mine: &mut [bool], f: &Features, framed: &[bool], cut: Option<&[bool]>) {
    let (w, h) = (f.w, f.h);
    let max_steps = (w.min(h) as f32 * LINK_REACH) as usize;
    let mut seen = mine.to_vec();
    let mut front: Vec<usize> = (0..w * h).filter(|&i| mine[i]).collect();
    let mut linked = Vec::new();
    for _ in 0..max_steps {
        let mut next = Vec::new();
        for &i in &front {
            for j in neighbours(i, w, h) {
                if seen[j]
                    || f.background[j]
                    || f.hair_density[j] >= THIN_HAIR
                    || !f.enclosed_loosely[j]
                {
                    continue;
                }
                seen[j] = true;
                next.push(j);
                if framed[j] {
                    linked.push(j);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        front = next;
    }
    // Each linked framed patch joins whole, not only the part reached.
    let mut stack = linked;
    let mut taken = vec![false; w * h];
    while let Some(i) = stack.pop() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        mine[i] |= cut.is_none_or(|c| c[i]);
        stack.extend(neighbours(i, w, h).filter(|&j| framed[j] && !taken[j]));
    }
}

/// Grows the chosen patches into the thinning hair around them (where scalp
/// still shows through), a few % of the photo at most: alopecia patches fade
/// out into sparse hair rather than stopping at the first hairs.
fn extend_into_thinning_hair(chosen: &mut [bool], f: &Features, only_enclosed: bool) {
    let (w, h) = (f.w, f.h);
    let max_steps = ((w.min(h) as f32 * 0.03) as usize).max(1);
    let mut front: Vec<usize> = (0..w * h).filter(|&i| chosen[i]).collect();
    for _ in 0..max_steps {
        let mut next = Vec::new();
        for &i in &front {
            for j in neighbours(i, w, h) {
                if !chosen[j]
                    && !f.background[j]
                    && (f.skin[j] || f.hair[j])
                    && f.hair_density[j] < THIN_HAIR
                    && (!only_enclosed || f.enclosed_loosely[j])
                {
                    chosen[j] = true;
                    next.push(j);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        front = next;
    }
}

/// Scales a reduced 0/1 area to full size with a soft edge about one reduced
/// pixel wide (bilinear over a lightly blurred copy).
fn upscale_feathered(
    small: &[bool],
    fade: &[f32],
    w: usize,
    h: usize,
    fw: u32,
    fh: u32,
) -> Result<Mask, SmpError> {
    let soft = box_mean(small, w, h, 1);
    let mut weights = try_zeroed::<u8>(fw as usize * fh as usize, "area")?;
    let (sx, sy) = (w as f32 / fw as f32, h as f32 / fh as f32);
    for y in 0..fh as usize {
        let gy = ((y as f32 + 0.5) * sy - 0.5).clamp(0.0, (h - 1) as f32);
        let (y0, ty) = (gy as usize, gy.fract());
        let y1 = (y0 + 1).min(h - 1);
        for x in 0..fw as usize {
            let gx = ((x as f32 + 0.5) * sx - 0.5).clamp(0.0, (w - 1) as f32);
            let (x0, tx) = (gx as usize, gx.fract());
            let x1 = (x0 + 1).min(w - 1);
            let bilinear = |m: &[f32]| {
                let top = m[y0 * w + x0] * (1.0 - tx) + m[y0 * w + x1] * tx;
                let bottom = m[y1 * w + x0] * (1.0 - tx) + m[y1 * w + x1] * tx;
                top * (1.0 - ty) + bottom * ty
            };
            // Sharpen the blurred edge back to about one reduced pixel.
            let v = ((bilinear(&soft) - 0.5) * 2.0 + 0.5).clamp(0.0, 1.0) * bilinear(fade);
            weights[y * fw as usize + x] = (v * 255.0 + 0.5) as u8;
        }
    }
    Mask::new(fw, fh, weights)
}

/// Intersection over union of two areas, counting weights ≥ 128 as inside.
pub fn iou(a: &Mask, b: &Mask) -> f64 {
    let (mut inter, mut union) = (0u64, 0u64);
    for (&x, &y) in a.weights.iter().zip(&b.weights) {
        let (p, q) = (x >= 128, y >= 128);
        inter += (p && q) as u64;
        union += (p || q) as u64;
    }
    if union == 0 {
        1.0
    } else {
        inter as f64 / union as f64
    }
}

/// One tap per region of a reference area: its most interior point (the
/// pixel farthest from the region's edge), in full-resolution pixels. Used
/// to score tap-based detection the way a person would tap.
pub fn taps_for(reference: &Mask, min_pixels: usize) -> Vec<Tap> {
    let (w, h) = (reference.width as usize, reference.height as usize);
    let inside: Vec<bool> = reference.weights.iter().map(|&v| v >= 128).collect();
    // City-block distance to the outside, two passes.
    let mut d = vec![0u32; w * h];
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if inside[i] {
                let up = if y > 0 { d[i - w] } else { 0 };
                let left = if x > 0 { d[i - 1] } else { 0 };
                d[i] = up.min(left) + 1;
            }
        }
    }
    for y in (0..h).rev() {
        for x in (0..w).rev() {
            let i = y * w + x;
            if inside[i] {
                let down = if y + 1 < h { d[i + w] } else { 0 };
                let right = if x + 1 < w { d[i + 1] } else { 0 };
                d[i] = d[i].min(down.min(right) + 1);
            }
        }
    }
    regions(&inside, w, h)
        .into_iter()
        .filter(|r| r.len() >= min_pixels)
        .map(|r| {
            let best = r
                .iter()
                .copied()
                .max_by_key(|&i| (d[i], usize::MAX - i))
                .unwrap_or(r[0]);
            ((best % w) as f64 + 0.5, (best / w) as f64 + 0.5)
        })
        .collect()
}

/// The head: everything that is not the backdrop behind it, at full size
/// with a soft edge. The hairline designer starts from it when there is no
/// area yet, so the scalp side of a hairline never reaches the wall.
pub fn head_area(photo: &Rgba8Image) -> Result<Mask, SmpError> {
    let small = photo.downscaled_to_fit(WORK_SIDE)?;
    let f = features(&small);
    let head: Vec<bool> = f.background.iter().map(|&b| !b).collect();
    upscale_feathered(
        &head,
        &vec![1.0; f.w * f.h],
        f.w,
        f.h,
        photo.width,
        photo.height,
    )
}

/// Width, height and named 0–255 maps, from [`feature_maps`].
#[doc(hidden)]
pub type FeatureMaps = (usize, usize, Vec<(&'static str, Vec<u8>)>);

/// The intermediate maps of the detection on `photo` (reduced size, 0–255
/// each): for looking at why an area was or was not proposed (`cargo run --example
/// maps`). Not part of the stable API.
#[doc(hidden)]
pub fn feature_maps(photo: &Rgba8Image) -> Result<FeatureMaps, SmpError> {
    let small = photo.downscaled_to_fit(WORK_SIDE)?;
    let f = features(&small);
    let b = |v: &[bool]| {
        v.iter()
            .map(|&x| if x { 255 } else { 0 })
            .collect::<Vec<u8>>()
    };
    let head = hair_mass(&f.hair_density, DENSE_HAIR, f.w, f.h);
    Ok((
        f.w,
        f.h,
        vec![
            ("background", b(&f.background)),
            ("hair", b(&f.hair)),
            ("skin", b(&f.skin)),
            (
                "density",
                f.hair_density.iter().map(|&d| (d * 255.0) as u8).collect(),
            ),
            ("head", b(&head)),
            ("enclosed", b(&f.enclosed)),
            ("loosely", b(&f.enclosed_loosely)),
            ("above", b(&f.above_hairline)),
            ("framed", b(&framed_patches(&f))),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::sample_scalp;

    #[test]
    fn finds_the_sample_patches_automatically_and_by_tap() {
        let s = sample_scalp(640, 480, 4).unwrap();
        let auto = detect(&s.photo, &[]).unwrap();
        let score = iou(&auto, &s.patches);
        assert!(score > 0.7, "automatic IoU {score}");
        let taps = taps_for(&s.patches, 50);
        assert_eq!(taps.len(), 2);
        let tapped = detect(&s.photo, &taps).unwrap();
        assert!(iou(&tapped, &s.patches) > 0.7);
        // One tap selects one patch only.
        let one = detect(&s.photo, &taps[..1]).unwrap();
        let n = |m: &Mask| m.weights.iter().filter(|&&v| v >= 128).count();
        assert!(n(&one) < n(&tapped));
    }

    /// A 200×200 picture on a `backdrop`, each pixel coloured by `colour`
    /// (or left as backdrop where it gives none).
    fn drawn(backdrop: [u8; 4], colour: impl Fn(u32, u32) -> Option<[u8; 4]>) -> Rgba8Image {
        let mut img = Rgba8Image::filled(200, 200, backdrop).unwrap();
        for y in 0..200 {
            for x in 0..200 {
                if let Some(c) = colour(x, y) {
                    let i = (y * 200 + x) as usize * 4;
                    img.pixels[i..i + 4].copy_from_slice(&c);
                }
            }
        }
        img
    }

    /// A back view drawn by hand: dark hair on a light backdrop, a thinning
    /// nape (sparse strands over skin) and the bare neck below it.
    fn nape_photo() -> Rgba8Image {
        let skin = [214, 160, 130, 255];
        let hair = [35, 28, 24, 255];
        drawn([225, 225, 230, 255], |x, y| {
            let in_head = (20..140).contains(&y) && (30..170).contains(&x);
            let in_nape = (105..140).contains(&y) && (70..130).contains(&x);
            let in_neck = (140..200).contains(&y) && (70..130).contains(&x);
            if in_nape {
                Some(if x % 5 == 0 { hair } else { skin })
            } else if in_head {
                Some(hair)
            } else if in_neck {
                Some(skin)
            } else {
                None
            }
        })
    }

    #[test]
    fn a_tapped_nape_patch_stops_at_the_lowest_hair() {
        let photo = nape_photo();
        let mask = detect(&photo, &[(100.0, 122.0)]).unwrap();
        let at = |x: u32, y: u32| mask.weights[(y * mask.width + x) as usize];
        assert!(at(100, 122) >= 128, "the tapped patch is in the area");
        let neck = (165..200)
            .flat_map(|y| (70..130).map(move |x| (x, y)))
            .filter(|&(x, y)| at(x, y) >= 128)
            .count();
        assert_eq!(neck, 0, "the neck below the nape is not scalp");
    }

    #[test]
    fn bad_taps_and_hairless_photos_are_clear_errors() {
        let s = sample_scalp(320, 240, 1).unwrap();
        assert_eq!(
            detect(&s.photo, &[(-5.0, 10.0)]).unwrap_err().code,
            ErrorCode::InvalidTap
        );
        assert_eq!(
            detect(&s.photo, &[(f64::NAN, 10.0)]).unwrap_err().code,
            ErrorCode::InvalidTap
        );
        // A tap in the middle of dense hair (top-right corner of the sample).
        let e = detect(&s.photo, &[(310.0, 8.0)]).unwrap_err();
        assert_eq!(e.code, ErrorCode::NoBaldScalp);
        assert!(e.message.contains("No bald scalp found near"));
        // A plain blue picture: nothing to find.
        let blue = Rgba8Image::filled(200, 150, [30, 60, 200, 255]).unwrap();
        assert_eq!(detect(&blue, &[]).unwrap_err().code, ErrorCode::NoBaldScalp);
    }

    #[test]
    fn the_area_fades_in_from_the_backdrop_over_the_rim() {
        // Backdrop in the first column of a 200×100 grid: the rim is
        // measured on the shorter side (100 px).
        let (w, h) = (200, 100);
        let background: Vec<bool> = (0..w * h).map(|i| i % w == 0).collect();
        let fade = rim_fade(&background, w, h);
        let half = (h as f32 * RIM).round() as usize;
        let at = |x: usize| fade[50 * w + x];
        assert!(at(0) < 0.1, "none at the outline: {}", at(0));
        assert!((at(half) - 0.5).abs() < 0.05, "½ at the rim: {}", at(half));
        assert!(at(half / 2) < at(half) && at(half) < at(2 * half - 2));
        assert_eq!(at(3 * half), 1.0);
        assert_eq!(at(w - 1), 1.0);
        // No backdrop recognised: no rim.
        assert!(rim_fade(&vec![false; w * h], w, h)
            .iter()
            .all(|&v| v == 1.0));
    }

    #[test]
    fn opening_removes_thin_bands_and_keeps_patches_whole() {
        let (w, h) = (60, 40);
        // A 12×12 patch with a 2 px band running off it to the right edge.
        let field: Vec<bool> = (0..w * h)
            .map(|i| {
                let (x, y) = (i % w, i / w);
                ((5..17).contains(&x) && (10..22).contains(&y))
                    || (x >= 17 && (14..16).contains(&y))
            })
            .collect();
        let opened = open_square(&field, w, h, 2);
        for (i, &kept) in opened.iter().enumerate() {
            let (x, y) = (i % w, i / w);
            let in_patch = (5..17).contains(&x) && (10..22).contains(&y);
            assert_eq!(kept, in_patch, "pixel {x},{y}");
        }
    }

    #[test]
    fn a_tapped_patch_wholly_in_the_rim_keeps_its_full_weight() {
        // The nape photo with a second small patch right under the crown's
        // outline: all of it lies within the rim, but the person tapped it.
        let mut photo = nape_photo();
        for y in 21..31u32 {
            for x in 88..112u32 {
                let i = (y * photo.width + x) as usize * 4;
                photo.pixels[i..i + 4].copy_from_slice(&[214, 160, 130, 255]);
            }
        }
        let small = photo.downscaled_to_fit(WORK_SIDE).unwrap();
        let f = features(&small);
        let fade = rim_fade(&f.background, f.w, f.h);
        assert!(fade[26 * f.w + 100] < 0.5, "the patch is in the rim");
        let alone = detect(&photo, &[(100.0, 26.0)]).unwrap();
        let at = |m: &Mask, y: u32| m.weights[(y * m.width + 100) as usize];
        // Without the rescaling it would be about 0.4 at the tap.
        assert!(at(&alone, 26) >= 150, "tapped point at {}", at(&alone, 26));
        assert!(
            at(&alone, 20) < at(&alone, 30),
            "still fades toward the outline"
        );
        // Tapped together with the nape patch, it keeps the same weights:
        // each patch is scaled on its own.
        let both = detect(&photo, &[(100.0, 26.0), (100.0, 122.0)]).unwrap();
        assert_eq!(at(&both, 26), at(&alone, 26));
        assert!(at(&both, 122) >= 250);
    }

    /// A hairless head (or, with `face`, a face) as a skin ellipse on a
    /// blue backdrop, above a dark shirt.
    fn bare_head_photo(face: bool) -> Rgba8Image {
        let inside = |x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32| {
            ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0
        };
        drawn([40, 80, 200, 255], |x, y| {
            let (fx, fy) = (x as f32, y as f32);
            let features = face
                && (inside(fx, fy, 78.0, 88.0, 10.0, 5.0)
                    || inside(fx, fy, 122.0, 88.0, 10.0, 5.0)
                    || inside(fx, fy, 78.0, 74.0, 12.0, 3.0)
                    || inside(fx, fy, 122.0, 74.0, 12.0, 3.0)
                    || inside(fx, fy, 100.0, 140.0, 18.0, 5.0));
            if y >= 185 {
                Some([30, 30, 35, 255])
            } else if features {
                Some([40, 28, 24, 255])
            } else if inside(fx, fy, 100.0, 100.0, 60.0, 75.0) {
                Some([214, 160, 130, 255])
            } else {
                None
            }
        })
    }

    #[test]
    fn a_hairless_head_is_proposed_and_a_face_is_not() {
        let head = detect(&bare_head_photo(false), &[]).unwrap();
        let at = |m: &Mask, x: u32, y: u32| m.weights[(y * m.width + x) as usize];
        assert!(at(&head, 100, 100) >= 250, "the middle of the head");
        assert_eq!(at(&head, 10, 10), 0, "the backdrop");
        assert!(
            at(&head, 100, 30) < at(&head, 100, 60),
            "fades toward the outline"
        );
        let face = detect(&bare_head_photo(true), &[]);
        assert_eq!(face.unwrap_err().code, ErrorCode::NoBaldScalp);
    }
}
