//! The `dingtalk-mock` binary: prints its URL and operations, serves a spec folder, checks
//! tokens.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_dingtalk-mock");

/// The repository's spec folder.
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec");

/// Kills the server when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn serves_the_spec_on_the_printed_url() {
    let mut child = Command::new(BIN)
        .args(["--port", "0", "--token", "secret", SPEC])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().unwrap();
    let _running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("DingTalk mock listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    let listing: Vec<String> = lines
        .by_ref()
        .map(Result::unwrap)
        .take_while(|l| !l.starts_with("try:"))
        .collect();
    assert!(
        listing
            .iter()
            .any(|l| l.contains("GET") && l.contains("/v2.0/wiki/workspaces/{workspaceId}")),
        "{listing:#?}"
    );
    let http = reqwest::Client::new();
    let get = |token: &'static str| {
        http.get(format!("{url}/v2.0/wiki/mineWorkspaces?operatorId=u"))
            .header("x-acs-dingtalk-access-token", token)
            .send()
    };
    let ok = get("secret").await.unwrap();
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&ok.text().await.unwrap()).unwrap();
    assert_eq!(body["workspace"]["workspaceId"], "9r09jSO3WARyxd8A");
    let refused = get("other").await.unwrap();
    assert_eq!(refused.status(), 401);
}

#[test]
fn help_and_bad_arguments() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--port N"));
    let bad = Command::new(BIN).args(["--port", "x"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--port needs a number"));
}

#[test]
fn a_folder_without_specs_is_a_usage_error() {
    let empty = std::env::temp_dir().join(format!("dingtalk-mock-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    for dir in [empty.as_path(), std::path::Path::new("/no/such/folder")] {
        let out = Command::new(BIN).arg(dir).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{dir:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&*dir.to_string_lossy()), "{stderr}");
    }
    std::fs::remove_dir(&empty).unwrap();
}
