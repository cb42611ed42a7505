//! Spec text rendered as rustdoc that builds, documents and doctests cleanly.
//!
//! Descriptions are written for people and copied from DingTalk's pages: URLs, `List<String>`,
//! `[brackets]`, code fences, indented examples, the odd control character. Rather than reject
//! legitimate text, it is rendered safely: `<` and `[` escaped (no HTML tag, no intra-doc link),
//! bare URLs turned into `<…>` autolinks, fenced and indented blocks made ```` ```text ````
//! blocks (never a doctest), list continuations indented as clippy wants, control and bidi
//! characters dropped (rustc rejects the bidi ones, rustdoc a bare `\r`).

/// Free text as doc lines: trimmed, blank lines kept as paragraph breaks; empty for text that
/// is only whitespace.
pub fn block(text: &str) -> Vec<String> {
    let text = clean(text);
    let mut out = Blocks::default();
    for line in text.trim().lines() {
        out.line(line.trim_end());
    }
    out.finish()
}

/// Text for one line (summaries, enum values, error descriptions): line breaks become spaces.
pub fn inline(text: &str) -> String {
    let text = clean(text);
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    escape(&joined)
}

/// `text` as an inline code span, whatever backticks it holds; characters a doc comment cannot
/// carry (line breaks, controls, bidi overrides) are shown as escapes (`\u{202e}`).
pub fn code(text: &str) -> String {
    let mut shown = String::with_capacity(text.len());
    for c in text.chars() {
        if is_unsafe(c) || c == '\n' || c == '\t' {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    let longest = longest_run(&shown, '`');
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside its fence.
    let pad = if shown.starts_with('`') || shown.ends_with('`') || shown.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// An intra-doc link to the generated struct `name` (an operation's builder). A name that is
/// also a derive macro of the prelude (`Default`, `Hash`, …: DingTalk could name an operation
/// so) says it means the struct, else rustdoc finds the link ambiguous.
pub fn link(name: &str) -> String {
    const DERIVES: &[&str] = &[
        "Clone",
        "Copy",
        "Debug",
        "Default",
        "Eq",
        "Hash",
        "Ord",
        "PartialEq",
        "PartialOrd",
    ];
    if DERIVES.contains(&name) {
        format!("[`{name}`](struct@{name})")
    } else {
        format!("[`{name}`]")
    }
}

/// Characters that never reach a doc comment: controls other than line breaks and tabs, and the
/// bidirectional overrides and isolates rustc denies (`text_direction_codepoint_in_comment`).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether a string literal may hold `s` as it is: no character rustc warns about or denies in
/// a literal (bidi overrides), and nothing that needs escaping.
pub fn plain_literal(s: &str) -> bool {
    s.chars()
        .all(|c| c != '"' && c != '\\' && !c.is_control() && !is_unsafe(c))
}

/// `\r\n` and `\r` as `\n`, Unicode line separators as `\n`, tabs as spaces, other unsafe
/// characters dropped.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == ch { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// The doc lines being built, with what markdown would make of them so far.
#[derive(Default)]
struct Blocks {
    out: Vec<String>,
    /// Inside a fenced block: its fence (```` ``` ```` or `~~~`, at least three).
    fence: Option<String>,
    /// Inside an indented block (made a ```` ```text ```` fence): blank lines held back.
    indented: Option<usize>,
    /// Inside a list item: the width of its marker (`- ` is 2, `10. ` is 4).
    list: Option<usize>,
    /// The previous line was blank (or there was none).
    after_blank: bool,
}

impl Blocks {
    fn line(&mut self, line: &str) {
        if self.out.is_empty() && self.fence.is_none() && self.indented.is_none() {
            self.after_blank = true;
        }
        if let Some(fence) = &self.fence {
            let closing = line.trim_start();
            if closing.starts_with(fence.as_str())
                && closing
                    .trim_start_matches(fence.chars().next().unwrap_or('`'))
                    .trim()
                    .is_empty()
            {
                let fence = fence.clone();
                self.out.push(fence);
                self.fence = None;
                self.after_blank = false;
            } else {
                self.out.push(line.to_owned());
            }
            return;
        }
        // Only spaces indent (tabs are spaces by now); other white space is text.
        let indent = line.bytes().take_while(|b| *b == b' ').count();
        let body = &line[indent..];
        if let Some(blank) = self.indented {
            if body.trim().is_empty() {
                self.indented = Some(blank + 1);
                return;
            }
            if indent >= 4 {
                self.out.extend(std::iter::repeat_n(String::new(), blank));
                self.out.push(line[4.min(indent)..].to_owned());
                self.indented = Some(0);
                return;
            }
            self.out.push("```".to_owned());
            self.out.extend(std::iter::repeat_n(String::new(), blank));
            self.indented = None;
            self.after_blank = blank > 0;
        }
        if body.trim().is_empty() {
            self.out.push(String::new());
            self.after_blank = true;
            return;
        }
        if let Some(fence) = opening_fence(body) {
            self.out.push(format!("{fence}text"));
            self.fence = Some(fence);
            self.list = None;
            self.after_blank = false;
            return;
        }
        if indent >= 4 && self.after_blank && self.list.is_none() {
            self.out.push("```text".to_owned());
            self.out.push(line[4..].to_owned());
            self.indented = Some(0);
            return;
        }
        let (marker, rest) = list_marker(body);
        if marker > 0 {
            self.list = Some(marker);
            self.out
                .push(format!("{}{}", &body[..marker], escape_line(rest)));
        } else {
            match self.list {
                // A continuation of the list item (lazy or indented): indented by the marker
                // width, as clippy's `doc_lazy_continuation` asks.
                Some(width) if !self.after_blank || indent >= width => {
                    self.out
                        .push(format!("{}{}", " ".repeat(width), escape_line(body)));
                }
                _ => {
                    self.list = None;
                    self.out.push(escape_line(body));
                }
            }
        }
        self.after_blank = false;
    }

    fn finish(mut self) -> Vec<String> {
        if let Some(fence) = self.fence.take() {
            self.out.push(fence);
        }
        if self.indented.take().is_some() {
            self.out.push("```".to_owned());
        }
        self.out
    }
}

/// The fence of a line that opens a fenced code block (```` ``` ```` or `~~~`, any info string).
fn opening_fence(body: &str) -> Option<String> {
    for ch in ['`', '~'] {
        let n = body.chars().take_while(|c| *c == ch).count();
        if n >= 3 {
            // A backtick fence's info string cannot hold a backtick (it would be inline code).
            if ch == '`' && body[n..].contains('`') {
                return None;
            }
            return Some(ch.to_string().repeat(n));
        }
    }
    None
}

/// The byte length of a list marker with its space (`- `, `* `, `+ `, `1. `, `12) `), or 0.
fn list_marker(body: &str) -> (usize, &str) {
    let bytes = body.as_bytes();
    let marker = match bytes.first() {
        Some(b'-' | b'*' | b'+') => 1,
        Some(b'0'..=b'9') => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(b'.' | b')') if digits <= 9 => digits + 1,
                _ => 0,
            }
        }
        _ => 0,
    };
    if marker > 0 && bytes.get(marker) == Some(&b' ') {
        (marker + 1, &body[marker + 1..])
    } else {
        (0, body)
    }
}

/// One line of a paragraph, escaped; a leading `>` too (it would open a block quote, whose lazy
/// continuation lines clippy rejects).
fn escape_line(text: &str) -> String {
    match text.strip_prefix('>') {
        Some(rest) => format!("\\>{}", escape(rest)),
        None => escape(text),
    }
}

/// Escapes `<` and `[` outside code spans and autolinks, and wraps bare URLs in `<…>`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        // A code span: a run of backticks up to the next run of the same length (not escaped).
        if c == '`' && !out.ends_with('\\') {
            let n = rest.chars().take_while(|c| *c == '`').count();
            if let Some(end) = closing_run(&rest[n..], n) {
                let span = n + end + n;
                out.push_str(&rest[..span]);
                rest = &rest[span..];
                continue;
            }
            out.push_str(&rest[..n]);
            rest = &rest[n..];
            continue;
        }
        // An autolink already written as one.
        if c == '<' {
            if let Some(len) = autolink(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if (c == 'h' || c == 'H') && !ends_in_word(&out) {
            let len = bare_url(rest);
            if len > 0 {
                out.push('<');
                out.push_str(&rest[..len]);
                out.push('>');
                rest = &rest[len..];
                continue;
            }
        }
        if (c == '<' || c == '[') && !out.ends_with('\\') {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn ends_in_word(out: &str) -> bool {
    out.chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Where a run of exactly `n` backticks starts in `text`, if one does.
fn closing_run(text: &str, n: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let run = bytes[i..].iter().take_while(|b| **b == b'`').count();
            if run == n {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// The length of `<http…>` at the start of `text`, when it is a complete autolink.
fn autolink(text: &str) -> Option<usize> {
    let inner = &text[1..];
    let len = bare_url(inner);
    (len > 0 && inner[len..].starts_with('>')).then_some(len + 2)
}

/// The length of a URL (`http://` or `https://` and what follows) at the start of `text`, or
/// 0. It ends at a space, a quote, `<`, `>`, a backtick or a non-ASCII character; trailing
/// punctuation of the sentence (`.`, `,`, `)` without its `(`) is left out.
fn bare_url(text: &str) -> usize {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return 0;
    };
    let mut end = scheme
        + text[scheme..]
            .find(|c: char| {
                !c.is_ascii_graphic() || matches!(c, '<' | '>' | '"' | '`' | '\'' | '\\')
            })
            .unwrap_or(text.len() - scheme);
    while end > scheme {
        let last = text.as_bytes()[end - 1];
        let unbalanced_paren =
            last == b')' && text[..end].matches('(').count() < text[..end].matches(')').count();
        if matches!(last, b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*' | b'_') || unbalanced_paren
        {
            end -= 1;
        } else {
            break;
        }
    }
    if end == scheme {
        0
    } else {
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_links_are_escaped_outside_code() {
        assert_eq!(
            inline("A List<String> of [ids] in <div>, `List<String>` kept"),
            "A List\\<String> of \\[ids] in \\<div>, `List<String>` kept"
        );
        assert_eq!(inline("already \\<escaped"), "already \\<escaped");
        assert_eq!(inline("a `` b`c `` d<"), "a `` b`c `` d\\<");
        assert_eq!(inline("an ` unclosed <"), "an ` unclosed \\<");
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            inline("See https://open.dingtalk.com/document/x?a=1&b=2. Then http://a.b/(c)."),
            "See <https://open.dingtalk.com/document/x?a=1&b=2>. Then <http://a.b/(c)>."
        );
        assert_eq!(inline("(https://x.y/z)"), "(<https://x.y/z>)");
        assert_eq!(inline("<https://x.y/z> as is"), "<https://x.y/z> as is");
        assert_eq!(inline("https://x.y/文档"), "<https://x.y/>文档");
        assert_eq!(inline("`https://x.y` in code"), "`https://x.y` in code");
        assert_eq!(inline("nohttps://x"), "nohttps://x");
        assert_eq!(inline("https:// alone"), "https:// alone");
    }

    #[test]
    fn controls_bidi_and_carriage_returns_are_dropped() {
        assert_eq!(
            block("a\r\nb\rc\u{202e}d\u{2066}e\u{7}f\tg"),
            ["a", "b", "cdef    g"]
        );
        assert_eq!(block(" \n\t "), Vec::<String>::new());
        assert_eq!(code("a\u{202e}b\nc"), "`a\\u{202e}b\\nc`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn code_blocks_never_become_doctests() {
        assert_eq!(
            block("Call it:\n```\nlet x = 1;\n```\nDone."),
            ["Call it:", "```text", "let x = 1;", "```", "Done."]
        );
        assert_eq!(
            block("~~~~json\n{}\n"),
            ["~~~~text", "{}", "~~~~"],
            "an unclosed fence is closed"
        );
        assert_eq!(
            block("Example:\n\n    fn main() {}\n\n    more\nAfter"),
            [
                "Example:",
                "",
                "```text",
                "fn main() {}",
                "",
                "more",
                "```",
                "After"
            ]
        );
        // Indented text continuing a paragraph is no code block.
        assert_eq!(block("a\n    b"), ["a", "b"]);
    }

    #[test]
    fn list_continuations_are_indented_and_quotes_neutralised() {
        assert_eq!(
            block("Values:\n- a\nlazy\n10. b\n     over\n\nAfter"),
            ["Values:", "- a", "  lazy", "10. b", "    over", "", "After"]
        );
        assert_eq!(block("> quoted\nlazy"), ["\\> quoted", "lazy"]);
        assert_eq!(block("- a\n> b\nc"), ["- a", "  \\> b", "  c"]);
        assert_eq!(block("-not a list"), ["-not a list"]);
    }

    #[test]
    fn plain_literals() {
        assert!(plain_literal("知识库 — wiki"));
        assert!(!plain_literal("a\u{202e}b"));
        assert!(!plain_literal("a\"b"));
    }
}
