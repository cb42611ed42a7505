//! The importer end to end on a fixture wheel in the package's shape: every trap of issue 15
//! (item 5), curated text kept byte for byte, re-runs byte-identical, `--check` and its exit code.

mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;

use dingtalk_openapi_importer::ir::{Location, Response, Style, Ty};
use dingtalk_openapi_importer::wheel::{self, Wheel};
use fixture::{Assign, Class, Method};

fn c(name: &'static str, fields: Vec<(&'static str, &'static str, &'static str, bool)>) -> Class {
    Class { name, fields }
}

fn a(target: &'static str, wire: &'static str, attr: &'static str) -> Assign {
    Assign { target, wire, attr }
}

fn headers(
    name: &'static str,
    extra: Vec<(&'static str, &'static str, &'static str, bool)>,
) -> Class {
    let mut fields = vec![("common_headers", "commonHeaders", "Dict[str, str]", false)];
    fields.extend(extra);
    fields.push((
        "x_acs_dingtalk_access_token",
        "x-acs-dingtalk-access-token",
        "str",
        false,
    ));
    c(name, fields)
}

fn response(name: &'static str, body: Option<&'static str>) -> Class {
    let mut fields = vec![
        ("headers", "headers", "Dict[str, str]", false),
        ("status_code", "statusCode", "int", false),
    ];
    if let Some(body) = body {
        fields.push(("body", "body", body, false));
    }
    c(name, fields)
}

const V: &str = "demo_1.0";

/// The classes of `demo 1.0`, one group per trap.
fn demo_classes() -> Vec<Class> {
    [
        path_and_answer_classes(),
        query_classes(),
        body_classes(),
        model_classes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// GetItem, DeleteItem, addGroupMember, GetBlock, GetBlockById.
fn path_and_answer_classes() -> Vec<Class> {
    vec![
        // GetItem: a path parameter, a non-camelCase answer field, a file stream.
        headers("GetItemHeaders", vec![]),
        c(
            "GetItemResponseBodyItem",
            vec![
                ("client_id", "client_id", "str", true),
                ("subject", "subject", "BinaryIO", false),
            ],
        ),
        c(
            "GetItemResponseBody",
            vec![("item", "item", "GetItemResponseBodyItem", false)],
        ),
        response("GetItemResponse", Some("GetItemResponseBody")),
        // DeleteItem: the same path template, no answer body.
        headers("DeleteItemHeaders", vec![]),
        response("DeleteItemResponse", None),
        // addGroupMember: not PascalCase, snake_case wire name, extra header, boolean answer.
        headers(
            "AddGroupMemberHeaders",
            vec![("x_client_token", "x-client-token", "str", false)],
        ),
        c(
            "AddGroupMemberRequest",
            vec![
                ("max_tokens", "max_tokens", "int", false),
                ("user_ids", "userIds", "List[str]", true),
            ],
        ),
        response("AddGroupMemberResponse", Some("bool")),
        // GetBlock / GetBlockById: one template, different placeholder names; answers without a model.
        headers("GetBlockHeaders", vec![]),
        response("GetBlockResponse", None),
        headers("GetBlockByIdHeaders", vec![]),
        response("GetBlockByIdResponse", Some("Dict[str, Any]")),
    ]
}

/// QueryThings.
fn query_classes() -> Vec<Class> {
    vec![
        // QueryThings: a GET with a body, query arrays flattened / JSON / comma, objects in the query.
        headers("QueryThingsHeaders", vec![]),
        c("QueryThingsRequestExt", vec![("key", "key", "str", false)]),
        c(
            "QueryThingsRequestOption",
            vec![("deep", "deep", "bool", false)],
        ),
        c(
            "QueryThingsRequest",
            vec![
                ("ext", "ext", "List[QueryThingsRequestExt]", false),
                ("filter", "filter", "Dict[str, Any]", false),
                ("ids", "ids", "List[str]", false),
                ("max_results", "maxResults", "int", false),
                ("names", "names", "List[str]", false),
                ("next_token", "nextToken", "str", false),
                ("option", "option", "QueryThingsRequestOption", false),
                ("tags", "tags", "List[str]", false),
            ],
        ),
        c(
            "QueryThingsShrinkRequest",
            vec![
                ("ext", "ext", "List[QueryThingsRequestExt]", false),
                ("filter", "filter", "Dict[str, Any]", false),
                ("ids", "ids", "List[str]", false),
                ("max_results", "maxResults", "int", false),
                ("names_shrink", "names", "str", false),
                ("next_token", "nextToken", "str", false),
                ("option_shrink", "option", "str", false),
                ("tags_shrink", "tags", "str", false),
            ],
        ),
        c(
            "QueryThingsResponseBodyList",
            vec![("id", "id", "str", false)],
        ),
        c(
            "QueryThingsResponseBody",
            vec![
                ("has_more", "hasMore", "bool", false),
                ("list", "list", "List[QueryThingsResponseBodyList]", false),
                ("next_token", "nextToken", "str", false),
            ],
        ),
        response("QueryThingsResponse", Some("QueryThingsResponseBody")),
    ]
}

/// SaveRules, BatchCreate, GetToken.
fn body_classes() -> Vec<Class> {
    vec![
        // SaveRules: a JSON string inside the JSON body.
        headers("SaveRulesHeaders", vec![]),
        c("SaveRulesRequestRules", vec![("name", "name", "str", true)]),
        c(
            "SaveRulesRequest",
            vec![("rules", "rules", "List[SaveRulesRequestRules]", true)],
        ),
        c(
            "SaveRulesShrinkRequest",
            vec![("rules_shrink", "rules", "str", true)],
        ),
        response("SaveRulesResponse", Some("SaveRulesResponseBody")),
        c(
            "SaveRulesResponseBody",
            vec![("success", "success", "bool", false)],
        ),
        // BatchCreate: a top-level array body and a top-level array answer.
        headers("BatchCreateHeaders", vec![]),
        c(
            "BatchCreateRequestBody",
            vec![("name", "name", "str", true)],
        ),
        c(
            "BatchCreateRequest",
            vec![("body", "body", "List[BatchCreateRequestBody]", true)],
        ),
        c("BatchCreateResponseBody", vec![("id", "id", "str", false)]),
        response("BatchCreateResponse", Some("List[BatchCreateResponseBody]")),
        // GetToken: anonymous.
        c("GetTokenRequest", vec![("app_key", "appKey", "str", true)]),
        c(
            "GetTokenResponseBody",
            vec![("access_token", "accessToken", "str", false)],
        ),
        response("GetTokenResponse", Some("GetTokenResponseBody")),
    ]
}

/// ListSpaces, GetSpace: named and recursive models.
fn model_classes() -> Vec<Class> {
    vec![
        // ListSpaces: the cursor inside a body object; recursive and self-referencing models.
        headers("ListSpacesHeaders", vec![]),
        c(
            "ListSpacesRequestOption",
            vec![
                ("max_results", "maxResults", "int", false),
                ("next_token", "nextToken", "str", false),
            ],
        ),
        c(
            "ListSpacesRequest",
            vec![("option", "option", "ListSpacesRequestOption", false)],
        ),
        c(
            "SpaceModel",
            vec![
                ("name", "name", "str", true),
                ("root", "root", "DentryModel", false),
            ],
        ),
        c(
            "DentryModel",
            vec![
                ("space", "space", "SpaceModel", false),
                ("children", "children", "List['Node']", false),
            ],
        ),
        c(
            "Node",
            vec![
                ("children", "children", "List['Node']", false),
                ("id", "id", "str", false),
            ],
        ),
        c(
            "ListSpacesResponseBody",
            vec![
                ("next_token", "nextToken", "str", false),
                ("spaces", "spaces", "List[SpaceModel]", false),
            ],
        ),
        response("ListSpacesResponse", Some("ListSpacesResponseBody")),
        // GetSpace: the answer is a named model itself.
        headers("GetSpaceHeaders", vec![]),
        response("GetSpaceResponse", Some("SpaceModel")),
        // SaveSpace: sends the model the answers above receive, with a field the package
        // marks required.
        headers("SaveSpaceHeaders", vec![]),
        c(
            "SaveSpaceRequest",
            vec![("space", "space", "SpaceModel", true)],
        ),
        response("SaveSpaceResponse", None),
    ]
}

/// The methods of `demo 1.0`.
fn demo_methods() -> Vec<Method> {
    let item = Method::new(
        "get_item",
        "GetItem",
        V,
        "/v1.0/demo/items/{item_id}",
        "GetItemResponse",
    );
    vec![
        Method {
            path_args: vec!["item_id"],
            headers: Some("GetItemHeaders"),
            ..item
        },
        Method {
            method: "DELETE",
            body_type: "none",
            path_args: vec!["item_id"],
            headers: Some("DeleteItemHeaders"),
            ..Method::new(
                "delete_item",
                "DeleteItem",
                V,
                "/v1.0/demo/items/{item_id}",
                "DeleteItemResponse",
            )
        },
        Method {
            method: "POST",
            body_type: "boolean",
            request: Some("AddGroupMemberRequest"),
            headers: Some("AddGroupMemberHeaders"),
            assigns: vec![
                a("body", "max_tokens", "max_tokens"),
                a("body", "userIds", "user_ids"),
                a("real_headers", "x-client-token", "x_client_token"),
            ],
            body: "fields",
            ..Method::new(
                "add_group_member",
                "addGroupMember",
                V,
                "/v1.0/demo/groups/members",
                "AddGroupMemberResponse",
            )
        },
        Method {
            path_args: vec!["doc_key", "block_id"],
            headers: Some("GetBlockHeaders"),
            ..Method::new(
                "get_block",
                "GetBlock",
                V,
                "/v1.0/demo/docs/{doc_key}/blocks/{block_id}",
                "GetBlockResponse",
            )
        },
        Method {
            path_args: vec!["document_id", "block_id"],
            headers: Some("GetBlockByIdHeaders"),
            ..Method::new(
                "get_block_by_id",
                "GetBlockById",
                V,
                "/v1.0/demo/docs/{document_id}/blocks/{block_id}",
                "GetBlockByIdResponse",
            )
        },
        Method {
            request: Some("QueryThingsRequest"),
            headers: Some("QueryThingsHeaders"),
            shrinks: vec![
                ("names", "names_shrink", "names", "simple"),
                ("option", "option_shrink", "option", "json"),
                ("tags", "tags_shrink", "tags", "json"),
            ],
            assigns: vec![
                a("query", "ext", "ext"),
                a("query", "ids", "ids"),
                a("query", "maxResults", "max_results"),
                a("query", "names", "names_shrink"),
                a("query", "nextToken", "next_token"),
                a("query", "option", "option_shrink"),
                a("query", "tags", "tags_shrink"),
                a("body", "filter", "filter"),
            ],
            body: "fields",
            ..Method::new(
                "query_things",
                "QueryThings",
                V,
                "/v1.0/demo/things",
                "QueryThingsResponse",
            )
        },
        Method {
            method: "POST",
            request: Some("SaveRulesRequest"),
            headers: Some("SaveRulesHeaders"),
            shrinks: vec![("rules", "rules_shrink", "rules", "json")],
            assigns: vec![a("body", "rules", "rules_shrink")],
            body: "fields",
            ..Method::new(
                "save_rules",
                "SaveRules",
                V,
                "/v1.0/demo/rules",
                "SaveRulesResponse",
            )
        },
        Method {
            method: "POST",
            request: Some("BatchCreateRequest"),
            headers: Some("BatchCreateHeaders"),
            body: "to_array",
            ..Method::new(
                "batch_create",
                "BatchCreate",
                V,
                "/v1.0/demo/things/batch",
                "BatchCreateResponse",
            )
        },
        Method {
            method: "POST",
            auth: "Anonymous",
            request: Some("GetTokenRequest"),
            assigns: vec![a("body", "appKey", "app_key")],
            body: "fields",
            ..Method::new(
                "get_token",
                "GetToken",
                V,
                "/v1.0/demo/token",
                "GetTokenResponse",
            )
        },
        Method {
            method: "POST",
            request: Some("ListSpacesRequest"),
            headers: Some("ListSpacesHeaders"),
            assigns: vec![a("body", "option", "option")],
            body: "fields",
            ..Method::new(
                "list_spaces",
                "ListSpaces",
                V,
                "/v1.0/demo/spaces/query",
                "ListSpacesResponse",
            )
        },
        Method {
            path_args: vec!["space_id"],
            headers: Some("GetSpaceHeaders"),
            ..Method::new(
                "get_space",
                "GetSpace",
                V,
                "/v1.0/demo/spaces/{space_id}",
                "GetSpaceResponse",
            )
        },
        Method {
            method: "PUT",
            body_type: "none",
            request: Some("SaveSpaceRequest"),
            headers: Some("SaveSpaceHeaders"),
            assigns: vec![a("body", "space", "space")],
            body: "fields",
            ..Method::new(
                "save_space",
                "SaveSpace",
                V,
                "/v1.0/demo/spaces",
                "SaveSpaceResponse",
            )
        },
    ]
}

/// The `client.py` and `models.py` of `demo 1.0`; `upstream` is a later version of the package
/// (one answer field added, one operation added, one removed).
fn demo_1_0(upstream: bool) -> (String, String) {
    let mut classes = demo_classes();
    let mut methods = demo_methods();
    if upstream {
        // A new answer field, a new operation; BatchCreate is gone.
        classes[1].fields.push(("title", "title", "str", false));
        classes.push(headers("PingHeaders", vec![]));
        classes.push(response("PingResponse", None));
        methods.push(Method {
            body_type: "none",
            headers: Some("PingHeaders"),
            ..Method::new("ping", "Ping", V, "/v1.0/demo/ping", "PingResponse")
        });
        methods.retain(|m| m.action != "BatchCreate");
    }
    (
        fixture::client("demo_1_0", &methods),
        fixture::models(&classes),
    )
}

fn small_module(
    dir: &str,
    version: &'static str,
    ops: &[(&'static str, &'static str, &'static str)],
) -> (String, String) {
    let mut classes = Vec::new();
    let mut methods = Vec::new();
    for (snake, action, path) in ops {
        let h: &'static str = Box::leak(format!("{action}Headers").into_boxed_str());
        let r: &'static str = Box::leak(format!("{action}Response").into_boxed_str());
        let b: &'static str = Box::leak(format!("{action}ResponseBody").into_boxed_str());
        classes.push(headers(h, vec![]));
        classes.push(c(b, vec![("ok", "ok", "bool", false)]));
        classes.push(response(r, Some(b)));
        let path_args = path
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next())
            .collect();
        methods.push(Method {
            headers: Some(h),
            path_args,
            ..Method::new(snake, action, version, path, r)
        });
    }
    (fixture::client(dir, &methods), fixture::models(&classes))
}

fn demo_wheel(upstream: bool) -> Vec<u8> {
    let (c1, m1) = demo_1_0(upstream);
    let (c2, m2) = small_module(
        "demo_2_0",
        "demo_2.0",
        &[("get_item", "GetItem", "/v2.0/demo/items/{item_id}")],
    );
    let (c3, m3) = small_module(
        "micro_app_1_0",
        "microApp_1.0",
        &[
            ("ayun_test", "AyunTest", "/v1.0/microApp/ayun/test"),
            ("list_apps", "ListApps", "/v1.0/microApp/apps"),
        ],
    );
    let (c4, m4) = small_module(
        "ai_paa_s_1_0",
        "aiPaaS_1.0",
        &[("get_model", "GetModel", "/v1.0/aiPaaS/models")],
    );
    let version = if upstream { "9.9.9" } else { "1.2.3" };
    fixture::wheel(
        version,
        &[
            ("demo_1_0", c1, m1),
            ("demo_2_0", c2, m2),
            ("micro_app_1_0", c3, m3),
            ("ai_paa_s_1_0", c4, m4),
        ],
    )
}

fn read(bytes: Vec<u8>) -> Wheel {
    match wheel::read(std::io::Cursor::new(bytes)) {
        Ok(w) => w,
        Err(p) => panic!("fixture not understood: {p:#?}"),
    }
}

/// A fresh folder under the target directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    dir
}

/// Runs the CLI; returns (exit code, stdout + stderr).
fn importer(dir: &Path, wheel: &[u8], check: bool) -> (i32, String) {
    let path = dir.join("fixture.whl");
    std::fs::write(&path, wheel).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dingtalk-openapi-importer"));
    cmd.args(["import", "--wheel"])
        .arg(&path)
        .arg("--out")
        .arg(dir.join("spec"));
    if check {
        cmd.arg("--check");
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// Every spec file the importer wrote loads and checks clean with the generator's own loader.
fn assert_generator_accepts(dir: &Path) {
    let files = dingtalk_openapi_codegen::files::read_specs(&dir.join("spec"), "spec").unwrap();
    let inputs: Vec<dingtalk_openapi_codegen::Input<'_>> = files
        .iter()
        .filter(|(name, _)| !name.ends_with("other_1_0.yaml"))
        .map(|(name, source)| dingtalk_openapi_codegen::Input { name, source })
        .collect();
    if let Err(report) = dingtalk_openapi_codegen::compile(&inputs) {
        panic!("the generator rejects the imported spec:\n{report}");
    }
}

fn spec(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join("spec").join(file)).unwrap()
}

fn op<'w>(w: &'w Wheel, module: &str, name: &str) -> &'w dingtalk_openapi_importer::ir::Operation {
    let s = w
        .services
        .iter()
        .find(|s| s.module == module)
        .unwrap_or_else(|| panic!("no module {module}"));
    s.operations
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no {name} in {module}"))
}

fn param<'o>(
    o: &'o dingtalk_openapi_importer::ir::Operation,
    wire: &str,
) -> &'o dingtalk_openapi_importer::ir::Param {
    o.params
        .iter()
        .find(|p| p.wire == wire)
        .unwrap_or_else(|| panic!("no param {wire} in {}", o.name))
}

