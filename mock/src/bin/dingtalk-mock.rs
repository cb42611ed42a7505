//! `dingtalk-mock`: serves a folder of spec files as a mock DingTalk server on 127.0.0.1, for
//! curl and manual testing. `dingtalk-mock [--port N] [--token T] [SPEC_DIR]`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dingtalk_openapi_mock::{operations, MockBuilder, MockServer, OperationInfo, Sdk};
use dingtalk_openapi_runtime::Client;

const USAGE: &str = "usage: dingtalk-mock [--port N] [--token T] [SPEC_DIR]

Serves every operation of the spec files in SPEC_DIR (default: spec) on http://127.0.0.1:N
(default: a free port) with the spec's example answers, checking the access token and the
parameters as DingTalk does.
  --port N    listen on port N
  --token T   accept only this x-acs-dingtalk-access-token (default: any non-empty one)";

/// The spec files read from the command line's folder, before the mock starts.
static SPECS: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();

/// The mock of the folder's specs; its client is the runtime's (the binary makes no calls).
struct Folder;

impl Sdk for Folder {
    fn specs() -> &'static [(&'static str, &'static str)] {
        SPECS.get().map_or(&[], Vec::as_slice)
    }

    type Client = Client;
}

fn main() {
    let Some((builder, dir)) = parse_args(std::env::args().skip(1)) else {
        println!("{USAGE}");
        return;
    };
    let specs = match read_specs(&dir) {
        Ok(specs) => specs,
        Err(e) => fail(&e),
    };
    SPECS.get_or_init(|| specs);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => fail(&format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async {
        let mock = match builder.start().await {
            Ok(m) => m,
            Err(e) => fail(&format!("cannot start the mock: {e}")),
        };
        print_listing(&mock);
        println!("Ctrl-C stops it.");
        std::future::pending::<()>().await;
    });
}

/// The mock's settings and the spec folder, or `None` for `--help`; exits on a bad argument.
fn parse_args(mut args: impl Iterator<Item = String>) -> Option<(MockBuilder<Folder>, PathBuf)> {
    let mut builder = MockBuilder::<Folder>::default();
    let mut dir = PathBuf::from("spec");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "--token" => {
                let Some(value) = args.next() else {
                    fail(&format!("{arg} needs a value"))
                };
                builder = match (arg.as_str(), value.parse()) {
                    ("--port", Ok(p)) => builder.port(p),
                    ("--port", Err(_)) => fail(&format!("--port needs a number, got {value:?}")),
                    _ => builder.token(value),
                };
            }
            "-h" | "--help" => return None,
            _ if arg.starts_with('-') => fail(&format!("unexpected argument {arg:?}")),
            _ => dir = PathBuf::from(arg),
        }
    }
    Some((builder, dir))
}

/// Prints the URL, the token to send, every operation and a ready-made curl command.
fn print_listing(mock: &MockServer<Folder>) {
    let url = mock.url();
    println!("DingTalk mock listening on {url}");
    println!(
        "token: send `x-acs-dingtalk-access-token: {}`",
        mock.token()
    );
    println!();
    for op in operations::<Folder>() {
        println!(
            "  {:<6} {url}{:<45} {}/{}{}",
            op.method(),
            op.path(),
            op.module(),
            op.name(),
            if op.auth() { "" } else { "  (anonymous)" }
        );
    }
    if let Some(op) = operations::<Folder>().iter().find(|o| o.auth()) {
        println!("\ntry: {}", curl(op, &url, mock.token()));
    }
}

/// A curl command that calls `op` validly, from the spec alone.
fn curl(op: &OperationInfo, url: &str, token: &str) -> String {
    let ex = op.example_request();
    let mut path = op.path().to_owned();
    for (k, v) in &ex.path {
        path = path.replace(&format!("{{{k}}}"), v);
    }
    let query: Vec<String> = ex
        .query
        .iter()
        .map(|(k, v, _)| match v {
            serde_json::Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    let body = ex
        .body
        .map(|b| format!(" -H 'content-type: application/json' -d '{b}'"))
        .unwrap_or_default();
    format!(
        "curl -s -X {} -H 'x-acs-dingtalk-access-token: {token}' '{url}{path}{query}'{body}",
        op.method()
    )
}

/// `(file name, YAML text)` of each spec file in `dir`, kept for the life of the process.
fn read_specs(dir: &Path) -> Result<Vec<(&'static str, &'static str)>, String> {
    let files = dingtalk_openapi_codegen::files::yaml_files(dir)?;
    if files.is_empty() {
        return Err(format!("no spec files (*.yaml) in `{}`", dir.display()));
    }
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f)
                .map_err(|e| format!("cannot read `{}`: {e}", f.display()))?;
            let name = f.display().to_string();
            Ok((&*name.leak(), &*text.leak()))
        })
        .collect()
}

fn fail(msg: &str) -> ! {
    eprintln!("dingtalk-mock: {msg}\n\n{USAGE}");
    std::process::exit(2)
}
