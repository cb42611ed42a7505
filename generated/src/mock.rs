//! A mock DingTalk server built from the embedded spec (feature `mock`, crate
//! `dingtalk-openapi-mock`), for tests and demos: it serves every operation of the enabled
//! services on `127.0.0.1`, checks tokens and parameters as DingTalk does, and answers with the
//! spec's examples or what a test scripted.
//!
//! ```
//! use dingtalk_openapi::mock::MockServer;
//! use dingtalk_openapi::wiki_2_0::GetWorkspaceError;
//! use dingtalk_openapi::Error;
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockServer::start().await?;
//! let client = mock.client(); // its URL, a token it accepts
//! mock.on("wiki", "GetWorkspace").respond_error("workspaceNotExist"); // status, message from the spec
//! let err = client.wiki_2_0().get_workspace("ws", "union_id").send().await.unwrap_err();
//! assert!(matches!(err, Error::Api(e) if e.kind() == &GetWorkspaceError::WorkspaceNotExist));
//!
//! mock.on("wiki", "GetMineWorkspace").fail_next(2, 503); // the SDK retries and succeeds
//! client.wiki_2_0().get_mine_workspace("union_id").send().await?;
//! let seen = mock.requests("wiki", "GetMineWorkspace"); // method, path, query, headers, body
//! assert_eq!(seen.len(), 3);
//! assert_eq!(seen[2].query_param("operatorId"), Some("union_id"));
//! # Ok(()) }
//! ```

pub use dingtalk_openapi_mock::*;

/// This SDK as the mock serves it: the spec text of the enabled services (embedded by the
/// build script) and the SDK's [`Client`](crate::Client).
#[derive(Debug, Clone, Copy)]
pub struct Embedded;

impl Sdk for Embedded {
    fn specs() -> &'static [(&'static str, &'static str)] {
        crate::runtime::SPECS
    }

    type Client = crate::Client;
}

/// A running mock of the enabled services; see [`dingtalk_openapi_mock::MockServer`].
pub type MockServer = dingtalk_openapi_mock::MockServer<Embedded>;

/// Configures a [`MockServer`].
pub type MockBuilder = dingtalk_openapi_mock::MockBuilder<Embedded>;

/// Every operation of the enabled services, in spec order (services by file name).
pub fn operations() -> &'static [OperationInfo] {
    dingtalk_openapi_mock::operations::<Embedded>()
}

/// An operation's answer decoded into the operation's own output type: how the tour and the
/// tests decode every operation's answer without hand-written code per operation. One line
/// per operation in the table the build script writes ([`typed_decoders`]).
#[doc(hidden)]
pub struct TypedDecode {
    /// Module (`wiki_2_0`).
    pub module: &'static str,
    /// The builder's Rust name (`GetWorkspace`), as [`OperationInfo::type_name`] gives it.
    pub name: &'static str,
    decode: fn(&[u8]) -> Result<serde_json::Value, String>,
}

impl TypedDecode {
    /// The decoder of the operation whose builder's `build` is `_build`: only its type is used,
    /// which names the operation's output type.
    pub fn of<B, O, E>(
        module: &'static str,
        name: &'static str,
        _build: fn(B) -> crate::runtime::Request<O, E>,
    ) -> Self
    where
        O: serde::de::DeserializeOwned + serde::Serialize,
    {
        TypedDecode {
            module,
            name,
            decode: decode::<O>,
        }
    }

    /// Decodes a JSON answer as the operation's output, as the SDK does (`serde_json` from
    /// bytes), and gives that output serialized back to JSON, so a caller can check that
    /// nothing of the answer was lost.
    pub fn decode(&self, answer: &[u8]) -> Result<serde_json::Value, String> {
        (self.decode)(answer)
    }
}

fn decode<O: serde::de::DeserializeOwned + serde::Serialize>(
    answer: &[u8],
) -> Result<serde_json::Value, String> {
    let out: O = serde_json::from_slice(answer).map_err(|e| {
        format!(
            "the answer does not decode into {}: {e}",
            std::any::type_name::<O>()
        )
    })?;
    serde_json::to_value(&out).map_err(|e| format!("the typed output does not serialize: {e}"))
}

/// The typed decoder of every operation of the enabled services, in spec order (written by the
/// build script, one line per operation).
#[doc(hidden)]
pub fn typed_decoders() -> Vec<TypedDecode> {
    Vec::from(generated!("typed_decoders.rs"))
}
