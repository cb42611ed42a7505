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
