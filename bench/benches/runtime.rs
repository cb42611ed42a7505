//! Runtime overhead: SDK calls against hand-written `reqwest` calls doing the same request, 1, 8
//! and 64 callers sharing one client, in alternating rounds of one run, against a loopback
//! server in another process (so this process's CPU time is the clients' alone); and the decode
//! cost of a typed response against `serde_json::Value`.
//!
//! ```sh
//! cargo bench -p dingtalk-openapi-bench --bench runtime [-- --quick]
//! # one side only (hand, sdk, app or untimed), for callgrind or perf (the server runs natively in a
//! # child process, which they do not follow):
//! target/release/deps/runtime-<hash> --profile-sdk --callers 8 --calls 20000
//! bench/scripts/callgrind-per-call.sh      # instructions per call, SDK and hand-written
//! ```

use std::hint::black_box;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dingtalk_openapi::wiki_2_0::{GetWorkspaceResponse, GetWorkspacesResponse};
use dingtalk_openapi::{AccessToken, AppCredentials, Client};
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

// ---------------------------------------------------------------------------------------------
// The server: this binary run with `--serve`, in a child process.

/// `--serve`: a minimal keep-alive HTTP/1.1 server answering GetAccessToken with a token valid
/// for two hours and every other request with GetWorkspace's answer, as cheap as possible so
/// that the figures are the clients'. Prints its base URL on the first line of stdout and exits
/// when stdin closes (when the benchmark ends, however).
fn serve_forever() {
    std::thread::spawn(|| {
        let _ = std::io::stdin().read_to_end(&mut Vec::new());
        std::process::exit(0);
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("server runtime");
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        println!("http://{}", listener.local_addr().expect("addr"));
        let workspace = serde_json::json!({ "workspace": workspace(0) }).to_string();
        let token = serde_json::json!({ "accessToken": TOKEN, "expireIn": 7200 }).to_string();
        let answers = Answers {
            workspace: http_answer(&workspace),
            token: http_answer(&token),
        };
        while let Ok((sock, _)) = listener.accept().await {
            let _ = sock.set_nodelay(true);
            tokio::spawn(answer_all(sock, answers));
        }
    });
}

/// The server's two answers, as bytes on the wire.
#[derive(Clone, Copy)]
struct Answers {
    workspace: &'static [u8],
    token: &'static [u8],
}

fn http_answer(body: &str) -> &'static [u8] {
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-acs-request-id: 4C3D2B1A\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    answer.leak().as_bytes()
}

/// Answers every request on `sock`: a request ends at the blank line after its head, or after
/// the `content-length` bytes of its body.
async fn answer_all(mut sock: tokio::net::TcpStream, answers: Answers) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        while let Some(end) = request_end(&buf[..filled]) {
            let token = buf.starts_with(b"POST /v1.0/oauth2/accessToken");
            let answer = if token {
                answers.token
            } else {
                answers.workspace
            };
            if sock.write_all(answer).await.is_err() {
                return;
            }
            buf.copy_within(end..filled, 0);
            filled -= end;
        }
        if filled == buf.len() {
            return; // No request is this large.
        }
        match sock.read(&mut buf[filled..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => filled += n,
        }
    }
}

