//! Line patterns over the package's generated Python.
//!
//! Every line the importer reads must match one of its patterns exactly; a line that matches
//! none is reported as not understood. A pattern is literal text with captures:
//!
//! - `{i}`: a Python identifier (`operator_id`, `k1`);
//! - `{s}`: the contents of a single-quoted string (anything but `'`, possibly empty);
//! - `{t}`: the rest of a type annotation or argument list (anything, at least one character).
//!
//! A capture ends where the literal text after it first matches, so patterns are written with
//! enough literal text after each capture to be unambiguous.

/// Matches `line` (without its indentation) against `pattern`, returning the captures in order.
pub fn capture<'a>(line: &'a str, pattern: &str) -> Option<Vec<&'a str>> {
    let mut out = Vec::new();
    let mut rest = line;
    let mut pat = pattern;
    while !pat.is_empty() {
        let Some(open) = next_capture(pat) else {
            return (rest == pat).then_some(out);
        };
        let (literal, after) = pat.split_at(open);
        rest = rest.strip_prefix(literal)?;
        let kind = &after[1..2];
        pat = &after[3..];
        let next_literal = next_capture(pat).map_or(pat, |i| &pat[..i]);
        let end = if next_literal.is_empty() {
            rest.len()
        } else if kind == "t" && next_literal == pat {
            // A type or argument list before the line's last literal may contain that literal
            // itself (`Dict[str, str],`): take the last occurrence.
            rest.rfind(next_literal)?
        } else {
            rest.find(next_literal)?
        };
        let (value, tail) = rest.split_at(end);
        if !fits(kind, value) {
            return None;
        }
        out.push(value);
        rest = tail;
    }
    rest.is_empty().then_some(out)
}

/// Where the next capture (`{i}`, `{s}` or `{t}`) of a pattern starts; any other `{` is literal.
fn next_capture(pat: &str) -> Option<usize> {
    ["{i}", "{s}", "{t}"]
        .iter()
        .filter_map(|c| pat.find(c))
        .min()
}

/// Whether a captured value has the shape its capture kind allows.
fn fits(kind: &str, value: &str) -> bool {
    match kind {
        "i" => {
            !value.is_empty()
                && !value.starts_with(|c: char| c.is_ascii_digit())
                && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        "s" => !value.contains('\''),
        "t" => !value.is_empty(),
        _ => false,
    }
}

/// Whether `line` matches `pattern` (captures discarded).
pub fn is(line: &str, pattern: &str) -> bool {
    capture(line, pattern).is_some()
}

/// A line of a Python file: its 1-based number, indentation (in spaces) and text after it.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// Leading spaces.
    pub indent: usize,
    /// The text after the indentation, without the line end.
    pub text: &'a str,
}

/// The lines of a file, numbered, with indentation split off.
pub fn lines(source: &str) -> Vec<Line<'_>> {
    source
        .lines()
        .enumerate()
        .map(|(i, raw)| {
            let text = raw.trim_start_matches(' ');
            Line {
                number: i + 1,
                indent: raw.len() - text.len(),
                text: text.trim_end(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_identifiers_and_strings() {
        assert_eq!(
            capture(
                "query['operatorId'] = request.operator_id",
                "query['{s}'] = request.{i}"
            ),
            Some(vec!["operatorId", "operator_id"])
        );
        assert_eq!(
            capture("query['a'] = request.b.c", "query['{s}'] = request.{i}"),
            None
        );
        assert_eq!(
            capture("x: List[str] = None,", "{i}: {t} = None,"),
            Some(vec!["x", "List[str]"])
        );
        assert_eq!(
            capture("self.a = b", "self.{i} = {i}"),
            Some(vec!["a", "b"])
        );
        assert!(!is("self.a = b", "self.{i} = {i}x"));
        assert!(is("pass", "pass"));
        assert!(!is("passed", "pass"));
        assert_eq!(capture("x = ''", "x = '{s}'"), Some(vec![""]));
        assert!(is("headers = {}", "headers = {}"));
        assert_eq!(
            capture("headers: Dict[str, str],", "{i}: {t},"),
            Some(vec!["headers", "Dict[str, str]"])
        );
    }
}
