//! The hand-written runtime beneath the generated operations: client, auth, requests, errors.
//!
//! Generated code only describes requests ([`Request`] with an [`Endpoint`]); everything that
//! happens on the wire is here, once.

mod auth;
mod client;
#[cfg(feature = "oauth2_1_0")]
mod credentials;
mod decode;
mod error;
mod limit;
mod redact;
mod request;
mod retry;
mod time;
mod undocumented;

pub use auth::{AccessToken, BoxFuture, Secret, TokenError, TokenErrorKind, TokenProvider};
pub use client::{Client, ClientBuilder, ConfigError};
#[cfg(feature = "oauth2_1_0")]
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
pub use undocumented::UndocumentedCode;

include!(concat!(env!("OUT_DIR"), "/specs.rs"));
