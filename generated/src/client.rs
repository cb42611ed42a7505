//! The SDK's client and token providers. They live here, not in the runtime, because each
//! generated service adds its accessor to `Client` (`client.wiki_2_0()`), and an inherent method
//! can only be added in the crate that defines the type.

use std::fmt;

use dingtalk_openapi_runtime as rt;
use rt::{AccessToken, BoxFuture, TokenError};

/// A DingTalk API client. Cheap to clone; clones share connections, settings and tokens.
///
/// Operations are reached through one accessor per service version, e.g. `client.wiki_2_0()`;
/// the settings (host, timeouts, retries, rate limits) through [`Client::builder`].
#[derive(Clone)]
pub struct Client(rt::Client);

/// Configures a [`Client`]; its settings are documented on the runtime's
/// [`ClientBuilder`](rt::ClientBuilder).
pub type ClientBuilder = rt::ClientBuilder<Client>;

impl Client {
    /// A client with default settings that authenticates with `tokens` (credentials such as
    /// [`AppCredentials`](crate::AppCredentials), a fixed [`AccessToken`], or any
    /// [`TokenProvider`]).
    ///
    /// # Panics
    /// Only if the TLS backend cannot initialise, as `reqwest::Client::new` does (the default
    /// settings are valid; [`ClientBuilder::build`] returns that failure instead).
    pub fn new(tokens: impl TokenProvider) -> Self {
        Client(rt::Client::new(Provider(tokens)))
    }

    /// Starts configuring a client.
    pub fn builder(tokens: impl TokenProvider) -> ClientBuilder {
        rt::ClientBuilder::new(Provider(tokens))
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<rt::Client> for Client {
    fn from(client: rt::Client) -> Self {
        Client(client)
    }
}

impl AsRef<rt::Client> for Client {
    fn as_ref(&self) -> &rt::Client {
        &self.0
    }
}

/// Supplies the access token for each authenticated call.
///
/// [`AccessToken`] itself is a provider of a fixed token. Implement this trait to fetch and
/// cache tokens your own way.
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now. `client` is the client making the call (same host, timeouts and
    /// retries), for providers that fetch tokens from DingTalk's anonymous token endpoints.
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>>;

    /// The token to send now if one is at hand without waiting (a fixed token, a cached one
    /// that is still fresh); `None` makes the call ask [`Self::token`]. Spares each call the
    /// boxed future of `token`: implement it when your provider caches. The default returns
    /// `None`.
    fn ready_token(&self) -> Option<AccessToken> {
        None
    }

    /// Called when DingTalk rejected `token` as invalid or expired (HTTP 401,
    /// `InvalidAuthentication`). Forget exactly this token (not a newer one another task fetched
    /// meanwhile), and return whether the next [`Self::token`] may give a different one: only
    /// then does the client repeat the call, once, with it.
    ///
    /// The default forgets nothing and returns `false`, as for a fixed [`AccessToken`]: the
    /// rejection is returned at once instead of sending the same token again.
    fn invalidate(&self, token: &AccessToken) -> bool {
        let _ = token;
        false
    }
}

impl TokenProvider for AccessToken {
    fn token<'a>(&'a self, client: &'a Client) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        rt::TokenSource::token(self, &client.0)
    }

    fn ready_token(&self) -> Option<AccessToken> {
        Some(self.clone())
    }
}

/// A [`TokenProvider`] as the runtime asks for tokens: with the runtime's client, which the
/// provider gets as the SDK's (a clone shares everything).
struct Provider<T>(T);

impl<T: TokenProvider> rt::TokenSource for Provider<T> {
    fn token<'a>(
        &'a self,
        client: &'a rt::Client,
    ) -> BoxFuture<'a, Result<AccessToken, TokenError>> {
        let client = Client(client.clone());
        Box::pin(async move { self.0.token(&client).await })
    }

    fn ready_token(&self) -> Option<AccessToken> {
        self.0.ready_token()
    }

    fn invalidate(&self, token: &AccessToken) -> bool {
        self.0.invalidate(token)
    }
}
