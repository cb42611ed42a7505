//! Generates the fixture specs (tests/fixtures/*.yaml) against the published runtime, so the
//! constructs they cover are compiled and can be called in end-to-end tests.
//!
//! A spec error or an I/O problem fails the build with located `cargo::error=` lines, never a
//! panic and a backtrace.

use dingtalk_openapi_codegen::build_script::{self, doc_attribute, include_module, write_out};
use dingtalk_openapi_codegen::Options;

fn main() {
    build_script::run(generate);
}

fn generate() -> Result<(), String> {
    let specs = build_script::read_specs("fixtures", "tests/fixtures", |_| true)?;
    let opts = Options::external("dingtalk_openapi");
    build_script::generate_into_out_dir(&specs, &opts)?;
    let modules: String = specs
        .iter()
        .map(|s| {
            let doc = doc_attribute(&format!("Generated from `{}`.", s.name));
            include_module(&s.stem, &[doc])
        })
        .collect();
    write_out("fixtures.rs", &modules)
}
