//! The calibration of the look: the settings turned into what the renderer
//! draws, by the means real work uses — density per session, the impression
//! core and its scatter halo, the dilution (shade) — never by painting.
//!
//! Sources are in `../shared/realism.md` and `../shared/domain.md`; each
//! constant below says whether it is sourced (\[S\]) or an estimate (\[I\]).
//! What is measured against it (`make eval`, `tests/look.rs`): a healed full
//! look at the default settings reads 0.80–0.88 of untreated light skin's
//! linear luminance at viewing distance, softer on dark skin; each named
//! shade stop's healed dot core reads inside its stop's band.

use crate::settings::{Healing, Mode, Settings, MAX_DENSITY_PER_CM2};

/// Version of this calibration. The same settings render differently under
/// another version, so a record of the settings that must reproduce an
/// image later should carry it. 1: before issue #13 (no scatter halo, warm
/// cores, sessions at 45/75/100 %); 2: issue #13's calibration, dots drawn
/// by a hand-written hash; 3: the same calibration, dots drawn from
/// `rand_pcg` (issue #16), so a seed places other dots than under 2, and
/// every dot size given the halo reach of a default dot (issue #14).
pub const LOOK_VERSION: u32 = 3;

/// Share of the final density reached after sessions 1, 2 and 3. \[S\] Liu et
/// al. 2025 (J Cosmet Dermatol): 30 % → 70 % → 100 % of natural spacing.
pub const SESSION_DENSITY: [f64; 3] = [0.3, 0.7, 1.0];
/// Pigment darkness (absorbance) after sessions 1, 2 and 3 as a share of the
/// finished work's. \[S\] each session goes a shade darker; \[I\] the size of the
/// step: session 1 about one stop lighter (a stop is 0.27 absorbance at
/// stop 2's 0.93), session 2 half a stop.
pub const SESSION_DARKNESS: [f64; 3] = [0.72, 0.86, 1.0];
/// Fresh work's absorbance over healed. \[S\] healed work is 2–3 shades
/// lighter than fresh; \[I\] ×1.45 is about one and a half stops.
pub const FRESH_DARKNESS: f64 = 1.45;
/// Fresh dots' diameter over healed. \[S\] pigment "expands slightly" as it
/// heals; \[I\] 8 %.
pub const FRESH_SIZE: f64 = 0.92;
/// Fading per year after the last session, as a share of the absorbance.
/// \[S\] visibly lighter over 4–10 years, touch-ups at about 6 months; \[I\] 4 %.
pub const FADE_PER_YEAR: f64 = 0.04;

/// Healed core absorbance (the luminance at a lone dot's centre is about
/// `exp(-absorbance)` of the skin's) at shade 0.5, the named stop 2 (dark
/// brown hair): core at 0.39 of the skin. \[I\] the middle of realism.md's
/// stop-2 band (0.35–0.45).
pub const CORE_ABSORBANCE_AT_STOP_2: f64 = 0.933;
/// Absorbance added per unit of shade. \[I\] The stops of realism.md's table
/// (core luminance 0.30, 0.40, 0.525, 0.675 at their middles) lie almost
/// evenly in absorbance, 0.27 apart; one stop is 0.2 of shade, so shade 0.7,
/// 0.5, 0.3 and 0.1 are stops 1–4.
pub const CORE_ABSORBANCE_PER_SHADE: f64 = 1.35;

/// How far the scatter halo reaches beyond the edge of a dot of the default
/// size, in mm; dots of other sizes cast a halo of the same reach, holding
/// pigment in proportion to their area (the spread is the light's, and a
/// 0.2–0.6 mm dot would change it by under a tenth). Light diffuses
/// sideways in the dermis before it leaves the skin, so an impression
/// casts a soft shadow wider than itself. \[I\] the diffusion length of
/// visible light in dermis, about 0.5–1 mm.
pub const HALO_SPREAD_MM: f64 = 1.2;
/// The halo's pigment-equivalent (absorbance × area) as a multiple of the
/// core's. \[I\] Set so that the default healed full look reads 0.84 of light
/// skin at viewing distance (realism.md: about 0.78–0.90; the band
/// 0.80–0.88): the core alone covers 7.7 % of the skin and cannot darken it
/// by more than ~8 %; a photon path wanders about a mm in the dermis, so a
/// buried absorber intercepts light over several times its own area.
pub const HALO_SHARE: f64 = 2.1;

