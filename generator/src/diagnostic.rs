//! Problems found in a spec, located by file, line, column and key path.

use std::fmt;
use std::ops::Range;

use annotate_snippets::{Level, Renderer};

use crate::yaml::{Node, Pos, Value};

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
    /// Byte range of the offending text in the source, when known.
    pub span: Option<Range<usize>>,
    /// The source line(s) the span is in, shown under the message.
    pub snippet: Option<Snippet>,
    /// Text inside the located value to point at (a `{placeholder}` of a path).
    pub focus: Option<String>,
    /// Point at the key itself, not its value (a name that collides).
    pub on_key: bool,
}

/// The source lines around a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// 1-based number of the first line.
    pub line: usize,
    /// The text of the line (without its newline).
    pub text: String,
    /// Byte range to underline, relative to `text`.
    pub range: Range<usize>,
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
            span: None,
            snippet: None,
            focus: None,
            on_key: false,
        }
    }

    /// Adds how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Places the problem at a position of the YAML tree.
    pub fn set_pos(&mut self, pos: Pos) {
        self.line = Some(pos.line);
        self.column = Some(pos.column);
        self.span = Some(pos.start..pos.end);
    }

    /// Cuts the source line of [`Diagnostic::span`] out of `source`, for rendering.
    ///
    /// Its cost does not depend on the size of the file: the line and column come from the
    /// position the span was set with ([`Diagnostic::set_pos`]), moved to the `focus`, and the
    /// line is looked for within [`SNIPPET_WINDOW`] bytes of the span (a longer line is shown
    /// without its text: the location stays exact). A file with 100,000 problems is placed in
    /// time proportional to it, not to 100,000 times its size.
    pub fn attach_source(&mut self, source: &str) {
        let Some(original) = self.span.clone() else {
            return;
        };
        let mut span = original.clone();
        if let Some(focus) = &self.focus {
            if let Some(at) = source.get(span.clone()).and_then(|t| find_word(t, focus)) {
                span = span.start + at..span.start + at + focus.len();
            }
        }
        if source.get(..span.start).is_none() {
            return;
        }
        let (line, column) = match (self.line, self.column) {
            (Some(line), Some(column)) => {
                // Moved to the focus: count what lies between.
                let moved = &source[original.start.min(span.start)..span.start];
                match moved.rfind('\n') {
                    Some(i) => (
                        line + moved.matches('\n').count(),
                        moved[i + 1..].chars().count() + 1,
                    ),
                    None => (line, column + moved.chars().count()),
                }
            }
            _ => {
                let before = &source[..span.start];
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                (
                    before.matches('\n').count() + 1,
                    before[line_start..].chars().count() + 1,
                )
            }
        };
        self.line = Some(line);
        self.column = Some(column);
        let start = span.start;
        let lo = char_floor(source, start.saturating_sub(SNIPPET_WINDOW));
        let hi = char_floor(
            source,
            start.saturating_add(SNIPPET_WINDOW).min(source.len()),
        );
        let line_start = match source[lo..start].rfind('\n') {
            Some(i) => lo + i + 1,
            None if lo == 0 => 0,
            None => return,
        };
        let line_end = match source[start..hi].find('\n') {
            Some(i) => start + i,
            None if hi == source.len() => hi,
            None => return,
        };
        let text = source[line_start..line_end].trim_end_matches('\r');
        let from = start - line_start;
        let to = (span.end.min(line_end) - line_start).clamp(from, text.len());
        let to = if to == from {
            (from + 1).min(text.len())
        } else {
            to
        };
        self.snippet = Some(Snippet {
            line,
            text: text.to_owned(),
            range: from.min(text.len())..to,
        });
    }

    /// Renders the problem like rustc does: message, location, source line with a caret, key
    /// path and help. `color` adds ANSI colours (for a terminal).
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let at = (!self.key.is_empty()).then(|| format!("at `{}`", self.key));
        let origin = match (&self.snippet, self.line) {
            (None, Some(line)) => format!("{}:{line}:{}", self.file, self.column.unwrap_or(1)),
            _ => self.file.clone(),
        };
        let mut msg = Level::Error.title(&self.message);
        match &self.snippet {
            Some(s) => {
                msg = msg.snippet(
                    annotate_snippets::Snippet::source(&s.text)
                        .line_start(s.line)
                        .origin(&origin)
                        .annotation(Level::Error.span(s.range.clone())),
                );
            }
            None => {
                // No source to show: the origin alone, as a one-line snippet would need text.
                msg = msg.footer(Level::Note.title(&origin));
            }
        }
        if let Some(at) = &at {
            msg = msg.footer(Level::Note.title(at));
        }
        if let Some(help) = &self.help {
            msg = msg.footer(Level::Help.title(help));
        }
        let text = renderer.render(msg).to_string();
        text
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// How far from a problem its source line is looked for, each way (bytes).
pub const SNIPPET_WINDOW: usize = 4096;

