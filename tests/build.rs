//! Generates the fixture specs (tests/fixtures/*.yaml) against the published runtime, so the
//! constructs they cover are compiled and can be called in end-to-end tests.
//!
//! A spec error or an I/O problem fails the build with located `cargo::error=` lines, never a
//! panic and a backtrace.

use std::path::{Path, PathBuf};

fn main() {
    if let Err(msg) = run() {
        // A clean, located message instead of a panic and a backtrace.
        for line in dingtalk_openapi_codegen::cargo_error_lines(&msg) {
            println!("{line}");
        }
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let dir = PathBuf::from(manifest).join("fixtures");
    println!("cargo::rerun-if-changed={}", dir.display());
    let files = dingtalk_openapi_codegen::files::yaml_files(&dir)?;
    let mut sources = Vec::new();
    for f in &files {
        println!("cargo::rerun-if-changed={}", f.display());
        let name = format!("tests/fixtures/{}", file_name(f));
        let text =
            std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        sources.push((name, text));
    }
    let inputs: Vec<_> = sources
        .iter()
        .map(|(name, source)| dingtalk_openapi_codegen::Input { name, source })
        .collect();
    let opts = dingtalk_openapi_codegen::Options::external("dingtalk_openapi");
    let generated =
        dingtalk_openapi_codegen::generate(&inputs, &opts).map_err(|d| d.to_string())?;
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let mut modules = String::new();
    for (g, f) in generated.iter().zip(&files) {
        let stem = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = out.join(format!("{stem}.rs"));
        std::fs::write(&path, &g.source)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        modules.push_str(&format!(
            "/// Generated from `tests/fixtures/{stem}.yaml`.\npub mod {stem} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{stem}.rs\"));\n}}\n"
        ));
    }
    let path = out.join("fixtures.rs");
    std::fs::write(&path, modules).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