/// Relative absorbance per channel (R, G, B) of carbon seen through skin.
/// \[S\] black under skin heals to a cool blue-grey, never black; strong blue
/// is bad work. \[I\] Red light reaches deeper and is absorbed more, blue is
/// scattered back above the pigment: with these ratios a stop-2 core on
/// fair skin is a neutral grey, stop 1 slightly cool, the darkest shade a
/// cool blue-grey; the luminance ratio stays about `exp(-absorbance)`.
pub const PIGMENT_CAST: [f32; 3] = [1.35, 0.9, 0.6];

/// Lit skin's linear luminance at and above which none of the light that
/// comes back misses the pigment's depth (fair skin).
pub const FAIR_SKIN_LUMINANCE: f32 = 0.35;
/// Lit skin's linear luminance at and below which the share of light that
/// comes back without reaching the pigment is [`DARK_SKIN_SUPERFICIAL`].
pub const DARK_SKIN_LUMINANCE: f32 = 0.06;
/// On dark skin, the share of the light coming back that was scattered in
/// the melanin-rich epidermis above the pigment and never reached it.
/// \[S\] on dark skin contrast is softer; \[I\] the amount: the default healed
/// full look then reads about 0.91 of dark skin (realism.md: 0.88–0.97).
pub const DARK_SKIN_SUPERFICIAL: f32 = 0.45;

/// The share of the skin's returned light that never reaches the pigment's
/// depth, for lit skin of linear luminance `skin_luminance`: 0 on fair skin,
/// rising to [`DARK_SKIN_SUPERFICIAL`] on dark skin. Pigment only darkens
/// the rest, so the same dots read softer on dark skin.
pub fn superficial_share(skin_luminance: f32) -> f32 {
    let t = (FAIR_SKIN_LUMINANCE - skin_luminance) / (FAIR_SKIN_LUMINANCE - DARK_SKIN_LUMINANCE);
    DARK_SKIN_SUPERFICIAL * t.clamp(0.0, 1.0)
}

/// How much the healed full look at the default settings darkens fair skin
/// at viewing distance (1 − its tone ratio), as measured (`make eval`,
/// tested in `tests/look.rs`): the reference for [`predicted_darkening`].
pub const DEFAULT_FULL_LOOK_DARKENING: f64 = 0.168;

/// About how much a healed, finished full look darkens skin at viewing
/// distance (1 − tone ratio), without rendering: pigment per area (density
/// × dot area × core absorbance) relative to the defaults', through the
/// same exponential as the absorbance, then only the light that reached
/// the pigment's depth. For choosing settings (`suggest`); within a few
/// hundredths of a render over the usual ranges.
pub fn predicted_darkening(
    density_per_cm2: f64,
    dot_diameter_mm: f64,
    shade: f64,
    superficial: f32,
) -> f64 {
    let d = |name| crate::settings::spec(name).map_or(1.0, |s| s.default);
    let amount = density_per_cm2 / d("densityPerCm2")
        * (dot_diameter_mm / d("dotDiameterMm")).powi(2)
        * core_absorbance(shade)
        / core_absorbance(d("shade"));
    let k = -(1.0 - DEFAULT_FULL_LOOK_DARKENING).ln();
    (1.0 - (-k * amount).exp()) * (1.0 - superficial as f64)
}

/// The healed core absorbance of a finished (session 3) dot at `shade`.
pub fn core_absorbance(shade: f64) -> f64 {
    CORE_ABSORBANCE_AT_STOP_2 + CORE_ABSORBANCE_PER_SHADE * (shade - 0.5)
}

