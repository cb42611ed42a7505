//! Generates one module per enabled service version from `spec/*.yaml` into `OUT_DIR`.
//!
//! Only spec files re-run this script, so a build without a spec change does not regenerate.

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
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let spec_dir = manifest.join("spec");
    println!("cargo::rerun-if-changed={}", spec_dir.display());
    // docs.rs documents with `--cfg docsrs` (see lib.rs).
    println!("cargo::rustc-check-cfg=cfg(docsrs)");
    let files = dingtalk_openapi_codegen::files::yaml_files(&spec_dir)?;
    let cargo_toml =
        std::fs::read_to_string(manifest.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let mut enabled = Vec::new();
    let mut sources = Vec::new();
    let mut missing = Vec::new();
    for f in &files {
        println!("cargo::rerun-if-changed={}", f.display());
        let module = f
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        if !cargo_toml
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{module} = ")))
        {
            missing.push(module);
            continue;
        }
        if std::env::var_os(format!("CARGO_FEATURE_{}", module.to_uppercase())).is_some() {
            let text = std::fs::read_to_string(f)
                .map_err(|e| format!("cannot read {}: {e}", f.display()))?;
            enabled.push(module);
            sources.push((format!("spec/{}", file_name(f)), text));
        }
    }
    if !missing.is_empty() {
        // Every one at once, and the command that writes them.
        return Err(format!(
            "{} spec files have no cargo feature in generated/Cargo.toml: {}; run `cargo run -p dingtalk-openapi-importer -- sync` (importer/import.sh runs it) to write the features of every spec file",
            missing.len(),
            missing.join(", ")
        ));
    }
    let inputs: Vec<_> = sources
        .iter()
        .map(|(name, source)| dingtalk_openapi_codegen::Input { name, source })
        .collect();
    let generated = dingtalk_openapi_codegen::generate(&inputs, &Default::default())
        .map_err(|d| d.to_string())?;
    for g in &generated {
        write_if_changed(&out.join(format!("{}.rs", g.service.module)), &g.source)?;
    }
    let mut modules = String::new();
    for g in &generated {
        let s = &g.service;
        // The title as rustdoc text (escaped, no control characters), written as a Rust string
        // literal (`{:?}` escapes quotes and backslashes).
        let doc = format!(
            "{} — DingTalk `{}` {}: models, errors and request builders.",
            dingtalk_openapi_codegen::doctext::inline(&s.title),
            s.service,
            s.version
        );
        modules.push_str(&format!(
            "#[cfg(feature = \"{m}\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"{m}\")))]\n#[doc = {doc:?}]\npub mod {m} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{m}.rs\"));\n}}\n",
            m = s.module,
        ));
    }
    write_if_changed(&out.join("services.rs"), &modules)?;
    // The spec text of each enabled service, for the mock server (`mock` feature).
    let mut specs = String::from(
        "/// `(file name, YAML text)` of the spec each enabled service was generated from.\npub const SPECS: &[(&str, &str)] = &[\n",
    );
    for (module, (name, _)) in enabled.iter().zip(&sources) {
        specs.push_str(&format!(
            "    (\"{name}\", include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/spec/{module}.yaml\"))),\n"
        ));
    }
    specs.push_str("];\n");
    write_if_changed(&out.join("specs.rs"), &specs)?;
    if std::env::var_os("CARGO_FEATURE_MOCK").is_some() {
        write_if_changed(&out.join("typed_decoders.rs"), &typed_decoders(&generated))?;
    }
    Ok(())
}

/// The `mock` feature's table of typed decoders: one line per operation, naming its builder's
/// `build`, whose return type gives the operation's output type.
fn typed_decoders(generated: &[dingtalk_openapi_codegen::Generated]) -> String {
    let mut out = String::from("vec![\n");
    for g in generated {
        let m = &g.service.module;
        for op in &g.service.operations {
            out.push_str(&format!(
                "    TypedDecode::of(\"{m}\", \"{n}\", crate::{m}::{n}::build),\n",
                n = op.name
            ));
        }
    }
    out.push_str("]\n");
    out
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes only when the content differs, so unchanged output keeps its timestamp.
fn write_if_changed(path: &Path, content: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
