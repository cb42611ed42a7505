//! Turning an HTTP answer into output or a typed error, without panicking on any input.

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::auth::AccessToken;
use super::error::{ApiError, Error, ErrorKind, InvalidResponse, TransportError};
use super::request::{Response, ResponseMeta};

/// The result of one attempt and the server's `Retry-After`, if it sent one.
pub(crate) struct Attempt<O, E> {
    pub(crate) result: Result<Response<O>, Error<E>>,
    pub(crate) retry_after: Option<Duration>,
    /// The access token this attempt sent, if any (to invalidate exactly it on a 401).
    pub(crate) token: Option<AccessToken>,
}

impl<O, E> Attempt<O, E> {
    pub(crate) fn fail(e: Error<E>) -> Self {
        Attempt {
            result: Err(e),
            retry_after: None,
            token: None,
        }
    }
}

/// Marker in [`InvalidResponse::reason`] of DingTalk's IP ban answer.
const BAN: &str = "DingTalk rejected the caller's IP";

/// Whether an invalid answer was DingTalk's IP ban (not worth retrying for minutes).
pub(crate) fn is_ban(reason: &str) -> bool {
    reason.starts_with(BAN)
}

/// Classifies a failure below HTTP.
pub(crate) fn transport<E>(e: reqwest::Error, attempts: u32) -> Error<E> {
    let request_sent = !e.is_connect();
    let message = if e.is_timeout() {
        "no answer in time".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "the connection failed".to_owned()
    };
    let t = TransportError {
        message,
        attempts,
        request_sent,
        source: Some(e.without_url()),
    };
    if t.source.as_ref().is_some_and(reqwest::Error::is_timeout) {
        Error::Timeout(t)
    } else {
        Error::Connect(t)
    }
}

/// `Retry-After` in seconds (DingTalk and proxies send seconds, not dates).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: f64 = v.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

