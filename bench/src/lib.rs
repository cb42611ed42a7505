//! Benchmark support: a deterministic synthetic spec generator shaped like the real DingTalk API.
//!
//! The official SDKs cover ~3,250 operations in 125 product-versions (~26 operations a file).
//! [`specs`] writes that many operations as spec files in the format of `spec/README.md`, with
//! the shapes the real pages have: path/query/body parameters, nested objects, arrays of
//! objects, string enums, maps, 5–30 fields an operation, several errors with dotted codes, and
//! named models shared between the operations of a file.

use std::fmt::Write;

/// Operations per synthetic service file (3,250 / 125 in the real API).
pub const OPS_PER_FILE: usize = 26;

/// A small, seeded PRNG (SplitMix64): the same seed gives the same specs on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }
    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    /// One element of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.range(0, items.len() - 1)]
    }
    /// One name of `names`.
    pub fn pick_name<'a>(&mut self, names: &'a [String]) -> &'a str {
        &names[self.range(0, names.len() - 1)]
    }
}

const NOUNS: &[&str] = &[
    "space",
    "dentry",
    "file",
    "folder",
    "member",
    "group",
    "task",
    "event",
    "calendar",
    "report",
    "template",
    "record",
    "sheet",
    "robot",
    "message",
    "card",
    "approval",
    "form",
    "device",
    "order",
    "project",
    "workspace",
    "node",
    "comment",
    "tag",
    "role",
    "user",
    "dept",
    "label",
    "schedule",
    "meeting",
    "room",
    "attendee",
    "invoice",
    "contract",
    "ticket",
];
const ADJECTIVES: &[&str] = &[
    "", "", "", "org", "team", "shared", "main", "custom", "biz", "open", "source", "target",
];
const SUFFIXES: &[&str] = &[
    "Id", "Name", "Type", "Time", "Count", "Url", "Status", "Code", "Size", "Key", "Ids", "List",
    "Info", "Mode", "Desc",
];
const VERBS: &[(&str, &str)] = &[
    ("Get", "GET"),
    ("List", "GET"),
    ("Query", "GET"),
    ("Create", "POST"),
    ("Add", "POST"),
    ("Update", "PUT"),
    ("Delete", "DELETE"),
    ("Batch", "POST"),
    ("Search", "POST"),
    ("Move", "POST"),
];
const SENTENCES: &[&str] = &[
    "The ID of the resource; get it from the list API of this service.",
    "The unionId of the operator. To obtain it, call the Query user details API.",
    "The time it was created, in ISO 8601 format (yyyy-MM-ddTHH:mmZ).",
    "Whether the result includes the items the operator cannot edit.",
    "The display name shown to members of the organization.",
    "The page size. The default is 30 and the maximum 50.",
    "The cursor of the next page; empty on the first call.",
    "Extended properties, as a JSON object of string values.",
];
const ERRORS: &[(u16, &str, &str)] = &[
    (400, "param.error", "Parameter error."),
    (400, "request.overlimit", "Requests are too frequent."),
    (
        400,
        "unsupported.operation",
        "This operation is not supported.",
    ),
    (
        403,
        "no.priviledge",
        "You are not authorized to perform this operation.",
    ),
    (
        403,
        "permissionDenied",
        "The current user does not have permission for this action.",
    ),
    (404, "resource.notFound", "The resource does not exist."),
    (404, "space.notExist", "The space does not exist."),
    (409, "name.conflict", "The name is already used."),
    (
        429,
        "quota.exceeded",
        "The quota of the organization is used up.",
    ),
    (500, "systemError", "The service is busy. Try again later."),
    (500, "unknownError", "Unknown error."),
    (503, "operationTimeout", "The request timed out."),
];

fn camel(parts: &[&str]) -> String {
    let mut s = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        if s.is_empty() {
            s.push_str(p);
        } else {
            let mut c = p.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        }
    }
    s
}

