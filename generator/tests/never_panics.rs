//! Mutated valid specs (lines deleted, duplicated or replaced, characters flipped, values
//! swapped) must never make load, check or generate panic: every outcome is generated code or
//! located diagnostics.
//!
//! This is the fuzz target. CI runs 1,000 cases; for a longer, bounded run:
//! `PROPTEST_CASES=50000 cargo test --release -p dingtalk-openapi-codegen --test never_panics`.

use std::path::PathBuf;

use dingtalk_openapi_codegen::{files, generate, Input, Options};
use proptest::prelude::*;

/// Cases per run: `PROPTEST_CASES` if set, else 1,000 (a few seconds in debug).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// The valid specs to mutate: the fixtures and the real spec files.
fn seeds() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for dir in ["tests/fixtures", "spec"] {
        let specs = files::read_specs(&root.join(dir), dir).expect("seed folder");
        out.extend(specs.into_iter().map(|(_, text)| text));
    }
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    ReplaceLine(usize, usize),
    FlipChar(usize, char),
    SwapValues(usize, usize),
    Indent(usize, bool),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop::sample::select(vec![
        ':', '{', '}', '[', ']', ',', '-', '#', '"', '\'', ' ', '\t', '\n', '<', '>', '|', '&',
        '*', '!', '?', 'x', '0', '.', '\u{e9}',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::ReplaceLine(a, b)),
        (any::<usize>(), special).prop_map(|(a, c)| Mutation::FlipChar(a, c)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapValues(a, b)),
        (any::<usize>(), any::<bool>()).prop_map(|(a, b)| Mutation::Indent(a, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return text.to_owned();
    }
    let n = lines.len();
    match *m {
        Mutation::DeleteLine(i) => {
            lines.remove(i % n);
        }
        Mutation::DuplicateLine(i) => {
            let l = lines[i % n].clone();
            lines.insert(i % n, l);
        }
        Mutation::ReplaceLine(a, b) => lines[a % n] = lines[b % n].clone(),
        Mutation::FlipChar(i, c) => {
            let mut chars: Vec<char> = lines.join("\n").chars().collect();
            if !chars.is_empty() {
                let at = i % chars.len();
                chars[at] = c;
            }
            return chars.into_iter().collect();
        }
        Mutation::SwapValues(a, b) => {
            let value = |l: &str| {
                l.split_once(": ")
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
            };
            if let (Some((ka, va)), Some((kb, vb))) = (value(&lines[a % n]), value(&lines[b % n])) {
                lines[a % n] = format!("{ka}: {vb}");
                lines[b % n] = format!("{kb}: {va}");
            }
        }
        Mutation::Indent(i, deeper) => {
            let l = &mut lines[i % n];
            if deeper {
                l.insert_str(0, "  ");
            } else if let Some(s) = l.strip_prefix("  ") {
                *l = s.to_owned();
            }
        }
    }
    lines.join("\n") + "\n"
}

proptest! {
    // Bounded so the test stays well under 20 s in a debug build.
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn load_check_generate_never_panic(
        seed in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let seeds = seeds();
        let mut text = seed.get(&seeds).clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        let input = Input { name: "tests/fixtures/mutated.yaml", source: &text };
        match generate(&[input], &Options::default()) {
            Ok(_) => {}
            Err(d) => {
                prop_assert!(!d.0.is_empty(), "an error without diagnostics");
                // A spec the checks accept always generates Rust that parses.
                prop_assert!(
                    !d.0.iter().any(|d| d.message.contains("generated code does not parse")),
                    "{}\n{}", d, text
                );
                // Rendering must not panic either.
                let _ = d.render(false);
                let _ = d.render(true);
            }
        }
    }
}