fn header_request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-acs-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Reads the body (up to `limit` bytes) and decodes it. A `sensitive` answer (of an anonymous
/// token endpoint, which may carry a token) is never quoted in an error, not even in part.
pub(crate) async fn decode<O: DeserializeOwned, E: ErrorKind>(
    mut response: reqwest::Response,
    has_body: bool,
    limit: usize,
    secret: Option<&AccessToken>,
    sensitive: bool,
    attempts: u32,
) -> Attempt<O, E> {
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let request_id = header_request_id(&headers);
    let invalid = |reason: String, body: &[u8]| {
        Error::InvalidResponse(InvalidResponse {
            status,
            reason,
            snippet: if sensitive {
                String::new()
            } else {
                snippet(body, secret)
            },
            request_id: request_id.clone(),
            attempts,
        })
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Attempt::fail(invalid(
            format!("the body is larger than the {limit}-byte limit"),
            b"",
        ));
    }
    // Most answers arrive in one chunk: decode it in place, copying only when there are more.
    let mut first = None;
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) if first.is_none() && body.is_empty() => {
                if chunk.len() > limit {
                    return Attempt::fail(invalid(
                        format!("the body is larger than the {limit}-byte limit"),
                        b"",
                    ));
                }
                first = Some(chunk);
            }
            Ok(Some(chunk)) => {
                if let Some(f) = first.take() {
                    body.extend_from_slice(&f);
                }
                if body.len() + chunk.len() > limit {
                    return Attempt::fail(invalid(
                        format!("the body is larger than the {limit}-byte limit"),
                        &body,
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => return Attempt::fail(transport(e, attempts)),
        }
    }
    let body: &[u8] = first.as_deref().unwrap_or(&body);
    let result =
        decode_body(status, &headers, body, has_body, sensitive, attempts).map_err(|e| match e {
            Decoded::Invalid(reason) => invalid(reason, body),
            Decoded::Api(e) => Error::Api(*e),
        });
    let result = result.map(|output| Response {
        output,
        meta: ResponseMeta {
            status,
            request_id: request_id.clone(),
            headers,
            attempts,
        },
    });
    Attempt {
        result,
        retry_after: None,
        token: None,
    }
}

/// Why a body did not decode into the output.
pub(crate) enum Decoded<E> {
    /// Not the documented JSON.
    Invalid(String),
    /// A DingTalk error answer.
    Api(Box<ApiError<E>>),
}

/// Decodes a complete answer. Pure, so it can be fed arbitrary input in tests. When
/// `sensitive`, reasons do not quote the body (serde's messages may quote a value).
pub(crate) fn decode_body<O: DeserializeOwned, E: ErrorKind>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    has_body: bool,
    sensitive: bool,
    attempts: u32,
) -> Result<O, Decoded<E>> {
    if (200..300).contains(&status) {
        if !has_body {
            return serde_json::from_value(serde_json::Value::Null).map_err(|e| {
                Decoded::Invalid(format!(
                    "this operation has no output type for an empty answer: {e}"
                ))
            });
        }
        if body.iter().all(u8::is_ascii_whitespace) {
            return Err(Decoded::Invalid(
                "the body is empty, JSON was expected".to_owned(),
            ));
        }
        return serde_json::from_slice(body).map_err(|e| {
            Decoded::Invalid(if sensitive {
                format!(
                    "the body does not match the documented JSON (line {}, column {}; details withheld, the answer may hold a token)",
                    e.line(),
                    e.column()
                )
            } else {
                format!("the body does not match the documented JSON: {e}")
            })
        });
    }
    let json: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) if looks_like_html(body) && status == 403 => {
            return Err(Decoded::Invalid(format!("{BAN} (an HTML answer to a throttled caller; DingTalk bans an IP for 5 minutes after 10,000 calls in 20 s)")))
        }
        Err(e) if body.is_empty() => return Err(Decoded::Invalid(format!("an error status with an empty body ({e})"))),
        Err(_) => return Err(Decoded::Invalid("an error status with a body that is not JSON".to_owned())),
    };
    if json.get("punish").is_some() {
        return Err(Decoded::Invalid(format!(
            "{BAN} (`punish` answer; DingTalk bans an IP for 5 minutes after 10,000 calls in 20 s)"
        )));
    }
    let text = |keys: &[&str]| {
        keys.iter().find_map(|k| match json.get(*k) {
            Some(serde_json::Value::String(s)) => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    let Some(code) = text(&["code", "Code"]) else {
        return Err(Decoded::Invalid(
            "an error answer without a `code`".to_owned(),
        ));
    };
    Err(Decoded::Api(Box::new(ApiError {
        kind: E::from_code(&code),
        status,
        message: text(&["message", "Message"]).unwrap_or_default(),
        request_id: text(&["requestid", "requestId", "RequestId"])
            .or_else(|| header_request_id(headers)),
        body: String::from_utf8_lossy(body).into_owned(),
        code,
        attempts,
    })))
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    start.trim_start().starts_with('<')
}

/// The start of a body for an error message: at most 256 characters, control characters
/// replaced, and the access token (should a server echo it) removed.
fn snippet(body: &[u8], secret: Option<&AccessToken>) -> String {
    let mut text = String::from_utf8_lossy(&body[..body.len().min(4096)]).into_owned();
    if let Some(t) = secret.filter(|t| !t.expose().is_empty()) {
        text = text.replace(t.expose(), "<redacted>");
    }
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(256)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone, PartialEq)]
    enum Kind {
        ParamError,
        Unknown(String),
    }

    impl ErrorKind for Kind {
        fn from_code(code: &str) -> Self {
            match code {
                "paramError" => Kind::ParamError,
                _ => Kind::Unknown(code.to_owned()),
            }
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Out {
        success: Option<bool>,
        items: Option<Vec<String>>,
    }

    fn run(status: u16, headers: &HeaderMap, body: &[u8]) -> Result<Out, Decoded<Kind>> {
        decode_body::<Out, Kind>(status, headers, body, true, false, 1)
    }

    #[test]
    fn documented_error_is_typed_and_keeps_everything() {
        let body = br#"{"code":"paramError","message":"bad spaceId","requestid":"R1"}"#;
        let Err(Decoded::Api(e)) = run(400, &HeaderMap::new(), body) else {
            panic!("not an API error")
        };
        assert_eq!(
            (
                e.kind,
                e.status,
                e.message.as_str(),
                e.request_id.as_deref()
            ),
            (Kind::ParamError, 400, "bad spaceId", Some("R1"))
        );
        assert_eq!(e.body.as_bytes(), body);
    }

    #[test]
    fn request_id_falls_back_to_the_header() {
        let mut h = HeaderMap::new();
        h.insert("x-acs-request-id", "H1".parse().unwrap());
        let Err(Decoded::Api(e)) = run(500, &h, br#"{"code":"systemError"}"#) else {
            panic!()
        };
        assert_eq!(
            (e.kind, e.request_id.as_deref()),
            (Kind::Unknown("systemError".into()), Some("H1"))
        );
    }

    #[test]
    fn bans_html_empty_and_truncated_bodies_are_invalid_responses() {
        let reason = |status, body: &[u8]| match run(status, &HeaderMap::new(), body) {
            Err(Decoded::Invalid(r)) => r,
            _ => panic!("expected an invalid response for {body:?}"),
        };
        assert!(is_ban(&reason(403, br#"{"punish":"deny"}"#)));
        assert!(is_ban(&reason(403, b"<html><body>denied</body></html>")));
        assert!(reason(502, b"<html>Bad Gateway</html>").contains("not JSON"));
        assert!(reason(200, b"").contains("empty"));
        assert!(reason(200, br#"{"success": tr"#).contains("documented JSON"));
        assert!(reason(200, br#"{"success": "yes"}"#).contains("documented JSON"));
        assert!(reason(500, b"").contains("empty body"));
    }

    #[test]
    fn sensitive_answers_are_never_quoted() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Token {
            #[serde(rename = "accessToken")]
            access_token: i64,
        }
        let body = br#"{"accessToken":"tok-secret-1","expireIn":7200}"#;
        let r = decode_body::<Token, Kind>(200, &HeaderMap::new(), body, true, false, 1);
        let Err(Decoded::Invalid(plain)) = r else {
            panic!()
        };
        assert!(
            plain.contains("tok-secret-1"),
            "serde quotes values: {plain}"
        );
        let r = decode_body::<Token, Kind>(200, &HeaderMap::new(), body, true, true, 1);
        let Err(Decoded::Invalid(reason)) = r else {
            panic!()
        };
        assert!(!reason.contains("tok-secret-1"), "{reason}");
        assert!(reason.contains("line 1"), "{reason}");
    }

    #[test]
    fn snippets_are_short_and_never_show_the_token() {
        let token = AccessToken::new("tok-123");
        let s = snippet(
            format!("echo tok-123 {}", "x".repeat(5000)).as_bytes(),
            Some(&token),
        );
        assert!(!s.contains("tok-123"));
        assert!(s.chars().count() <= 256);
    }

    fn header_maps() -> impl Strategy<Value = HeaderMap> {
        proptest::collection::vec(("[a-z-]{1,20}", "[ -~]{0,40}"), 0..5).prop_map(|pairs| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                if let (Ok(k), Ok(v)) = (k.parse::<reqwest::header::HeaderName>(), v.parse()) {
                    h.append(k, v);
                }
            }
            h
        })
    }

    /// Bodies that look like what servers send, broken in every way, plus raw bytes.
    fn bodies() -> impl Strategy<Value = Vec<u8>> {
        let json = prop_oneof![
            Just(r#"{"success":true,"items":["a"]}"#.to_owned()),
            Just(r#"{"code":"paramError","message":"m","requestid":"r"}"#.to_owned()),
            Just(r#"{"Code":1,"Message":null}"#.to_owned()),
            Just(r#"{"punish":"deny"}"#.to_owned()),
            Just("<html>502</html>".to_owned()),
            "\\PC{0,64}",
        ];
        prop_oneof![
            (json, any::<usize>()).prop_map(|(s, cut)| {
                let b = s.into_bytes();
                let cut = cut % (b.len() + 1);
                b[..cut].to_vec()
            }),
            proptest::collection::vec(any::<u8>(), 0..256),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any status, headers and body: a value or a typed error, never a panic; an error
        /// status never decodes into output.
        #[test]
        fn decoder_never_panics(status in 100u16..1000, headers in header_maps(), body in bodies(), has_body in any::<bool>()) {
            let r = decode_body::<Out, Kind>(status, &headers, &body, has_body, false, 1);
            if !(200..300).contains(&status) {
                prop_assert!(r.is_err());
            }
            let _ = retry_after(&headers);
        }
    }
}
