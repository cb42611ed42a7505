//! A request description, built by generated code; the call loop (`call.rs`) sends it.

use std::marker::PhantomData;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Serialize;

use super::client::Client;
use super::endpoint::Endpoint;
use super::redact::Redactor;
use super::secret::noting;

/// Characters escaped in a path segment: all but RFC 3986 unreserved ones.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One call, described: output type `O`, error codes `E`. Built by generated code; send it with
/// [`Request::send`], or set per-call options first.
///
/// Parameters are set, not added: setting one again replaces its earlier value. The
/// [`Secret`](super::Secret) values among them are removed from the call's errors and logs.
#[must_use = "a request does nothing until it is sent"]
pub struct Request<O, E> {
    pub(crate) client: Client,
    pub(crate) endpoint: &'static Endpoint,
    /// `(name, percent-encoded value)` of each path parameter set.
    path_params: Vec<(String, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Option<serde_json::Value>,
    /// Why the request cannot be sent (the first problem found while describing it).
    pub(crate) problem: Option<String>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_attempts: Option<u32>,
    /// The secrets among the parameters.
    pub(crate) redactor: Redactor,
    marker: PhantomData<fn() -> (O, E)>,
}

// By hand: a derive would require `O: Clone, E: Clone`, which the marker does not need.
impl<O, E> Clone for Request<O, E> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            endpoint: self.endpoint,
            path_params: self.path_params.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            problem: self.problem.clone(),
            timeout: self.timeout,
            max_attempts: self.max_attempts,
            redactor: self.redactor.clone(),
            marker: PhantomData,
        }
    }
}

