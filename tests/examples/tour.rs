//! A tour of the SDK without credentials: starts the spec-driven mock DingTalk server in-process,
//! points a client at it and calls every operation of the enabled services, then shows a typed
//! error.
//!
//! ```sh
//! cargo run --example tour                                            # the four curated services
//! cargo run -p dingtalk-openapi-tests --example tour --features full  # every operation (CI)
//! ```
//!
//! The client gets its access token the way a real app does, from app credentials (the mock
//! serves the token endpoint too). Operations with a hand-written call below are called through
//! their generated builders; every other one is called with parameters from the spec alone and
//! its answer decoded into the operation's own output type (`mock::typed_decoders`), which must
//! keep everything the answer said. A call that fails is reported, the tour goes on, and it
//! ends with an error naming every failure.

use std::collections::HashMap;
use std::io::Write;

use dingtalk_openapi::mock::{operations, typed_decoders, MockServer, OperationInfo, TypedDecode};
use dingtalk_openapi::oauth2_1_0::GetCorpAccessTokenParams;
use dingtalk_openapi::wiki_2_0::{GetWorkspaceError, GetWorkspacesOption, Workspace};
use dingtalk_openapi::{AppCredentials, Client, Error};
use dingtalk_openapi_tests::answers::lossless;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What the tour did.
#[derive(Debug, Default)]
pub struct Summary {
    /// `module/Operation` called through hand-written calls of the typed builders.
    pub typed: Vec<String>,
    /// `module/Operation` called from the spec alone, decoded into the typed output.
    pub from_spec: Vec<String>,
    /// `module/Operation: why` of every call that failed or lost part of its answer.
    pub failed: Vec<String>,
    /// Whether the scripted error came back as the typed kind.
    pub typed_error: bool,
}

#[allow(dead_code)] // the tests include this file and call `run`
#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let summary = run(&mut std::io::stdout()).await?;
    println!(
        "\n{} operations of {} service versions called: {} by hand-written typed calls, {} typed from the spec.",
        summary.typed.len() + summary.from_spec.len(),
        dingtalk_openapi::runtime::SPECS.len(),
        summary.typed.len(),
        summary.from_spec.len()
    );
    Ok(())
}

/// Runs the tour, writing what happens to `out`.
pub async fn run(out: &mut dyn Write) -> Result<Summary, BoxError> {
    let mock = MockServer::start().await?;
    // As in production: the client fetches, caches and refreshes the token from app credentials.
    let credentials = AppCredentials::new("demo-app-key", "demo-app-secret");
    let client = Client::builder(credentials).base_url(mock.url()).build()?;
    writeln!(
        out,
        "Mock DingTalk server on {} (built from the embedded spec)",
        mock.url()
    )?;
    let mut summary = Summary::default();
    let decoders: HashMap<(&str, &str), TypedDecode> = typed_decoders()
        .into_iter()
        .map(|d| ((d.module, d.name), d))
        .collect();
    let mut module = "";
    for op in operations() {
        if op.module() != module {
            module = op.module();
            writeln!(out, "\n== {} {} ==", op.service(), op.version())?;
        }
        writeln!(
            out,
            "{} — {} {} — {}",
            op.name(),
            op.method(),
            op.path(),
            op.summary()
        )?;
        let id = format!("{}/{}", op.module(), op.name());
        let result = match typed(&client, op).await {
            Some(result) => {
                summary.typed.push(id.clone());
                result.map_err(|e| e.to_string())
            }
            None => {
                summary.from_spec.push(id.clone());
                from_spec(&decoders, &client, op).await
            }
        };
        match result {
            Ok(lines) => {
                for line in lines {
                    writeln!(out, "    {line}")?;
                }
            }
            Err(e) => {
                writeln!(out, "    FAILED: {e}")?;
                summary.failed.push(format!("{id}: {e}"));
            }
        }
    }
    if !summary.failed.is_empty() {
        return Err(format!(
            "{} of {} calls failed:\n{}",
            summary.failed.len(),
            operations().len(),
            summary.failed.join("\n")
        )
        .into());
    }

    writeln!(out, "\n== a typed error ==")?;
    mock.on("wiki", "GetWorkspace")
        .respond_error("workspaceNotExist");
    writeln!(
        out,
        "mock.on(\"wiki\", \"GetWorkspace\").respond_error(\"workspaceNotExist\")"
    )?;
    match client
        .wiki_2_0()
        .get_workspace("no-such-workspace", "union_id")
        .send()
        .await
    {
        Err(Error::Api(e)) if e.kind() == &GetWorkspaceError::WorkspaceNotExist => {
            summary.typed_error = true;
            writeln!(
                out,
                "    GetWorkspaceError::WorkspaceNotExist — HTTP {}, code {}, message {:?}, request id {}",
                e.status(),
                e.code(),
                e.message(),
                e.request_id().unwrap_or("-")
            )?;
        }
        other => return Err(format!("expected workspaceNotExist, got {other:?}").into()),
    }
    Ok(summary)
}