/// The fixture wheel, read once.
fn fixture_wheel() -> &'static Wheel {
    static WHEEL: std::sync::OnceLock<Wheel> = std::sync::OnceLock::new();
    WHEEL.get_or_init(|| read(demo_wheel(false)))
}

#[test]
fn versions_modules_and_exclusions() {
    let w = fixture_wheel();
    assert_eq!(w.source, "alibabacloud-dingtalk 1.2.3");
    assert_eq!(w.files_read, 8);
    let modules: Vec<&str> = w.services.iter().map(|s| s.module.as_str()).collect();
    assert_eq!(
        modules,
        ["ai_paas_1_0", "demo_1_0", "demo_2_0", "micro_app_1_0"],
        "two versions of demo; aiPaaS overridden"
    );
    assert_eq!(
        (
            w.services[0].product.as_str(),
            w.services[0].module_override
        ),
        ("aiPaaS", true)
    );
    // Junk left out, and listed.
    assert_eq!(w.excluded.len(), 1);
    assert!(w.excluded[0].0.contains("AyunTest"));
    assert!(w.services[3]
        .operations
        .iter()
        .all(|o| o.name != "AyunTest"));
    assert!(w.services[3]
        .operations
        .iter()
        .any(|o| o.name == "ListApps"));
    // Names as DingTalk spells them.
    assert_eq!(op(w, "demo_1_0", "addGroupMember").method, "POST");
}

