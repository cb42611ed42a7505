//! The spec files as the tests read them: loaded with the generator's own loader, so tests take
//! requests, examples and error tables from the spec instead of restating them.

use dingtalk_openapi_codegen::spec::{self, SpecFile};
use dingtalk_openapi_codegen::Input;
use serde_json::Value;

/// Spec file paths, relative to the tests crate.
pub const DOC: &str = "../spec/doc_2_0.yaml";
/// See [`DOC`].
pub const DRIVE: &str = "../spec/drive_1_0.yaml";
/// See [`DOC`].
pub const WIKI: &str = "../spec/wiki_2_0.yaml";

/// Loads a spec file (path relative to the tests crate). Panics with the diagnostics if invalid.
pub fn load(file: &str) -> SpecFile {
    let path = format!("{}/{file}", env!("CARGO_MANIFEST_DIR"));
    let source =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    dingtalk_openapi_codegen::load(Input {
        name: &path,
        source: &source,
    })
    .unwrap_or_else(|d| panic!("{d}"))
}

/// Operation `op` of spec `file`.
pub fn operation(file: &str, op: &str) -> spec::Operation {
    load(file)
        .operations
        .get(op)
        .unwrap_or_else(|| panic!("{file} has no operation {op}"))
        .clone()
}

/// The documented error rows of `op`, the file's shared tables expanded (`use:`).
pub fn errors(file: &str, op: &str) -> Vec<spec::ErrorEntry> {
    let spec = load(file);
    let operation = spec
        .operations
        .get(op)
        .unwrap_or_else(|| panic!("{file} has no operation {op}"));
    spec.errors_of(operation).into_iter().cloned().collect()
}

/// The documented example answer of `op`, parsed.
pub fn example(file: &str, op: &str) -> Value {
    let spec::Response::Body(body) = operation(file, op).response else {
        panic!("{op} documents no response body");
    };
    let text = body
        .example
        .unwrap_or_else(|| panic!("{op} documents no example answer"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{op}'s example is not JSON: {e}"))
}
