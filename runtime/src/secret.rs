//! Access tokens and secrets, which nothing prints, and how a request learns the secrets among
//! its parameters (to remove them from its errors and logs).

use std::cell::RefCell;
use std::fmt;

/// A DingTalk access token. Its `Debug` and `Display` never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token obtained from DingTalk.
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    /// The raw token, for the `x-acs-dingtalk-access-token` header. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<Secret> for AccessToken {
    fn from(secret: Secret) -> Self {
        AccessToken(secret.0)
    }
}

/// A credential or token (app secret, suite ticket, access token in a response): generated for
/// every spec field marked `secret: true`. Serialized as the plain string; `Debug` and `Display`
/// never show it, and a request that carries it removes it from its errors and logs.
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A request serializing its parameters learns its secrets here (see `noting`).
        note(&self.0);
        serializer.serialize_str(&self.0)
    }
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value, to send it. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Whether `token` can be sent as the access-token header: not empty, and only characters a
/// header carries (a token with a line break or non-ASCII could never be sent).
pub(crate) fn is_sendable(token: &str) -> bool {
    !token.is_empty() && reqwest::header::HeaderValue::from_str(token).is_ok()
}

/// The header value that sends `token`, marked sensitive (so no debug output of the HTTP stack
/// shows it), if it can be sent (see [`is_sendable`]).
pub(crate) fn header_value(token: &AccessToken) -> Option<reqwest::header::HeaderValue> {
    let mut value = reqwest::header::HeaderValue::from_str(token.expose()).ok()?;
    value.set_sensitive(true);
    (!token.expose().is_empty()).then_some(value)
}

thread_local! {
    /// The secrets serialized on this thread since [`noting`] began, if it did.
    static NOTED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Records `secret` for the [`noting`] call running on this thread, if any (called by
/// `Secret`'s `Serialize`).
fn note(secret: &str) {
    NOTED.with(|n| {
        if let Some(noted) = n.borrow_mut().as_mut() {
            noted.push(secret.to_owned());
        }
    });
}

/// Runs `f` (a serialization) and returns what it returned with the secrets it serialized, so a
/// request learns its secrets wherever they sit in a parameter. Nests: an outer `noting` also
/// gets the secrets of an inner one.
pub(crate) fn noting<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    /// Puts the outer collector back (with this one's secrets added), even if `f` panics.
    struct Restore(Option<Vec<String>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            NOTED.with(|n| {
                let mine = n.borrow_mut().take().unwrap_or_default();
                let mut outer = self.0.take();
                if let Some(outer) = &mut outer {
                    outer.extend(mine);
                }
                *n.borrow_mut() = outer;
            });
        }
    }
    let restore = Restore(NOTED.with(|n| n.replace(Some(Vec::new()))));
    let out = f();
    let noted = NOTED.with(|n| n.borrow().clone().unwrap_or_default());
    drop(restore);
    (out, noted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_never_printed() {
        let t = AccessToken::new("s3cr3t-token");
        assert!(!format!("{t:?}").contains("s3cr3t"));
        assert!(!format!("{t}").contains("s3cr3t"));
        assert_eq!(t.expose(), "s3cr3t-token");
    }

    #[test]
    fn secret_is_never_printed_but_serialized_as_is() {
        let s = Secret::from("app-s3cr3t");
        assert!(!format!("{s:?} {s}").contains("s3cr3t"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"app-s3cr3t\"");
        let back: Secret = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(back, Secret::new("x"));
        assert_eq!(AccessToken::from(back).expose(), "x");
    }

    #[test]
    fn noting_collects_the_secrets_serialized_and_nests() {
        let secret = Secret::new("s3cret-1");
        let (v, noted) = noting(|| {
            let (inner, inner_noted) = noting(|| serde_json::to_value(&secret).unwrap());
            assert_eq!(inner_noted, ["s3cret-1"]);
            serde_json::to_value(vec![Secret::new("s3cret-2"), secret.clone()]).unwrap();
            inner
        });
        assert_eq!(v, "s3cret-1");
        assert_eq!(noted, ["s3cret-1", "s3cret-2", "s3cret-1"]);
        note("outside");
        assert_eq!(noting(|| ()).1, Vec::<String>::new());
    }
}
