//! Key paths into a spec file (`operations.Get.params.id`), spelt out only when a message
//! needs one.

use std::fmt;

/// Where a check is in a spec file. It is built on the stack as the check descends and written
/// out (with `Display`) only for a problem, since most parts of a spec have none.
#[derive(Clone, Copy)]
pub(crate) enum KeyPath<'a> {
    /// The file itself: the empty path.
    Root,
    /// A key under another path.
    Key(&'a KeyPath<'a>, &'a str),
    /// An item of a list.
    Index(&'a KeyPath<'a>, usize),
}

impl<'a> KeyPath<'a> {
    /// A top-level key.
    pub(crate) fn top(key: &'a str) -> Self {
        KeyPath::Key(&KeyPath::Root, key)
    }

    /// Whether the path is empty (the file itself).
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            KeyPath::Root => true,
            KeyPath::Key(parent, key) => key.is_empty() && parent.is_empty(),
            KeyPath::Index(..) => false,
        }
    }

    /// The last segment, for messages (`id` in `operations.Get.params.id`).
    pub(crate) fn name(&self) -> Name<'a> {
        match *self {
            KeyPath::Root => Name::Key(""),
            KeyPath::Key(_, key) => Name::Key(key.rsplit('.').next().unwrap_or(key)),
            KeyPath::Index(_, i) => Name::Index(i),
        }
    }
}

impl fmt::Display for KeyPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (parent, last) = match self {
            KeyPath::Root => return Ok(()),
            KeyPath::Key(parent, key) => (parent, Name::Key(key)),
            KeyPath::Index(parent, i) => (parent, Name::Index(*i)),
        };
        if parent.is_empty() {
            write!(f, "{last}")
        } else {
            write!(f, "{parent}.{last}")
        }
    }
}

/// The last segment of a key path, written out when a message needs it.
#[derive(Clone, Copy)]
pub(crate) enum Name<'a> {
    /// A mapping key.
    Key(&'a str),
    /// A list index.
    Index(usize),
}

impl fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Name::Key(key) => f.write_str(key),
            Name::Index(i) => write!(f, "{i}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelt_out_dotted_from_the_top() {
        let ops = KeyPath::top("operations");
        let get = KeyPath::Key(&ops, "Get");
        let errors = KeyPath::Key(&get, "errors");
        let first = KeyPath::Index(&errors, 0);
        assert_eq!(first.to_string(), "operations.Get.errors.0");
        assert_eq!(KeyPath::Root.to_string(), "");
        assert_eq!(KeyPath::Index(&KeyPath::Root, 3).to_string(), "3");
        assert!(KeyPath::Root.is_empty() && !ops.is_empty());
        assert_eq!(KeyPath::Key(&get, "a.b").name().to_string(), "b");
        assert_eq!(first.name().to_string(), "0");
    }
}
