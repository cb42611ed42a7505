//! Decoding a complete answer into the output or the error it is: pure, without panicking on
//! any input.

use std::fmt;
use std::sync::LazyLock;

use memchr::memmem::Finder;

use reqwest::header::HeaderMap;
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::classify;
use super::error::{ApiError, ErrorKind};
use super::fields::answer_fields;
use super::response::header_request_id;

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

/// Why a body did not decode into the output.
pub(crate) enum BodyError<E> {
    /// Not the documented JSON; why.
    Invalid(String),
    /// DingTalk's IP ban (an HTML 403 or a `punish` answer); what it was.
    Ban(String),
    /// DingTalk's error answer.
    Api(Box<ApiError<E>>),
}

/// What DingTalk's IP ban means, for the error's reason.
const BANNED: &str = "DingTalk rejected the caller's IP";

/// Decodes a complete answer. Pure, so it can be fed arbitrary input in tests. When
/// `expect.sensitive`, reasons do not quote the body (serde's messages may quote a value).
pub(crate) fn decode_body<O: DeserializeOwned, E: ErrorKind>(
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    expect: Expect,
    attempts: u32,
) -> Result<O, BodyError<E>> {
    if (200..300).contains(&status) {
        return decode_success(status, headers, body, expect, attempts);
    }
    let json: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) if looks_like_html(body) && status == 403 => {
            return Err(BodyError::Ban(format!("{BANNED} (an HTML answer to a throttled caller; DingTalk bans an IP for 5 minutes after 10,000 calls in 20 s)")))
        }
        Err(e) if body.is_empty() => return Err(BodyError::Invalid(format!("an error status with an empty body ({e})"))),
        Err(_) => return Err(BodyError::Invalid("an error status with a body that is not JSON".to_owned())),
    };
    if json.get("punish").is_some() {
        return Err(BodyError::Ban(format!(
            "{BANNED} (`punish` answer; DingTalk bans an IP for 5 minutes after 10,000 calls in 20 s)"
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
        return Err(BodyError::Invalid(
            "an error answer without a `code`".to_owned(),
        ));
    };
    Err(BodyError::Api(Box::new(ApiError {
        kind: E::from_code(&code),
        status,
        message: text(&MESSAGE).unwrap_or_default(),
        request_id: text(&REQUEST_ID).or_else(|| header_request_id(headers)),
        body: String::from_utf8_lossy(body).into_owned(),
        class: classify::answer(status, Some(&code)),
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
) -> Result<O, BodyError<E>> {
    let first = body.iter().copied().find(|b| !b.is_ascii_whitespace());
    if first == Some(b'{') {
        if let Some(e) = error_in_success::<O, E>(status, headers, body, expect, attempts) {
            return Err(BodyError::Api(Box::new(e)));
        }
    }
    if !expect.has_body || status == 204 {
        let empty: &[u8] = if expect.has_body && expect.object {
            b"{}"
        } else {
            b"null"
        };
        return serde_json::from_slice(empty).map_err(|e| {
            BodyError::Invalid(format!(
                "HTTP {status} without a body, but this operation's answer cannot be empty ({e})"
            ))
        });
    }
    let Some(first) = first else {
        return Err(BodyError::Invalid(
            "the body is empty, JSON was expected".to_owned(),
        ));
    };
    if expect.object && first != b'{' {
        return Err(BodyError::Invalid(format!(
            "the answer is {}, not the JSON object this operation returns",
            json_kind(first)
        )));
    }
    serde_json::from_slice(body).map_err(|e| {
        BodyError::Invalid(if expect.sensitive {
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
    if !(quoted_key(body, &CODE_TAIL, b"cC") && quoted_key(body, &MESSAGE_TAIL, b"mM")) {
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
        class: classify::answer(status, Some(&code)),
        code,
        message,
        request_id: top.request_id.or_else(|| header_request_id(headers)),
        body: String::from_utf8_lossy(body).into_owned(),
        attempts,
    })
}

/// The ends of DingTalk's error keys, searched for once, then checked for a quote and either
/// initial before them: one scan of the body for each key instead of one for each spelling.
static CODE_TAIL: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"ode\""));
static MESSAGE_TAIL: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"essage\""));

/// Whether `body` holds a quoted key made of a quote, one of `initials` and `tail` (e.g.
/// `"code"` or `"Code"`).
fn quoted_key(body: &[u8], tail: &Finder<'_>, initials: &[u8]) -> bool {
    tail.find_iter(body)
        .any(|i| i >= 2 && body[i - 2] == b'"' && initials.contains(&body[i - 1]))
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

fn looks_like_html(body: &[u8]) -> bool {
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    start.trim_start().starts_with('<')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone, PartialEq)]
    enum Kind {
        ParamError,
        Other(String),
    }

    impl ErrorKind for Kind {
        fn from_code(code: &str) -> Self {
            match code {
                "paramError" => Kind::ParamError,
                _ => Kind::Other(code.to_owned()),
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

    fn run(status: u16, headers: &HeaderMap, body: &[u8]) -> Result<Out, BodyError<Kind>> {
        decode_body::<Out, Kind>(status, headers, body, OBJECT, 1)
    }

    #[test]
    fn documented_error_is_typed_and_keeps_everything() {
        let body = br#"{"code":"paramError","message":"bad spaceId","requestid":"R1"}"#;
        let Err(BodyError::Api(e)) = run(400, &HeaderMap::new(), body) else {
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
        let Err(BodyError::Api(e)) = run(500, &h, br#"{"code":"systemError"}"#) else {
            panic!()
        };
        assert_eq!(
            (e.kind, e.request_id.as_deref()),
            (Kind::Other("systemError".into()), Some("H1"))
        );
    }

    #[test]
    fn bans_html_empty_and_truncated_bodies_are_invalid_responses() {
        let reason = |status, body: &[u8]| match run(status, &HeaderMap::new(), body) {
            Err(BodyError::Invalid(r)) => r,
            _ => panic!("expected an invalid response for {body:?}"),
        };
        let is_ban = |body: &[u8]| matches!(run(403, &HeaderMap::new(), body), Err(BodyError::Ban(r)) if r.starts_with(BANNED));
        assert!(is_ban(br#"{"punish":"deny"}"#));
        assert!(is_ban(b"<html><body>denied</body></html>"));
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
        let Err(BodyError::Invalid(plain)) = r else {
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
        let Err(BodyError::Invalid(reason)) = r else {
            panic!()
        };
        assert!(!reason.contains("tok-secret-1"), "{reason}");
        assert!(reason.contains("line 1"), "{reason}");
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
        /// The one-scan key search finds exactly what a search for each spelling finds.
        #[test]
        fn quoted_keys_are_found_as_each_spelling_would_be(parts in proptest::collection::vec(
            proptest::sample::select(&["\"", "c", "C", "m", "M", "ode\"", "essage\"", "x", ":1,"][..]),
            0..12,
        )) {
            let body = parts.concat();
            let body = body.as_bytes();
            let each = |keys: [&[u8]; 2]| keys.iter().any(|k| memchr::memmem::find(body, k).is_some());
            prop_assert_eq!(quoted_key(body, &CODE_TAIL, b"cC"), each([b"\"code\"", b"\"Code\""]));
            prop_assert_eq!(
                quoted_key(body, &MESSAGE_TAIL, b"mM"),
                each([b"\"message\"", b"\"Message\""])
            );
        }
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
        }
    }
}