impl<O, E> std::fmt::Debug for Request<O, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.endpoint.operation)
            .field("method", &self.endpoint.method)
            .field("path", &self.path())
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl<O, E> Request<O, E> {
    /// Starts describing a call of `endpoint` through `client` (this crate's [`Client`] or the
    /// SDK's, which wraps it).
    #[doc(hidden)]
    pub fn new(client: &impl AsRef<Client>, endpoint: &'static Endpoint) -> Self {
        Request {
            client: client.as_ref().clone(),
            endpoint,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            problem: None,
            timeout: None,
            max_attempts: None,
            redactor: Redactor::default(),
            marker: PhantomData,
        }
    }

    /// Fills the `{name}` placeholder with `value` (text, a number, a boolean or a string enum),
    /// percent-encoded as one path segment.
    pub fn path_param<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let value = match self.value(value) {
            Ok(serde_json::Value::String(s)) => s,
            Ok(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => v.to_string(),
            Ok(v) => {
                self.record_problem(format!("path parameter `{name}` must be text, not {v}"));
                return self;
            }
            Err(e) => {
                self.record_problem(format!("path parameter `{name}`: {e}"));
                return self;
            }
        };
        let value = value.as_str();
        if value.is_empty() || value == "." || value == ".." {
            self.record_problem(format!("path parameter `{name}` must not be {value:?}"));
            return self;
        }
        let encoded = utf8_percent_encode(value, SEGMENT).to_string();
        self.path_params.retain(|(n, _)| n != name);
        self.path_params.push((name.to_owned(), encoded));
        self
    }

    /// Sets a query parameter; `None` is skipped, booleans are `true`/`false`, arrays become
    /// `name.1=…&name.2=…` and objects `name.key=…`, as the official SDKs send them.
    pub fn query<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.query.retain(|(k, _)| !is_part_of(k, name));
        match self.value(value) {
            Ok(v) => flatten(name, v, &mut self.query),
            Err(e) => self.record_problem(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// Sets a query parameter sent as one JSON string (`style: json` in the spec).
    pub fn query_json<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.query.retain(|(k, _)| k != name);
        match self.value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(v) => self.query.push((name.to_owned(), v.to_string())),
            Err(e) => self.record_problem(format!("query parameter `{name}`: {e}")),
        }
        self
    }

    /// Sets a query parameter sent as its items joined by commas (`style: comma`: `a,b,c`, as
    /// the official SDKs' `simple` style); `None` is skipped, a value that is not an array is
    /// sent as one item.
    pub fn query_comma<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.query.retain(|(k, _)| k != name);
        let items = match self.value(value) {
            Ok(serde_json::Value::Null) => return self,
            Ok(serde_json::Value::Array(items)) => items,
            Ok(v) => vec![v],
            Err(e) => {
                self.record_problem(format!("query parameter `{name}`: {e}"));
                return self;
            }
        };
        let joined = items
            .iter()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(",");
        self.query.push((name.to_owned(), joined));
        self
    }

    /// Sets a header; strings go as they are, other values as JSON (as the official SDKs do).
    /// It replaces the SDK's own header of that name (`accept`, `user-agent`, `content-type`),
    /// except the access token: on an authenticated operation `x-acs-dingtalk-access-token`
    /// always carries the token provider's token, as in the official SDKs. `content-length`,
    /// `transfer-encoding` and `host` cannot be set (the request would not be what it says).
    pub fn header<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        match self.value(value) {
            Ok(serde_json::Value::Null) => {}
            Ok(serde_json::Value::String(s)) => self.headers.push((name.to_owned(), s)),
            Ok(v) => self.headers.push((name.to_owned(), v.to_string())),
            Err(e) => self.record_problem(format!("header `{name}`: {e}")),
        }
        self
    }

    /// Sets one field of the JSON object body (`None` leaves the field out).
    pub fn field<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let value = match self.value(value) {
            Ok(v) => v,
            Err(e) => {
                self.record_problem(format!("body field `{name}`: {e}"));
                return self;
            }
        };
        match self
            .body
            .get_or_insert_with(|| serde_json::Value::Object(Default::default()))
        {
            serde_json::Value::Object(fields) if value.is_null() => {
                fields.remove(name);
            }
            serde_json::Value::Object(fields) => {
                fields.insert(name.to_owned(), value);
            }
            _ => self.record_problem(format!(
                "body field `{name}`: the body set with `json` is not an object"
            )),
        }
        self
    }

    /// Sets one field of the JSON object body to the JSON text of `value`, a string
    /// (`style: json`: `"ids":"[1,2]"`, compact as the official SDKs write it); `None` leaves
    /// the field out.
    pub fn field_json<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match self.value(value) {
            Ok(serde_json::Value::Null) => self.field(name, &serde_json::Value::Null),
            Ok(v) => self.field(name, &v.to_string()),
            Err(e) => {
                self.record_problem(format!("body field `{name}`: {e}"));
                self
            }
        }
    }

    /// Sets the string field at `path` of the JSON object body (`["option", "nextToken"]`),
    /// making the objects on the way as needed: a paginator's cursor.
    pub(crate) fn body_text_at(mut self, path: &[&str], value: &str) -> Self {
        let Some((last, outer)) = path.split_last() else {
            return self;
        };
        let mut at = self
            .body
            .get_or_insert_with(|| serde_json::Value::Object(Default::default()));
        for key in outer {
            match at {
                serde_json::Value::Object(fields) => {
                    at = fields
                        .entry(*key)
                        .or_insert_with(|| serde_json::Value::Object(Default::default()));
                }
                _ => break,
            }
        }
        match at {
            serde_json::Value::Object(fields) => {
                fields.insert((*last).to_owned(), value.into());
            }
            _ => self.record_problem(format!(
                "body field `{}`: what holds it is not an object",
                path.join(".")
            )),
        }
        self
    }

    /// Sets the whole JSON body (a `style: whole` parameter: an array, say).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match self.value(body) {
            Ok(b) => self.body = Some(b),
            Err(e) => self.record_problem(format!("body: {e}")),
        }
        self
    }

    /// Limits this call, retries included (overrides the client's operation timeout).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Attempts for this call, the first included (overrides the client's retry policy; 1: no
    /// retries).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n.max(1));
        self
    }

    /// The endpoint called.
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// The path with its parameters filled in and encoded.
    pub fn path(&self) -> String {
        let mut path = String::with_capacity(self.endpoint.path.len() + 16);
        self.write_path(&mut path);
        path
    }

    /// Appends the path with its parameters filled in and encoded to `out`; a placeholder
    /// without a value stays as it is.
    pub(crate) fn write_path(&self, out: &mut String) {
        let mut rest = self.endpoint.path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            let name = &rest[open + 1..close];
            out.push_str(&rest[..open]);
            match self.path_params.iter().find(|(n, _)| n == name) {
                Some((_, value)) => out.push_str(value),
                None => out.push_str(&rest[open..=close]),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
    }

    /// Query parameters in the order they are sent.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The JSON body, if any.
    pub fn body(&self) -> Option<&serde_json::Value> {
        self.body.as_ref()
    }

    /// Records why the request cannot be sent; the first problem is the one reported.
    fn record_problem(&mut self, msg: String) {
        self.problem.get_or_insert(msg);
    }

    /// `value` as JSON, noting the secrets it holds.
    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<serde_json::Value> {
        let (value, secrets) = noting(|| serde_json::to_value(value));
        for s in secrets {
            self.redactor.add(s);
        }
        value
    }
}

