//! Runtime overhead: an SDK call against a hand-written `reqwest` call doing the same request,
//! both against the same loopback server, in interleaved rounds of one run; and the decode cost
//! of a typed response against `serde_json::Value`.
//!
//! `cargo bench -p dingtalk-openapi-bench --bench runtime [-- --quick]`

use std::hint::black_box;
use std::time::{Duration, Instant};

use dingtalk_openapi::wiki_2_0::{GetWorkspaceResponse, GetWorkspacesResponse};
use dingtalk_openapi::{AccessToken, Client};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "bench-token-0123456789";

fn workspace(i: usize) -> serde_json::Value {
    serde_json::json!({
        "workspaceId": format!("9r09jSO3WARyxd8A{i}"),
        "corpId": "ding16b241fd05a1b2c3d288",
        "teamId": "lHiicjNFM2iSFYSdz2iPuI8ZwiEiE",
        "rootNodeId": "MNDoBb60VLBPraakI1Ywxyyn8lemrZQ3",
        "name": format!("workspace {i}"),
        "type": "TEAM",
        "description": "workspace_description",
        "url": "https://alidocs.dingtalk.com/i/spaces/9r09jSO3WARyxd8A/overview",
        "icon": { "type": "URL", "value": "https://example/file-manage-files/avatar3.jpg" },
        "cover": "https://example/file-manage-files/XXXX.jpg",
        "creatorId": "01472825524039877041",
        "modifierId": "01472825524039877041",
        "createTime": "2023-05-15T11:29Z",
        "modifiedTime": "2023-05-15T11:29Z",
        "permissionRole": "READER"
    })
}

