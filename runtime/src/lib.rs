//! The hand-written runtime beneath the generated operations of
//! [`dingtalk-openapi`](https://docs.rs/dingtalk-openapi): client, access tokens, requests,
//! retries, errors.
//!
//! Generated code only describes requests ([`Request`] with an [`Endpoint`]); everything that
//! happens on the wire is here, once. Depend on `dingtalk-openapi`: it re-exports what users
//! name, and its `Client` wraps this crate's [`Client`] with one accessor per service.

mod auth;
mod client;
mod credentials;
mod decode;
mod error;
mod limit;
mod redact;
mod request;
mod retry;
mod time;

pub use auth::{AccessToken, Secret, TokenError, TokenErrorKind};
pub use client::{BoxFuture, Client, ClientBuilder, ConfigError, TokenSource};
pub use credentials::{
    AppCredentials, Clock, CorpCredentials, ManualClock, SuiteCredentials, SuiteTicket,
    SuiteTicketSource, SystemClock, DEFAULT_REFRESH_MARGIN,
};
pub use error::{
    ApiError, BuildError, Error, ErrorKind, InvalidResponse, RedirectError, TransportError,
};
pub use limit::RateLimit;
pub use request::{strings, Endpoint, Method, Request, Response, ResponseMeta};

/// What a call returns: its output, or an [`Error`] with the operation's error codes `E`.
pub type Result<O, E> = std::result::Result<O, Error<E>>;
pub use retry::RetryPolicy;
/// Free-form JSON, for fields typed `any` in the spec.
pub use serde_json::Value;
