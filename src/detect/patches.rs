//! Which bald regions are patches: framed by hair, on a nearly bald head,
//! or a whole hairless head; linking a tapped patch to the framed ones
//! thinning hair joins it to; growing patches into thinning hair.

use super::*;

/// How the surroundings of a region (a ring a few % of the photo wide) split
/// between hair and background.
pub(super) fn frame(region: &[usize], f: &Features) -> Result<(f32, f32), SmpError> {
    let (w, h) = (f.w, f.h);
    let r = ((w.min(h) as f32 * 0.05).round() as usize).max(3);
    let mut inside = vec![false; w * h];
    for &i in region {
        inside[i] = true;
    }
    let near = box_mean(&inside, w, h, r)?;
    let (mut ring, mut hair, mut bg) = (0u32, 0u32, 0u32);
    for i in 0..w * h {
        if !inside[i] && near[i] > 0.0 {
            ring += 1;
            hair += (f.hair_density[i] > DENSE_HAIR) as u32;
            bg += f.background[i] as u32;
        }
    }
    if ring == 0 {
        return Ok((0.0, 0.0));
    }
    Ok((hair as f32 / ring as f32, bg as f32 / ring as f32))
}

/// A large bald area on a head with little or no hair left: sparse hair
/// around it is frame enough (the background may border it above), or it is
/// a whole hairless head.
pub(super) fn nearly_bald_head(region: &[usize], f: &Features) -> bool {
    if region.len() <= f.w * f.h / 10 {
        return false;
    }
    let loosely = region.iter().filter(|&&i| f.enclosed_loosely[i]).count();
    loosely * 2 >= region.len() || bare_head(region, f)
}

/// A large bald region that is a whole hairless head: its top (the crown)
/// meets the backdrop along most of its width, and it has no holes to speak
/// of (a face has eyes, brows and a mouth in it; a bald head has none).
pub(super) fn bare_head(region: &[usize], f: &Features) -> bool {
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
pub(super) fn framed_patches(f: &Features) -> Result<Vec<bool>, SmpError> {
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
        let (hair, bg) = frame(&region, f)?;
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
    Ok(chosen)
}

/// Adds to a tapped patch (`mine`) the framed patches (`framed`) that
/// thinning hair links to it within [`LINK_REACH`]: a person taps once on
/// a patch whose bald cores strands and sparse hair keep apart. The linked
/// patches keep to `cut` like the tapped one.
pub(super) fn link_framed_patches(
    mine: &mut [bool],
    f: &Features,
    framed: &[bool],
    cut: Option<&[bool]>,
) {
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
pub(super) fn extend_into_thinning_hair(chosen: &mut [bool], f: &Features, only_enclosed: bool) {
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