#[test]
fn path_templates_placeholders_and_auth() {
    let w = fixture_wheel();
    let get = op(w, "demo_1_0", "GetItem");
    assert_eq!(
        get.path, "/v1.0/demo/items/{itemId}",
        "snake_case placeholder mapped back"
    );
    assert_eq!(
        (param(get, "itemId").location, param(get, "itemId").required),
        (Location::Path, true)
    );
    let del = op(w, "demo_1_0", "DeleteItem");
    assert_eq!(del.path, get.path, "one template, two methods");
    assert_eq!(
        op(w, "demo_1_0", "GetBlock").path,
        "/v1.0/demo/docs/{docKey}/blocks/{blockId}"
    );
    assert_eq!(
        op(w, "demo_1_0", "GetBlockById").path,
        "/v1.0/demo/docs/{documentId}/blocks/{blockId}"
    );
    assert!(op(w, "demo_1_0", "GetToken").anonymous);
    assert!(!get.anonymous);
}

#[test]
fn wire_names_headers_and_answers() {
    let w = fixture_wheel();
    let get = op(w, "demo_1_0", "GetItem");
    let Response::Fields(f) = &get.response else {
        panic!("{:?}", get.response)
    };
    let item = f[0].ty.fields().unwrap();
    assert_eq!(item[0].wire, "client_id", "non-camelCase wire names kept");
    assert!(!item[0].required, "answer fields are never required");
    assert_eq!(item[1].ty, Ty::String, "BinaryIO is text on the wire");
    assert_eq!(op(w, "demo_1_0", "DeleteItem").response, Response::None);
    let add = op(w, "demo_1_0", "addGroupMember");
    assert_eq!(param(add, "max_tokens").ty, Ty::Int64);
    assert_eq!(param(add, "x-client-token").location, Location::Header);
    assert!(add
        .params
        .iter()
        .all(|p| p.wire != "x-acs-dingtalk-access-token"));
    assert_eq!(add.response, Response::Type(Ty::Boolean));
    assert_eq!(
        op(w, "demo_1_0", "GetBlock").response,
        Response::Type(Ty::Any),
        "JSON answer without a model"
    );
    assert_eq!(
        op(w, "demo_1_0", "GetBlockById").response,
        Response::Type(Ty::Any),
        "Dict[str, Any]"
    );
    assert_eq!(
        op(w, "demo_1_0", "GetSpace").response,
        Response::Type(Ty::Named("SpaceModel".into()))
    );
    let batch = op(w, "demo_1_0", "BatchCreate");
    assert_eq!(
        batch.response,
        Response::Type(Ty::Array(Box::new(Ty::Named(
            "BatchCreateResponseBody".into()
        ))))
    );
}