/// Whether the flattened query key `key` belongs to the parameter `name` (`name`, `name.1`,
/// `name.key`).
fn is_part_of(key: &str, name: &str) -> bool {
    key.strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// The items of a string-array argument, as owned strings (generated setters take any
/// `IntoIterator` of string-likes).
#[doc(hidden)]
pub fn strings(items: impl IntoIterator<Item = impl Into<String>>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

fn flatten(name: &str, v: serde_json::Value, out: &mut Vec<(String, String)>) {
    use serde_json::Value as J;
    match v {
        J::Null => {}
        J::Bool(b) => out.push((name.to_owned(), b.to_string())),
        J::Number(n) => out.push((name.to_owned(), n.to_string())),
        J::String(s) => out.push((name.to_owned(), s)),
        J::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                flatten(&format!("{name}.{}", i + 1), item, out);
            }
        }
        J::Object(map) => {
            for (k, item) in map {
                flatten(&format!("{name}.{k}"), item, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, ErrorKind, Method};

    #[test]
    fn flattens_like_the_official_sdk() {
        let mut out = Vec::new();
        flatten("ids", serde_json::json!(["a", "b"]), &mut out);
        flatten("flag", serde_json::json!(false), &mut out);
        flatten("opt", serde_json::json!({"x": 1}), &mut out);
        flatten("none", serde_json::Value::Null, &mut out);
        let pairs: Vec<(&str, &str)> = out.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("ids.1", "a"),
                ("ids.2", "b"),
                ("flag", "false"),
                ("opt.x", "1")
            ]
        );
    }

    #[tokio::test]
    async fn dot_segments_and_empty_path_params_are_refused() {
        static EP: Endpoint = Endpoint {
            service: "wiki_2.0",
            operation: "GetWorkspace",
            method: Method::Get,
            path: "/v2.0/wiki/workspaces/{workspaceId}",
            base_url: "http://127.0.0.1:9",
            idempotent: true,
            auth: true,
            response_body: true,
            object_answer: true,
        };
        let client = Client::new(crate::AccessToken::new("t"));
        for bad in ["..", ".", ""] {
            let r: Request<serde_json::Value, NoCodes> =
                Request::new(&client, &EP).path_param("workspaceId", bad);
            match r.send().await {
                Err(Error::Build(e)) => assert!(e.message.contains("workspaceId"), "{e}"),
                other => panic!("{bad:?} was not refused: {other:?}"),
            }
        }
        let r: Request<(), NoCodes> =
            Request::new(&client, &EP).path_param("workspaceId", "../admin?x=1#y");
        assert_eq!(r.path(), "/v2.0/wiki/workspaces/..%2Fadmin%3Fx%3D1%23y");
        let r = r.path_param("workspaceId", "{workspaceId}");
        assert_eq!(
            r.path(),
            "/v2.0/wiki/workspaces/%7BworkspaceId%7D",
            "set again: replaced"
        );
    }

    static GET: Endpoint = Endpoint {
        service: "demo_1.0",
        operation: "Demo",
        method: Method::Post,
        path: "/v1.0/demo",
        base_url: "http://127.0.0.1:9",
        idempotent: true,
        auth: true,
        response_body: true,
        object_answer: true,
    };

    fn demo() -> Request<(), NoCodes> {
        Request::new(&Client::new(crate::AccessToken::new("t")), &GET)
    }

    #[test]
    fn setting_a_query_parameter_again_replaces_all_its_pairs() {
        let r = demo()
            .query("ids", &["a", "b", "c"])
            .query("idsExtra", &1)
            .query("opt", &serde_json::json!({"x": 1}))
            .query("ids", &["z"])
            .query("opt", &Option::<i32>::None)
            .query_json("list", &["a"])
            .query_json("list", &["b"]);
        let pairs: Vec<(&str, &str)> = r
            .query_pairs()
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [("idsExtra", "1"), ("ids.1", "z"), ("list", r#"["b"]"#)]
        );
    }

    #[test]
    fn setting_a_header_again_replaces_it_whatever_its_case() {
        let r = demo().header("x-demo", "a").header("X-Demo", &2);
        assert_eq!(r.headers, [("X-Demo".to_owned(), "2".to_owned())]);
    }

    #[test]
    fn body_fields_are_set_replaced_and_left_out_when_none() {
        assert_eq!(demo().body(), None, "no field, no body");
        let r = demo()
            .field("name", "a")
            .field("size", &3)
            .field("name", "b")
            .field("size", &Option::<i32>::None)
            .field("tags", &strings(["x", "y"]));
        assert_eq!(
            r.body(),
            Some(&serde_json::json!({"name": "b", "tags": ["x", "y"]}))
        );
        // A clone is independent of the original.
        let c = r.clone().field("name", "c");
        assert_eq!(r.body().unwrap()["name"], "b");
        assert_eq!(c.body().unwrap()["name"], "c");
    }

    #[test]
    fn comma_and_json_text_styles_match_the_official_sdk() {
        let r = demo()
            .query_comma("ids", &["a", "b c", "d,e"])
            .query_comma("nums", &[1.5, 2.0])
            .query_comma("none", &Option::<Vec<i32>>::None)
            .query_comma("nums", &[3])
            .field_json("list", &[1, 2])
            .field_json("map", &serde_json::json!({"k": "知", "q": "\"x\""}))
            .field_json("gone", &Some(1))
            .field_json("gone", &Option::<i32>::None);
        let pairs: Vec<(&str, &str)> = r
            .query_pairs()
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(pairs, [("ids", "a,b c,d,e"), ("nums", "3")]);
        // Compact JSON text, non-ASCII kept, as Python's json.dumps(…, separators=(",", ":"),
        // ensure_ascii=False).
        assert_eq!(
            r.body(),
            Some(&serde_json::json!({"list": "[1,2]", "map": r#"{"k":"知","q":"\"x\""}"#}))
        );
        let whole = demo().json(&["a", "b"]);
        assert_eq!(whole.body(), Some(&serde_json::json!(["a", "b"])));
    }

    #[tokio::test]
    async fn a_field_on_a_body_that_is_not_an_object_is_a_build_error() {
        let r = demo().json(&[1, 2]).field("name", "a");
        match r.send().await {
            Err(Error::Build(e)) => assert!(e.message.contains("`name`"), "{e}"),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[derive(Debug, Clone)]
    struct NoCodes;

    impl ErrorKind for NoCodes {
        fn from_code(_: &str) -> Self {
            NoCodes
        }
    }

    #[test]
    fn path_params_cannot_escape_their_segment() {
        let enc = |v: &str| utf8_percent_encode(v, SEGMENT).to_string();
        assert_eq!(enc("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(enc("知识"), "%E7%9F%A5%E8%AF%86");
        assert_eq!(enc("../x"), "..%2Fx");
    }
}
