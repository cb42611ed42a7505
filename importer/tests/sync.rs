//! The SDK's cargo features and the README's coverage table follow the spec files: checked on
//! this workspace, and on a scratch copy whose spec folder gained and lost a file.

use std::path::{Path, PathBuf};

use dingtalk_openapi_importer::sync;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_features_and_the_coverage_table_follow_spec() {
    let stale = sync::stale(&root()).unwrap();
    let found: Vec<String> = stale
        .iter()
        .flat_map(|s| s.details.iter().map(move |d| format!("{}: {d}", s.file)))
        .collect();
    assert!(
        found.is_empty(),
        "run `cargo run -p dingtalk-openapi-importer -- sync`:\n{}",
        found.join("\n")
    );
}

/// A workspace of two spec files (`a_1_0` curated, `b_1_0` imported) whose manifest declares
/// `a_1_0` and `x_1_0`.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("importer-sync-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    std::fs::create_dir_all(dir.join("generated")).unwrap();
    for (module, origin) in [("a", "curated"), ("b", "imported")] {
        let spec = format!(
            "service: {module}\nversion: \"1.0\"\ntitle: {module} 1.0\nbase_url: https://api.dingtalk.io\n\
             operations:\n  GetThing:\n    origin: {origin}\n    method: GET\n    path: /v1.0/{module}/thing\n    response: none\n"
        );
        std::fs::write(dir.join(format!("spec/{module}_1_0.yaml")), spec).unwrap();
    }
    std::fs::write(
        dir.join(sync::MANIFEST),
        "[features]\ndefault = []\n# BEGIN service features: one per spec/*.yaml, written by `importer/import.sh` (`cargo run -p dingtalk-openapi-importer -- sync`); do not edit by hand.\n\
         a_1_0 = []\nx_1_0 = []\n# END service features\n\n[dependencies]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join(sync::README),
        "# Title\n\n<!-- BEGIN coverage: written by `importer/import.sh` (`cargo run -p dingtalk-openapi-importer -- sync`) from spec/; do not edit by hand. -->\n<!-- END coverage -->\n\nMore.\n",
    )
    .unwrap();
    dir
}

#[test]
fn missing_and_extra_features_are_all_named_then_written() {
    let dir = scratch("features");
    let stale = sync::stale(&dir).unwrap();
    assert_eq!(stale.len(), 2, "{stale:?}");
    assert_eq!(stale[0].file, sync::MANIFEST);
    assert_eq!(
        stale[0].details,
        [
            "missing features (spec files without one): b_1_0",
            "extra features (no spec file): x_1_0"
        ]
    );
    assert_eq!(stale[1].file, sync::README);
    sync::write(&dir, &stale).unwrap();
    assert_eq!(sync::stale(&dir).unwrap(), []);
    let manifest = std::fs::read_to_string(dir.join(sync::MANIFEST)).unwrap();
    assert!(
        manifest.starts_with("[features]\ndefault = []\n# BEGIN"),
        "{manifest}"
    );
    assert!(
        manifest.contains("full = [\n    \"a_1_0\", \"b_1_0\",\n]\n# `a` 1.0: 1 operation (1 curated)\na_1_0 = []\n# `b` 1.0: 1 operation\nb_1_0 = []\n# END service features\n\n[dependencies]\n"),
        "{manifest}"
    );
    let readme = std::fs::read_to_string(dir.join(sync::README)).unwrap();
    assert!(
        readme.contains("2 service versions of 2 products, 2 operations (1 curated, 1 imported)."),
        "{readme}"
    );
    assert!(
        readme.contains("| `b_1_0` | `b` | 1.0 |  | 1 | 0 |\n"),
        "{readme}"
    );
    assert!(
        readme.ends_with("<!-- END coverage -->\n\nMore.\n"),
        "{readme}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_named_unlike_its_module_is_an_error() {
    let dir = scratch("names");
    std::fs::rename(dir.join("spec/b_1_0.yaml"), dir.join("spec/other.yaml")).unwrap();
    let e = sync::stale(&dir).unwrap_err();
    assert!(
        e.contains("spec/other.yaml: declares module `b_1_0`"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
