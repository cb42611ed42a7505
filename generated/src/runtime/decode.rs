//! Turning an HTTP answer into output or a typed error, without panicking on any input.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::auth::AccessToken;
use super::error::{ApiError, Error, ErrorKind, InvalidResponse, RedirectError, TransportError};
use super::redact::Redactor;
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

/// What an operation's answer must be, from its [`Endpoint`](super::Endpoint).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expect {
    /// A 2xx answer has a JSON body (`false`: `response: none`).
    pub(crate) has_body: bool,
    /// That body is a JSON object (not an array, a boolean, …).
    pub(crate) object: bool,
    /// The answer of an anonymous token endpoint, which may hold a token: never quoted.
    pub(crate) sensitive: bool,
    /// Largest body accepted, in bytes.
    pub(crate) limit: usize,
}

/// Reads the body (up to `expect.limit` bytes) and decodes it. A redirect, or an answer from
/// another URL than `sent` (a caller's HTTP client followed a redirect), is refused unread.
/// Snippets are cut from the body without `redactor`'s secrets.
pub(crate) async fn decode<O: DeserializeOwned, E: ErrorKind>(
    mut response: reqwest::Response,
    sent: &reqwest::Url,
    expect: Expect,
    redactor: &Redactor,
    attempts: u32,
) -> Attempt<O, E> {
    let status = response.status().as_u16();
    let headers = std::mem::take(response.headers_mut());
    let request_id = header_request_id(&headers);
    if let Some(e) = redirect(status, &headers, response.url(), sent) {
        return Attempt::fail(Error::Redirect(RedirectError {
            request_id,
            attempts,
            ..e
        }));
    }
    let limit = expect.limit;
    let invalid = |reason: String, body: &[u8]| {
        Error::InvalidResponse(InvalidResponse {
            status,
            reason,
            snippet: if expect.sensitive {
                String::new()
            } else {
                snippet(body, redactor)
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
    let result = decode_body(status, &headers, body, expect, attempts).map_err(|e| match e {
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

/// The redirect this answer is, if it is one: a 3xx (never followed by the SDK's own client),
/// or an answer from another URL than `sent` (followed by a caller's client). Only the target's
/// origin is kept: its path and query may carry anything.
fn redirect(
    status: u16,
    headers: &HeaderMap,
    answered: &reqwest::Url,
    sent: &reqwest::Url,
) -> Option<RedirectError> {
    let followed = answered != sent;
    if !followed && !(300..400).contains(&status) {
        return None;
    }
    let target = if followed {
        Some(answered.clone())
    } else {
        headers
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|l| sent.join(l).ok())
    };
    let origin = |u: &reqwest::Url| {
        let host = u.host_str().filter(|h| !h.is_empty())?;
        Some(format!(
            "{}://{host}:{}",
            u.scheme(),
            u.port_or_known_default()?
        ))
    };
    Some(RedirectError {
        status,
        location: target.as_ref().and_then(origin),
        followed,
        request_id: None,
        attempts: 0,
    })
}

/// Why a body did not decode into the output.
pub(crate) enum Decoded<E> {
    /// Not the documented JSON.
    Invalid(String),
    /// A DingTalk error answer.
    Api(Box<ApiError<E>>),
}

/// Decodes a complete answer. Pure, so it can be fed arbitrary input in tests. When
/// `expect.sensitive`, reasons do not quote the body (serde's messages may quote a value).
pub(crate) fn decode_body<O: DeserializeOwned, E: ErrorKind>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    expect: Expect,
    attempts: u32,
) -> Result<O, Decoded<E>> {
    if (200..300).contains(&status) {
        return decode_success(status, headers, body, expect, attempts);
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
    let Some(code) = text(&CODE) else {
        return Err(Decoded::Invalid(
            "an error answer without a `code`".to_owned(),
        ));
    };
    Err(Decoded::Api(Box::new(ApiError {
        kind: E::from_code(&code),
        status,
        message: text(&MESSAGE).unwrap_or_default(),
        request_id: text(&REQUEST_ID).or_else(|| header_request_id(headers)),
        body: String::from_utf8_lossy(body).into_owned(),
        code,
        attempts,
    })))
}

/// The keys of DingTalk's error bodies (the official SDKs read both spellings).
const CODE: [&str; 2] = ["code", "Code"];
const MESSAGE: [&str; 2] = ["message", "Message"];
const REQUEST_ID: [&str; 3] = ["requestid", "requestId", "RequestId"];

/// Decodes a 2xx answer, as the official SDKs do: 204 is success without a body (the empty
/// answer, when the answer's fields are all optional); an empty 200 body is not JSON; an
/// object answer must be an object; DingTalk's error body in a 2xx is an error.
fn decode_success<O: DeserializeOwned, E: ErrorKind>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    expect: Expect,
    attempts: u32,
) -> Result<O, Decoded<E>> {
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    if first == Some(b'{') {
        if let Some(e) = error_in_success::<O, E>(status, headers, body, expect, attempts) {
            return Err(Decoded::Api(Box::new(e)));
        }
    }
    if !expect.has_body || status == 204 {
        let empty: &[u8] = if expect.has_body && expect.object {
            b"{}"
        } else {
            b"null"
        };
        return serde_json::from_slice(empty).map_err(|e| {
            Decoded::Invalid(format!(
                "HTTP {status} without a body, but this operation's answer cannot be empty ({e})"
            ))
        });
    }
    let Some(first) = first else {
        return Err(Decoded::Invalid(
            "the body is empty, JSON was expected".to_owned(),
        ));
    };
    if expect.object && first != b'{' {
        return Err(Decoded::Invalid(format!(
            "the answer is {}, not the JSON object this operation returns",
            json_kind(first)
        )));
    }
    serde_json::from_slice(body).map_err(|e| {
        Decoded::Invalid(if expect.sensitive {
            format!(
                "the body does not match the documented JSON (line {}, column {}; details withheld, the answer may hold a token)",
                e.line(),
                e.column()
            )
        } else {
            format!("the body does not match the documented JSON: {e}")
        })
    })
}

/// What a JSON text starting with `first` is, for an error message.
fn json_kind(first: u8) -> &'static str {
    match first {
        b'[' => "a JSON array",
        b'"' => "a JSON string",
        b't' | b'f' => "a JSON boolean",
        b'n' => "JSON null",
        b'-' | b'0'..=b'9' => "a JSON number",
        _ => "not JSON",
    }
}

/// DingTalk's error body inside a 2xx answer (`{"code":"workspaceNotExist","message":…}`): an
/// object with a string `code` and `message` and none of the fields the operation answers with.
/// A real answer has at least one of its own fields or neither key, so the rule cannot take one
/// for an error. Costs a byte search, and a shallow second parse only when both keys appear.
fn error_in_success<O: DeserializeOwned, E: ErrorKind>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    expect: Expect,
    attempts: u32,
) -> Option<ApiError<E>> {
    let quoted = |keys: &[&[u8]]| keys.iter().any(|k| memchr::memmem::find(body, k).is_some());
    if !(quoted(&[b"\"code\"", b"\"Code\""]) && quoted(&[b"\"message\"", b"\"Message\""])) {
        return None;
    }
    // A non-object answer (an array, a boolean) has no fields an object could carry.
    let fields = if expect.has_body && expect.object {
        answer_fields::<O>()?
    } else {
        &[]
    };
    let top: TopLevel = serde_json::from_slice(body).ok()?;
    if top.keys.iter().any(|k| fields.contains(&k.as_str())) {
        return None;
    }
    let (code, message) = (top.code?, top.message?);
    Some(ApiError {
        kind: E::from_code(&code),
        status,
        code,
        message,
        request_id: top.request_id.or_else(|| header_request_id(headers)),
        body: String::from_utf8_lossy(body).into_owned(),
        attempts,
    })
}

/// The top level of a JSON object: its keys, and the error keys' string values.
#[derive(Default)]
struct TopLevel {
    keys: Vec<String>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = TopLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
                let mut top = TopLevel::default();
                while let Some(key) = map.next_key::<String>()? {
                    let slot = match key.as_str() {
                        k if CODE.contains(&k) => &mut top.code,
                        k if MESSAGE.contains(&k) => &mut top.message,
                        k if REQUEST_ID.contains(&k) => &mut top.request_id,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            top.keys.push(key);
                            continue;
                        }
                    };
                    if let serde_json::Value::String(s) = map.next_value()? {
                        slot.get_or_insert(s);
                    }
                    top.keys.push(key);
                }
                Ok(top)
            }
        }
        d.deserialize_map(Keys)
    }
}

