//! Imports the DingTalk Open API spec from the official Python SDK wheel
//! (`alibabacloud-dingtalk`): every operation of every service version, one YAML spec file per
//! service version, keeping hand-curated operations and models as written.
//!
//! [`wheel::read`] reads the wheel (every `client.py` and `models.py`, line by line against the
//! shapes the package's generator writes; anything else is a located [`Problem`]);
//! [`plan`] merges each service into its spec file ([`merge`]); the CLI writes the files
//! (`import`) or reports what would change (`import --check`); [`sync`] writes what follows the
//! spec files (the SDK's cargo features, the README's coverage table).

pub mod client;
pub mod diff;
pub mod examples;
pub mod exclusions;
pub mod extract;
pub mod facts;
pub mod ir;
pub mod layout;
pub mod merge;
pub mod models;
pub mod pagination;
pub mod pattern;
pub mod problem;
pub mod sync;
pub mod wheel;
pub mod yaml;

use std::path::{Path, PathBuf};

pub use problem::Problem;

/// What importing a wheel does to one spec file.
#[derive(Debug, Clone)]
pub struct FilePlan {
    /// The spec file.
    pub path: PathBuf,
    /// Its text today (`None`: a new file).
    pub old: Option<String>,
    /// Its text after the import, with the changes and notes.
    pub merged: merge::Merged,
}

impl FilePlan {
    /// Whether the import changes the file.
    pub fn changes_file(&self) -> bool {
        self.old.as_deref() != Some(self.merged.text.as_str())
    }
}

/// Merges every service of the wheel into `<out>/<module>.yaml`. Also returns the spec files
/// of `out` that the wheel does not know (hand-written service versions: left alone).
pub fn plan(wheel: &wheel::Wheel, out: &Path) -> Result<(Vec<FilePlan>, Vec<PathBuf>), String> {
    let mut plans = Vec::new();
    for service in &wheel.services {
        let path = out.join(format!("{}.yaml", service.module));
        let old = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        let merged = merge::merge(service, &wheel.source, old.as_deref())
            .map_err(|e| format!("{}:{}: {}", path.display(), e.line, e.what))?;
        plans.push(FilePlan { path, old, merged });
    }
    let mut others = Vec::new();
    if let Ok(dir) = std::fs::read_dir(out) {
        for entry in dir.flatten() {
            let path = entry.path();
            let is_spec = path.extension().is_some_and(|e| e == "yaml");
            if is_spec && !plans.iter().any(|p| p.path == path) {
                others.push(path);
            }
        }
    }
    others.sort();
    Ok((plans, others))
}
