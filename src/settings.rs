//! The user's settings, in the units technicians use, with their ranges.
//!
//! One table ([`SETTINGS`]) is the single source of names, ranges, defaults
//! and units: the engine validates with it, the CLI derives its flags from it
//! and the page builds its sliders from it (through the wasm module).

use crate::error::{ErrorCode, SmpError};

/// Largest density the engine places dots for, in dots per cm².
pub const MAX_DENSITY_PER_CM2: f64 = 200.0;

/// How a photo of a head is assumed to be framed until the scale is given:
/// its shorter side spans about this many millimetres (a head is ~160 mm wide).
pub const ASSUMED_SHORT_SIDE_MM: f64 = 200.0;

/// Describes one setting: its names, unit, range and default.
#[derive(Debug, Clone, Copy)]
pub struct SettingSpec {
    /// Name in scripts and `el.settings` (camelCase, unit in the name).
    pub name: &'static str,
    /// Flag of the `smp` command line, without the leading dashes.
    pub flag: &'static str,
    /// Label for people.
    pub label: &'static str,
    /// Unit for people ("" where the value has none).
    pub unit: &'static str,
    /// Smallest accepted value.
    pub min: f64,
    /// Largest accepted value.
    pub max: f64,
    /// Step of a slider for it.
    pub step: f64,
    /// Default value (for `pxPerMm`, the value used before a photo is loaded).
    pub default: f64,
    /// Whether only whole numbers are accepted.
    pub integer: bool,
    /// One sentence on what it does.
    pub help: &'static str,
    /// What it means in full, for the README's settings table (Markdown;
    /// `smp settings --markdown` prints the table).
    pub doc: &'static str,
    /// For a setting that is one of a few named choices: their names, in
    /// index order (the value is the index). Empty for a plain number.
    pub choices: &'static [&'static str],
}

