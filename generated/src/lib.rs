//! Typed async client for the DingTalk Open API.
//!
//! Every operation is generated from the YAML spec in `spec/` and lives in a module per service
//! version (`wiki_2_0`, `doc_2_0`, `drive_1_0`), each behind a cargo feature of the same name.
//!
//! ```no_run
//! use dingtalk_openapi::{AppCredentials, Client, Error};
//! use dingtalk_openapi::doc_2_0::PinSpaceError;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! // Fetches the access token on first use, caches it and refreshes it before it expires.
//! let client = Client::new(AppCredentials::new("app key", "app secret"));
//! let out = client
//!     .wiki_2_0()
//!     .get_workspace("9r09jSO3WARyxd8A", "union_id") // required parameters
//!     .with_permission_role(true)                      // optional ones
//!     .await?;                                         // sends it
//! println!("{:?}", out.workspace.and_then(|w| w.name));
//!
//! // Every page of a list, asked for with the cursor the previous page gave.
//! let mut workspaces = client.wiki_2_0().list_workspaces("union_id").into_paginator().items();
//! while let Some(workspace) = workspaces.next().await {
//!     println!("{:?}", workspace?.name);
//! }
//!
//! match client.doc_2_0().pin_space("space", "union_id").await {
//!     Ok(out) => println!("pinned: {:?}", out.success),
//!     Err(Error::Api(e)) if e.kind() == &PinSpaceError::SpaceNotExist => println!("no such space"),
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(()) }
//! ```
//!
//! Access tokens: [`AppCredentials`] (internal apps) and [`SuiteCredentials::for_corp`]
//! (third-party apps, one token per authorizing organization) fetch, cache and refresh them
//! (feature `oauth2_1_0`); an [`AccessToken`] is a fixed token; any [`TokenProvider`] of your own
//! works too. Secrets and tokens never appear in `Debug`, `Display`, errors or logs.
//!
//! What the SDK promises, whatever the server or the settings:
//!
//! - **It never follows a redirect**: DingTalk's API does not redirect, and following one would
//!   carry the access token to another host. A 3xx is [`Error::Redirect`] (status and the
//!   target's `scheme://host:port`), never retried; see [`ClientBuilder::http_client`] for a
//!   `reqwest::Client` of your own.
//! - **It never prints a secret**: tokens and `Secret` parameters are kept out of `Debug`,
//!   `Display`, errors and logs, also when a server echoes them back.
//! - **It never panics** on an answer or a setting (`Duration::MAX` timeouts mean no limit).
//! - **Answers as the official SDKs read them**: 204 is the empty answer, an empty 200 or JSON
//!   other than the documented object is [`Error::InvalidResponse`], and DingTalk's error body in
//!   a 2xx is the [`Error::Api`] it names.
//! - **Configuration mistakes are found by [`ClientBuilder::build`]** ([`ConfigError`]), not
//!   reported later as network failures.
//!
//! The hand-written runtime (crate `dingtalk-openapi-runtime`, re-exported as [`runtime`]) does
//! the sending, retrying and decoding for every operation.
//! With the `mock` feature, `mock::MockServer` serves the same spec on `127.0.0.1` for tests and
//! demos (`cargo run --example tour`). With the `serialize` feature the answers' models also
//! implement `serde::Serialize` (the models of requests always do), by wire name and without
//! the fields that are `None`; it is off by default because it costs build time for every
//! answer.

#![warn(missing_docs)]
// docs.rs (nightly, `--cfg docsrs`) marks what each cargo feature enables.
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Includes a file of the generated sources (see `build.rs`): written into `OUT_DIR` by the
/// build script with the `codegen` feature, else the one the package ships in `src/services/`.
#[cfg(feature = "codegen")]
macro_rules! generated {
    ($file:literal) => {
        include! { concat!(env!("OUT_DIR"), "/", $file) }
    };
}
#[cfg(not(feature = "codegen"))]
macro_rules! generated {
    ($file:literal) => {
        include! { concat!("services/", $file) }
    };
}

mod client;
#[cfg(feature = "oauth2_1_0")]
mod credentials;

/// The runtime beneath the generated operations (crate `dingtalk-openapi-runtime`), as generated
/// code sees it: with the SDK's [`Client`], [`ClientBuilder`] and [`TokenProvider`] in place of
/// the runtime's own.
pub mod runtime {
    pub use crate::client::{Client, ClientBuilder, TokenProvider};
    pub use dingtalk_openapi_runtime::*;

    generated!("specs.rs");
}

#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;

pub use client::{Client, ClientBuilder, TokenProvider};
pub use runtime::{
    AccessToken, ApiError, ConfigError, Error, ErrorClass, InvalidResponse, Items, Jitter, Pages,
    Paginator, RateLimit, RedirectError, Response, ResponseMeta, RetryPolicy, Secret, TokenError,
    TokenErrorKind, TransportError,
};
#[cfg(feature = "oauth2_1_0")]
#[cfg_attr(docsrs, doc(cfg(feature = "oauth2_1_0")))]
pub use runtime::{AppCredentials, CorpCredentials, SuiteCredentials, SuiteTicket};

generated!("services.rs");
