//! What the importer could not understand, located in the wheel.

use std::fmt;

/// A construct of the package the importer does not understand (or a fact it cannot map),
/// with the file and line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// File inside the wheel (`alibabacloud_dingtalk/wiki_2_0/client.py`).
    pub file: String,
    /// 1-based line (0 when the problem is about the file as a whole).
    pub line: usize,
    /// What was found and why it is a problem.
    pub what: String,
}

impl Problem {
    /// A problem at `file:line`.
    pub fn new(file: &str, line: usize, what: impl Into<String>) -> Problem {
        Problem {
            file: file.to_owned(),
            line,
            what: what.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.what)
    }
}