fn pascal(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A unique wire name for a field of one object.
fn field_name(rng: &mut Rng, used: &mut Vec<String>) -> String {
    loop {
        let n = camel(&[rng.pick(ADJECTIVES), rng.pick(NOUNS), rng.pick(SUFFIXES)]);
        if !used.contains(&n) {
            used.push(n.clone());
            return n;
        }
    }
}

/// The named models of a file: (name, is_enum).
struct Models {
    structs: Vec<String>,
    enums: Vec<String>,
}

/// Where a field goes: its `in:` (parameters only) and whether it is required.
type Place<'a> = (Option<&'a str>, bool);

/// Writes one field (YAML, at `indent`), choosing a type; `depth` limits nesting.
fn field(
    out: &mut String,
    rng: &mut Rng,
    indent: usize,
    name: &str,
    (location, required): Place<'_>,
    depth: usize,
    models: &Models,
) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}{name}:");
    let pad = " ".repeat(indent + 2);
    if let Some(l) = location {
        let _ = writeln!(out, "{pad}in: {l}");
    }
    if required {
        let _ = writeln!(out, "{pad}required: true");
    }
    let _ = writeln!(out, "{pad}description: {}", rng.pick(SENTENCES));
    let in_query = location == Some("query") || location == Some("path");
    let roll = rng.range(0, 99);
    let nested = depth < 2 && !in_query;
    if location == Some("path") || roll < 40 {
        let _ = writeln!(out, "{pad}type: string");
        if rng.chance(30) {
            let _ = writeln!(out, "{pad}example: {}", rng.next_u64() % 1_000_000_007);
        }
        if rng.chance(15) {
            let _ = writeln!(out, "{pad}max_length: {}", rng.range(16, 256));
        }
    } else if roll < 50 {
        let _ = writeln!(out, "{pad}type: {}", rng.pick(&["int32", "int64"]));
        if rng.chance(30) {
            let _ = writeln!(out, "{pad}maximum: {}", rng.range(20, 1000));
        }
    } else if roll < 58 {
        let _ = writeln!(out, "{pad}type: boolean");
        if rng.chance(30) {
            let _ = writeln!(out, "{pad}default: false");
        }
    } else if roll < 63 {
        let _ = writeln!(out, "{pad}type: double");
    } else if roll < 70 {
        let _ = writeln!(out, "{pad}type: array<string>");
        let _ = writeln!(out, "{pad}max_items: {}", rng.range(10, 100));
    } else if roll < 77 {
        let _ = writeln!(out, "{pad}type: string");
        let _ = writeln!(out, "{pad}enum:");
        for v in ["ACTIVE", "DISABLED", "DELETED", "PENDING"]
            .iter()
            .take(rng.range(2, 4))
        {
            let _ = writeln!(out, "{pad}  {v}: The item is {}.", v.to_lowercase());
        }
    } else if roll < 83 && !models.enums.is_empty() {
        let _ = writeln!(out, "{pad}type: {}", rng.pick_name(&models.enums));
    } else if roll < 90 && !models.structs.is_empty() && !in_query {
        let m = rng.pick_name(&models.structs).to_owned();
        let t = if rng.chance(40) {
            format!("array<{m}>")
        } else {
            m
        };
        let _ = writeln!(out, "{pad}type: {t}");
    } else if roll < 96 && nested {
        let arr = rng.chance(40);
        let _ = writeln!(
            out,
            "{pad}type: {}",
            if arr { "array<object>" } else { "object" }
        );
        let _ = writeln!(out, "{pad}fields:");
        let mut used = Vec::new();
        for _ in 0..rng.range(2, 5) {
            let n = field_name(rng, &mut used);
            let req = rng.chance(20);
            field(out, rng, indent + 4, &n, (None, req), depth + 1, models);
        }
    } else if nested {
        let _ = writeln!(out, "{pad}type: map<string, string>");
    } else {
        let _ = writeln!(out, "{pad}type: int64");
    }
}

