//! Removing the secrets in flight from every text an error or a log line carries.
//!
//! A server may echo what it was sent: the access token, an app secret, a suite ticket. Each
//! call builds one [`Redactor`] from the [`Secret`](super::Secret) values its request carries
//! (noted while the request serializes them, see [`noting`](super::secret::noting)) and the
//! token each attempt sends; every error of the call passes through [`Redactor::error`] before
//! anyone sees it, and a log line shows no token endpoint's message ([`loggable`]).

use std::fmt;

use super::error::Error;

/// What a secret is replaced with.
const MASK: &str = "<redacted>";

/// Secrets shorter than this many characters are not searched for: replacing every `abc` in a
/// message would mangle it and hide nothing worth hiding (DingTalk's tokens are 32 characters,
/// app secrets 64).
const MIN_CHARS: usize = 4;

/// The secrets of one call, removed from any text before it enters an error.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    /// Each secret as sent and as it appears inside a JSON string, longest first (so a secret
    /// that contains another is removed whole).
    forms: Vec<String>,
}

impl Redactor {
    /// Adds a secret (ignored when shorter than [`MIN_CHARS`]).
    pub(crate) fn add(&mut self, secret: &str) {
        if secret.chars().count() < MIN_CHARS {
            return;
        }
        let escaped = serde_json::to_string(secret).unwrap_or_default();
        let escaped = escaped
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(secret);
        for form in [secret, escaped] {
            if !self.forms.iter().any(|f| f == form) {
                self.forms.push(form.to_owned());
            }
        }
        self.forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    }

    /// Removes every secret from `text`.
    pub(crate) fn clean(&self, text: &mut String) {
        for form in &self.forms {
            if text.contains(form.as_str()) {
                *text = text.replace(form.as_str(), MASK);
            }
        }
    }

    /// `text` without the secrets.
    pub(crate) fn cleaned(&self, text: &str) -> String {
        let mut text = text.to_owned();
        self.clean(&mut text);
        text
    }

    /// The error with every secret removed from every text it carries.
    pub(crate) fn error<E>(&self, mut err: Error<E>) -> Error<E> {
        if self.forms.is_empty() {
            return err;
        }
        let clean_opt = |s: &mut Option<String>| {
            if let Some(s) = s {
                self.clean(s);
            }
        };
        match &mut err {
            Error::Api(e) => {
                self.clean(&mut e.code);
                self.clean(&mut e.message);
                self.clean(&mut e.body);
                clean_opt(&mut e.request_id);
            }
            Error::InvalidResponse(e) => {
                self.clean(&mut e.reason);
                self.clean(&mut e.snippet);
                clean_opt(&mut e.request_id);
            }
            Error::Redirect(e) => clean_opt(&mut e.request_id),
            Error::Timeout(e) | Error::Connect(e) => self.clean(&mut e.message),
            Error::Build(e) => self.clean(&mut e.message),
            Error::Token(e) => e.texts_mut().into_iter().for_each(|t| self.clean(t)),
        }
        err
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
        r.add("tok-1");
        r.add("tok-1-longer");
        r.add("a\"b\\cd");
        r.add("abc");
        let text = r#"tok-1-longer, tok-1, {"s":"a\"b\\cd"}, abc"#;
        assert_eq!(
            r.cleaned(text),
            r#"<redacted>, <redacted>, {"s":"<redacted>"}, abc"#
        );
    }
}