/// The effective look: settings turned into what the renderer draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// Dots with `rank <= threshold × area weight` are shown.
    pub threshold: f32,
    /// Dot (core) radius in mm before the per-dot variation.
    pub radius_mm: f32,
    /// Reach of the scatter halo from the dot's centre, in mm: the spread
    /// beyond the edge of a dot of the default size, for every size.
    pub halo_reach_mm: f32,
    /// The dot radius in mm the halos are drawn for (the default size's);
    /// with [`Look::halo_gain`], what a dot's halo holds.
    pub halo_radius_mm: f32,
    /// The halos' strength relative to those drawn: the dots' area over
    /// that of dots of [`Look::halo_radius_mm`]. The halo holds pigment in
    /// proportion to the core's area, while its reach is set by the light's
    /// spread (1.2 mm), which a dot's size changes by under a tenth; so a
    /// change of size, years or healing rescales the drawn halos instead of
    /// drawing them again.
    pub halo_gain: f32,
    /// Edge blur of the core, 0–1 and a little beyond for old work.
    pub softness: f32,
    /// Absorbance per unit of coverage: a full core plus the halo under it
    /// gives the look's core absorbance at a lone dot's centre.
    pub absorbance_per_cover: f32,
    /// Coverage at a lone dot's centre (1 for the core plus the halo's peak).
    pub centre_cover: f32,
    /// Strength of the redness around fresh dots (0 when healed).
    pub redness: f32,
    /// Which look.
    pub mode: Mode,
}

impl Look {
    /// Derives the look from the settings: session, healing and years adjust
    /// what the user set for the finished, healed result.
    pub fn new(s: &Settings) -> Look {
        let session = (s.session.clamp(1, 3) - 1) as usize;
        let fresh = s.healing == Healing::Fresh;
        let years = s.years_after;
        let healing_darkness = if fresh { FRESH_DARKNESS } else { 1.0 };
        // Over the years pigment fades and spreads a little.
        let fade = 1.0 - FADE_PER_YEAR * years;
        let radius =
            0.5 * s.dot_diameter_mm * if fresh { FRESH_SIZE } else { 1.0 } * (1.0 + 0.015 * years);
        let softness = s.softness * if fresh { 0.5 } else { 1.0 } + 0.03 * years;
        let halo_radius = 0.5 * Settings::default().dot_diameter_mm;
        let halo_reach = halo_radius + HALO_SPREAD_MM;
        // The halo's profile (1 − u²)² over its reach holds a third of its
        // disc; its peak is its total over that.
        let halo_peak = HALO_SHARE * radius * radius / (halo_reach * halo_reach / 3.0);
        let centre_cover = 1.0 + halo_peak;
        let absorbance =
            core_absorbance(s.shade) * SESSION_DARKNESS[session] * healing_darkness * fade;
        Look {
            threshold: (s.density_per_cm2 / MAX_DENSITY_PER_CM2 * SESSION_DENSITY[session]) as f32,
            radius_mm: radius as f32,
            halo_reach_mm: halo_reach as f32,
            halo_radius_mm: halo_radius as f32,
            halo_gain: ((radius * radius) / (halo_radius * halo_radius)) as f32,
            softness: softness as f32,
            absorbance_per_cover: (absorbance / centre_cover) as f32,
            centre_cover: centre_cover as f32,
            redness: if fresh { 1.0 } else { 0.0 },
            mode: s.mode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::SHADE_STOPS;

    #[test]
    fn each_stop_core_lies_in_its_band() {
        for stop in SHADE_STOPS {
            let core = (-core_absorbance(stop.shade)).exp();
            let (lo, hi) = stop.core_luminance;
            assert!(
                (lo..=hi).contains(&core),
                "stop {}: core {core:.3} outside {lo}–{hi}",
                stop.stop
            );
        }
        assert!(core_absorbance(0.0) > 0.0, "shade 0 is faint, not nothing");
    }

    #[test]
    fn dark_skin_keeps_more_of_its_light() {
        assert_eq!(superficial_share(0.45), 0.0);
        assert!(superficial_share(0.2) > 0.0);
        assert_eq!(superficial_share(0.01), DARK_SKIN_SUPERFICIAL);
    }
}
