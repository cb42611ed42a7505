//! Spec files on disk: the crate's one piece of I/O, beside the pure pipeline, for the build
//! scripts, the CLI, the tests and the benchmarks.

use std::path::{Path, PathBuf};

/// The `.yaml` (and `.yml`) files directly in `dir`, sorted, so that what is generated from them
/// does not depend on the order the file system lists them in.
pub fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?
            .path();
        if is_yaml(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Whether a path names a YAML file (`.yaml` or `.yml`).
pub fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// The YAML files of `dir` (as [`yaml_files`]) with their text, each named `{shown}/{file name}`:
/// the name diagnostics show (`spec/wiki_2_0.yaml`).
pub fn read_specs(dir: &Path, shown: &str) -> Result<Vec<(String, String)>, String> {
    yaml_files(dir)?
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            Ok((format!("{shown}/{name}"), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_yaml_files_sorted_and_names_them_as_shown() {
        let dir = std::env::temp_dir().join(format!("codegen-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("nested.yaml")).unwrap();
        for (name, text) in [
            ("b.yaml", "b"),
            ("a.yml", "a"),
            ("c.txt", "c"),
            ("README.md", ""),
        ] {
            std::fs::write(dir.join(name), text).unwrap();
        }
        let specs = read_specs(&dir, "spec");
        std::fs::remove_dir_all(&dir).unwrap();
        // A folder named like a YAML file is not read as one.
        let err = specs.expect_err("nested.yaml is a folder");
        assert!(err.contains("nested.yaml"), "{err}");

        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in [("b.yaml", "b"), ("a.yml", "a"), ("c.txt", "c")] {
            std::fs::write(dir.join(name), text).unwrap();
        }
        let specs = read_specs(&dir, "spec");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            specs.unwrap(),
            [
                ("spec/a.yml".to_owned(), "a".to_owned()),
                ("spec/b.yaml".to_owned(), "b".to_owned())
            ]
        );
        assert!(yaml_files(&dir).unwrap_err().contains("cannot read"));
    }
}
