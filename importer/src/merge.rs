//! Merges what the wheel gives for one service version into its spec file, keeping curated
//! text byte for byte.
//!
//! - An operation is curated unless it says `origin: imported`; curated operations are kept as
//!   written, wherever the wheel differs (the differences are reported, never applied).
//! - Models above [`MODELS_MARKER`] (all models of a file the importer never wrote) are
//!   hand-written and kept as written; the models below it are the importer's.
//! - An imported operation or model whose text differs from what the same wheel gives (the
//!   file's `source:` is this wheel) was edited by hand: it is kept and reported. Against
//!   another wheel, imported text is replaced, operations and models gone upstream are removed.
//! - Everything else in the file (comments, `title`, error tables, other keys) is kept.

use std::collections::{BTreeMap, BTreeSet};

use crate::diff;
use crate::ir::Service;
use crate::layout::{self, Block, Entry, SliceError, MODELS_MARKER};
use crate::yaml;

/// The base URL of imported files, as in the hand-written ones.
pub const BASE_URL: &str = "https://api.dingtalk.io";

/// The merged text of one spec file and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The file's new text.
    pub text: String,
    /// What the wheel changes in the file (empty: the file is up to date).
    pub changes: Vec<String>,
    /// What was kept although the wheel differs (curated or hand-edited text), and other notes.
    pub notes: Vec<String>,
}

/// Merges `service` (from the wheel named `source`) into the file's existing text, if any.
pub fn merge(
    service: &Service,
    source: &str,
    existing: Option<&str>,
) -> Result<Merged, SliceError> {
    let ops: BTreeMap<&str, String> = service
        .operations
        .iter()
        .map(|o| (o.name.as_str(), yaml::operation(o)))
        .collect();
    let models: BTreeMap<&str, String> = service
        .models
        .iter()
        .map(|m| (m.name.as_str(), yaml::model(m)))
        .collect();
    let Some(existing) = existing else {
        let text = new_file(service, source, &ops, &models);
        let changes = vec![format!(
            "new file: {} operations, {} models",
            ops.len(),
            models.len()
        )];
        return Ok(Merged {
            text,
            changes,
            notes: Vec::new(),
        });
    };
    let blocks = layout::blocks(existing)?;
    let mut m = Merger {
        changes: Vec::new(),
        notes: Vec::new(),
        same_source: scalar(&blocks, "source").as_deref() == Some(source),
    };
    m.check_identity(service, &blocks);
    let text = m.rewrite(service, source, &blocks, &ops, &models)?;
    Ok(Merged {
        text,
        changes: m.changes,
        notes: m.notes,
    })
}

/// A file the importer writes from scratch.
fn new_file(
    service: &Service,
    source: &str,
    ops: &BTreeMap<&str, String>,
    models: &BTreeMap<&str, String>,
) -> String {
    let mut out = format!(
        "service: {}\nversion: {}\ntitle: {}\nbase_url: {BASE_URL}\nsource: {}\n",
        yaml::flow(&service.product),
        quoted_version(&service.version),
        yaml::block(&format!("{} {}", service.product, service.version)),
        yaml::block(source),
    );
    if service.module_override {
        out.push_str(&format!("module: {}\n", service.module));
    }
    out.push('\n');
    out.push_str(&models_block(
        &[],
        &models.values().cloned().collect::<Vec<_>>(),
    ));
    out.push('\n');
    out.push_str(&entries_block(
        "operations",
        &ops.values().cloned().collect::<Vec<_>>(),
    ));
    out
}

fn quoted_version(v: &str) -> String {
    format!("\"{v}\"")
}

/// The value of a top-level `key: value` line, unquoted.
fn scalar(blocks: &[Block], key: &str) -> Option<String> {
    let block = blocks.iter().find(|b| b.key.as_deref() == Some(key))?;
    let line = block.text.lines().find(|l| l.starts_with(key))?;
    let value = line.split_once(':')?.1.trim();
    Some(value.trim_matches('"').to_owned())
}

/// `models:` with the hand-written entries, the marker and the imported ones.
fn models_block(curated: &[String], imported: &[String]) -> String {
    if curated.is_empty() && imported.is_empty() {
        return "models: {}\n".to_owned();
    }
    let mut out = String::from("models:\n");
    out.push_str(&curated.join("\n"));
    if !imported.is_empty() {
        if !curated.is_empty() {
            out.push('\n');
        }
        out.push_str(MODELS_MARKER);
        out.push_str(&imported.join("\n"));
    }
    out
}

