//! `dingtalk-mock`: serves the SDK's spec as a mock DingTalk server on 127.0.0.1, for curl and
//! manual testing. `dingtalk-mock [--port N] [--token T]`.

use dingtalk_openapi::mock::{operations, MockServer};

const USAGE: &str = "usage: dingtalk-mock [--port N] [--token T]

Serves every operation of the SDK's spec on http://127.0.0.1:N (default: a free port) with the
spec's example answers, checking the access token and the parameters as DingTalk does.
  --port N    listen on port N
  --token T   accept only this x-acs-dingtalk-access-token (default: any non-empty one)";

fn main() {
    let mut builder = MockServer::builder();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--port", Some(p)) => match p.parse() {
                Ok(p) => builder = builder.port(p),
                Err(_) => fail(&format!("--port needs a number, got {p:?}")),
            },
            ("--token", Some(t)) => builder = builder.token(t),
            ("-h" | "--help", _) => {
                println!("{USAGE}");
                return;
            }
            _ => fail(&format!("unexpected argument {arg:?}")),
        }
    }
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
        let url = mock.url();
        println!("DingTalk mock listening on {url}");
        println!(
            "token: send `x-acs-dingtalk-access-token: {}`",
            mock.token()
        );
        println!();
        for op in operations() {
            println!(
                "  {:<6} {url}{:<45} {}/{}{}",
                op.method(),
                op.path(),
                op.module(),
                op.name(),
                if op.auth() { "" } else { "  (anonymous)" }
            );
        }
        if let Some(op) = operations().iter().find(|o| o.auth()) {
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
            println!(
                "\ntry: curl -s -X {} -H 'x-acs-dingtalk-access-token: {}' '{url}{path}{query}'{}",
                op.method(),
                mock.token(),
                ex.body
                    .map(|b| format!(" -H 'content-type: application/json' -d '{b}'"))
                    .unwrap_or_default()
            );
        }
        println!("Ctrl-C stops it.");
        std::future::pending::<()>().await;
    });
}

fn fail(msg: &str) -> ! {
    eprintln!("dingtalk-mock: {msg}\n\n{USAGE}");
    std::process::exit(2)
}
