//! Removing the secrets in flight from every text an error or a log line carries.
//!
//! A server may echo what it was sent: the access token, an app secret, a suite ticket. Each
//! call builds one [`Redactor`] from the [`Secret`](super::Secret) values its request carries
//! (noted while the request serializes them, see [`noting`]) and the token each attempt sends;
//! every error of the call passes through [`Redactor::error`] before anyone sees it.

use std::cell::RefCell;

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
            Error::Token(e) => e.redact(self),
        }
        err
    }
}

thread_local! {
    /// The secrets serialized on this thread since [`noting`] began, if it did.
    static NOTED: RefCell<Option<Vec<String>>> = const { RefCell::new(None) };
}

/// Records `secret` for the [`noting`] call running on this thread, if any (called by
/// `Secret`'s `Serialize`).
pub(crate) fn note(secret: &str) {
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

    #[test]
    fn noting_collects_the_secrets_serialized_and_nests() {
        let secret = crate::Secret::new("s3cret-1");
        let (v, noted) = noting(|| {
            let (inner, inner_noted) = noting(|| serde_json::to_value(&secret).unwrap());
            assert_eq!(inner_noted, ["s3cret-1"]);
            serde_json::to_value(vec![crate::Secret::new("s3cret-2"), secret.clone()]).unwrap();
            inner
        });
        assert_eq!(v, "s3cret-1");
        assert_eq!(noted, ["s3cret-1", "s3cret-2", "s3cret-1"]);
        note("outside");
        assert_eq!(noting(|| ()).1, Vec::<String>::new());
    }
}