#[test]
fn query_styles_bodies_and_get_with_body() {
    let w = fixture_wheel();
    let q = op(w, "demo_1_0", "QueryThings");
    assert_eq!(q.method, "GET");
    assert_eq!(
        param(q, "filter").location,
        Location::Body,
        "a GET with a body"
    );
    assert_eq!(param(q, "filter").ty, Ty::Any);
    assert_eq!(
        (param(q, "ids").style, &param(q, "ids").ty),
        (None, &Ty::Array(Box::new(Ty::String)))
    );
    assert!(
        matches!(&param(q, "ext").ty, Ty::Array(t) if matches!(**t, Ty::Object(_))),
        "array of objects, flattened"
    );
    assert_eq!(param(q, "ext").style, None);
    assert_eq!(param(q, "tags").style, Some(Style::Json));
    assert_eq!(param(q, "names").style, Some(Style::Comma));
    assert_eq!(param(q, "option").style, Some(Style::Json));
    assert!(matches!(param(q, "option").ty, Ty::Object(_)));
    let rules = param(op(w, "demo_1_0", "SaveRules"), "rules");
    assert_eq!(
        (rules.location, rules.style, rules.required),
        (Location::Body, Some(Style::Json), true)
    );
    let body = param(op(w, "demo_1_0", "BatchCreate"), "body");
    assert_eq!(
        (body.location, body.style),
        (Location::Body, Some(Style::Whole))
    );
    assert!(matches!(&body.ty, Ty::Array(t) if matches!(**t, Ty::Object(_))));
}

