//! Counts of what the wheel holds: the measured facts behind the importer's decisions.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::ir::{Location, Operation, Response, Service, Style, Ty};
use crate::wheel::Wheel;

/// The facts of a wheel, one `label: count (examples)` line each.
pub fn summary(wheel: &Wheel) -> String {
    let mut f = Facts::default();
    for s in &wheel.services {
        f.service(s);
    }
    let mut out = String::new();
    let ops: usize = wheel.services.iter().map(|s| s.operations.len()).sum();
    let products: BTreeSet<&str> = wheel.services.iter().map(|s| s.product.as_str()).collect();
    let _ = writeln!(out, "{}: {} files read, {} service versions of {} products, {} operations imported, {} excluded", wheel.source, wheel.files_read, wheel.services.len(), products.len(), ops, wheel.excluded.len());
    let two: Vec<&str> = products
        .iter()
        .copied()
        .filter(|p| wheel.services.iter().filter(|s| s.product == *p).count() > 1)
        .collect();
    f.add(
        "products at two or more versions",
        two.len(),
        two.iter().map(|s| s.to_string()),
    );
    let shared: Vec<String> = f
        .paths
        .iter()
        .filter(|(_, ops)| ops.len() > 1)
        .map(|(p, _)| p.clone())
        .collect();
    f.add(
        "path templates used by several operations",
        shared.len(),
        shared,
    );
    let (upper, other): (Vec<String>, Vec<String>) = f
        .wires
        .iter()
        .filter(|w| !is_camel(w))
        .cloned()
        .partition(|w| w.chars().all(|c| c.is_ascii_alphanumeric()));
    f.add(
        "wire names with `_`, `-` or other marks (distinct)",
        other.len(),
        other,
    );
    f.add(
        "wire names starting upper case (distinct)",
        upper.len(),
        upper,
    );
    for (label, (count, examples)) in &f.counts {
        let shown: Vec<&String> = examples.iter().take(4).collect();
        let shown: Vec<&str> = shown.iter().map(|s| s.as_str()).collect();
        let _ = writeln!(out, "  {label}: {count} ({})", shown.join(", "));
    }
    out
}

#[derive(Default)]
struct Facts {
    counts: BTreeMap<&'static str, (usize, Vec<String>)>,
    /// Path template with placeholders blanked → the operations using it.
    paths: BTreeMap<String, Vec<String>>,
    /// Every wire name of parameters and fields.
    wires: BTreeSet<String>,
}

impl Facts {
    fn add(&mut self, label: &'static str, n: usize, examples: impl IntoIterator<Item = String>) {
        let e = self.counts.entry(label).or_default();
        e.0 += n;
        e.1.extend(examples);
    }

    fn one(&mut self, label: &'static str, example: String) {
        self.add(label, 1, [example]);
    }

    fn service(&mut self, s: &Service) {
        for op in &s.operations {
            self.operation(s, op);
            for p in &op.params {
                collect_wires(&p.wire, &p.ty, &mut self.wires);
            }
        }
        for m in &s.models {
            for f in &m.fields {
                collect_wires(&f.wire, &f.ty, &mut self.wires);
            }
            let mut named = Vec::new();
            m.fields.iter().for_each(|f| f.ty.named(&mut named));
            if named.contains(&m.name) {
                self.one(
                    "models that refer to themselves",
                    format!("{} {}", s.module, m.name),
                );
            }
        }
        let first = s
            .models
            .iter()
            .take(1)
            .map(|m| format!("{} {}", s.module, m.name));
        self.add("named models", s.models.len(), first);
    }

    fn operation(&mut self, s: &Service, op: &Operation) {
        let at = format!("{} {} {}", s.product, s.version, op.name);
        if !op.name.starts_with(|c: char| c.is_ascii_uppercase()) || op.name.contains('_') {
            self.one("operation names not UpperCamelCase", op.name.clone());
        }
        self.paths
            .entry(blank(&op.path))
            .or_default()
            .push(at.clone());
        let has = |l: Location| op.params.iter().any(|p| p.location == l);
        if op.anonymous {
            self.one("anonymous operations", at.clone());
        }
        if has(Location::Header) {
            self.one("operations with headers besides the token", at.clone());
        }
        if op.method == "GET" && has(Location::Body) {
            self.one("GETs with a body", at.clone());
        }
        match &op.pagination {
            Some(p) => {
                self.one("paginated operations", at.clone());
                if p.has_more.is_some() {
                    self.one("paginated operations with hasMore", at.clone());
                }
            }
            None if takes_cursor(op) => self.one("operations taking a nextToken, not marked paginated (cursor or items not at the answer's top level, or several arrays)", at.clone()),
            None => {}
        }
        self.params(op, &at);
        match &op.response {
            Response::None => self.one("operations without an answer body", at),
            Response::Type(Ty::Named(_)) => self.one("answers that are a named model", at),
            Response::Type(t) => self.one(
                "answers that are not an object",
                format!("{at}: {}", t.expr()),
            ),
            Response::Fields(_) => {}
        }
    }

    fn params(&mut self, op: &Operation, at: &str) {
        for p in &op.params {
            let which = match (p.location, p.style, &p.ty) {
                (Location::Query, None, Ty::Array(t))
                    if matches!(**t, Ty::Object(_) | Ty::Named(_)) =>
                {
                    Some("query arrays of objects, flattened")
                }
                (Location::Query, None, Ty::Array(_)) => Some("query arrays, flattened"),
                (Location::Query, Some(Style::Json), Ty::Array(_)) => {
                    Some("query arrays as one JSON string")
                }
                (Location::Query, Some(Style::Json), _) => {
                    Some("query objects or maps as one JSON string")
                }
                (Location::Query, Some(Style::Comma), _) => Some("query arrays comma-joined"),
                (Location::Body, Some(Style::Json), _) => Some("body fields sent as a JSON string"),
                (Location::Body, Some(Style::Whole), Ty::Array(_)) => {
                    Some("top-level array bodies")
                }
                (Location::Body, Some(Style::Whole), _) => Some("whole bodies that are not arrays"),
                _ => None,
            };
            if let Some(label) = which {
                self.one(label, format!("{at} {}", p.wire));
            }
        }
    }
}

fn collect_wires(wire: &str, ty: &Ty, out: &mut BTreeSet<String>) {
    out.insert(wire.to_owned());
    if let Some(fields) = ty.fields() {
        for f in fields {
            collect_wires(&f.wire, &f.ty, out);
        }
    }
}

/// `lowerCamelCase` (digits allowed): what DingTalk's wire names usually are.
fn is_camel(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// `/a/{x}/b` → `/a/{}/b`.
fn blank(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether a request field (at any depth) is named `nextToken`.
fn takes_cursor(op: &Operation) -> bool {
    let mut names = BTreeSet::new();
    op.params
        .iter()
        .for_each(|p| collect_wires(&p.wire, &p.ty, &mut names));
    names.contains("nextToken")
}
