//! Removing the secrets in flight from every text an error or a log line carries.
//!
//! A server may echo what it was sent: the access token, an app secret, a suite ticket. Each
//! call builds one [`Redactor`] from the [`Secret`](super::Secret) values its request carries
//! (noted while the request serializes them, see [`noting`](super::secret::noting)) and the
//! token each attempt sends; every error of the call passes through [`Redactor::error`] before
//! anyone sees it, and a log line shows no token endpoint's message ([`loggable`]).

use std::fmt;

use super::error::Error;
use super::secret::AccessToken;

/// What a secret is replaced with.
const MASK: &str = "<redacted>";

/// Secrets shorter than this many characters are not searched for: replacing every `abc` in a
/// message would mangle it and hide nothing worth hiding (DingTalk's tokens are 32 characters,
/// app secrets 64).
const MIN_CHARS: usize = 4;

/// The secrets of one call, removed from any text before it enters an error.
///
/// Adding a secret only keeps it: the forms searched for are worked out when a text is cleaned,
/// which only errors need, so a call that succeeds pays for no copy or escaping.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// The request's secrets, as sent.
    secrets: Vec<String>,
    /// The last access token an attempt sent, and the earlier ones if they differ (a token
    /// refreshed after DingTalk rejected it).
    token: Option<AccessToken>,
    earlier_tokens: Vec<AccessToken>,
}

impl Redactor {
    /// Adds a secret (one shorter than [`MIN_CHARS`] is not searched for).
    pub(crate) fn add(&mut self, secret: String) {
        self.secrets.push(secret);
    }

    /// Adds the access token an attempt sent.
    pub(crate) fn add_token(&mut self, token: AccessToken) {
        match self.token.replace(token) {
            Some(last) if Some(&last) != self.token.as_ref() => self.earlier_tokens.push(last),
            _ => {}
        }
    }

    /// The access token the last attempt sent, if one did.
    pub(crate) fn last_token(&self) -> Option<&AccessToken> {
        self.token.as_ref()
    }

    /// Each secret as sent and as it appears inside a JSON string, longest first (so a secret
    /// that contains another is removed whole); none shorter than [`MIN_CHARS`].
    fn forms(&self) -> Vec<String> {
        let tokens = self.token.iter().chain(&self.earlier_tokens);
        let secrets = (self.secrets.iter().map(String::as_str)).chain(tokens.map(|t| t.expose()));
        let mut forms: Vec<String> = Vec::new();
        for secret in secrets.filter(|s| s.chars().count() >= MIN_CHARS) {
            let escaped = serde_json::to_string(secret).unwrap_or_default();
            let escaped = escaped
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(secret);
            for form in [secret, escaped] {
                if !forms.iter().any(|f| f == form) {
                    forms.push(form.to_owned());
                }
            }
        }
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms
    }

    /// Whether there is no secret to remove.
    fn is_empty(&self) -> bool {
        self.secrets.is_empty() && self.token.is_none()
    }

    /// `text` without the secrets.
    pub(crate) fn cleaned(&self, text: &str) -> String {
        let mut text = text.to_owned();
        clean(&self.forms(), &mut text);
        text
    }

    /// The error with every secret removed from every text it carries.
    pub(crate) fn error<E>(&self, mut err: Error<E>) -> Error<E> {
        if self.is_empty() {
            return err;
        }
        let forms = self.forms();
        let clean = |text: &mut String| clean(&forms, text);
        let clean_opt = |s: &mut Option<String>| {
            if let Some(s) = s {
                clean(s);
            }
        };
        match &mut err {
            Error::Api(e) => {
                clean(&mut e.code);
                clean(&mut e.message);
                clean(&mut e.body);
                clean_opt(&mut e.request_id);
            }
            Error::InvalidResponse(e) => {
                clean(&mut e.reason);
                clean(&mut e.snippet);
                clean_opt(&mut e.request_id);
            }
            Error::Redirect(e) => clean_opt(&mut e.request_id),
            Error::Timeout(e) | Error::Connect(e) => clean(&mut e.message),
            Error::Build(e) => clean(&mut e.message),
            Error::Token(e) => e.texts_mut().into_iter().for_each(clean),
        }
        err
    }
}

/// Removes every form of a secret from `text`.
fn clean(forms: &[String], text: &mut String) {
    for form in forms {
        if text.contains(form.as_str()) {
            *text = text.replace(form.as_str(), MASK);
        }
    }
}

/// The error as logged: an anonymous (token) endpoint's message may echo the credentials it was
/// sent, so only its code and status are logged.
pub(crate) fn loggable<E>(err: &Error<E>, anonymous: bool) -> Box<dyn fmt::Display + '_> {
    match err {
        Error::Api(e) if anonymous => Box::new(format!(
            "DingTalk error {} (HTTP {}; message withheld)",
            e.code(),
            e.status()
        )),
        _ => Box::new(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_replaced_whole_also_json_escaped_and_short_ones_are_left() {
        let mut r = Redactor::default();
        r.add("tok-1".to_owned());
        r.add_token(AccessToken::new("tok-1-longer"));
        r.add("a\"b\\cd".to_owned());
        r.add("abc".to_owned());
        let text = r#"tok-1-longer, tok-1, {"s":"a\"b\\cd"}, abc"#;
        assert_eq!(
            r.cleaned(text),
            r#"<redacted>, <redacted>, {"s":"<redacted>"}, abc"#
        );
    }

    #[test]
    fn every_token_sent_is_removed() {
        let mut r = Redactor::default();
        for t in ["tok-first", "tok-first", "tok-second"] {
            r.add_token(AccessToken::new(t));
        }
        assert_eq!(r.earlier_tokens.len(), 1, "a token sent again is kept once");
        assert_eq!(r.cleaned("tok-first tok-second"), "<redacted> <redacted>");
    }
}
