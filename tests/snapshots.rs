//! Snapshots of the generated source: whole files per spec, and focused items for the tricky
//! constructs. A changed snapshot must be reviewed (`cargo insta review`), never accepted blindly.

use std::path::{Path, PathBuf};

use dingtalk_openapi_codegen::{generate, Generated, Input, Options};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `.yaml` files of a folder under the workspace root, sorted, as (display name, text).
fn specs(dir: &str) -> Vec<(String, String)> {
    dingtalk_openapi_codegen::files::read_specs(&root().join(dir), dir).unwrap()
}

fn gen(files: &[(String, String)], opts: &Options) -> Vec<Generated> {
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|(name, source)| Input { name, source })
        .collect();
    generate(&inputs, opts).unwrap_or_else(|d| panic!("{d}"))
}

/// One generated file by spec file name (`wiki_2_0.yaml`).
fn generated(dir: &str, file: &str) -> String {
    let files: Vec<_> = specs(dir)
        .into_iter()
        .filter(|(n, _)| n.rsplit('/').next() == Some(file))
        .collect();
    assert_eq!(files.len(), 1, "{dir}/{file} not found");
    gen(&files, &Options::default()).remove(0).source
}

/// The named items (struct, enum and their impls) of a generated file, formatted alone.
fn focus(source: &str, names: &[&str]) -> String {
    let file = syn::parse_file(source).unwrap();
    let name_of = |item: &syn::Item| match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Impl(i) => match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        // `rt::operation!(Name, …)`, `rt::string_enum!(Name { … })`: the type it is for.
        syn::Item::Macro(m) => m.mac.tokens.clone().into_iter().find_map(|t| match t {
            proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        }),
        _ => None,
    };
    let items: Vec<syn::Item> = file
        .items
        .into_iter()
        .filter(|item| name_of(item).is_some_and(|n| names.contains(&n.as_str())))
        .collect();
    for name in names {
        assert!(
            items.iter().any(|i| name_of(i).as_deref() == Some(*name)),
            "`{name}` is not in the generated source"
        );
    }
    prettyplease::unparse(&syn::File {
        shebang: None,
        attrs: vec![],
        items,
    })
}

#[test]
fn every_spec_file() {
    for g in gen(&specs("spec"), &Options::default()) {
        insta::assert_snapshot!(format!("spec__{}", g.service.module), g.source);
    }
}

#[test]
fn every_fixture() {
    let opts = Options::external("dingtalk_openapi");
    for ((name, _), g) in specs("tests/fixtures")
        .iter()
        .zip(gen(&specs("tests/fixtures"), &opts))
    {
        let stem = name
            .trim_start_matches("tests/fixtures/")
            .trim_end_matches(".yaml");
        insta::assert_snapshot!(format!("fixture__{stem}"), g.source);
    }
}

#[test]
fn output_is_deterministic() {
    let files = specs("spec");
    let a: Vec<String> = gen(&files, &Options::default())
        .into_iter()
        .map(|g| g.source)
        .collect();
    let b: Vec<String> = gen(&files, &Options::default())
        .into_iter()
        .map(|g| g.source)
        .collect();
    assert_eq!(a, b);
}

#[test]
fn enum_with_unknown_variant() {
    let src = generated("spec", "wiki_2_0.yaml");
    insta::assert_snapshot!(focus(&src, &["WorkspaceType", "PermissionRole"]));
}

#[test]
fn dotted_error_codes() {
    let src = generated("spec", "drive_1_0.yaml");
    insta::assert_snapshot!(focus(&src, &["AddSpaceError"]));
    let src = generated("spec", "doc_2_0.yaml");
    insta::assert_snapshot!(focus(&src, &["PinSpaceError"]));
}

#[test]
fn path_parameter() {
    let src = generated("spec", "doc_2_0.yaml");
    insta::assert_snapshot!(focus(&src, &["PinSpace"]));
}

#[test]
fn array_body_and_nested_option() {
    let src = generated("spec", "wiki_2_0.yaml");
    insta::assert_snapshot!(focus(&src, &["GetWorkspaces", "GetWorkspacesOption"]));
}

#[test]
fn nested_objects() {
    let src = generated("spec", "wiki_2_0.yaml");
    insta::assert_snapshot!(focus(
        &src,
        &["Workspace", "WorkspaceIcon", "GetMineWorkspaceResponse"]
    ));
}

#[test]
fn keyword_and_odd_names() {
    let src = generated("tests/fixtures", "names.yaml");
    insta::assert_snapshot!(focus(
        &src,
        &[
            "CreateLoginPolicy",
            "Rule",
            "RuleType",
            "CreateLoginPolicyError"
        ]
    ));
}

#[test]
fn recursive_models_are_boxed() {
    let src = generated("tests/fixtures", "recursive.yaml");
    insta::assert_snapshot!(focus(&src, &["SpaceModel", "DentryModel"]));
}

#[test]
fn query_styles() {
    let src = generated("tests/fixtures", "query_styles.yaml");
    insta::assert_snapshot!(focus(&src, &["ListReportStatistics"]));
}

/// The newer spec constructs: comma and JSON-text parameters, a whole-array body, answers that
/// are a boolean or a model itself, shared error tables, and an operation without `errors:`
/// (its error type is a name for `rt::UndocumentedCode`).
#[test]
fn parameter_styles_and_response_types() {
    let src = generated("tests/fixtures", "wire_styles.yaml");
    insta::assert_snapshot!(focus(
        &src,
        &[
            "QueryCorpScale",
            "UpdateSettings",
            "UpdateSettingsError",
            "AddTags",
            "GetDentry",
            "GetDentryError",
            "TagItem"
        ]
    ));
}

/// Builders of operations whose shape differs from the seeds: GET with a body, anonymous, no
/// response body, maps, pagination.
#[test]
fn unusual_operations() {
    for (file, names) in [
        ("get_body.yaml", &["SearchFormDataIds"][..]),
        ("anonymous.yaml", &["GetAccessToken"][..]),
        ("no_body.yaml", &["DeleteProjectMember"][..]),
        (
            "maps.yaml",
            &[
                "GetProcessInstanceSummaryResponse",
                "GetProcessInstanceSummaryApproversByNode",
            ][..],
        ),
        ("pagination.yaml", &["ListEvents", "QueryEventsOption"][..]),
    ] {
        let src = generated("tests/fixtures", file);
        insta::assert_snapshot!(file.trim_end_matches(".yaml"), focus(&src, names));
    }
}

/// The whole seed spec stays thin: a regression guard on generated size, not a timing.
#[test]
fn generated_lines_per_operation_are_tracked() {
    let generated = gen(&specs("spec"), &Options::default());
    let per_op = dingtalk_openapi_codegen::lines_per_operation(&generated);
    println!("{per_op:.1} generated lines per operation (seed spec, models included)");
    assert!(
        per_op < 120.0,
        "{per_op:.1} lines per operation (was 118.9)"
    );
}

/// The SDK this workspace compiles was generated from exactly the spec files snapshotted above
/// (its build script embeds the texts it used), so the snapshots are the code that compiles.
#[test]
fn the_compiled_sdk_was_generated_from_these_specs() {
    let compiled: Vec<(String, String)> = dingtalk_openapi::runtime::SPECS
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    let on_disk: Vec<(String, String)> = specs("spec")
        .into_iter()
        .filter(|(name, _)| compiled.iter().any(|(c, _)| c == name))
        .collect();
    assert!(
        compiled.len() >= 3,
        "the tests enable at least doc_2_0, drive_1_0 and wiki_2_0"
    );
    assert_eq!(compiled, on_disk);
}
