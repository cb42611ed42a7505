//! A YAML tree that remembers where every key and value is, built from `saphyr-parser` events.
//!
//! serde_yaml gives values without positions; diagnostics need the exact line, column and byte
//! range of the key or value at fault. This tree keeps mappings as ordered pairs, so duplicate
//! keys are still visible to the schema check.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

/// Where a node is: byte range in the source and 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character (at least `start + 1` when the source allows).
    pub end: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Where it is.
    pub pos: Pos,
}

/// The kinds of YAML value a spec uses.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar; `plain` is false when quoted or a block scalar (always a string then).
    Scalar {
        /// The text.
        text: String,
        /// Unquoted (so `true`, `12`, `null` are not strings).
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, pairs in source order (duplicates kept).
    Map(Vec<(Node, Node)>),
    /// An alias (`*name`), which specs do not use.
    Alias,
}

/// What a scalar means under YAML's core schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarKind {
    /// `null`, `~` or empty.
    Null,
    /// `true` / `false`.
    Bool,
    /// An integer.
    Int,
    /// A float.
    Float,
    /// Anything else, or quoted.
    Str,
}

impl Node {
    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The pairs of a mapping.
    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            Value::Map(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// The value of `key` in a mapping (the first, if duplicated), with its key node.
    pub fn get(&self, key: &str) -> Option<(&Node, &Node)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// The core-schema kind of a scalar (`None` for collections).
    pub fn kind(&self) -> Option<ScalarKind> {
        let Value::Scalar { text, plain } = &self.value else {
            return None;
        };
        if !plain {
            return Some(ScalarKind::Str);
        }
        Some(match text.as_str() {
            "" | "~" | "null" | "Null" | "NULL" => ScalarKind::Null,
            "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => ScalarKind::Bool,
            t if t.parse::<i64>().is_ok()
                || t.strip_prefix("0x")
                    .is_some_and(|h| i64::from_str_radix(h, 16).is_ok())
                || t.strip_prefix("0o")
                    .is_some_and(|o| i64::from_str_radix(o, 8).is_ok()) =>
            {
                ScalarKind::Int
            }
            ".inf" | "-.inf" | "+.inf" | ".nan" | ".NaN" => ScalarKind::Float,
            t if t.parse::<f64>().is_ok() && t.chars().any(|c| c.is_ascii_digit()) => {
                ScalarKind::Float
            }
            _ => ScalarKind::Str,
        })
    }

    /// A short description of what the node is, for messages (`a string`, `a mapping`).
    pub fn describe(&self) -> String {
        match (&self.value, self.kind()) {
            (Value::Seq(_), _) => "a list".to_owned(),
            (Value::Map(_), _) => "a mapping".to_owned(),
            (Value::Alias, _) => "an alias".to_owned(),
            (_, Some(ScalarKind::Null)) => "nothing (null)".to_owned(),
            (Value::Scalar { text, .. }, Some(ScalarKind::Bool)) => format!("the boolean `{text}`"),
            (Value::Scalar { text, .. }, Some(ScalarKind::Int | ScalarKind::Float)) => {
                format!("the number `{text}`")
            }
            (Value::Scalar { text, .. }, _) => {
                let short: String = text.chars().take(40).collect();
                let short = short.lines().next().unwrap_or_default().to_owned();
                format!("the string `{short}`")
            }
        }
    }
}

/// A YAML syntax error: message and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What the parser says.
    pub message: String,
    /// Where.
    pub pos: Pos,
}

/// How deep mappings and lists may nest. Every later pass over the tree (shape check, cleaning,
/// deserialising, dropping it) recurses once per level, so a bound here is what keeps a hostile
/// file from overflowing the stack. A spec with inline objects nested as deep as the format
/// allows ([`crate::types::MAX_DEPTH`], two levels each: the field and its `fields`) stays well
/// below it.
pub const MAX_NESTING: usize = 128;

/// Parses the first document of `source` into a tree. An empty file is an empty mapping.
pub fn parse(source: &str) -> Result<Node, SyntaxError> {
    let offsets = CharOffsets::new(source);
    let mut builder = Builder {
        stack: Vec::new(),
        root: None,
        offsets: &offsets,
    };
    let mut parser = Parser::new_from_str(source);
    loop {
        match parser.next_event() {
            None => break,
            Some(Err(e)) => {
                let m = e.marker();
                let start = offsets.byte(m.index());
                let mut message = e.info().to_owned();
                if let Some(first) = message.get(..1) {
                    message = first.to_lowercase() + &message[1..];
                }
                return Err(SyntaxError {
                    message: format!("YAML syntax error: {message}"),
                    pos: Pos {
                        start,
                        end: offsets.next_char_end(start),
                        line: m.line(),
                        column: m.col() + 1,
                    },
                });
            }
            Some(Ok((event, span))) => {
                if builder.root.is_some() && matches!(event, Event::DocumentStart(_)) {
                    let pos = offsets.pos(span);
                    return Err(SyntaxError {
                        message: "a second YAML document (`---`) in a spec file".to_owned(),
                        pos,
                    });
                }
                if matches!(event, Event::StreamEnd) {
                    break;
                }
                let opens = matches!(event, Event::SequenceStart(..) | Event::MappingStart(..));
                if opens && builder.stack.len() >= MAX_NESTING {
                    return Err(SyntaxError {
                        message: format!(
                            "mappings and lists nested deeper than {MAX_NESTING} levels"
                        ),
                        pos: offsets.pos(span),
                    });
                }
                builder.event(event, span);
            }
        }
    }
    Ok(builder.root.unwrap_or(Node {
        value: Value::Map(Vec::new()),
        pos: Pos {
            start: 0,
            end: 0,
            line: 1,
            column: 1,
        },
    }))
}

