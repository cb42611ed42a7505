//! Generates one module per enabled service version from `spec/*.yaml` into `OUT_DIR`.
//!
//! Only spec files re-run this script, so a build without a spec change does not regenerate.

use dingtalk_openapi_codegen::build_script::{self, doc_attribute, include_module, write_out};
use dingtalk_openapi_codegen::doctext;

fn main() {
    build_script::run(generate);
}

fn generate() -> Result<(), String> {
    // docs.rs documents with `--cfg docsrs` (see lib.rs).
    println!("cargo::rustc-check-cfg=cfg(docsrs)");
    let manifest = std::fs::read_to_string(build_script::manifest_dir()?.join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let mut missing = Vec::new();
    let specs = build_script::read_specs("spec", "spec", |module| {
        if !manifest
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{module} = ")))
        {
            missing.push(module.to_owned());
        }
        std::env::var_os(format!("CARGO_FEATURE_{}", module.to_uppercase())).is_some()
    })?;
    if !missing.is_empty() {
        // Every one at once, and the command that writes them.
        return Err(format!(
            "{} spec files have no cargo feature in generated/Cargo.toml: {}; run `cargo run -p dingtalk-openapi-importer -- sync` (importer/import.sh runs it) to write the features of every spec file",
            missing.len(),
            missing.join(", ")
        ));
    }
    let generated = build_script::generate_into_out_dir(&specs, &Default::default())?;
    let mut modules = String::new();
    for g in &generated {
        let s = &g.service;
        let doc = format!(
            "{} — DingTalk `{}` {}: models, errors and request builders.",
            doctext::inline(&s.title),
            s.service,
            s.version
        );
        let cfg = format!("#[cfg(feature = \"{}\")]", s.module);
        let doc_cfg = format!("#[cfg_attr(docsrs, doc(cfg(feature = \"{}\")))]", s.module);
        modules.push_str(&include_module(
            &s.module,
            &[cfg, doc_cfg, doc_attribute(&doc)],
        ));
    }
    write_out("services.rs", &modules)?;
    // The spec text of each enabled service, for the mock server (`mock` feature).
    let mut texts = String::from(
        "/// `(file name, YAML text)` of the spec each enabled service was generated from.\npub const SPECS: &[(&str, &str)] = &[\n",
    );
    for s in &specs {
        texts.push_str(&format!(
            "    (\"{}\", include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/spec/{}.yaml\"))),\n",
            s.name, s.stem
        ));
    }
    texts.push_str("];\n");
    write_out("specs.rs", &texts)?;
    if std::env::var_os("CARGO_FEATURE_MOCK").is_some() {
        write_out("typed_decoders.rs", &typed_decoders(&generated))?;
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