fn entries_block(key: &str, entries: &[String]) -> String {
    if entries.is_empty() {
        return format!("{key}: {{}}\n");
    }
    format!("{key}:\n{}", entries.join("\n"))
}

struct Merger {
    changes: Vec<String>,
    notes: Vec<String>,
    same_source: bool,
}

impl Merger {
    fn check_identity(&mut self, service: &Service, blocks: &[Block]) {
        for (key, want) in [("service", &service.product), ("version", &service.version)] {
            let have = scalar(blocks, key);
            if have.as_deref() != Some(want.as_str()) {
                self.notes
                    .push(format!("`{key}` is {have:?} here, `{want}` in the wheel"));
            }
        }
        let module = scalar(blocks, "module");
        if service.module_override && module.as_deref() != Some(service.module.as_str()) {
            self.changes.push(format!("module: {}", service.module));
        }
    }

    /// The file's blocks with `source`, `models` and `operations` rewritten.
    fn rewrite(
        &mut self,
        service: &Service,
        source: &str,
        blocks: &[Block],
        ops: &BTreeMap<&str, String>,
        models: &BTreeMap<&str, String>,
    ) -> Result<String, SliceError> {
        let mut out = String::new();
        let mut line = 1;
        let mut wrote = BTreeSet::new();
        // A missing `source` (and `module`) goes after the last of the file's header keys.
        let header_end = blocks.iter().rposition(|b| {
            matches!(
                b.key.as_deref(),
                Some("service" | "version" | "title" | "base_url" | "source" | "module")
            )
        });
        for (i, block) in blocks.iter().enumerate() {
            let key = block.key.as_deref().unwrap_or("");
            let prefix = &block.text[..prefix_len(&block.text)];
            match key {
                "source" => out.push_str(&format!("{prefix}source: {}\n", yaml::block(source))),
                "models" => {
                    out.push_str(prefix);
                    out.push_str(&self.models(block, line, models)?);
                }
                "operations" => {
                    if !wrote.contains("models") {
                        out.push_str(&self.models(&empty("models"), 0, models)?);
                        out.push('\n');
                        wrote.insert("models");
                    }
                    out.push_str(prefix);
                    out.push_str(&self.operations(block, line, ops)?);
                }
                _ => out.push_str(&block.text),
            }
            wrote.insert(key);
            line += block.text.matches('\n').count();
            if Some(i) == header_end {
                self.missing_header_keys(&mut out, service, source, blocks);
            }
        }
        if scalar(blocks, "source").is_some_and(|s| s != source) {
            self.changes.push(format!("source: {source}"));
        }
        if !wrote.contains("operations") {
            if !wrote.contains("models") {
                out.push('\n');
                out.push_str(&self.models(&empty("models"), 0, models)?);
            }
            out.push('\n');
            out.push_str(&self.operations(&empty("operations"), 0, ops)?);
        }
        Ok(out)
    }

    /// `source:` (and `module:` where the name is overridden) when the file has none yet.
    fn missing_header_keys(
        &mut self,
        out: &mut String,
        service: &Service,
        source: &str,
        blocks: &[Block],
    ) {
        if scalar(blocks, "source").is_none() {
            out.push_str(&format!("source: {}\n", yaml::block(source)));
            self.changes.push(format!("source: {source}"));
        }
        if service.module_override && scalar(blocks, "module").is_none() {
            out.push_str(&format!("module: {}\n", service.module));
        }
    }

    fn models(
        &mut self,
        block: &Block,
        line: usize,
        wheel: &BTreeMap<&str, String>,
    ) -> Result<String, SliceError> {
        let (curated, imported) = layout::entries(block, line)?;
        let curated_names: BTreeSet<&str> = curated.iter().map(|e| e.name.as_str()).collect();
        for name in wheel.keys().filter(|n| curated_names.contains(*n)) {
            self.notes.push(format!(
                "model {name}: the hand-written one is kept; the wheel's is not imported"
            ));
        }
        let wheel: BTreeMap<&str, String> = wheel
            .iter()
            .filter(|(n, _)| !curated_names.contains(*n))
            .map(|(n, t)| (*n, t.clone()))
            .collect();
        let merged = self.imported("model", &imported, &wheel);
        let curated: Vec<String> = curated.into_iter().map(|e| e.text).collect();
        Ok(models_block(&curated, &merged))
    }