/// One spec file with `ops` operations; `index` makes its service name unique.
pub fn spec_file(index: usize, ops: usize, rng: &mut Rng) -> (String, String) {
    let service = format!("svc{index:03}");
    let mut out = String::new();
    let _ = writeln!(out, "service: {service}");
    let _ = writeln!(out, "version: \"1.0\"");
    let _ = writeln!(out, "title: Synthetic service {index}");
    let _ = writeln!(out, "base_url: https://api.dingtalk.io");
    // Shared models: enums first (structs may use them), then structs (later ones may use
    // earlier ones).
    let mut models = Models {
        structs: Vec::new(),
        enums: Vec::new(),
    };
    let _ = writeln!(out, "models:");
    for i in 0..rng.range(1, 3) {
        let name = format!("{}Status{i}", pascal(rng.pick(NOUNS)));
        let _ = writeln!(out, "  {name}:");
        let _ = writeln!(out, "    description: The status of an item.");
        let _ = writeln!(out, "    enum:");
        for v in ["NORMAL", "ARCHIVED", "RECYCLED", "LOCKED", "EXPIRED"]
            .iter()
            .take(rng.range(2, 5))
        {
            let _ = writeln!(out, "      {v}: The item is {}.", v.to_lowercase());
        }
        models.enums.push(name);
    }
    for i in 0..rng.range(2, 5) {
        let name = format!("{}Model{i}", pascal(rng.pick(NOUNS)));
        let _ = writeln!(out, "  {name}:");
        let _ = writeln!(
            out,
            "    description: A {} of this service.",
            name.to_lowercase()
        );
        let _ = writeln!(out, "    fields:");
        let mut used = Vec::new();
        for _ in 0..rng.range(4, 12) {
            let n = field_name(rng, &mut used);
            field(&mut out, rng, 6, &n, (None, false), 1, &models);
        }
        models.structs.push(name);
    }
    let _ = writeln!(out, "operations:");
    let mut op_names = Vec::new();
    for k in 0..ops {
        let (verb, method) = rng.pick(VERBS);
        let noun = pascal(rng.pick(NOUNS));
        let mut name = format!("{verb}{noun}");
        while op_names.contains(&name) {
            name = format!("{name}{k}");
        }
        op_names.push(name.clone());
        let _ = writeln!(out, "  {name}:");
        let _ = writeln!(out, "    summary: {verb} a {}.", noun.to_lowercase());
        if rng.chance(40) {
            let _ = writeln!(
                out,
                "    description: >-\n      {} {}",
                rng.pick(SENTENCES),
                rng.pick(SENTENCES)
            );
        }
        let _ = writeln!(out, "    method: {method}");
        let has_path = rng.chance(60);
        let path_param = format!("{}Id", noun.to_lowercase());
        let _ = writeln!(
            out,
            "    path: /v1.0/{service}/{}s{k}{}",
            noun.to_lowercase(),
            if has_path {
                format!("/{{{path_param}}}")
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            out,
            "    permission: {{ code: {}.{noun}.Read, description: Read permission }}",
            pascal(&service)
        );
        let _ = writeln!(out, "    app_types: [internal, third_party_enterprise]");
        if method != "GET" {
            let _ = writeln!(out, "    idempotent: {}", method != "POST");
        }
        // 5–30 fields an operation, parameters and response together.
        let total = rng.range(5, 30);
        let n_params = rng.range(1, (total / 2).max(1));
        let n_resp = total - n_params;
        let _ = writeln!(out, "    params:");
        let mut used = vec![path_param.clone()];
        if has_path {
            field(
                &mut out,
                rng,
                6,
                &path_param,
                (Some("path"), true),
                0,
                &models,
            );
        }
        for i in 0..n_params {
            let n = field_name(rng, &mut used);
            let loc = if method == "GET" || i == 0 || rng.chance(25) {
                "query"
            } else {
                "body"
            };
            let req = rng.chance(35);
            field(&mut out, rng, 6, &n, (Some(loc), req), 0, &models);
        }
        if rng.chance(8) {
            let _ = writeln!(out, "    response: none");
        } else {
            let _ = writeln!(out, "    response:");
            let _ = writeln!(out, "      fields:");
            let mut used = Vec::new();
            for _ in 0..n_resp {
                let n = field_name(rng, &mut used);
                field(&mut out, rng, 8, &n, (None, false), 0, &models);
            }
        }
        let _ = writeln!(out, "    errors:");
        let mut errs: Vec<usize> = (0..ERRORS.len()).collect();
        for _ in 0..rng.range(3, 8) {
            let e = errs.remove(rng.range(0, errs.len() - 1));
            let (status, code, desc) = ERRORS[e];
            let _ = writeln!(
                out,
                "      - {{ status: {status}, code: {code}, message: \"%s\", description: {desc} }}"
            );
        }
    }
    (format!("{service}_1_0.yaml"), out)
}

/// `ops` operations in files of [`OPS_PER_FILE`] (the last one may be shorter), from `seed`.
pub fn specs(ops: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = Rng::new(seed);
    let mut files = Vec::new();
    let mut left = ops;
    let mut i = 0;
    while left > 0 {
        let n = left.min(OPS_PER_FILE);
        files.push(spec_file(i, n, &mut rng));
        left -= n;
        i += 1;
    }
    files
}

/// One spec file whose model `Wide` has `keys` fields in one mapping (`f0` … `f99999`), about
/// 26 bytes a key; with `duplicated`, every key is the same one (`f`), so every key after the
/// first is a problem to report.
pub fn wide_mapping(keys: usize, duplicated: bool) -> (String, String) {
    let mut out = String::with_capacity(keys * 28 + 512);
    out.push_str("service: wide\nversion: \"1.0\"\ntitle: A wide mapping\nbase_url: https://api.dingtalk.io\nmodels:\n  Wide:\n    description: A model with many fields.\n    fields:\n");
    for i in 0..keys {
        if duplicated {
            out.push_str("      f: { type: string }\n");
        } else {
            let _ = writeln!(out, "      f{i}: {{ type: string }}");
        }
    }
    out.push_str("operations:\n  GetWide:\n    summary: Get the wide model.\n    method: GET\n    path: /v1.0/wide\n    response:\n      fields:\n        wide: { type: Wide, description: The model. }\n");
    ("wide_1_0.yaml".to_owned(), out)
}

/// The seed every benchmark and the build-cost script use.
pub const SEED: u64 = 0x0D17_6A1C;

#[cfg(test)]
mod tests {
    use super::*;
    use dingtalk_openapi_codegen::{generate, Input, Options};

    #[test]
    fn wide_mappings_are_valid_or_report_each_duplicate() {
        let (name, source) = wide_mapping(100, false);
        let input = Input {
            name: &name,
            source: &source,
        };
        assert_eq!(dingtalk_openapi_codegen::validate(&[input]), Ok(1));
        let (name, source) = wide_mapping(100, true);
        let input = Input {
            name: &name,
            source: &source,
        };
        let d = dingtalk_openapi_codegen::validate(&[input]).unwrap_err();
        assert_eq!(d.0.len(), 99);
    }

    #[test]
    fn deterministic_and_valid() {
        let a = specs(60, SEED);
        assert_eq!(a, specs(60, SEED));
        assert_eq!(a.len(), 3);
        let inputs: Vec<_> = a
            .iter()
            .map(|(name, source)| Input { name, source })
            .collect();
        let out = generate(&inputs, &Options::default()).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(
            out.iter()
                .map(|g| g.service.operations.len())
                .sum::<usize>(),
            60
        );
    }
}