/// Character index → byte offset (saphyr's markers count characters).
struct CharOffsets<'a> {
    source: &'a str,
    /// The byte offset of each character, then the length; empty for an ASCII source, where
    /// the two are the same (most specs: the table would cost more than the parse).
    bytes: Vec<usize>,
}

impl<'a> CharOffsets<'a> {
    fn new(source: &'a str) -> Self {
        let mut bytes = Vec::new();
        if !source.is_ascii() {
            bytes.extend(source.char_indices().map(|(b, _)| b));
            bytes.push(source.len());
        }
        CharOffsets { source, bytes }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.bytes.is_empty() {
            return char_index.min(self.source.len());
        }
        self.bytes
            .get(char_index)
            .copied()
            .unwrap_or(self.source.len())
    }

    /// The end of the character at `byte` (or `byte` at the end of the source).
    fn next_char_end(&self, byte: usize) -> usize {
        self.source
            .get(byte..)
            .and_then(|s| s.chars().next())
            .map_or(byte, |c| byte + c.len_utf8())
    }

    fn pos(&self, span: Span) -> Pos {
        let start = self.byte(span.start.index());
        let mut end = self.byte(span.end.index()).max(start);
        if end == start {
            end = self.next_char_end(start);
        }
        Pos {
            start,
            end,
            line: span.start.line(),
            column: span.start.col() + 1,
        }
    }
}

enum Frame {
    Seq(Pos, Vec<Node>),
    Map(Pos, Vec<(Node, Node)>, Option<Node>),
}

struct Builder<'o, 's> {
    stack: Vec<Frame>,
    root: Option<Node>,
    offsets: &'o CharOffsets<'s>,
}

impl Builder<'_, '_> {
    /// Handles one event; true once the first document is complete.
    fn event(&mut self, event: Event<'_>, span: Span) -> bool {
        let pos = self.offsets.pos(span);
        match event {
            Event::Scalar(text, style, _, _) => {
                let plain = style == ScalarStyle::Plain;
                let pos = self.scalar_pos(pos, &text, style);
                self.push(Node {
                    value: Value::Scalar {
                        text: text.into_owned(),
                        plain,
                    },
                    pos,
                })
            }
            Event::Alias(_) => self.push(Node {
                value: Value::Alias,
                pos,
            }),
            Event::SequenceStart(..) => {
                self.stack.push(Frame::Seq(pos, Vec::new()));
                false
            }
            Event::MappingStart(..) => {
                self.stack.push(Frame::Map(pos, Vec::new(), None));
                false
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq(pos, items)) => self.push(Node {
                    value: Value::Seq(items),
                    pos,
                }),
                Some(Frame::Map(pos, pairs, _)) => self.push(Node {
                    value: Value::Map(pairs),
                    pos,
                }),
                None => false,
            },
            Event::DocumentEnd => self.root.is_some(),
            _ => false,
        }
    }

    /// A plain scalar's span covers exactly its text; widen nothing, but keep one line at most
    /// for carets on block scalars.
    fn scalar_pos(&self, mut pos: Pos, text: &str, style: ScalarStyle) -> Pos {
        if matches!(style, ScalarStyle::Plain) && !text.contains('\n') {
            pos.end = pos.start + text.len().max(1);
        }
        let src = self.offsets.source;
        pos.end = pos.end.min(src.len()).max(pos.start);
        if let Some(t) = src.get(pos.start..pos.end) {
            let trimmed = t.trim_end().len();
            if trimmed > 0 {
                pos.end = pos.start + trimmed;
            }
        }
        pos
    }

    /// Adds a finished node to its parent; true when it completes the root.
    fn push(&mut self, node: Node) -> bool {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                false
            }
            Some(Frame::Seq(_, items)) => {
                items.push(node);
                false
            }
            Some(Frame::Map(_, pairs, key)) => {
                match key.take() {
                    None => *key = Some(node),
                    Some(k) => pairs.push((k, node)),
                }
                false
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values() {
        let src = "a: 1\nb:\n  c: { d: \"x\" }\n  e: [f, g]\n";
        let root = parse(src).unwrap();
        let (k, v) = root.get("b").unwrap();
        assert_eq!((k.pos.line, k.pos.column), (2, 1));
        let (k, v) = v.get("c").unwrap().1.get("d").unwrap();
        assert_eq!((k.pos.line, k.pos.column), (3, 8));
        assert_eq!(&src[v.pos.start..v.pos.end], "\"x\"");
        assert_eq!(root.get("a").unwrap().1.kind(), Some(ScalarKind::Int));
    }

    #[test]
    fn byte_ranges_after_non_ascii_text() {
        let src = "a: \"é\u{4e2d}\"\nb: x\n";
        let root = parse(src).unwrap();
        let (k, v) = root.get("b").unwrap();
        assert_eq!(&src[k.pos.start..k.pos.end], "b");
        assert_eq!(&src[v.pos.start..v.pos.end], "x");
        let a = root.get("a").unwrap().1.pos;
        assert_eq!(&src[a.start..a.end], "\"é\u{4e2d}\"");
    }

    #[test]
    fn nesting_is_bounded_whatever_the_style() {
        let flow = format!("a: {}{}\n", "[".repeat(200), "]".repeat(200));
        let block: String = (0..200)
            .map(|i| format!("{}k:\n", "  ".repeat(i)))
            .collect();
        for src in [flow, block] {
            let e = parse(&src).unwrap_err();
            assert!(e.message.contains("nested deeper than 128"), "{e:?}");
            assert!(e.pos.line >= 1);
        }
        let ok = format!("a: {}{}\n", "[".repeat(100), "]".repeat(100));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn syntax_errors_are_located() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.message.starts_with("YAML syntax error"), "{e:?}");
        assert!(e.pos.line >= 1);
    }
}