#[test]
fn pagination_markers() {
    let w = fixture_wheel();
    let p = op(w, "demo_1_0", "QueryThings")
        .pagination
        .clone()
        .expect("paginated");
    assert_eq!(
        (
            p.cursor.as_str(),
            p.page_size.as_deref(),
            p.items.as_str(),
            p.has_more.as_deref()
        ),
        ("nextToken", Some("maxResults"), "list", Some("hasMore"))
    );
    let p = op(w, "demo_1_0", "ListSpaces")
        .pagination
        .clone()
        .expect("cursor inside a body object");
    assert_eq!(
        (
            p.cursor.as_str(),
            p.page_size.as_deref(),
            p.items.as_str(),
            p.has_more.as_deref()
        ),
        (
            "option.nextToken",
            Some("option.maxResults"),
            "spaces",
            None
        )
    );
    assert_eq!(op(w, "demo_1_0", "GetItem").pagination, None);
}

#[test]
fn recursive_and_shared_classes_are_named_models() {
    let w = fixture_wheel();
    let demo = w.services.iter().find(|s| s.module == "demo_1_0").unwrap();
    let models: Vec<&str> = demo.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        models,
        [
            "BatchCreateResponseBody",
            "DentryModel",
            "Node",
            "SpaceModel"
        ]
    );
    let node = demo.models.iter().find(|m| m.name == "Node").unwrap();
    assert_eq!(
        node.fields[0].ty,
        Ty::Array(Box::new(Ty::Named("Node".into())))
    );
    let space = demo.models.iter().find(|m| m.name == "SpaceModel").unwrap();
    assert_eq!(space.fields[1].ty, Ty::Named("DentryModel".into()));
    // SaveSpace sends SpaceModel, whose `name` the package marks required, but answers
    // receive it too: an answer without `name` must still decode, so no field of it is
    // required (the request's own parameter `space` still is).
    assert_eq!(space.fields[0].wire, "name");
    assert!(!space.fields[0].required, "{:?}", space.fields[0]);
    assert!(param(op(w, "demo_1_0", "SaveSpace"), "space").required);
}