/// `op` called with parameters from the spec, its answer decoded into the operation's output
/// type, which must hold everything the answer said: the line to print, or why not.
async fn from_spec(
    decoders: &HashMap<(&str, &str), TypedDecode>,
    client: &Client,
    op: &OperationInfo,
) -> Result<Vec<String>, String> {
    let name = op.type_name();
    let decoder = decoders
        .get(&(op.module(), name.as_str()))
        .ok_or_else(|| format!("no typed decoder `{}::{name}`", op.module()))?;
    let answer = op
        .untyped_request(client)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let decoded = decoder.decode(answer.to_string().as_bytes())?;
    lossless(&answer, &decoded)?;
    let mut shown = decoded.to_string();
    if shown.chars().count() > 100 {
        shown = shown.chars().take(99).collect::<String>() + "…";
    }
    Ok(vec![format!("(typed from the spec) {shown}")])
}

/// The hand-written typed call of `op`, if the tour has one: the lines to print, or the error.
async fn typed(client: &Client, op: &OperationInfo) -> Option<Result<Vec<String>, BoxError>> {
    Some(match (op.module(), op.name()) {
        ("wiki_2_0", "GetMineWorkspace") => client
            .wiki_2_0()
            .get_mine_workspace("union_id")
            .send()
            .await
            .map(|r| vec![workspace(r.workspace.as_ref())])
            .map_err(Into::into),
        ("wiki_2_0", "GetWorkspaces") => client
            .wiki_2_0()
            .get_workspaces("union_id", ["9r09jSO3WARyxd8A"])
            .with_option(GetWorkspacesOption {
                with_permission_role: Some(true),
            })
            .send()
            .await
            .map(|r| {
                let all = r.workspaces.unwrap_or_default();
                let mut lines = vec![format!("{} knowledge base(s):", all.len())];
                lines.extend(all.iter().map(|w| format!("- {}", workspace(Some(w)))));
                lines
            })
            .map_err(Into::into),
        // `.await` on a request builder sends it, as `.send().await` does.
        ("wiki_2_0", "GetWorkspace") => client
            .wiki_2_0()
            .get_workspace("9r09jSO3WARyxd8A", "union_id")
            .with_permission_role(true)
            .await
            .map(|r| vec![workspace(r.workspace.as_ref())])
            .map_err(Into::into),
        // A paginator asks for each page with the cursor the previous one gave.
        ("wiki_2_0", "ListWorkspaces") => client
            .wiki_2_0()
            .list_workspaces("union_id")
            .max_results(10)
            .into_paginator()
            .send()
            .try_collect()
            .await
            .map(|pages| {
                let mut lines = vec![format!("{} pages through the paginator:", pages.len())];
                lines.extend(pages.iter().enumerate().map(|(i, page)| {
                    let all = page.workspaces.as_deref().unwrap_or_default();
                    let next = page.next_token.as_deref().unwrap_or("none: the last page");
                    format!(
                        "page {}: {} knowledge base(s), next cursor {next}",
                        i + 1,
                        all.len()
                    )
                }));
                lines
            })
            .map_err(Into::into),
        ("doc_2_0", "PinSpace") => client
            .doc_2_0()
            .pin_space("space_id", "union_id")
            .send()
            .await
            .map(|r| vec![format!("pinned: {:?}", r.success)])
            .map_err(Into::into),
        ("drive_1_0", "AddSpace") => client
            .drive_1_0()
            .add_space("New space name", "union_id")
            .send()
            .await
            .map(|r| {
                vec![format!(
                    "space {:?} ({}), {} of {} bytes used, permission mode {}",
                    r.space_name.unwrap_or_default(),
                    r.space_id.unwrap_or_default(),
                    r.used_quota.unwrap_or_default(),
                    r.quota.unwrap_or_default(),
                    shown(&r.permission_mode),
                )]
            })
            .map_err(Into::into),
        ("oauth2_1_0", "GetAccessToken") => client
            .oauth2_1_0()
            .get_access_token("demo-app-key", "demo-app-secret")
            .send()
            .await
            .map(|r| vec![token(&r.access_token, r.expire_in)])
            .map_err(Into::into),
        ("oauth2_1_0", "GetCorpAccessToken") => client
            .oauth2_1_0()
            .get_corp_access_token(GetCorpAccessTokenParams {
                suite_key: "demo-suite-key".to_owned(),
                suite_secret: "demo-suite-secret".into(),
                auth_corp_id: "ding-corp".to_owned(),
                suite_ticket: "ticket".into(),
            })
            .send()
            .await
            .map(|r| vec![token(&r.access_token, r.expire_in)])
            .map_err(Into::into),
        _ => return None,
    })
}

fn workspace(w: Option<&Workspace>) -> String {
    let Some(w) = w else {
        return "no knowledge base".to_owned();
    };
    format!(
        "{:?} ({}), type {}, your role {}, {}",
        w.name.as_deref().unwrap_or("?"),
        w.workspace_id.as_deref().unwrap_or("?"),
        shown(&w.r#type),
        shown(&w.permission_role),
        w.url.as_deref().unwrap_or("no url"),
    )
}

/// A token as the SDK shows it: never the value.
fn token(token: &impl std::fmt::Display, expire_in: i64) -> String {
    format!("access token {token}, valid for {expire_in} s")
}

fn shown<T: std::fmt::Debug>(v: &Option<T>) -> String {
    v.as_ref().map_or("?".to_owned(), |v| format!("{v:?}"))
}