/// Every setting the engine knows, in display order.
pub const SETTINGS: &[SettingSpec] = &[
    SettingSpec {
        name: "densityPerCm2",
        flag: "density-per-cm2",
        label: "Density",
        unit: "dots/cm²",
        min: 10.0,
        max: MAX_DENSITY_PER_CM2,
        step: 1.0,
        default: 80.0,
        integer: false,
        choices: &[],
        help: "Pigment dots per square centimetre where the area is fully painted (a full look is about 60–100).",
        doc: "dots per cm² where the area is fully painted (a full look is about 60–100)",
    },
    SettingSpec {
        name: "dotDiameterMm",
        flag: "dot-diameter-mm",
        label: "Dot size",
        unit: "mm",
        min: 0.1,
        max: 1.0,
        step: 0.01,
        default: 0.35,
        integer: false,
        help: "Diameter of one healed impression (real work: about 0.2–0.5 mm).",
        doc: "diameter of one healed impression (real work: about 0.2–0.5 mm)",
        choices: &[],
    },
    SettingSpec {
        name: "shade",
        flag: "shade",
        label: "Shade",
        unit: "",
        min: 0.0,
        max: 1.0,
        step: 0.01,
        default: 0.5,
        integer: false,
        help: "How dark the healed pigment is, from barely there (0) to the darkest carbon grey (1); the named stops are 0.7 (1, black hair), 0.5 (2, dark brown), 0.3 (3, medium) and 0.1 (4, blond or grey).",
        doc: "how dark the healed pigment is, from barely there to the darkest carbon grey; the named stops technicians use are **0.7** (stop 1, black hair), **0.5** (2, dark brown), **0.3** (3, medium brown) and **0.1** (4, blond or grey); see *How the look is calibrated*",
        choices: &[],
    },
    SettingSpec {
        name: "softness",
        flag: "softness",
        label: "Softness",
        unit: "",
        min: 0.0,
        max: 1.0,
        step: 0.01,
        default: 0.35,
        integer: false,
        help: "How much each dot's edge is blurred by light scattering in the skin.",
        doc: "how much each dot's edge is blurred by light scattering in the skin",
        choices: &[],
    },
    SettingSpec {
        name: "seed",
        flag: "seed",
        label: "Pattern",
        unit: "",
        min: 0.0,
        max: 4_294_967_295.0,
        step: 1.0,
        default: 1.0,
        integer: true,
        help: "Picks one of many equally good dot patterns; the same seed gives the same dots.",
        doc: "picks one of many equally good dot patterns; the same seed gives the same dots",
        choices: &[],
    },
    SettingSpec {
        name: "pxPerMm",
        flag: "px-per-mm",
        label: "Scale",
        unit: "px/mm",
        min: 1.0,
        max: 50.0,
        step: 0.1,
        default: 10.0,
        integer: false,
        help: "Photo pixels per millimetre of scalp; estimated from the photo's size until given.",
        doc: "photo pixels per mm of scalp; until given, estimated as *shorter side ÷ 200 mm* (a head photo), e.g. 15 px/mm for a 4000×3000 photo",
        choices: &[],
    },
    SettingSpec {
        name: "mode",
        flag: "mode",
        label: "Look",
        unit: "",
        min: 0.0,
        max: 2.0,
        step: 1.0,
        default: 0.0,
        integer: true,
        help: "patch: fill bald patches and blend into the hair around them; density: add dots only where scalp shows between existing hairs; full: the shaved buzz-cut look over the whole area.",
        doc: "the look: **patch** fills bald patches, its density easing to half over the last ~3 mm inside the area's border, into the hair; **density** (through hair, no shave) puts dots only where scalp shows between hairs; **full** is the shaved buzz-cut look over the whole area. In every look hair stays on top of the pigment.",
        choices: &["patch", "density", "full"],
    },
    SettingSpec {
        name: "session",
        flag: "session",
        label: "Session",
        unit: "",
        min: 1.0,
        max: 3.0,
        step: 1.0,
        default: 3.0,
        integer: true,
        help: "Treatment session 1–3: the first is sparse and light; each later one adds dots between the earlier ones, a shade darker.",
        doc: "treatment session: session 1 shows 30 % of the dots at 72 % of the darkness, session 2 70 % at 86 %, session 3 everything (the density progression of Liu et al. 2025); later sessions add dots between the earlier ones",
        choices: &[],
    },
    SettingSpec {
        name: "healing",
        flag: "healing",
        label: "Healing",
        unit: "",
        min: 0.0,
        max: 1.0,
        step: 1.0,
        default: 1.0,
        integer: true,
        help: "fresh: right after treatment, darker and sharper with slight redness; healed: 2–3 shades lighter and softer.",
        doc: "fresh: the first days, about 2–3 shades darker than healed (×1.45 optical density), sharper, dots 8 % smaller, with slight redness reaching 0.5 mm around them; healed: the settled result",
        choices: &["fresh", "healed"],
    },
    SettingSpec {
        name: "yearsAfter",
        flag: "years-after",
        label: "Years after",
        unit: "years",
        min: 0.0,
        max: 10.0,
        step: 0.5,
        default: 0.0,
        integer: false,
        help: "Years since the last session: pigment slowly fades and softens.",
        doc: "years after the last session: pigment fades by 4 % a year and softens and spreads slightly",
        choices: &[],
    },
];

/// The README's table of settings, made from [`SETTINGS`] (`smp settings
/// --markdown` prints it; a test checks that the README holds it as is).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| setting (`el.settings`) | CLI flag | range | default | meaning |\n|---|---|---|---|---|\n",
    );
    for s in SETTINGS {
        let unit = if s.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", s.unit)
        };
        let range = if !s.choices.is_empty() {
            let names: Vec<String> = s.choices.iter().map(|c| format!("`{c}`")).collect();
            names.join(", ")
        } else if s.integer {
            format!("{}–{}{unit} (whole)", s.min, s.max)
        } else if s.step != 1.0 && s.step >= 0.5 {
            format!("{}–{}{unit} (steps of {})", s.min, s.max, s.step)
        } else {
            format!("{}–{}{unit}", s.min, s.max)
        };
        let default = if s.name == "pxPerMm" {
            "estimated".to_string()
        } else if !s.choices.is_empty() {
            format!("`{}`", s.choices[s.default as usize])
        } else {
            format!("{}", s.default)
        };
        out.push_str(&format!(
            "| `{}` | `--{}` | {range} | {default} | {} |\n",
            s.name, s.flag, s.doc
        ));
    }
    out
}

/// A named shade a technician recognises: pigment diluted to match the
/// client's hair as shaved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShadeStop {
    /// The stop's number, 1 (darkest) to 4 (lightest).
    pub stop: u8,
    /// Whose hair it matches.
    pub hair: &'static str,
    /// The `shade` setting that gives it.
    pub shade: f64,
    /// Dilution, in parts of water to one part of pigment (low, high).
    pub dilution_water_parts: (f64, f64),
    /// Healed dot core luminance as a share of the skin's (low, high).
    pub core_luminance: (f64, f64),
}