    fn operations(
        &mut self,
        block: &Block,
        line: usize,
        wheel: &BTreeMap<&str, String>,
    ) -> Result<String, SliceError> {
        let (entries, _) = layout::entries(block, line)?;
        let (imported, curated): (Vec<Entry>, Vec<Entry>) =
            entries.into_iter().partition(layout::is_imported);
        for c in &curated {
            match wheel.get(c.name.as_str()) {
                None => self
                    .notes
                    .push(format!("operation {}: curated, not in the wheel", c.name)),
                Some(w) => {
                    let (Some(here), Some(there)) =
                        (diff::entry_value(&c.text), diff::entry_value(w))
                    else {
                        continue;
                    };
                    for d in diff::curated(&here, &there) {
                        self.notes
                            .push(format!("operation {} (curated): {d}", c.name));
                    }
                }
            }
        }
        let curated_names: BTreeSet<&str> = curated.iter().map(|e| e.name.as_str()).collect();
        let wheel: BTreeMap<&str, String> = wheel
            .iter()
            .filter(|(n, _)| !curated_names.contains(*n))
            .map(|(n, t)| (*n, t.clone()))
            .collect();
        let merged = self.imported("operation", &imported, &wheel);
        let mut all: Vec<String> = curated.into_iter().map(|e| e.text).collect();
        all.extend(merged);
        Ok(entries_block("operations", &all))
    }

    /// The imported entries after merging: the wheel's, except hand-edited ones (same wheel)
    /// which are kept; in name order.
    fn imported(
        &mut self,
        kind: &str,
        existing: &[Entry],
        wheel: &BTreeMap<&str, String>,
    ) -> Vec<String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        let have: BTreeMap<&str, &Entry> = existing.iter().map(|e| (e.name.as_str(), e)).collect();
        for (name, text) in wheel {
            match have.get(name) {
                None => {
                    self.changes.push(format!("{kind} {name}: added"));
                    out.insert((*name).to_owned(), text.clone());
                }
                Some(e) if e.text == *text => {
                    out.insert((*name).to_owned(), text.clone());
                }
                Some(e) if self.same_source => {
                    self.notes.push(format!(
                        "{kind} {name}: edited by hand (differs from the same wheel); kept"
                    ));
                    out.insert((*name).to_owned(), e.text.clone());
                }
                Some(e) => {
                    let what = match (diff::entry_value(&e.text), diff::entry_value(text)) {
                        (Some(a), Some(b)) => diff::diff(&a, &b).join("; "),
                        _ => "text changed".to_owned(),
                    };
                    self.changes
                        .push(format!("{kind} {name}: changed upstream: {what}"));
                    out.insert((*name).to_owned(), text.clone());
                }
            }
        }
        for e in existing
            .iter()
            .filter(|e| !wheel.contains_key(e.name.as_str()))
        {
            if self.same_source {
                self.notes.push(format!(
                    "{kind} {}: marked imported but not in the wheel; kept",
                    e.name
                ));
                out.insert(e.name.clone(), e.text.clone());
            } else {
                self.changes
                    .push(format!("{kind} {}: removed upstream", e.name));
            }
        }
        out.into_values().collect()
    }
}

/// The length of the comments and blank lines before a block's key line.
fn prefix_len(text: &str) -> usize {
    let mut len = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            len += line.len();
        } else {
            break;
        }
    }
    len
}

fn empty(key: &str) -> Block {
    Block {
        key: Some(key.to_owned()),
        text: format!("{key}: {{}}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Operation, Response};

    fn service() -> Service {
        Service {
            product: "demo".into(),
            version: "1.0".into(),
            module: "demo_1_0".into(),
            module_override: false,
            operations: vec![Operation {
                name: "Ping".into(),
                method: "GET".into(),
                path: "/v1.0/demo/ping".into(),
                anonymous: false,
                params: Vec::new(),
                response: Response::None,
                pagination: None,
                origin: String::new(),
            }],
            models: Vec::new(),
        }
    }

    #[test]
    fn source_and_missing_blocks_are_added_to_a_hand_written_file() {
        let hand = "# Mine.\nservice: demo\nversion: \"1.0\"\ntitle: Demo\n\n# trailing words\n";
        let merged = merge(&service(), "pkg 1", Some(hand)).unwrap();
        assert_eq!(
            merged.text,
            "# Mine.\nservice: demo\nversion: \"1.0\"\ntitle: Demo\nsource: pkg 1\n\n# trailing words\n\nmodels: {}\n\noperations:\n  Ping:\n    origin: imported\n    method: GET\n    path: /v1.0/demo/ping\n    response: none\n"
        );
        assert_eq!(merged.changes, ["source: pkg 1", "operation Ping: added"]);
        let again = merge(&service(), "pkg 1", Some(&merged.text)).unwrap();
        assert_eq!(again.text, merged.text);
        assert!(again.changes.is_empty());
    }
}
