//! Snapshots of the generated source: whole files per spec, and focused items for the tricky
//! constructs. A changed snapshot must be reviewed (`cargo insta review`), never accepted blindly.

use std::path::{Path, PathBuf};

use std::collections::BTreeSet;
use std::sync::OnceLock;

use dingtalk_openapi_codegen::names::{pascal, snake};
use dingtalk_openapi_codegen::spec::Origin;
use dingtalk_openapi_codegen::{generate, Generated, Input, Options};
use quote::ToTokens;

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
    dingtalk_openapi_codegen::unparse(&syn::File {
        shebang: None,
        attrs: vec![],
        items,
    })
}

/// The imported bulk (3,278 operations, ≈ 278k generated lines) as a compact listing per
/// service version: one line per public item, so a generator change shows as a readable diff.
/// The curated operations keep full snapshots of their items (`curated_operations`), and the
/// fixtures whole files (`every_fixture`).
/// The code generated from `spec/`, once per test run (≈ 10 s unoptimised).
fn all_spec() -> &'static [Generated] {
    static ALL: OnceLock<Vec<Generated>> = OnceLock::new();
    ALL.get_or_init(|| gen(&specs("spec"), &Options::default()))
}

/// Tokens as compact text: `Option < Vec < String > >` → `Option<Vec<String>>`.
fn text(tokens: &impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" :: ", "::"),
        (":: ", "::"),
        (" ,", ","),
        ("& ", "&"),
        ("( ", "("),
        (" )", ")"),
        ("# ", "#"),
        (" ;", ";"),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// The derives of an item, `[Debug, Clone]`, and its other attributes but docs.
fn attrs(attrs: &[syn::Attribute]) -> String {
    let kept: Vec<String> = attrs
        .iter()
        .filter(|a| !a.path().is_ident("doc"))
        .map(|a| text(&a.meta).replace(" (", "("))
        .collect();
    if kept.is_empty() {
        String::new()
    } else {
        format!(" #[{}]", kept.join(", "))
    }
}

/// A public signature: `fn name(args) -> Out`, without `self` and the body.
fn signature(sig: &syn::Signature) -> String {
    let args: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(t) => Some(format!("{}: {}", text(&t.pat), text(&t.ty))),
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let asyncness = if sig.asyncness.is_some() {
        "async "
    } else {
        ""
    };
    let out = match &sig.output {
        syn::ReturnType::Default => String::new(),
        syn::ReturnType::Type(_, t) => format!(" -> {}", text(t)),
    };
    format!("{asyncness}fn {}({}){out}", sig.ident, args.join(", "))
}

/// One line per public item of a generated module: each struct with its attributes and
/// fields, each enum with its variants, each type alias, each public method or associated
/// item of an impl (with the impl it belongs to), and the endpoint (method and path) of each
/// operation. Docs are left out: imported docs are mechanical, and the curated operations and
/// the fixtures have full snapshots.
fn api_listing(source: &str) -> String {
    let file = syn::parse_file(source).unwrap();
    let mut out = String::new();
    for item in &file.items {
        match item {
            syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => {
                out.push_str(&struct_line(s))
            }
            syn::Item::Enum(e) => out.push_str(&enum_line(e)),
            syn::Item::Type(t) => out.push_str(&format!("type {} = {}\n", t.ident, text(&t.ty))),
            syn::Item::Impl(i) => out.push_str(&impl_listing(i)),
            // `rt::operation!(…)`, `rt::string_enum!(…)`, …: the impls they write, by their input.
            syn::Item::Macro(m) => out.push_str(&format!(
                "{}!({})\n",
                text(&m.mac.path),
                text(&m.mac.tokens)
            )),
            _ => {}
        }
    }
    out
}