/// The named shade stops, darkest first. \[S\] technicians dilute carbon to
/// the client's hair as shaved (TABA UK writes colour N as N parts water to
/// one of pigment; HIS numbers shades 20–60, lower darker; most clients in
/// the 20s–40s, blonds 40–50). \[I\] the dilutions per stop and the healed
/// core luminances (realism.md's table); the shade of each stop follows
/// from `look::core_absorbance` and is tested to land in its band.
pub const SHADE_STOPS: [ShadeStop; 4] = [
    ShadeStop {
        stop: 1,
        hair: "black",
        shade: 0.7,
        dilution_water_parts: (6.0, 10.0),
        core_luminance: (0.25, 0.35),
    },
    ShadeStop {
        stop: 2,
        hair: "dark brown",
        shade: 0.5,
        dilution_water_parts: (12.0, 20.0),
        core_luminance: (0.35, 0.45),
    },
    ShadeStop {
        stop: 3,
        hair: "medium brown",
        shade: 0.3,
        dilution_water_parts: (20.0, 30.0),
        core_luminance: (0.45, 0.6),
    },
    ShadeStop {
        stop: 4,
        hair: "blond or grey",
        shade: 0.1,
        dilution_water_parts: (40.0, 60.0),
        core_luminance: (0.6, 0.75),
    },
];