/// Where the first complete request in `buf` ends, if there is one.
fn request_end(buf: &[u8]) -> Option<usize> {
    let head = find(buf, b"\r\n\r\n")? + 4;
    let text = String::from_utf8_lossy(&buf[..head]).to_ascii_lowercase();
    let length = text
        .split("\r\n")
        .find_map(|line| line.strip_prefix("content-length:"))
        .map_or(0, |n| n.trim().parse().unwrap_or(0));
    (buf.len() >= head + length).then_some(head + length)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The server process and its base URL; it exits when this is dropped (its stdin closes).
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start() -> Server {
        let exe = std::env::current_exe().expect("own path");
        let mut child = Command::new(exe)
            .arg("--serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("server process");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("server address");
        Server {
            child,
            base: line.trim().to_owned(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// The clients.

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

/// Who makes the calls: hand-written reqwest; the SDK with its default settings and a fixed
/// token (what the hand-written code sends); the same with an app's credentials (the token
/// fetched once, then cached); the SDK without timeouts (what its timers cost).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Hand,
    Sdk,
    App,
    Untimed,
}

const SIDES: [Side; 4] = [Side::Hand, Side::Sdk, Side::App, Side::Untimed];

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Hand => "hand-written reqwest",
            Side::Sdk => "SDK (defaults)",
            Side::App => "SDK, AppCredentials",
            Side::Untimed => "SDK, no timeouts",
        }
    }
}

/// One client of each side, all calling `base`.
#[derive(Clone)]
struct Clients {
    base: Arc<str>,
    http: reqwest::Client,
    sdk: Client,
    app: Client,
    untimed: Client,
}

impl Clients {
    fn new(base: &str) -> Clients {
        let sdk = Client::builder(AccessToken::new(TOKEN))
            .base_url(base)
            .build()
            .expect("a valid configuration");
        let app = Client::builder(AppCredentials::new("bench-app-key", "bench-app-secret"))
            .base_url(base)
            .build()
            .expect("a valid configuration");
        let untimed = Client::builder(AccessToken::new(TOKEN))
            .base_url(base)
            .attempt_timeout(None)
            .operation_timeout(None)
            .build()
            .expect("a valid configuration");
        Clients {
            base: base.into(),
            http: reqwest::Client::new(),
            sdk,
            app,
            untimed,
        }
    }

    async fn call(&self, side: Side) -> GetWorkspaceResponse {
        match side {
            Side::Hand => by_hand(&self.http, &self.base).await,
            Side::Sdk => by_sdk(&self.sdk).await,
            Side::App => by_sdk(&self.app).await,
            Side::Untimed => by_sdk(&self.untimed).await,
        }
    }
}

/// Makes `calls` calls of `side` from `callers` tasks sharing the clients (each its share in
/// sequence), and waits for all.
async fn run_callers(clients: &Clients, side: Side, callers: usize, calls: usize) {
    let tasks: Vec<_> = (0..callers)
        .map(|i| {
            let clients = clients.clone();
            let mine = calls / callers + usize::from(i < calls % callers);
            tokio::spawn(async move {
                for _ in 0..mine {
                    black_box(clients.call(side).await);
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("caller");
    }
}

// ---------------------------------------------------------------------------------------------
// Measuring.

/// What this process has used so far (the clients': the server is another process): CPU time
/// (user + system), and context switches (a worker thread that parks for lack of work, or is
/// preempted).
fn usage() -> (Duration, u64) {
    // SAFETY: `getrusage` fills the struct it is given and reads nothing else.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    let switches = usage.ru_nvcsw + usage.ru_nivcsw;
    (tv(usage.ru_utime) + tv(usage.ru_stime), switches as u64)
}

/// Wall-clock time, CPU time and context switches of one side's share of a round.
#[derive(Clone, Copy, Default)]
struct Spent {
    wall: Duration,
    cpu: Duration,
    switches: u64,
}

async fn measure(clients: &Clients, side: Side, callers: usize, calls: usize) -> Spent {
    let (t, (cpu, switches)) = (Instant::now(), usage());
    run_callers(clients, side, callers, calls).await;
    let (cpu_after, switches_after) = usage();
    Spent {
        wall: t.elapsed(),
        cpu: cpu_after.saturating_sub(cpu),
        switches: switches_after.saturating_sub(switches),
    }
}

/// `(min, median, max)` of `v`.
fn spread(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

fn median(v: Vec<f64>) -> f64 {
    spread(v).1
}

/// One concurrency level: `rounds` rounds, each running every side once (`calls` calls from
/// `callers` tasks) in an order that rotates, so that drift in the machine's load hits all
/// sides alike; prints the figures and the SDK/hand-written ratios, round by round.
async fn compare(
    clients: &Clients,
    callers: usize,
    rounds: usize,
    calls: usize,
    target: Option<f64>,
) {
    for side in SIDES {
        // Warm up: connections (one per caller), allocator, caches.
        run_callers(clients, side, callers, (callers * 20).max(200)).await;
    }
    let mut spent: Vec<[Spent; SIDES.len()]> = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut this = [Spent::default(); SIDES.len()];
        for k in 0..SIDES.len() {
            let i = (round + k) % SIDES.len();
            this[i] = measure(clients, SIDES[i], callers, calls).await;
        }
        spent.push(this);
    }
    println!("\n{callers} caller(s) sharing one client, {rounds} rounds of {calls} calls a side:");
    print_sides(&spent, calls);
    for (i, side) in SIDES.iter().enumerate().skip(1) {
        let ratios =
            |f: &dyn Fn(&[Spent; SIDES.len()]) -> f64| spread(spent.iter().map(f).collect());
        let speed = ratios(&|s| secs(s[0].wall) / secs(s[i].wall));
        let cpu = ratios(&|s| secs(s[i].cpu) / secs(s[0].cpu));
        println!(
            "  {} ÷ hand-written, min–median–max of rounds: throughput {:.3}–{:.3}–{:.3}, CPU per call {:.3}–{:.3}–{:.3}",
            side.name(), speed.0, speed.1, speed.2, cpu.0, cpu.1, cpu.2
        );
    }
    match target {
        Some(t) => println!(
            "  (targets, SDK with defaults: median throughput ≥ {t:.2}, CPU per call ≤ 1.10)"
        ),
        None => println!("  (no target: how the overhead scales with many callers)"),
    }
}

/// The medians of each side's rounds: calls per second, CPU time and context switches per call.
fn print_sides(spent: &[[Spent; SIDES.len()]], calls: usize) {
    println!(
        "  {:<24} {:>10} {:>16} {:>18}",
        "side (median of rounds)", "calls/s", "CPU µs per call", "switches per call"
    );
    for (i, side) in SIDES.iter().enumerate() {
        let per_round =
            |f: &dyn Fn(&Spent) -> f64| median(spent.iter().map(|s| f(&s[i])).collect());
        let rate = per_round(&|s| calls as f64 / secs(s.wall));
        let cpu = per_round(&|s| s.cpu.as_secs_f64() * 1e6 / calls as f64);
        let switches = per_round(&|s| s.switches as f64 / calls as f64);
        println!(
            "  {:<24} {rate:>10.0} {cpu:>16.1} {switches:>18.2}",
            side.name()
        );
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64().max(1e-9)
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
        "\nGetWorkspaces answer with 20 workspaces ({} bytes), {runs} interleaved rounds:",
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

/// The value of `--name N` on the command line, else `default`.
fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(default)
}

/// `--profile-{hand,sdk,app,untimed}` `[--callers N] [--calls M]`: M calls
/// of one side from N callers (after 200 warm-up calls), for callgrind or perf; the server runs
/// in a child process, which neither follows by default.
fn profile(rt: &tokio::runtime::Runtime, side: Side) {
    let server = Server::start();
    let (callers, calls) = (arg("--callers", 1), arg("--calls", 20_000));
    rt.block_on(async {
        let clients = Clients::new(&server.base);
        run_callers(&clients, side, callers, 200.max(callers)).await;
        run_callers(&clients, side, callers, calls).await;
    });
}

fn main() {
    let flag = |f: &str| std::env::args().any(|a| a == f);
    if flag("--serve") {
        return serve_forever();
    }
    // Two worker threads, as many as the machine's cores: the callers run on both.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let profiled = [
        ("--profile-hand", Side::Hand),
        ("--profile-sdk", Side::Sdk),
        ("--profile-app", Side::App),
        ("--profile-untimed", Side::Untimed),
    ];
    if let Some(&(_, side)) = profiled.iter().find(|(f, _)| flag(f)) {
        return profile(&rt, side);
    }
    let quick = flag("--quick");
    let server = Server::start();
    let clients = rt.block_on(async { Clients::new(&server.base) });
    println!(
        "GetWorkspace over loopback; the server is another process, so CPU is the clients' (getrusage).\n\
         Each round runs every side once, in rotating order; ratios are SDK ÷ hand-written per round."
    );
    let (rounds, calls) = if quick { (3, 300) } else { (15, 3000) };
    for (callers, target) in [(1, Some(0.97)), (8, Some(0.95)), (64, None)] {
        rt.block_on(compare(&clients, callers, rounds, calls, target));
    }
    drop(server);
    decode(if quick { 5 } else { 50 });
}
