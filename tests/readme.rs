//! The README's settings table is the engine's own (`smp settings
//! --markdown`), not a hand copy that can drift.

#[test]
fn the_readme_holds_the_engines_settings_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = smp_visualiser::settings::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's settings table differs from the engine's: replace it with the output of `smp settings --markdown`"
    );
}