/// A minimal keep-alive HTTP/1.1 server answering every request with `body`: as cheap as
/// possible, so that the figures are the clients'.
async fn serve(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-acs-request-id: 4C3D2B1A\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    let response: &'static [u8] = Box::leak(response.into_boxed_slice());
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let _ = sock.set_nodelay(true);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut filled = 0;
                loop {
                    // GET requests without a body: a request ends at the blank line.
                    while let Some(end) = find(&buf[..filled], b"\r\n\r\n") {
                        if sock.write_all(response).await.is_err() {
                            return;
                        }
                        buf.copy_within(end + 4..filled, 0);
                        filled -= end + 4;
                    }
                    match sock.read(&mut buf[filled..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => filled += n,
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The same request as the SDK's `get_workspace`, written by hand: same headers, same query,
/// status check, typed decode.
async fn by_hand(http: &reqwest::Client, base: &str) -> GetWorkspaceResponse {
    let r = http
        .get(format!("{base}/v2.0/wiki/workspaces/9r09jSO3WARyxd8A"))
        .query(&[("operatorId", "union_id")])
        .header("accept", "application/json")
        .header("user-agent", "bench")
        .header("x-acs-dingtalk-access-token", TOKEN)
        .send()
        .await
        .expect("sent");
    assert!(r.status().is_success());
    let body = r.bytes().await.expect("body");
    serde_json::from_slice(&body).expect("decodes")
}

async fn by_sdk(client: &Client) -> GetWorkspaceResponse {
    client
        .wiki_2_0()
        .get_workspace("9r09jSO3WARyxd8A", "union_id")
        .send()
        .await
        .expect("sdk call")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

async fn calls(rounds: usize, per_round: usize) {
    let base = serve(serde_json::json!({ "workspace": workspace(0) }).to_string()).await;
    let http = reqwest::Client::new();
    let client = Client::builder(AccessToken::new(TOKEN))
        .base_url(base.clone())
        .build()
        .expect("a valid configuration");
    // The same SDK client without its default timeouts: what the timers cost.
    let untimed = Client::builder(AccessToken::new(TOKEN))
        .base_url(base.clone())
        .attempt_timeout(None)
        .operation_timeout(None)
        .build()
        .expect("a valid configuration");
    // Warm up both (connections, allocator).
    for _ in 0..200 {
        black_box(by_hand(&http, &base).await);
        black_box(by_sdk(&client).await);
        black_box(by_sdk(&untimed).await);
    }
    let (mut hand, mut sdk, mut bare) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let (mut ratios, mut bare_ratios) = (Vec::new(), Vec::new());
    let mut fastest = [Duration::MAX; 3];
    for round in 0..rounds {
        // Rotate which goes first, so drift in machine load hits all alike.
        let mut times = [Duration::ZERO; 3];
        for k in 0..3 {
            let which = (round + k) % 3;
            let t = Instant::now();
            for _ in 0..per_round {
                match which {
                    0 => black_box(by_hand(&http, &base).await),
                    1 => black_box(by_sdk(&client).await),
                    _ => black_box(by_sdk(&untimed).await),
                };
            }
            times[which] = t.elapsed();
        }
        for (f, t) in fastest.iter_mut().zip(times) {
            *f = (*f).min(t);
        }
        hand += times[0];
        sdk += times[1];
        bare += times[2];
        ratios.push(times[0].as_secs_f64() / times[1].as_secs_f64());
        bare_ratios.push(times[0].as_secs_f64() / times[2].as_secs_f64());
    }
    let n = (rounds * per_round) as f64;
    let rps = |d: Duration| n / d.as_secs_f64();
    println!(
        "GetWorkspace over loopback, {rounds} interleaved rounds of {per_round} sequential calls each:"
    );
    println!("  hand-written reqwest {:>8.0} req/s", rps(hand));
    println!("  SDK                  {:>8.0} req/s", rps(sdk));
    println!(
        "  SDK, no timeouts     {:>8.0} req/s ({:.3} of hand-written, {:.3} median of rounds)",
        rps(bare),
        rps(bare) / rps(hand),
        median(bare_ratios)
    );
    let best = |i: usize| fastest[0].as_secs_f64() / fastest[i].as_secs_f64();
    println!(
        "  SDK/hand-written throughput: {:.3} overall, {:.3} median of rounds, {:.3} fastest rounds (target ≥ 0.95)",
        rps(sdk) / rps(hand),
        median(ratios),
        best(1)
    );
    println!("  (no timeouts: {:.3} fastest rounds)", best(2));
}

fn decode(runs: usize) {
    let body = serde_json::json!({
        "workspaces": (0..20).map(workspace).collect::<Vec<_>>()
    })
    .to_string();
    let bytes = body.as_bytes();
    let (mut typed, mut value) = (Duration::ZERO, Duration::ZERO);
    let mut ratios = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        for _ in 0..100 {
            let v: GetWorkspacesResponse = serde_json::from_slice(black_box(bytes)).expect("typed");
            black_box(v);
        }
        let a = t.elapsed();
        let t = Instant::now();
        for _ in 0..100 {
            let v: serde_json::Value = serde_json::from_slice(black_box(bytes)).expect("value");
            black_box(v);
        }
        let b = t.elapsed();
        typed += a;
        value += b;
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / (runs * 100) as f64;
    println!(
        "GetWorkspaces answer with 20 workspaces ({} bytes), {runs} interleaved rounds:",
        bytes.len()
    );
    println!(
        "  typed (GetWorkspacesResponse) {:>7.1} µs/decode",
        per(typed)
    );
    println!(
        "  serde_json::Value             {:>7.1} µs/decode",
        per(value)
    );
    println!(
        "  typed/Value time: {:.3} overall, {:.3} median of rounds",
        typed.as_secs_f64() / value.as_secs_f64(),
        median(ratios)
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, per_round) = if quick { (4, 50) } else { (100, 100) };
    // One worker thread for the client, one for the server: like a service making calls.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    // `-- --profile-sdk` / `-- --profile-hand`: 20,000 calls of one kind, for `perf record`.
    let profile = |kind: &str| std::env::args().any(|a| a == format!("--profile-{kind}"));
    if profile("sdk") || profile("hand") {
        let sdk = profile("sdk");
        rt.block_on(async {
            let base = serve(serde_json::json!({ "workspace": workspace(0) }).to_string()).await;
            let client = Client::builder(AccessToken::new(TOKEN))
                .base_url(base.clone())
                .build()
                .expect("a valid configuration");
            let http = reqwest::Client::new();
            for _ in 0..20_000 {
                if sdk {
                    black_box(by_sdk(&client).await);
                } else {
                    black_box(by_hand(&http, &base).await);
                }
            }
        });
        return;
    }
    rt.block_on(calls(rounds, per_round));
    decode(if quick { 5 } else { 50 });
}
