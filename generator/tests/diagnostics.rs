//! Every malformed spec under `tests/malformed/` must fail with located, helpful errors: the
//! full rendered report (plain, no colour) of each file is snapshotted.

use std::path::PathBuf;

use dingtalk_openapi_codegen::{compile, files, validate, Input};

fn corpus() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/malformed");
    files::yaml_files(&dir)
        .expect("tests/malformed")
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            (stem, std::fs::read_to_string(&p).expect("readable spec"))
        })
        .collect()
}

fn report(stem: &str, source: &str) -> String {
    let name = format!("tests/malformed/{stem}.yaml");
    let input = Input {
        name: &name,
        source,
    };
    // `check` (which lowers nothing) and `compile` report the same problems.
    let checked = validate(&[input]).expect_err("malformed");
    match compile(&[input]) {
        Ok(_) => panic!("{name} is accepted, but it is in the malformed corpus"),
        Err(d) => {
            assert_eq!(d, checked, "{name}: validate and compile differ");
            for diag in &d.0 {
                assert!(
                    diag.line.is_some() && diag.column.is_some(),
                    "{name}: unlocated diagnostic: {diag:?}"
                );
                assert!(diag.help.is_some(), "{name}: no help: {diag:?}");
            }
            d.render(false)
        }
    }
}

#[test]
fn malformed_specs_report_located_errors() {
    let corpus = corpus();
    assert!(corpus.len() >= 30, "only {} malformed specs", corpus.len());
    for (stem, source) in &corpus {
        let rendered = report(stem, source);
        assert!(
            !rendered.contains('\u{1b}'),
            "{stem}: colour in plain output"
        );
        insta::with_settings!({ snapshot_suffix => stem.as_str(), prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!("malformed", rendered);
        });
    }
}

#[test]
fn every_file_is_reported_in_one_run() {
    let corpus = corpus();
    let pick = |stem: &str| {
        corpus
            .iter()
            .find(|(s, _)| s == stem)
            .map(|(s, src)| (format!("tests/malformed/{s}.yaml"), src.clone()))
            .expect("corpus file")
    };
    let files = [
        pick("yaml_unclosed_bracket"),
        pick("unknown_types"),
        pick("many_problems"),
    ];
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, source)| Input { name, source })
        .collect();
    let d = compile(&inputs).expect_err("all three are malformed");
    for (name, _) in &files {
        assert!(d.0.iter().any(|d| &d.file == name), "nothing for {name}");
    }
    assert_eq!(d.0.len(), 1 + 3 + 6);
}

#[test]
fn valid_specs_have_no_problems() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    for dir in ["spec", "tests/fixtures"] {
        for (name, source) in files::read_specs(&root.join(dir), dir).expect("folder") {
            if let Err(d) = compile(&[Input {
                name: &name,
                source: &source,
            }]) {
                panic!("{d}");
            }
        }
    }
}