const CURATED: &str = "# Hand-written: kept by the importer.
service: demo
version: \"1.0\"
title: Demo (hand-written title)
base_url: https://api.dingtalk.io

models:
  Item:
    description: An item, written by hand.
    fields:
      client_id: { type: string, description: The client. }

operations:
  # The curated operation.
  GetItem:
    summary: Get an item.
    method: GET
    path: /v1.0/demo/items/{id}
    params:
      id: { in: path, type: string, required: true, description: The item. }
      extra: { in: query, type: string, description: Not in the wheel. }
    response:
      fields:
        item: { type: Item, description: The item. }
    errors:
      - { status: 404, code: notFound, description: No such item. }

errors:
  common:
    - { status: 400, code: paramError, description: Parameter error. }
";

#[test]
fn import_keeps_curated_text_and_reruns_identically() {
    let dir = scratch("curated");
    std::fs::write(dir.join("spec/demo_1_0.yaml"), CURATED).unwrap();
    std::fs::write(dir.join("spec/other_1_0.yaml"), "service: other\n").unwrap();
    let (code, out) = importer(&dir, &demo_wheel(false), false);
    assert_eq!(code, 0, "{out}");
    let text = spec(&dir, "demo_1_0.yaml");
    // Curated header, model, operation and error table, byte for byte.
    for piece in [
        &CURATED[..CURATED.find("\nmodels:").unwrap()],
        &CURATED[CURATED.find("  Item:").unwrap()..CURATED.find("\noperations:").unwrap()],
        &CURATED[CURATED.find("  # The curated").unwrap()..CURATED.find("\nerrors:").unwrap()],
        &CURATED[CURATED.find("errors:\n  common").unwrap()..],
    ] {
        assert!(
            text.contains(piece),
            "lost curated text:\n{piece}\n--- in ---\n{text}"
        );
    }
    assert!(text.contains("source: alibabacloud-dingtalk 1.2.3\n"));
    assert_eq!(
        text.matches("\n  GetItem:\n").count(),
        1,
        "the curated operation is not imported again"
    );
    // Differences reported, never applied.
    assert!(
        out.contains("operation GetItem (curated): params.extra: not in the wheel"),
        "{out}"
    );
    assert!(out.contains("other_1_0.yaml: not in the wheel"), "{out}");
    assert!(out.contains("excluded: microApp 1.0 AyunTest"), "{out}");
    // Imported text: origin, no prose, SPEC-V2 keys.
    for expected in [
        "  addGroupMember:\n    origin: imported\n    method: POST\n    path: /v1.0/demo/groups/members\n    idempotent: false\n",
        "      max_tokens: { in: body, type: int64 }\n",
        "      x-client-token: { in: header, type: string }\n",
        "    response: { type: boolean }\n",
        "      names: { in: query, style: comma, type: array<string> }\n",
        "      tags: { in: query, style: json, type: array<string> }\n",
        "      rules:\n        in: body\n        style: json\n        type: array<object>\n        required: true\n",
        "      body:\n        in: body\n        style: whole\n        type: array<object>\n        required: true\n",
        "    response: { type: array<BatchCreateResponseBody> }\n",
        "    auth: none\n",
        "    get_body: true\n",
        "  DeleteItem:\n    origin: imported\n    method: DELETE\n    path: /v1.0/demo/items/{itemId}\n    idempotent: false\n    params:\n      itemId: { in: path, type: string, required: true }\n    response: none\n",
        "    pagination: { cursor: nextToken, page_size: maxResults, next: nextToken, items: list, has_more: hasMore }\n",
        "    pagination: { cursor: option.nextToken, page_size: option.maxResults, next: nextToken, items: spaces }\n",
        "      filter: { in: body, type: any }\n",
    ] {
        assert!(text.contains(expected), "missing:\n{expected}\n--- in ---\n{text}");
    }
    assert!(!text.contains("说明"), "no vendor prose");
    assert!(
        !text.contains("summary: ") || text.matches("summary: ").count() == 1,
        "only the curated summary"
    );
    let paas = spec(&dir, "ai_paas_1_0.yaml");
    assert!(paas.contains("service: aiPaaS\nversion: \"1.0\"\ntitle: aiPaaS 1.0\n"));
    assert!(paas.contains("\nmodule: ai_paas_1_0\n"));
    for file in [
        "demo_1_0.yaml",
        "demo_2_0.yaml",
        "micro_app_1_0.yaml",
        "ai_paas_1_0.yaml",
    ] {
        let parsed: Result<serde_yaml::Value, _> = serde_yaml::from_str(&spec(&dir, file));
        assert!(parsed.is_ok(), "{file} is not YAML: {parsed:?}");
    }

    assert_generator_accepts(&dir);

    // Re-running on the same wheel changes nothing, byte for byte.
    let before: Vec<String> = [
        "demo_1_0.yaml",
        "demo_2_0.yaml",
        "micro_app_1_0.yaml",
        "ai_paas_1_0.yaml",
    ]
    .iter()
    .map(|f| spec(&dir, f))
    .collect();
    let (code, out) = importer(&dir, &demo_wheel(false), false);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 of 4 spec files written"), "{out}");
    let after: Vec<String> = [
        "demo_1_0.yaml",
        "demo_2_0.yaml",
        "micro_app_1_0.yaml",
        "ai_paas_1_0.yaml",
    ]
    .iter()
    .map(|f| spec(&dir, f))
    .collect();
    assert_eq!(before, after);
}

