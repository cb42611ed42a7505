//! Problems found in a spec, located by file, line, column and key path.

use std::fmt;

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, as given to the generator (`spec/wiki_2_0.yaml`).
    pub file: String,
    /// Dotted key path (`operations.GetWorkspace.params.operatorId.type`); empty for the file.
    pub key: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A problem at a key path of a file; the location is filled in later from the source.
    pub fn new(file: &str, key: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            key: key.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
        }
    }

    /// Adds how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        write!(f, "  --> {}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}:{}", self.column.unwrap_or(1))?;
        }
        if !self.key.is_empty() {
            write!(f, "\n   = at `{}`", self.key)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n   = help: {help}")?;
        }
        Ok(())
    }
}

/// All problems of one run, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}\n")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{} in the spec", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Finds the line and column of a dotted key path in YAML source.
///
/// Handles block mappings and flow mappings on one line, which is what spec files use. Returns
/// the location of the deepest key it could find, so a wrong path still points near the problem.
pub fn locate(source: &str, key: &str) -> Option<(usize, usize)> {
    if key.is_empty() {
        return None;
    }
    let lines: Vec<&str> = source.lines().collect();
    let mut found = None;
    // (first line to search, the parent's indentation, column to search from on the first line)
    let (mut start, mut parent_indent, mut from_col) = (0usize, None::<usize>, 0usize);
    for segment in split_key(key) {
        let mut hit = None;
        for (i, line) in lines.iter().enumerate().skip(start) {
            let indent = line.len() - line.trim_start().len();
            let content = line.trim_start();
            if i > start && !content.is_empty() && !content.starts_with('#') {
                if let Some(p) = parent_indent {
                    if indent <= p {
                        break;
                    }
                }
            }
            let search_from = if i == start { from_col } else { 0 };
            if let Some(col) = find_key(line, &segment, search_from) {
                // Below the parent's line only a key that starts its line (or list item) is a
                // direct child; keys further right belong to a deeper flow mapping.
                let item = content.strip_prefix("- ").map_or(indent, |_| indent + 2);
                if i == start || col == indent || col == item {
                    hit = Some((i, col));
                    break;
                }
            }
        }
        let (i, col) = hit?;
        found = Some((i + 1, col + 1));
        start = i;
        from_col = col + segment.len();
        parent_indent = Some(col);
    }
    found
}

/// Splits `a.b.c` into keys; an index like `errors.2` stays a segment and matches a list item.
fn split_key(key: &str) -> Vec<String> {
    key.split('.').map(str::to_owned).collect()
}

fn find_key(line: &str, key: &str, from: usize) -> Option<usize> {
    let hay = line.get(from..)?;
    let mut offset = 0;
    while let Some(pos) = hay[offset..].find(key) {
        let at = offset + pos;
        let before = hay[..at].chars().last();
        let after = &hay[at + key.len()..];
        let quoted_after = after.strip_prefix(['"', '\'']).unwrap_or(after);
        let before_ok = matches!(before, None | Some(' ' | '{' | ',' | '"' | '\'' | '-'));
        if before_ok && quoted_after.starts_with(':') {
            return Some(from + at);
        }
        offset = at + key.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("strng", ["string", "boolean"]), Some("string"));
        assert_eq!(
            did_you_mean("Workspce", ["Workspace", "WorkspaceIcon"]),
            Some("Workspace")
        );
        assert_eq!(did_you_mean("zzz", ["string"]), None);
    }

    #[test]
    fn locates_block_and_flow_keys() {
        let src = "service: x\noperations:\n  Get:\n    params:\n      a: { in: query, type: strng }\n      type: {in: query}\n";
        assert_eq!(locate(src, "operations.Get.params.a.type"), Some((5, 23)));
        assert_eq!(locate(src, "operations.Get.params.type"), Some((6, 7)));
        assert_eq!(locate(src, "operations.Get"), Some((3, 3)));
        assert_eq!(locate(src, "service"), Some((1, 1)));
    }
}
