//! `smp render --preset NAME`: the engine's presets table, applied before
//! the settings given one by one (whatever their order on the line).

use std::process::Command;

const SMP: &str = env!("CARGO_BIN_EXE_smp");

#[test]
fn a_preset_is_its_settings_and_the_settings_given_change_it() {
    let d = std::env::temp_dir().join(format!("smp-cli-presets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    let photo = d.join("p.png");
    let ok = |args: &[&str]| {
        let o = Command::new(SMP).args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    ok(&[
        "sample",
        "--out",
        photo.to_str().unwrap(),
        "--width",
        "400",
        "--height",
        "300",
    ]);
    let a = d.join("a.png");
    let b = d.join("b.png");
    let p = photo.to_str().unwrap();
    ok(&[
        "render",
        "--input",
        p,
        "--shade",
        "0.3",
        "--preset",
        "Full buzz cut",
        "--out",
        a.to_str().unwrap(),
    ]);
    ok(&[
        "render",
        "--input",
        p,
        "--mode",
        "full",
        "--density-per-cm2",
        "90",
        "--dot-diameter-mm",
        "0.35",
        "--shade",
        "0.3",
        "--out",
        b.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let o = Command::new(SMP)
        .args([
            "render",
            "--input",
            p,
            "--preset",
            "toString",
            "--out",
            a.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("There is no preset called \"toString\""));
    let _ = std::fs::remove_dir_all(&d);
}