#[test]
fn check_reports_drift_and_fails_until_imported() {
    let dir = scratch("drift");
    let (code, out) = importer(&dir, &demo_wheel(false), false);
    assert_eq!(code, 0, "{out}");
    let (code, out) = importer(&dir, &demo_wheel(false), true);
    assert_eq!(code, 0, "up to date: {out}");
    assert!(out.contains("0 of 4 spec files behind"), "{out}");

    let before = spec(&dir, "demo_1_0.yaml");
    let (code, out) = importer(&dir, &demo_wheel(true), true);
    assert_eq!(code, 1, "behind a newer wheel: {out}");
    for expected in [
        "demo_1_0.yaml: operation Ping: added",
        "demo_1_0.yaml: operation BatchCreate: removed upstream",
        "demo_1_0.yaml: operation GetItem: changed upstream: response.fields.item.fields.title added: string",
        "demo_1_0.yaml: model BatchCreateResponseBody: removed upstream",
        "demo_1_0.yaml: source: alibabacloud-dingtalk 9.9.9",
        "4 of 4 spec files behind alibabacloud-dingtalk 9.9.9",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert_eq!(
        spec(&dir, "demo_1_0.yaml"),
        before,
        "--check writes nothing"
    );

    let (code, out) = importer(&dir, &demo_wheel(true), false);
    assert_eq!(code, 0, "{out}");
    assert!(spec(&dir, "demo_1_0.yaml").contains("  Ping:\n"));
    let (code, out) = importer(&dir, &demo_wheel(true), true);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn an_imported_operation_edited_by_hand_is_kept_and_reported() {
    let dir = scratch("edited");
    let (code, out) = importer(&dir, &demo_wheel(false), false);
    assert_eq!(code, 0, "{out}");
    let path = dir.join("spec/demo_1_0.yaml");
    let edited = spec(&dir, "demo_1_0.yaml").replace(
        "  GetToken:\n    origin: imported\n",
        "  GetToken:\n    origin: imported\n    summary: Get a token (edited by hand).\n",
    );
    std::fs::write(&path, &edited).unwrap();
    let (code, out) = importer(&dir, &demo_wheel(false), false);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("operation GetToken: edited by hand (differs from the same wheel); kept"),
        "{out}"
    );
    assert_eq!(spec(&dir, "demo_1_0.yaml"), edited);
    // Marking it curated keeps it against a newer wheel too.
    std::fs::write(
        &path,
        edited.replace(
            "  GetToken:\n    origin: imported\n",
            "  GetToken:\n    origin: curated\n",
        ),
    )
    .unwrap();
    let (code, out) = importer(&dir, &demo_wheel(true), false);
    assert_eq!(code, 0, "{out}");
    assert!(spec(&dir, "demo_1_0.yaml").contains(
        "  GetToken:\n    origin: curated\n    summary: Get a token (edited by hand).\n"
    ));
}

#[test]
fn a_construct_not_understood_fails_the_import_with_its_location() {
    let (client, models) = demo_1_0(false);
    let models = models.replacen(
        "        self.client_id = client_id\n",
        "        self.client_id = client_id\n        self.extra = compute()\n",
        1,
    );
    let client = client.replacen(
        "        UtilClient.validate_model(request)\n",
        "        UtilClient.validate_model(request)\n        request.sign()\n",
        1,
    );
    let bytes = fixture::wheel("1.0.0", &[("demo_1_0", client.clone(), models.clone())]);
    let problems = wheel::read(std::io::Cursor::new(bytes.clone())).unwrap_err();
    let line_of =
        |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let expect = [
        format!("alibabacloud_dingtalk/demo_1_0/models.py:{}: not understood in an `__init__` body: `self.extra = compute()`", line_of(&models, "compute()")),
        format!("alibabacloud_dingtalk/demo_1_0/client.py:{}: not understood in an operation method: `request.sign()`", line_of(&client, "request.sign()")),
    ];
    let shown: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    for e in &expect {
        assert!(shown.contains(e), "missing {e} in {shown:#?}");
    }
    let dir = scratch("broken");
    let (code, out) = importer(&dir, &bytes, false);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nothing written"), "{out}");
    assert_eq!(std::fs::read_dir(dir.join("spec")).unwrap().count(), 0);
}

/// A Node package folder with `@example`s for a few demo 1.0 fields.
fn node_package(dir: &Path) -> PathBuf {
    let package = dir.join("npm/package");
    std::fs::create_dir_all(package.join("src/demo_1_0")).unwrap();
    std::fs::write(
        package.join("package.json"),
        "{\n  \"name\": \"@alicloud/dingtalk\",\n  \"version\": \"0.9.0\",\n}\n",
    )
    .unwrap();
    let class = |name: &str, props: &[(&str, &str, &str)]| {
        let mut s = format!("export class {name} extends $tea.Model {{\n");
        for (prop, ty, example) in props {
            s.push_str(&format!("  /**\n   * @remarks\n   * 说明\n   * \n   * @example\n   * {example}\n   */\n  {prop}?: {ty};\n"));
        }
        s.push_str("  static names(): { [key: string]: string } {\n    return {\n");
        for (prop, _, _) in props {
            let wire = match *prop {
                "maxTokens" => "max_tokens",
                "clientId" => "client_id",
                other => other,
            };
            s.push_str(&format!("      {prop}: '{wire}',\n"));
        }
        s.push_str("    };\n  }\n\n  static types(): { [key: string]: any } {\n    return {\n");
        for (prop, ty, _) in props {
            s.push_str(&format!("      {prop}: '{ty}',\n"));
        }
        s.push_str("    };\n  }\n}\n\n");
        s
    };
    let ts = class("GetTokenRequest", &[("appKey", "string", "dingxxxx")])
        + &class(
            "AddGroupMemberRequest",
            &[
                ("maxTokens", "number", "512"),
                ("userIds", "string[]", "[\"a\"]"),
            ],
        )
        + &class(
            "GetItemResponseBodyItem",
            &[("subject", "string", "标题"), ("clientId", "string", "c1")],
        )
        + &class(
            "QueryThingsResponseBody",
            &[
                ("hasMore", "boolean", "true"),
                ("nextToken", "string", "12345"),
            ],
        );
    std::fs::write(package.join("src/demo_1_0/client.ts"), ts).unwrap();
    package
}

#[test]
fn example_values_come_from_the_node_package() {
    let dir = scratch("examples");
    let package = node_package(&dir);
    let path = dir.join("fixture.whl");
    std::fs::write(&path, demo_wheel(false)).unwrap();
    let run = |check: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dingtalk-openapi-importer"));
        cmd.args(["import", "--wheel"])
            .arg(&path)
            .arg("--examples")
            .arg(&package)
            .arg("--out")
            .arg(dir.join("spec"));
        if check {
            cmd.arg("--check");
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = run(false);
    assert_eq!(code, Some(0), "{out}");
    let text = spec(&dir, "demo_1_0.yaml");
    for expected in [
        "source: alibabacloud-dingtalk 1.2.3, examples from @alicloud/dingtalk 0.9.0\n",
        "      appKey: { in: body, type: string, required: true, example: dingxxxx }\n",
        "      max_tokens: { in: body, type: int64, example: 512 }\n",
        "      userIds: { in: body, type: array<string>, required: true }\n",
        "            subject: { type: string }\n",
        "            client_id: { type: string, example: c1 }\n",
        "        hasMore: { type: boolean, example: true }\n",
        "        nextToken: { type: string, example: \"12345\" }\n",
    ] {
        assert!(
            text.contains(expected),
            "missing:\n{expected}\n--- in ---\n{text}"
        );
    }
    assert!(
        !text.contains("标题") && !text.contains("说明"),
        "no text in other scripts, no remarks"
    );
    let (code, out) = run(true);
    assert_eq!(code, Some(0), "the same inputs are up to date: {out}");
}
