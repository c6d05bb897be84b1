//! Presets named for the client's case: each sets several settings at once.
//! One table, used by the CLI (`--preset`), the page (through the wasm
//! module's `presetsJson`) and its schema, so a preset means the same
//! everywhere.

use crate::error::{ErrorCode, SmpError};
use crate::settings::Settings;

/// One setting's value in a preset: a number, or a choice by its name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PresetValue {
    /// A plain number, in the setting's unit.
    Number(f64),
    /// One of a choice setting's names (`mode`, `healing`).
    Choice(&'static str),
}

/// A named preset: the group it is shown in and the settings it sets.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// Its name, for people and for `--preset`.
    pub name: &'static str,
    /// The group the page's menu shows it in.
    pub group: &'static str,
    /// The settings it sets, by name; the others stay as they are.
    pub settings: &'static [(&'static str, PresetValue)],
}

use PresetValue::{Choice, Number};

/// The built-in presets, in menu order.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "Alopecia patch",
        group: "Look",
        settings: &[
            ("mode", Choice("patch")),
            ("densityPerCm2", Number(80.0)),
            ("dotDiameterMm", Number(0.35)),
            ("shade", Number(0.5)),
        ],
    },
    Preset {
        name: "Thinning (no shave)",
        group: "Look",
        settings: &[
            ("mode", Choice("density")),
            ("densityPerCm2", Number(60.0)),
            ("dotDiameterMm", Number(0.3)),
            ("shade", Number(0.45)),
        ],
    },
    Preset {
        name: "Full buzz cut",
        group: "Look",
        settings: &[
            ("mode", Choice("full")),
            ("densityPerCm2", Number(90.0)),
            ("dotDiameterMm", Number(0.35)),
            ("shade", Number(0.55)),
        ],
    },
    Preset {
        name: "Session 1",
        group: "Session",
        settings: &[("session", Number(1.0))],
    },
    Preset {
        name: "Session 2",
        group: "Session",
        settings: &[("session", Number(2.0))],
    },
    Preset {
        name: "Session 3",
        group: "Session",
        settings: &[("session", Number(3.0))],
    },
    Preset {
        name: "Fresh",
        group: "Time",
        settings: &[("healing", Choice("fresh")), ("yearsAfter", Number(0.0))],
    },
    Preset {
        name: "Healed",
        group: "Time",
        settings: &[("healing", Choice("healed")), ("yearsAfter", Number(0.0))],
    },
    Preset {
        name: "After 5 years",
        group: "Time",
        settings: &[("healing", Choice("healed")), ("yearsAfter", Number(5.0))],
    },
];

/// The built-in preset called `name`, or `unknown-preset`.
pub fn preset(name: &str) -> Result<&'static Preset, SmpError> {
    PRESETS.iter().find(|p| p.name == name).ok_or_else(|| {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        SmpError::new(
            ErrorCode::UnknownPreset,
            format!(
                "There is no preset called \"{name}\"; the presets are: {}.",
                names.join(", ")
            ),
        )
    })
}

/// Applies a preset to `settings`: all of its settings or none.
pub fn apply(settings: &mut Settings, preset: &Preset) -> Result<(), SmpError> {
    let mut next = *settings;
    for &(name, value) in preset.settings {
        match value {
            Number(v) => next.set(name, v)?,
            Choice(c) => next.set_text(name, c)?,
        }
    }
    *settings = next;
    Ok(())
}

/// The presets as JSON for the page: `[{"name", "group", "settings": {…}}]`,
/// choices by name, as `el.presets` gives them.
pub fn presets_json() -> String {
    let rows: Vec<String> = PRESETS
        .iter()
        .map(|p| {
            let settings: Vec<String> = p
                .settings
                .iter()
                .map(|&(name, value)| match value {
                    Number(v) => format!("{name:?}:{v}"),
                    Choice(c) => format!("{name:?}:{c:?}"),
                })
                .collect();
            format!(
                "{{\"name\":{:?},\"group\":{:?},\"settings\":{{{}}}}}",
                p.name,
                p.group,
                settings.join(",")
            )
        })
        .collect();
    format!("[{}]", rows.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_applies_and_unknown_names_are_errors() {
        for p in PRESETS {
            let mut s = Settings::default();
            apply(&mut s, p).unwrap_or_else(|e| panic!("{}: {}", p.name, e.message));
        }
        let mut s = Settings::default();
        apply(&mut s, preset("Full buzz cut").unwrap()).unwrap();
        assert_eq!(s.get("mode", 100, 100), Some(2.0));
        assert_eq!(s.get("densityPerCm2", 100, 100), Some(90.0));
        assert_eq!(
            preset("toString").unwrap_err().code,
            ErrorCode::UnknownPreset
        );
        assert!(presets_json().starts_with(
            "[{\"name\":\"Alopecia patch\",\"group\":\"Look\",\"settings\":{\"mode\":\"patch\""
        ));
    }
}
