//! (name, value) setting pairs, including NaN, ±∞, unknown names and values
//! out of range → `Engine::set_settings` (before and after a photo) and
//! renders; plus the text parsing of the CLI (`Settings::set_text`) and the
//! hairline style names.
//!
//! Settings arrive from sliders, URLs, scripts and the command line, so any
//! name and any number can come in. The contract: a change is all or
//! nothing, an accepted value reads back unchanged, and whatever was
//! accepted renders.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use smp_fuzz::{as_pairs, sample, setting_name, setting_pairs, start_scale, SAMPLE_SIZES};
use smp_visualiser::hairline::HairlineStyle;
use smp_visualiser::settings::{self, Settings};
use smp_visualiser::{Engine, ErrorCode};

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    // Without a photo the only check is each value against its range.
    let mut engine = Engine::new();
    if let Ok(Some(ppm)) = start_scale(&mut u) {
        engine.set_settings(&[("pxPerMm", ppm)]).unwrap();
    }
    let old = *engine.settings();
    let Ok(before_photo) = setting_pairs(&mut u, 6) else {
        return;
    };
    let each_ok = before_photo
        .iter()
        .all(|(n, v)| Settings::check(n, *v).is_ok());
    match engine.set_settings(&as_pairs(&before_photo)) {
        Ok(()) => {
            assert!(each_ok, "accepted an invalid pair in {before_photo:?}");
            reads_back(&engine, &before_photo);
        }
        Err(e) => {
            assert!(!each_ok, "refused valid pairs {before_photo:?}: {e}");
            assert!(matches!(
                e.code,
                ErrorCode::UnknownSetting | ErrorCode::InvalidSetting
            ));
            assert_eq!(*engine.settings(), old, "a refused change applied");
        }
    }

    // With a photo (and its bald patches as the area), a change may also be
    // refused for making the dot pattern too large; either way it is all
    // or nothing, and the settings in force must render.
    let Ok(i) = u.choose_index(SAMPLE_SIZES.len()) else {
        return;
    };
    let (photo, patches) = sample(i);
    if engine.load_image(photo, 48).is_err() {
        // Only a scale that makes the pattern too large may refuse a photo.
        assert!(engine.settings().px_per_mm.is_some());
        return;
    }
    engine.set_mask(patches).unwrap();
    let rounds = u.int_in_range(1u8..=3).unwrap_or(1);
    for _ in 0..rounds {
        let Ok(pairs) = setting_pairs(&mut u, 4) else {
            break;
        };
        let old = *engine.settings();
        match engine.set_settings(&as_pairs(&pairs)) {
            Ok(()) => reads_back(&engine, &pairs),
            Err(_) => assert_eq!(*engine.settings(), old, "a refused change applied"),
        }
        engine.render_preview().unwrap();
    }
    if u.arbitrary().unwrap_or(false) {
        engine.render_full().unwrap();
    }

    // The CLI's `--name text` path: any text for any name.
    if let (Ok(name), Ok(text)) = (setting_name(&mut u), u.arbitrary::<&str>()) {
        let mut s = Settings::default();
        let old = s;
        match s.set_text(&name, text) {
            Ok(()) => {
                let v = s.get(&name, 100, 100).expect("a set setting reads back");
                Settings::check(&name, v).expect("an accepted text is in range");
            }
            Err(_) => assert_eq!(s, old),
        }
        let _ = settings::spec(text);
    }
    if let Ok(text) = u.arbitrary::<&str>() {
        if let Ok(style) = HairlineStyle::parse(text) {
            assert!(matches!(
                (style, text),
                (HairlineStyle::Soft, "soft")
                    | (HairlineStyle::Defined, "defined")
                    | (HairlineStyle::Broken, "broken")
            ));
        }
    }
    // The scale estimate takes any photo size, including zero sides.
    if let Ok((w, h)) = u.arbitrary::<(u32, u32)>() {
        let ppm = settings::estimate_px_per_mm(w, h);
        assert!(ppm.is_finite() && ppm > 0.0);
    }
});

/// After an accepted change, the last value given for each setting is the
/// value the engine reports (the same setting may be named by its script
/// name and its flag in one change).
fn reads_back(engine: &Engine, pairs: &[(String, f64)]) {
    for (i, (name, value)) in pairs.iter().enumerate() {
        let canonical = settings::spec(name).expect("accepted names are known").name;
        let later = pairs[i + 1..]
            .iter()
            .any(|(n, _)| settings::spec(n).map(|s| s.name) == Some(canonical));
        if !later {
            assert_eq!(
                engine.setting(name),
                Some(*value),
                "{name} = {value} did not read back"
            );
        }
    }
}
