//! What the build scripts that generate code from a folder of specs share (the SDK's and the
//! tests crate's): read the specs with cargo's rerun lines, generate them into `OUT_DIR` (writing
//! only what changed, so a build without a spec change recompiles nothing), and report a bad
//! spec as located `cargo::error=` lines rather than a panic.

use std::path::{Path, PathBuf};

use crate::{Generated, Input, Options};

/// A spec file a build script read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecSource {
    /// The file name without `.yaml`: the name of the generated file and module.
    pub stem: String,
    /// The name diagnostics show (`spec/wiki_2_0.yaml`).
    pub name: String,
    /// The YAML text.
    pub text: String,
}

/// Runs a build script's work: an error (a spec report, an I/O failure) becomes
/// `cargo::error=` lines and exit code 1.
pub fn run(work: impl FnOnce() -> Result<(), String>) {
    if let Err(msg) = work() {
        for line in crate::cargo_error_lines(&msg) {
            println!("{line}");
        }
        std::process::exit(1);
    }
}

/// The package's folder (`CARGO_MANIFEST_DIR`).
pub fn manifest_dir() -> Result<PathBuf, String> {
    std::env::var("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .map_err(|e| format!("CARGO_MANIFEST_DIR: {e}"))
}

/// The spec files (`.yaml`, sorted) of the package's folder `dir`, named `{shown}/{file}` in
/// diagnostics, that `wanted(stem)` keeps, read. Cargo reruns the script when the folder or one
/// of its files changes, and only then.
pub fn read_specs(
    dir: &str,
    shown: &str,
    mut wanted: impl FnMut(&str) -> bool,
) -> Result<Vec<SpecSource>, String> {
    let dir = manifest_dir()?.join(dir);
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut specs = Vec::new();
    for path in crate::files::yaml_files(&dir)? {
        println!("cargo::rerun-if-changed={}", path.display());
        let stem = file_part(&path, Path::file_stem);
        if !wanted(&stem) {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let name = format!("{shown}/{}", file_part(&path, Path::file_name));
        specs.push(SpecSource { stem, name, text });
    }
    Ok(specs)
}

fn file_part(path: &Path, part: fn(&Path) -> Option<&std::ffi::OsStr>) -> String {
    part(path)
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Generates `specs` with `opts`: the generated services, in the order of `specs`.
pub fn generate(specs: &[SpecSource], opts: &Options) -> Result<Vec<Generated>, String> {
    let inputs: Vec<Input<'_>> = specs
        .iter()
        .map(|s| Input {
            name: &s.name,
            source: &s.text,
        })
        .collect();
    crate::generate(&inputs, opts).map_err(|d| d.to_string())
}

/// Generates `specs` with `opts` into `OUT_DIR`, one `{stem}.rs` each (written only when its
/// text changed); the generated services, in the order of `specs`.
pub fn generate_into_out_dir(
    specs: &[SpecSource],
    opts: &Options,
) -> Result<Vec<Generated>, String> {
    let generated = generate(specs, opts)?;
    for (g, spec) in generated.iter().zip(specs) {
        write_out(&format!("{}.rs", spec.stem), &g.source)?;
    }
    Ok(generated)
}

/// Writes `OUT_DIR/{name}` when its content differs, so unchanged output keeps its timestamp.
pub fn write_out(name: &str, content: &str) -> Result<(), String> {
    let out = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
    let path = Path::new(&out).join(name);
    if std::fs::read_to_string(&path).ok().as_deref() == Some(content) {
        return Ok(());
    }
    std::fs::write(&path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The Rust declaration of the module `stem` whose contents are the generated `{stem}.rs` beside
/// the file that holds the declaration (`include!` resolves a relative path from the file it is
/// written in: `OUT_DIR`, or the SDK's shipped `src/services/`), after `attributes` (`#[cfg(…)]`, `#[doc = …]`), one a line.
pub fn include_module(stem: &str, attributes: &[String]) -> String {
    let mut out = String::new();
    for a in attributes {
        out.push_str(a);
        out.push('\n');
    }
    out.push_str(&format!(
        "pub mod {stem} {{\n    include!(\"{stem}.rs\");\n}}\n"
    ));
    out
}

/// `#[doc = "…"]` with `text` as a Rust string literal (escaped by `{:?}`).
pub fn doc_attribute(text: &str) -> String {
    format!("#[doc = {text:?}]")
}
