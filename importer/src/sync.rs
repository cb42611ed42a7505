//! What follows the spec files without a manual step: the SDK's cargo features (one per
//! `spec/*.yaml`, plus `full`) in `generated/Cargo.toml` and the coverage table in `README.md`,
//! each written between marker lines. `import.sh` runs `sync` (this module, from the CLI) after
//! every import; a test runs it in check mode, so a spec file added or removed by hand fails the
//! tests until it is run.

use std::path::Path;

use dingtalk_openapi_codegen::spec::Origin;
use dingtalk_openapi_codegen::Input;

/// The manifest whose `[features]` hold the service features, from the workspace root.
pub const MANIFEST: &str = "generated/Cargo.toml";
/// The README with the coverage table, from the workspace root.
pub const README: &str = "README.md";
/// The spec folder, from the workspace root.
pub const SPEC: &str = "spec";

const FEATURES_BEGIN: &str = "# BEGIN service features: one per spec/*.yaml, written by `importer/import.sh` (`cargo run -p dingtalk-openapi-importer -- sync`); do not edit by hand.";
const FEATURES_END: &str = "# END service features";
const COVERAGE_BEGIN: &str = "<!-- BEGIN coverage: written by `importer/import.sh` (`cargo run -p dingtalk-openapi-importer -- sync`) from spec/; do not edit by hand. -->";
const COVERAGE_END: &str = "<!-- END coverage -->";

/// One spec file, as the features and the coverage table show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceVersion {
    /// Rust module, cargo feature and file stem (`wiki_2_0`).
    pub module: String,
    /// Product code (`wiki`).
    pub product: String,
    /// Version (`2.0`).
    pub version: String,
    /// The file's title.
    pub title: String,
    /// Operations.
    pub operations: usize,
    /// Operations written by hand (`origin: curated`, or no origin).
    pub curated: usize,
}

/// Every spec file of `dir`, loaded with the generator's own loader, in file order.
pub fn services(dir: &Path) -> Result<Vec<ServiceVersion>, String> {
    let files = dingtalk_openapi_codegen::files::read_specs(dir, SPEC)?;
    files
        .iter()
        .map(|(name, source)| {
            let spec = dingtalk_openapi_codegen::load(Input { name, source })
                .map_err(|d| d.to_string())?;
            let module = spec.module();
            let stem = name.trim_start_matches("spec/").trim_end_matches(".yaml");
            if module != stem {
                return Err(format!(
                    "{name}: declares module `{module}`; name the file `{module}.yaml`"
                ));
            }
            Ok(ServiceVersion {
                module,
                curated: (spec.operations.values())
                    .filter(|o| o.origin != Origin::Imported)
                    .count(),
                operations: spec.operations.len(),
                product: spec.service,
                version: spec.version,
                title: spec.title,
            })
        })
        .collect()
}

/// The lines between the feature markers: `full`, then one feature per service version with
/// its title and size as a comment.
pub fn features_block(services: &[ServiceVersion]) -> String {
    let mut out = String::from("# Every service version.\nfull = [\n");
    let mut line = String::new();
    for s in services {
        let item = format!("\"{}\",", s.module);
        if !line.is_empty() && line.len() + 1 + item.len() > 96 {
            out.push_str(&format!("    {line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&item);
    }
    if !line.is_empty() {
        out.push_str(&format!("    {line}\n"));
    }
    out.push_str("]\n");
    for s in services {
        out.push_str(&format!("# {}\n{} = []\n", describe(s), s.module));
    }
    out
}

/// `Knowledge bases (Wiki), `wiki` 2.0: 23 operations (5 curated)`.
fn describe(s: &ServiceVersion) -> String {
    let plain = format!("{} {}", s.product, s.version);
    let name = if s.title == plain {
        format!("`{}` {}", s.product, s.version)
    } else {
        format!("{}, `{}` {}", s.title, s.product, s.version)
    };
    format!("{name}: {}", count(s))
}

fn count(s: &ServiceVersion) -> String {
    let ops = plural(s.operations, "operation");
    match s.curated {
        0 => ops,
        n => format!("{ops} ({n} curated)"),
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{} {what}s", thousands(n))
    }
}

/// `3278` → `3,278`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The lines between the coverage markers: a total, then a table of every service version.
pub fn coverage_block(services: &[ServiceVersion]) -> String {
    let ops: usize = services.iter().map(|s| s.operations).sum();
    let curated: usize = services.iter().map(|s| s.curated).sum();
    let products = {
        let mut p: Vec<&str> = services.iter().map(|s| s.product.as_str()).collect();
        p.sort_unstable();
        p.dedup();
        p.len()
    };
    let mut out = format!(
        "{} service versions of {products} products, {} ({} curated, {} imported).\n\n",
        services.len(),
        plural(ops, "operation"),
        thousands(curated),
        thousands(ops - curated),
    );
    out.push_str("<details><summary>Every service version: its cargo feature, product code, version, title (curated files) and operations</summary>\n\n");
    out.push_str("| feature | product | version | title | operations | curated |\n");
    out.push_str("|---|---|---|---|---:|---:|\n");
    for s in services {
        // Imported files are titled `product version`: no need to say it twice.
        let title = if s.title == format!("{} {}", s.product, s.version) {
            String::new()
        } else {
            s.title.replace('|', "\\|")
        };
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {title} | {} | {} |\n",
            s.module, s.product, s.version, s.operations, s.curated
        ));
    }
    out.push_str("\n</details>\n");
    out
}

/// `text` with the lines strictly between the `begin` and `end` marker lines replaced by
/// `block`; `file` names it in errors.
pub fn replace_between(
    text: &str,
    file: &str,
    (begin, end): (&str, &str),
    block: &str,
) -> Result<String, String> {
    let start = text
        .find(begin)
        .ok_or_else(|| format!("{file}: no line `{begin}`: add it, and `{end}` after it"))?;
    let body = start + begin.len();
    let stop = text[body..]
        .find(end)
        .map(|i| body + i)
        .ok_or_else(|| format!("{file}: no line `{end}` after `{begin}`"))?;
    Ok(format!("{}\n{block}{}", &text[..body], &text[stop..]))
}

/// The feature names declared between the markers (`name = …` lines), in order.
fn declared_features(block: &str) -> Vec<&str> {
    block
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with(' '))
        .filter_map(|l| l.split_once(" = ").map(|(name, _)| name.trim()))
        .filter(|name| *name != "full")
        .collect()
}