/// The wire names of the fields of `O`, read from its derived `Deserialize` (which hands them to
/// `deserialize_struct`): no list is generated per operation. `None` when `O` is not a struct
/// (e.g. `serde_json::Value`, whose fields are unknown); empty for `()`.
fn answer_fields<O: DeserializeOwned>() -> Option<&'static [&'static str]> {
    match O::deserialize(FieldProbe) {
        Err(Probed(fields)) => fields,
        Ok(_) => None,
    }
}

/// A deserializer that only reports which shape it was asked for.
struct FieldProbe;

/// What [`FieldProbe`] found: a struct's field names, `[]` for a unit, `None` for anything else.
#[derive(Debug)]
struct Probed(Option<&'static [&'static str]>);

impl fmt::Display for Probed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probed")
    }
}

impl std::error::Error for Probed {}

impl serde::de::Error for Probed {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Probed(None)
    }
}

impl<'de> Deserializer<'de> for FieldProbe {
    type Error = Probed;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed(None))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Probed> {
        Err(Probed(Some(fields)))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed(Some(&[])))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    start.trim_start().starts_with('<')
}

/// The start of a body for an error message: at most 256 characters, control characters
/// replaced, and the secrets in flight (should a server echo them) removed before the cut.
fn snippet(body: &[u8], redactor: &Redactor) -> String {
    let text = redactor.cleaned(&String::from_utf8_lossy(&body[..body.len().min(4096)]));
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

    /// An object answer, not from a token endpoint.
    const OBJECT: Expect = Expect {
        has_body: true,
        object: true,
        sensitive: false,
        limit: 1 << 20,
    };

    fn run(status: u16, headers: &HeaderMap, body: &[u8]) -> Result<Out, Decoded<Kind>> {
        decode_body::<Out, Kind>(status, headers, body, OBJECT, 1)
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
        let r = decode_body::<Token, Kind>(200, &HeaderMap::new(), body, OBJECT, 1);
        let Err(Decoded::Invalid(plain)) = r else {
            panic!()
        };
        assert!(
            plain.contains("tok-secret-1"),
            "serde quotes values: {plain}"
        );
        let sensitive = Expect {
            sensitive: true,
            ..OBJECT
        };
        let r = decode_body::<Token, Kind>(200, &HeaderMap::new(), body, sensitive, 1);
        let Err(Decoded::Invalid(reason)) = r else {
            panic!()
        };
        assert!(!reason.contains("tok-secret-1"), "{reason}");
        assert!(reason.contains("line 1"), "{reason}");
    }

    #[test]
    fn snippets_are_short_and_never_show_the_token() {
        let mut redactor = Redactor::default();
        redactor.add("tok-123");
        let s = snippet(
            format!("echo tok-123 {}", "x".repeat(5000)).as_bytes(),
            &redactor,
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
            let expect = Expect { has_body, object: has_body, ..OBJECT };
            let r = decode_body::<Out, Kind>(status, &headers, &body, expect, 1);
            if !(200..300).contains(&status) {
                prop_assert!(r.is_err());
            }
            let _ = retry_after(&headers);
        }
    }
}
