//! Generates one module per enabled service version from `spec/*.yaml` into `OUT_DIR`.
//!
//! Only spec files re-run this script, so a build without a spec change does not regenerate.

use dingtalk_openapi_codegen::build_script::{self, doc_attribute, include_module, write_out};
use dingtalk_openapi_codegen::doctext;

fn main() {
    build_script::run(generate);
}

fn generate() -> Result<(), String> {
    let manifest = std::fs::read_to_string(build_script::manifest_dir()?.join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    let mut missing = Vec::new();
    let specs = build_script::read_specs("spec", "spec", |module| {
        if !manifest
            .lines()
            .any(|l| l.trim_start().starts_with(&format!("{module} = ")))
        {
            missing.push(format!("{module} = []"));
        }
        std::env::var_os(format!("CARGO_FEATURE_{}", module.to_uppercase())).is_some()
    })?;
    if !missing.is_empty() {
        return Err(format!(
            "spec files without a cargo feature: add `{}` under [features] in generated/Cargo.toml (and to `default`)",
            missing.join("`, `")
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
        modules.push_str(&include_module(&s.module, &[cfg, doc_attribute(&doc)]));
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
    write_out("specs.rs", &texts)
}