/// `struct Name #[derives…] { field: Type, … }` with the public fields only (a builder's
/// request and the service's client are private).
fn struct_line(s: &syn::ItemStruct) -> String {
    let fields: Vec<String> = s
        .fields
        .iter()
        .filter(|f| matches!(f.vis, syn::Visibility::Public(_)))
        .map(|f| {
            let name = f
                .ident
                .as_ref()
                .map(|i| format!("{i}: "))
                .unwrap_or_default();
            format!("{}{name}{}", attrs(&f.attrs).trim_start(), text(&f.ty))
        })
        .collect();
    let body = match (&s.fields, fields.is_empty()) {
        (_, true) => String::new(),
        (syn::Fields::Unnamed(_), false) => format!("({})", fields.join(", ")),
        (_, false) => format!(" {{ {} }}", fields.join(", ")),
    };
    format!("struct {}{}{body}\n", s.ident, attrs(&s.attrs))
}

/// `enum Name #[derives…] { Variant, Other(String) }`.
fn enum_line(e: &syn::ItemEnum) -> String {
    let variants: Vec<String> = e
        .variants
        .iter()
        .map(|v| {
            let fields: Vec<String> = v.fields.iter().map(|f| text(&f.ty)).collect();
            let fields = if fields.is_empty() {
                String::new()
            } else {
                format!("({})", fields.join(", "))
            };
            format!("{}{}{fields}", attrs(&v.attrs).trim_start(), v.ident)
        })
        .collect();
    format!(
        "enum {}{} {{ {} }}\n",
        e.ident,
        attrs(&e.attrs),
        variants.join(", ")
    )
}

/// The lines of an impl block: its public methods and associated items, and an operation's
/// endpoint (`GET /v2.0/…`, from its `ENDPOINT` constant).
fn impl_listing(i: &syn::ItemImpl) -> String {
    let of = match &i.trait_ {
        Some((_, path, _)) => format!("impl {} for {}", text(path), text(&i.self_ty)),
        None => format!("impl {}", text(&i.self_ty)),
    };
    let mut out = String::new();
    for item in &i.items {
        match item {
            syn::ImplItem::Fn(f)
                if i.trait_.is_none() && !matches!(f.vis, syn::Visibility::Public(_)) => {}
            syn::ImplItem::Fn(f) => out.push_str(&format!("{of}: {}\n", signature(&f.sig))),
            syn::ImplItem::Type(t) => {
                out.push_str(&format!("{of}: type {} = {}\n", t.ident, text(&t.ty)))
            }
            syn::ImplItem::Const(c) if c.ident == "ENDPOINT" => {
                out.push_str(&format!("{of}: {}\n", endpoint_line(&c.expr)))
            }
            _ => {}
        }
    }
    if i.trait_.is_some() && out.is_empty() {
        out = format!("{of}\n");
    }
    out
}

/// An operation's endpoint from its `ENDPOINT` constant,
/// `SERVICE.post("PinSpace", "/v2.0/…").idempotent()` → `POST /v2.0/… idempotent`: the HTTP
/// method, the path and the flags set after it.
fn endpoint_line(expr: &syn::Expr) -> String {
    let mut calls = Vec::new();
    let mut at = expr;
    while let syn::Expr::MethodCall(m) = at {
        calls.push(m);
        at = &m.receiver;
    }
    let Some((first, flags)) = calls.split_last() else {
        return format!("? {}", text(expr));
    };
    let path = match first.args.iter().nth(1) {
        Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })) => s.value(),
        _ => "?".to_owned(),
    };
    let mut line = format!("{} {path}", first.method.to_string().to_uppercase());
    for flag in flags.iter().rev() {
        line.push(' ');
        line.push_str(&text(&flag.method));
        if !flag.args.is_empty() {
            line.push_str(&format!("({})", text(&flag.args)));
        }
    }
    line
}

