//! The generated sources the SDK includes (`src/lib.rs`, `generated!`).
//!
//! With the `codegen` feature (the repository's workspace enables it), generates one module per
//! enabled service version from `spec/*.yaml` into `OUT_DIR`; only spec files re-run it, so a
//! build without a spec change does not regenerate. Without it (an application depending on
//! the published package), the package ships the sources pre-generated in `src/services/`
//! (`dingtalk-openapi-codegen generate --out generated/src/services spec`), and this script
//! only checks that they are there: the generator is never compiled.

fn main() {
    // docs.rs documents with `--cfg docsrs` (see lib.rs).
    println!("cargo::rustc-check-cfg=cfg(docsrs)");
    #[cfg(feature = "codegen")]
    dingtalk_openapi_codegen::build_script::run(codegen::generate);
    #[cfg(not(feature = "codegen"))]
    shipped();
}

/// Without `codegen`: the pre-generated sources must be in the package.
#[cfg(not(feature = "codegen"))]
fn shipped() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/services/services.rs");
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default();
    let index = std::path::Path::new(&manifest).join("src/services/services.rs");
    if !index.is_file() {
        println!(
            "cargo::error=no generated sources in {}: build with the `codegen` feature to generate them from spec/ (the workspace's tests crate enables it, so `cargo build` at the repository's root does), or write them with `cargo run -p dingtalk-openapi-codegen -- generate --out generated/src/services spec`",
            index.parent().unwrap_or(&index).display()
        );
    }
}

#[cfg(feature = "codegen")]
mod codegen {
    use dingtalk_openapi_codegen::build_script::{self, write_out};

    pub fn generate() -> Result<(), String> {
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
        let generated = build_script::generate(&specs, &Default::default())?;
        for file in dingtalk_openapi_codegen::sdk::files(&generated) {
            write_out(&file.name, &file.text)?;
        }
        Ok(())
    }
}