/// The shade stops as a JSON array: `[{"stop":1,"hair":"black","shade":0.7,
/// "dilutionWaterParts":[6,10],"coreLuminance":[0.25,0.35]},…]`, darkest
/// first (dilution as parts of water to one of pigment; core luminance as
/// a share of the skin's).
pub fn shade_stops_json() -> String {
    let rows: Vec<String> = SHADE_STOPS
        .iter()
        .map(|s| {
            format!(
                "{{\"stop\":{},\"hair\":{:?},\"shade\":{},\"dilutionWaterParts\":[{},{}],\"coreLuminance\":[{},{}]}}",
                s.stop,
                s.hair,
                s.shade,
                s.dilution_water_parts.0,
                s.dilution_water_parts.1,
                s.core_luminance.0,
                s.core_luminance.1
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}

/// The settings table as a JSON array, one object per setting: name, label,
/// unit, min, max, step, default, integer, help, choices, and stops (the
/// shade stops for `shade`, else empty). The page builds its controls from it.
pub fn schema_json() -> String {
    let rows: Vec<String> = SETTINGS
        .iter()
        .map(|s| {
            let stops = if s.name == "shade" {
                shade_stops_json()
            } else {
                "[]".into()
            };
            format!(
                "{{\"name\":{:?},\"label\":{:?},\"unit\":{:?},\"min\":{},\"max\":{},\"step\":{},\"default\":{},\"integer\":{},\"help\":{:?},\"choices\":{:?},\"stops\":{stops}}}",
                s.name, s.label, s.unit, s.min, s.max, s.step, s.default, s.integer, s.help, s.choices
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}

/// The three looks of SMP work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Fill bald patches and blend into the surrounding hair.
    Patch,
    /// Through existing hair: dots only where scalp shows between the hairs
    /// (the choice named `density` in settings and records).
    BetweenHairs,
    /// The shaved buzz-cut look over the whole area.
    Full,
}

/// Fresh (days after a session) or healed work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Healing {
    /// Right after treatment: darker, sharper, slight redness.
    Fresh,
    /// Healed: lighter and softer (the default look).
    Healed,
}

/// Looks a setting up by its script name or its CLI flag.
pub fn spec(name: &str) -> Option<&'static SettingSpec> {
    SETTINGS.iter().find(|s| s.name == name || s.flag == name)
}

/// The scale assumed for a photo of `width`×`height` pixels until the user
/// calibrates it: the shorter side spans [`ASSUMED_SHORT_SIDE_MM`].
pub fn estimate_px_per_mm(width: u32, height: u32) -> f64 {
    let short = width.min(height) as f64;
    let spec = spec("pxPerMm").expect("pxPerMm is in the table");
    (short / ASSUMED_SHORT_SIDE_MM).clamp(spec.min, spec.max)
}

/// The settings of one render.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Dots per cm² where the mask weight is full.
    pub density_per_cm2: f64,
    /// Diameter of one dot in mm.
    pub dot_diameter_mm: f64,
    /// Darkness of the pigment, 0–1.
    pub shade: f64,
    /// Edge blur of each dot, 0–1.
    pub softness: f64,
    /// Chooses the dot pattern.
    pub seed: u32,
    /// Scale given by the user; `None` means estimate it from the photo.
    pub px_per_mm: Option<f64>,
    /// Which look.
    pub mode: Mode,
    /// Treatment session, 1–3.
    pub session: u8,
    /// Fresh or healed.
    pub healing: Healing,
    /// Years since the last session, 0–10.
    pub years_after: f64,
}

impl Default for Settings {
    fn default() -> Self {
        let d = |name| spec(name).expect("known setting").default;
        Settings {
            density_per_cm2: d("densityPerCm2"),
            dot_diameter_mm: d("dotDiameterMm"),
            shade: d("shade"),
            softness: d("softness"),
            seed: d("seed") as u32,
            px_per_mm: None,
            mode: Mode::Patch,
            session: d("session") as u8,
            healing: Healing::Healed,
            years_after: d("yearsAfter"),
        }
    }
}

impl Settings {
    /// Checks one value against its setting's range without changing anything.
    pub fn check(name: &str, value: f64) -> Result<&'static SettingSpec, SmpError> {
        let spec = spec(name).ok_or_else(|| {
            let known: Vec<_> = SETTINGS.iter().map(|s| s.name).collect();
            SmpError::new(
                ErrorCode::UnknownSetting,
                format!(
                    "Unknown setting \"{name}\"; known settings: {}.",
                    known.join(", ")
                ),
            )
        })?;
        if !value.is_finite() {
            return Err(SmpError::new(
                ErrorCode::InvalidSetting,
                format!("{} must be a number, not {value}.", spec.name),
            ));
        }
        let is_choice = !spec.choices.is_empty();
        if is_choice && (value < spec.min || value > spec.max || value.fract() != 0.0) {
            return Err(SmpError::new(
                ErrorCode::InvalidSetting,
                format!("{} must be one of {}.", spec.name, spec.choices.join(", ")),
            ));
        }
        if value < spec.min || value > spec.max {
            return Err(SmpError::new(
                ErrorCode::InvalidSetting,
                format!(
                    "{} must be between {} and {}{}; got {value}.",
                    spec.name,
                    spec.min,
                    spec.max,
                    if spec.unit.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", spec.unit)
                    }
                ),
            ));
        }
        if spec.integer && value.fract() != 0.0 {
            return Err(SmpError::new(
                ErrorCode::InvalidSetting,
                format!("{} must be a whole number; got {value}.", spec.name),
            ));
        }
        Ok(spec)
    }

    /// The engine's number for a choice setting's name (its index): an
    /// `invalid-setting` error for another name or a setting with no
    /// choices, `unknown-setting` for an unknown setting.
    pub fn choice_value(name: &str, text: &str) -> Result<f64, SmpError> {
        let spec = Self::check(name, spec(name).map_or(0.0, |s| s.default))?;
        spec.choices
            .iter()
            .position(|c| *c == text)
            .map(|i| i as f64)
            .ok_or_else(|| {
                let expected = if spec.choices.is_empty() {
                    "a number".to_string()
                } else {
                    format!("one of {}", spec.choices.join(", "))
                };
                SmpError::new(
                    ErrorCode::InvalidSetting,
                    format!("{} must be {expected}; got \"{text}\".", spec.name),
                )
            })
    }

    /// Sets a setting from text, as the command line gives it: a number, or
    /// for a choice setting one of its names.
    pub fn set_text(&mut self, name: &str, text: &str) -> Result<(), SmpError> {
        let spec = Self::check(name, spec(name).map_or(0.0, |s| s.default))?;
        let value = if spec.choices.is_empty() {
            text.parse::<f64>().map_err(|_| {
                SmpError::new(
                    ErrorCode::InvalidSetting,
                    format!("{} needs a number, not \"{text}\".", spec.name),
                )
            })?
        } else {
            spec.choices
                .iter()
                .position(|c| *c == text)
                .ok_or_else(|| {
                    SmpError::new(
                        ErrorCode::InvalidSetting,
                        format!(
                            "{} must be one of {}; got \"{text}\".",
                            spec.name,
                            spec.choices.join(", ")
                        ),
                    )
                })? as f64
        };
        self.set(name, value)
    }

    /// Sets one value by name after checking it.
    pub fn set(&mut self, name: &str, value: f64) -> Result<(), SmpError> {
        let spec = Self::check(name, value)?;
        match spec.name {
            "densityPerCm2" => self.density_per_cm2 = value,
            "dotDiameterMm" => self.dot_diameter_mm = value,
            "shade" => self.shade = value,
            "softness" => self.softness = value,
            "seed" => self.seed = value as u32,
            "pxPerMm" => self.px_per_mm = Some(value),
            "mode" => self.mode = [Mode::Patch, Mode::BetweenHairs, Mode::Full][value as usize],
            "session" => self.session = value as u8,
            "healing" => self.healing = [Healing::Fresh, Healing::Healed][value as usize],
            "yearsAfter" => self.years_after = value,
            other => unreachable!("setting {other} is in the table but not handled"),
        }
        Ok(())
    }

    /// Sets several values at once: either all are valid and applied, or none is.
    pub fn set_many(&mut self, pairs: &[(&str, f64)]) -> Result<(), SmpError> {
        let mut next = *self;
        for (name, value) in pairs {
            next.set(name, *value)?;
        }
        *self = next;
        Ok(())
    }

    /// The value of a setting by name, with `pxPerMm` resolved for a photo of
    /// the given size.
    pub fn get(&self, name: &str, width: u32, height: u32) -> Option<f64> {
        Some(match spec(name)?.name {
            "densityPerCm2" => self.density_per_cm2,
            "dotDiameterMm" => self.dot_diameter_mm,
            "shade" => self.shade,
            "softness" => self.softness,
            "seed" => self.seed as f64,
            "pxPerMm" => self.px_per_mm_for(width, height),
            "mode" => self.mode as usize as f64,
            "session" => self.session as f64,
            "healing" => self.healing as usize as f64,
            "yearsAfter" => self.years_after,
            _ => return None,
        })
    }

    /// The scale in effect for a photo of the given size: the user's value, or
    /// the estimate. With no photo (0×0) it is the table's default.
    pub fn px_per_mm_for(&self, width: u32, height: u32) -> f64 {
        match self.px_per_mm {
            Some(v) => v,
            None if width == 0 || height == 0 => spec("pxPerMm").expect("known").default,
            None => estimate_px_per_mm(width, height),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_inside_their_ranges() {
        for s in SETTINGS {
            assert!(s.min <= s.default && s.default <= s.max, "{}", s.name);
            Settings::check(s.name, s.default).unwrap();
        }
    }

    #[test]
    fn rejects_bad_values_with_codes() {
        let mut s = Settings::default();
        let e = s.set("densityPerCm2", f64::NAN).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidSetting);
        let e = s.set("densityPerCm2", f64::INFINITY).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidSetting);
        let e = s.set("dotDiameterMm", -1.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidSetting);
        assert!(e.message.contains("between 0.1 and 1"), "{}", e.message);
        let e = s.set("seed", 1.5).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidSetting);
        let e = s.set("colour", 1.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::UnknownSetting);
        assert_eq!(s, Settings::default(), "a rejected value changes nothing");
    }

    #[test]
    fn set_many_is_all_or_nothing() {
        let mut s = Settings::default();
        let e = s.set_many(&[("shade", 0.9), ("densityPerCm2", 1e9)]);
        assert!(e.is_err());
        assert_eq!(s.shade, Settings::default().shade);
        s.set_many(&[("shade", 0.9), ("density-per-cm2", 120.0)])
            .unwrap();
        assert_eq!((s.shade, s.density_per_cm2), (0.9, 120.0));
    }

    #[test]
    fn the_shade_help_names_the_stops_as_the_table_has_them() {
        let help = spec("shade").unwrap().help;
        for s in SHADE_STOPS {
            let named = format!("{} ({}, ", s.shade, s.stop);
            assert!(help.contains(&named), "{named} missing from: {help}");
        }
    }

    #[test]
    fn scale_is_estimated_until_given() {
        let mut s = Settings::default();
        assert_eq!(s.px_per_mm_for(3000, 4000), 15.0);
        assert_eq!(s.px_per_mm_for(100, 100), 1.0, "clamped to the range");
        s.set("pxPerMm", 7.5).unwrap();
        assert_eq!(s.px_per_mm_for(3000, 4000), 7.5);
    }
}
