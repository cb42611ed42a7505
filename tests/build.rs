//! Generates the fixture specs (tests/fixtures/*.yaml) against the published runtime, so the
//! constructs they cover are compiled and can be called in end-to-end tests.

use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let sources: Vec<(String, String)> = files
        .iter()
        .map(|f| {
            println!("cargo::rerun-if-changed={}", f.display());
            let name = format!(
                "tests/fixtures/{}",
                f.file_name().unwrap().to_string_lossy()
            );
            (name, std::fs::read_to_string(f).expect("fixture readable"))
        })
        .collect();
    let inputs: Vec<_> = sources
        .iter()
        .map(|(name, source)| dingtalk_openapi_codegen::Input { name, source })
        .collect();
    let opts = dingtalk_openapi_codegen::Options {
        runtime: "dingtalk_openapi".to_owned(),
        accessors: false,
    };
    let generated = match dingtalk_openapi_codegen::generate(&inputs, &opts) {
        Ok(g) => g,
        Err(d) => {
            for line in d.to_string().lines() {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let mut modules = String::new();
    for (g, f) in generated.iter().zip(&files) {
        let stem = f.file_stem().unwrap().to_string_lossy();
        std::fs::write(out.join(format!("{stem}.rs")), &g.source).unwrap();
        modules.push_str(&format!(
            "/// Generated from `tests/fixtures/{stem}.yaml`.\npub mod {stem} {{\n    include!(concat!(env!(\"OUT_DIR\"), \"/{stem}.rs\"));\n}}\n"
        ));
    }
    std::fs::write(out.join("fixtures.rs"), modules).unwrap();
}