/// The items of `operations` (official names) in full: their methods on `Service`, and every
/// item named by them or, transitively, by an item already taken (builders, outputs, error
/// kinds, models, enums, and their impls).
fn operations_in_full(source: &str, operations: &[String]) -> String {
    let file = syn::parse_file(source).unwrap();
    let methods: BTreeSet<String> = operations.iter().map(|o| snake(o)).collect();
    let mut wanted: BTreeSet<String> = operations.iter().map(|o| pascal(o)).collect();
    let declared: BTreeSet<String> = file.items.iter().filter_map(name_of).collect();
    // Grow the set until every type a taken item mentions is taken too.
    loop {
        let mentioned: Vec<String> = file
            .items
            .iter()
            .filter(|i| name_of(i).is_some_and(|n| wanted.contains(&n)))
            .flat_map(|item| idents(&item.to_token_stream()))
            .filter(|ident| declared.contains(ident) && ident != "Service")
            .collect();
        let before = wanted.len();
        wanted.extend(mentioned);
        if wanted.len() == before {
            break;
        }
    }
    let mut items = Vec::new();
    for item in file.items {
        let name = name_of(&item);
        match item {
            syn::Item::Impl(mut i) if name.as_deref() == Some("Service") => {
                i.items.retain(|m| {
                    matches!(m, syn::ImplItem::Fn(f) if methods.contains(&f.sig.ident.to_string()))
                });
                if !i.items.is_empty() {
                    items.push(syn::Item::Impl(i));
                }
            }
            item if name.is_some_and(|n| wanted.contains(&n)) => items.push(item),
            _ => {}
        }
    }
    dingtalk_openapi_codegen::unparse(&syn::File {
        shebang: None,
        attrs: vec![],
        items,
    })
}

/// The name an item declares or implements (`struct Foo`, `impl Bar for Foo` → `Foo`;
/// `rt::operation!(Foo, …)`, `rt::string_enum!(Foo { … })` → `Foo`, the type it is for).
fn name_of(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Impl(i) => match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        },
        syn::Item::Macro(m) => m.mac.tokens.clone().into_iter().find_map(|t| match t {
            proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        }),
        _ => None,
    }
}

/// Every identifier in `tokens`, nested groups included.
fn idents(tokens: &proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for t in tokens.clone() {
        match t {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => out.extend(idents(&g.stream())),
            _ => {}
        }
    }
    out
}

#[test]
fn every_spec_file_as_an_api_listing() {
    for g in all_spec() {
        insta::assert_snapshot!(format!("api__{}", g.service.module), api_listing(&g.source));
    }
}

/// Every item a curated operation (`origin: curated`) generates, in full: its method on the
/// service, its builder, and every type it reaches (output, error kinds, models, enums).
#[test]
fn curated_operations() {
    let files = specs("spec");
    for ((name, text), g) in files.iter().zip(all_spec()) {
        let spec = dingtalk_openapi_codegen::load(Input { name, source: text }).unwrap();
        let curated: Vec<String> = spec
            .operations
            .iter()
            .filter(|(_, op)| op.origin == Origin::Curated)
            .map(|(name, _)| name.clone())
            .collect();
        if curated.is_empty() {
            continue;
        }
        insta::assert_snapshot!(
            format!("curated__{}", g.service.module),
            operations_in_full(&g.source, &curated)
        );
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
    let again: Vec<String> = gen(&specs("spec"), &Options::default())
        .into_iter()
        .map(|g| g.source)
        .collect();
    let first: Vec<&str> = all_spec().iter().map(|g| g.source.as_str()).collect();
    assert!(first == again, "two runs on spec/ generated different code");
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

/// The whole spec stays thin: a regression guard on generated size, not a timing.
#[test]
fn generated_lines_per_operation_are_tracked() {
    let per_op = dingtalk_openapi_codegen::lines_per_operation(all_spec());
    println!("{per_op:.1} generated lines per operation (spec/, models included)");
    assert!(per_op < 90.0, "{per_op:.1} lines per operation (was 84.8)");
}

/// The SDK this workspace compiles was generated from exactly the spec files on disk (its build
/// script embeds the texts it used), and from the services the tests crate says it enables:
/// the four curated ones, or every one with the tests crate's `full` feature.
#[test]
fn the_compiled_sdk_was_generated_from_these_specs() {
    let compiled: Vec<(String, String)> = dingtalk_openapi::runtime::SPECS
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    let on_disk = specs("spec");
    let expected: Vec<(String, String)> = if cfg!(feature = "full") {
        on_disk
    } else {
        let curated =
            ["doc_2_0", "drive_1_0", "oauth2_1_0", "wiki_2_0"].map(|m| format!("spec/{m}.yaml"));
        on_disk
            .into_iter()
            .filter(|(name, _)| curated.contains(name))
            .collect()
    };
    let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&compiled), names(&expected));
    assert_eq!(compiled, expected);
}
