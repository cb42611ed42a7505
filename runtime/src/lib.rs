//! The hand-written runtime beneath the generated operations of
//! [`dingtalk-openapi`](https://docs.rs/dingtalk-openapi): client, access tokens, requests,
//! retries, errors, paginators.
//!
//! Generated code only describes requests ([`Request`] with an [`Endpoint`]); everything that
//! happens on the wire is here, once. Depend on `dingtalk-openapi`: it re-exports what users
//! name, and its `Client` wraps this crate's [`Client`] with one accessor per service.

mod answer;
mod call;
mod classify;
mod client;
mod clock;
mod credentials;
mod decode;
mod endpoint;
mod error;
mod fields;
mod limit;
mod macros;
/// serde for the generated models (plumbing of [`model!`](macro@crate::model)).
#[doc(hidden)]
pub mod model;
mod paginate;
mod redact;
mod request;
mod response;
mod retry;
mod secret;
mod time;
mod token_cache;
mod token_error;
mod undocumented;

pub use classify::ErrorClass;
pub use client::{BoxFuture, Client, ClientBuilder, ConfigError, TokenSource};
pub use clock::{Clock, ManualClock, SystemClock};
pub use credentials::{
    AppCredentials, CorpCredentials, SuiteCredentials, SuiteTicket, SuiteTicketSource,
};
pub use endpoint::{Endpoint, Method, ServiceVersion};
pub use error::{
    ApiError, BuildError, Error, ErrorKind, InvalidResponse, RedirectError, TransportError,
};
pub use limit::RateLimit;
pub use paginate::{Cursor, Items, Pages, Paginator};
pub use request::{strings, Request};
pub use response::{Response, ResponseMeta};
pub use secret::{AccessToken, Secret};
pub use token_cache::DEFAULT_REFRESH_MARGIN;
pub use token_error::{TokenError, TokenErrorKind};

/// What a call returns: its output, or an [`Error`] with the operation's error codes `E`.
pub type Result<O, E> = std::result::Result<O, Error<E>>;
pub use retry::{Jitter, RetryPolicy};
/// Free-form JSON, for fields typed `any` in the spec.
pub use serde_json::Value;
pub use undocumented::UndocumentedCode;

/// serde, for the code the runtime's macros expand to in generated modules.
#[doc(hidden)]
pub use serde as __serde;