/// A file that does not follow the spec: which, and what differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Workspace-relative path.
    pub file: &'static str,
    /// What differs, one finding a line.
    pub details: Vec<String>,
    /// The text it should have.
    pub text: String,
}

/// Compares the manifest's service features and the README's coverage table with the spec
/// files under `root`; returns the files that differ (write them with [`write()`]).
pub fn stale(root: &Path) -> Result<Vec<Stale>, String> {
    let services = services(&root.join(SPEC))?;
    let mut out = Vec::new();
    let manifest = read(root, MANIFEST)?;
    let want = features_block(&services);
    let text = replace_between(&manifest, MANIFEST, (FEATURES_BEGIN, FEATURES_END), &want)?;
    if text != manifest {
        let have = between(&manifest, FEATURES_BEGIN, FEATURES_END);
        out.push(Stale {
            file: MANIFEST,
            details: feature_differences(&declared_features(have), &services),
            text,
        });
    }
    let readme = read(root, README)?;
    let want = coverage_block(&services);
    let text = replace_between(&readme, README, (COVERAGE_BEGIN, COVERAGE_END), &want)?;
    if text != readme {
        out.push(Stale {
            file: README,
            details: vec!["the coverage table differs from spec/".to_owned()],
            text,
        });
    }
    Ok(out)
}

/// Writes what [`stale`] found.
pub fn write(root: &Path, stale: &[Stale]) -> Result<(), String> {
    for s in stale {
        let path = root.join(s.file);
        std::fs::write(&path, &s.text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

fn read(root: &Path, file: &str) -> Result<String, String> {
    std::fs::read_to_string(root.join(file)).map_err(|e| format!("{file}: {e}"))
}

fn between<'a>(text: &'a str, begin: &str, end: &str) -> &'a str {
    let start = text.find(begin).map_or(0, |i| i + begin.len());
    let stop = text[start..].find(end).map_or(text.len(), |i| start + i);
    &text[start..stop]
}

/// Every feature missing from or extra in the manifest, named; or that only their comments or
/// `full` differ.
fn feature_differences(declared: &[&str], services: &[ServiceVersion]) -> Vec<String> {
    let missing: Vec<&str> = services
        .iter()
        .map(|s| s.module.as_str())
        .filter(|m| !declared.contains(m))
        .collect();
    let extra: Vec<&str> = declared
        .iter()
        .copied()
        .filter(|d| !services.iter().any(|s| s.module == *d))
        .collect();
    let mut out = Vec::new();
    if !missing.is_empty() {
        out.push(format!(
            "missing features (spec files without one): {}",
            missing.join(", ")
        ));
    }
    if !extra.is_empty() {
        out.push(format!(
            "extra features (no spec file): {}",
            extra.join(", ")
        ));
    }
    if out.is_empty() {
        out.push("`full` or the features' comments (titles, operation counts) differ".to_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(module: &str, title: &str, operations: usize, curated: usize) -> ServiceVersion {
        let (product, version) = module.split_once('_').unwrap();
        ServiceVersion {
            module: module.to_owned(),
            product: product.to_owned(),
            version: version.replace('_', "."),
            title: title.to_owned(),
            operations,
            curated,
        }
    }

    #[test]
    fn features_name_every_service_and_full_lists_them() {
        let block = features_block(&[
            sv("wiki_2_0", "Wiki", 23, 3),
            sv("edu_1_0", "edu 1.0", 1, 0),
        ]);
        assert_eq!(
            block,
            "# Every service version.\nfull = [\n    \"wiki_2_0\", \"edu_1_0\",\n]\n\
             # Wiki, `wiki` 2.0: 23 operations (3 curated)\nwiki_2_0 = []\n\
             # `edu` 1.0: 1 operation\nedu_1_0 = []\n"
        );
        assert_eq!(declared_features(&block), ["wiki_2_0", "edu_1_0"]);
    }

    #[test]
    fn differences_name_every_missing_and_extra_feature() {
        let services = [
            sv("a_1_0", "A", 1, 0),
            sv("b_1_0", "B", 1, 0),
            sv("c_1_0", "C", 1, 0),
        ];
        assert_eq!(
            feature_differences(&["a_1_0", "x_1_0", "y_1_0"], &services),
            [
                "missing features (spec files without one): b_1_0, c_1_0",
                "extra features (no spec file): x_1_0, y_1_0"
            ]
        );
    }

    #[test]
    fn the_block_between_markers_is_replaced_and_missing_markers_are_named() {
        let text = "a\nBEGIN\nold\nEND\nz\n";
        assert_eq!(
            replace_between(text, "f", ("BEGIN", "END"), "new\n").unwrap(),
            "a\nBEGIN\nnew\nEND\nz\n"
        );
        let e = replace_between("a\n", "f", ("BEGIN", "END"), "").unwrap_err();
        assert!(e.contains("no line `BEGIN`"), "{e}");
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(3278), "3,278");
        assert_eq!(thousands(999), "999");
        assert_eq!(plural(1, "operation"), "1 operation");
    }
}
