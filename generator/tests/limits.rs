//! Hostile nesting (issue 14, item 5): types and inline objects nested hundreds or thousands of
//! levels deep give a located error from `check` and `generate`, in process and through the CLI,
//! never a stack overflow; the deepest nesting the format allows (32 levels) still generates.
//!
//! In process, the pipeline runs on a thread with a 2 MiB stack (a test thread's), a quarter of
//! what it has in a build script or the CLI: their main thread and the generator's worker
//! threads have 8 MiB. The deepest nesting allowed needs about 1.5 MiB in a debug build.

use std::path::PathBuf;
use std::process::Command;

use dingtalk_openapi_codegen::{compile, generate, Input, Options};

/// A spec whose one response field is `field` (YAML after `deep: `).
fn spec(field: &str) -> String {
    format!(
        "service: demo\nversion: \"1.0\"\ntitle: Demo\nbase_url: https://api.dingtalk.io\noperations:\n  GetThing:\n    summary: Get a thing.\n    method: GET\n    path: /v1.0/demo/thing\n    response:\n      fields:\n        deep: {field}\n"
    )
}

/// `array<…array<string>…>`, `n` levels.
fn arrays(n: usize) -> String {
    spec(&format!(
        "{{ type: \"{}string{}\" }}",
        "array<".repeat(n),
        ">".repeat(n)
    ))
}

/// Inline objects `n` levels deep, in flow style on one line.
fn flow_objects(n: usize) -> String {
    let mut inner = "{ type: string }".to_owned();
    for _ in 0..n {
        inner = format!("{{ type: object, fields: {{ x: {inner} }} }}");
    }
    spec(&inner)
}

/// Inline objects `n` levels deep, in block style (one indentation step a level).
fn block_objects(n: usize) -> String {
    let mut out = String::from("\n");
    let mut indent = 10;
    for _ in 0..n {
        for line in ["type: object", "fields:"] {
            out.push_str(&format!("{}{line}\n", " ".repeat(indent)));
        }
        indent += 2;
        out.push_str(&format!("{}x:\n", " ".repeat(indent)));
        indent += 2;
    }
    out.push_str(&format!("{}type: string", " ".repeat(indent)));
    spec(&out)
}

/// Runs `f` on a thread with a small stack (a stack overflow aborts the whole test binary).
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic")
}

/// The hostile cases: name, source, and what the error says.
fn hostile() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "300-deep array",
            arrays(300),
            "types nested deeper than 32 levels",
        ),
        (
            "8,000-deep array",
            arrays(8000),
            "types nested deeper than 32 levels",
        ),
        (
            "33-deep array",
            arrays(33),
            "types nested deeper than 32 levels",
        ),
        (
            "500-deep inline objects (flow)",
            flow_objects(500),
            "nested deeper than 128 levels",
        ),
        (
            "500-deep inline objects (block)",
            block_objects(500),
            "nested deeper than 128 levels",
        ),
        (
            "33-deep inline objects",
            block_objects(33),
            "inline objects nested deeper than 32 levels",
        ),
    ]
}

#[test]
fn check_and_generate_report_deep_nesting_located() {
    for (name, source, says) in hostile() {
        let (checked, generated) = small_stack(move || {
            let input = Input {
                name: "demo_1_0.yaml",
                source: &source,
            };
            (
                compile(&[input]).map(|_| ()),
                generate(&[input], &Options::default()).map(|_| ()),
            )
        });
        for (what, result) in [("check", checked), ("generate", generated)] {
            let d = result.expect_err(name);
            assert_eq!(d.0.len(), 1, "{what} {name}: {d}");
            let d = &d.0[0];
            assert!(d.message.contains(says), "{what} {name}: {}", d.message);
            assert!(
                d.line.is_some() && d.column.is_some(),
                "{what} {name}: {d:?}"
            );
            assert!(d.help.is_some(), "{what} {name}: no help");
            // A long type is quoted in part, not 56 KB of it.
            assert!(d.message.len() < 200, "{what} {name}: {}", d.message);
        }
    }
}

#[test]
fn the_cli_reports_deep_nesting_without_overflowing() {
    let dir = std::env::temp_dir().join(format!("dingtalk-limits-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (i, (name, source, says)) in hostile().into_iter().enumerate() {
        let case = dir.join(i.to_string());
        std::fs::create_dir_all(&case).unwrap();
        let file: PathBuf = case.join("demo_1_0.yaml");
        std::fs::write(&file, source).unwrap();
        let out = case.join("out");
        for args in [
            vec!["check", file.to_str().unwrap()],
            vec![
                "generate",
                "--out",
                out.to_str().unwrap(),
                file.to_str().unwrap(),
            ],
        ] {
            let o = Command::new(env!("CARGO_BIN_EXE_dingtalk-openapi-codegen"))
                .args(&args)
                .output()
                .expect("the CLI runs");
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{name} {args:?}: {stderr}");
            assert!(stderr.contains(says), "{name} {args:?}: {stderr}");
            assert!(stderr.contains("demo_1_0.yaml:"), "located: {stderr}");
        }
        assert!(!out.exists(), "{name}: nothing written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_deepest_allowed_nesting_generates() {
    for source in [arrays(32), block_objects(32), flow_objects(32)] {
        let generated = small_stack(move || {
            let input = Input {
                name: "demo_1_0.yaml",
                source: &source,
            };
            generate(&[input], &Options::default()).map(|g| g.len())
        });
        assert_eq!(generated.unwrap_or_else(|d| panic!("{d}")), 1);
    }
}