/// The largest char boundary of `s` at or below `i`.
fn char_floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// All problems of one run, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Renders every problem and a count, optionally with ANSI colours.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(color));
            out.push_str("\n\n");
        }
        let n = self.0.len();
        out.push_str(&format!(
            "error: {n} problem{} in the spec",
            if n == 1 { "" } else { "s" }
        ));
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

/// The first occurrence of `word` in `text` that is not part of a longer name.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !(before.is_some_and(name) && word.starts_with(name)
            || after.is_some_and(name) && word.ends_with(name))
    })
}

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

/// Edit distance counting a swap of two neighbouring characters as one edit (`tpye` → `type`).
fn levenshtein(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// Finds a dotted key path in the YAML tree: the value when it is a scalar (so the caret is
/// under the wrong text), else the key. Names may contain dots (`paramError.spaceId`): the
/// longest key that matches wins. A path that goes deeper than the tree (a key that is missing)
/// gives the deepest node found, so the caret is still next to the problem.
pub fn locate(root: &Node, key: &str) -> Option<Pos> {
    locate_at(root, key, false)
}

/// [`locate`], pointing at the key even when its value is a scalar if `on_key`.
pub fn locate_at(root: &Node, key: &str, on_key: bool) -> Option<Pos> {
    Locator::new(root).locate(key, on_key)
}

/// [`locate_at`] for many key paths of one tree: the keys of large mappings are hashed the first
/// time a path goes through them, so placing each of many problems in a mapping of 100,000 keys
/// is a lookup, not a scan.
pub struct Locator<'t> {
    root: &'t Node,
    /// Key → index of its (first) pair, for each large mapping visited, by the mapping's address.
    index: std::collections::HashMap<*const Node, std::collections::HashMap<&'t str, usize>>,
}

impl<'t> Locator<'t> {
    /// A locator over the tree `root`.
    pub fn new(root: &'t Node) -> Self {
        Locator {
            root,
            index: std::collections::HashMap::new(),
        }
    }

    /// The pair of `node` (a mapping) whose key is `name`.
    fn pair(&mut self, node: &'t Node, name: &str) -> Option<&'t (Node, Node)> {
        let pairs = node.as_map()?;
        if pairs.len() <= 16 {
            return pairs.iter().find(|(k, _)| k.as_str() == Some(name));
        }
        let index = self.index.entry(node as *const Node).or_insert_with(|| {
            let mut index = std::collections::HashMap::with_capacity(pairs.len());
            for (i, (k, _)) in pairs.iter().enumerate() {
                if let Some(k) = k.as_str() {
                    index.entry(k).or_insert(i);
                }
            }
            index
        });
        index.get(name).map(|&i| &pairs[i])
    }

    /// Where `key` is ([`locate_at`]).
    pub fn locate(&mut self, key: &str, on_key: bool) -> Option<Pos> {
        if key.is_empty() {
            return None;
        }
        let segments: Vec<&str> = key.split('.').collect();
        let mut node = self.root;
        let mut found: Option<Pos> = None;
        let mut i = 0;
        while i < segments.len() {
            let step = match &node.value {
                Value::Map(pairs) => (i + 1..=segments.len())
                    .rev()
                    .find_map(|j| {
                        let name = segments[i..j].join(".");
                        self.pair(node, &name).map(|(k, v)| (j, k.pos, v))
                    })
                    .or_else(|| {
                        // A misspelt key the shape check read as the right one (`model:`).
                        pairs
                            .iter()
                            .find(|(k, _)| {
                                k.as_str()
                                    .is_some_and(|k| did_you_mean(k, [segments[i]]).is_some())
                            })
                            .map(|(k, v)| (i + 1, k.pos, v))
                    }),
                Value::Seq(items) => segments[i]
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| items.get(n))
                    .map(|v| (i + 1, v.pos, v)),
                _ => None,
            };
            let Some((j, key_pos, value)) = step else {
                break;
            };
            i = j;
            node = value;
            found = Some(
                if i == segments.len() && !on_key && matches!(value.value, Value::Scalar { .. }) {
                    value.pos
                } else {
                    key_pos
                },
            );
        }
        found
    }
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
        let src = "service: x\noperations:\n  Get:\n    params:\n      a: { in: query, type: strng }\n      type: {in: query}\n    errors:\n      - { code: paramError.spaceId }\n";
        let root = crate::yaml::parse(src).unwrap();
        let at = |k: &str| locate(&root, k).map(|p| (p.line, p.column));
        assert_eq!(at("operations.Get.params.a.type"), Some((5, 29)));
        assert_eq!(at("operations.Get.params.type"), Some((6, 7)));
        assert_eq!(at("operations.Get"), Some((3, 3)));
        assert_eq!(at("operations.Get.params.a.missing"), Some((5, 7)));
        assert_eq!(at("operations.Get.errors.0.code"), Some((8, 17)));
        assert_eq!(at("service"), Some((1, 10)));
    }
}
