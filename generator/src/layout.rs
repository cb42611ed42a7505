//! How the generated text is laid out beyond what prettyplease does: blank lines between items,
//! and the tables that the runtime's macros take (`rt::model!`, `rt::string_enum!`,
//! `rt::error_codes!`) one entry per line, as a person would write them. prettyplease prints a
//! macro's tokens filling each line, which hides a table's rows.

/// Appends prettyplease's `text` to `out`, laid out: tables one entry per line, and blank lines
/// between items.
pub(crate) fn lay_out(text: &str, out: &mut String) {
    if TABLES.iter().any(|m| text.contains(m)) {
        spaced(&tables(text), out);
    } else {
        spaced(text, out);
    }
}

/// The runtime's macros that take a table `Name { entry, … }`, at the start of a line.
const TABLES: &[&str] = &["rt::model!(", "rt::string_enum!(", "rt::error_codes!("];

/// `text` with each top-level invocation of a table macro laid out one entry per line:
///
/// ```text
/// rt::model!(GetWorkspaceResponse {
///     workspace optional "workspace",
/// }, cfg(feature = "serialize"));
/// ```
///
/// An invocation that does not have that shape is left as prettyplease printed it.
fn tables(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(mac) = TABLES.iter().find(|m| line.starts_with(*m)) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        // The whole invocation: up to the line `);` that closes it at the top level.
        let mut call = vec![line];
        while !call
            .last()
            .is_some_and(|l| l.ends_with(");") && !l.starts_with(' '))
        {
            match lines.next() {
                Some(l) => call.push(l),
                None => break,
            }
        }
        let joined: Vec<&str> = call.iter().map(|l| l.trim()).collect();
        let joined = joined.join(" ");
        match table(&joined[mac.len()..]) {
            Some((name, entries, rest)) => {
                out.push_str(mac);
                out.push_str(name);
                out.push_str(if entries.is_empty() { " {" } else { " {\n" });
                for entry in entries {
                    out.push_str("    ");
                    out.push_str(entry);
                    out.push_str(",\n");
                }
                out.push('}');
                out.push_str(rest);
                out.push_str(");\n");
            }
            None => {
                for l in call {
                    out.push_str(l);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// Splits `Name { a, b, c } rest);` into `Name`, the entries, and `rest` (such as
/// `, cfg(feature = "serialize")`); `None` when it is not that shape.
fn table(call: &str) -> Option<(&str, Vec<&str>, &str)> {
    let call = call.trim().strip_suffix(");")?.trim_end();
    let (name, body) = call.split_once(" {")?;
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let mut entries = Vec::new();
    let (mut start, mut depth, mut in_str, mut escaped) = (0, 0usize, false, false);
    for (i, c) in body.char_indices() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                entries.push(body[start..i].trim());
                start = i + 1;
            }
            '}' if depth == 0 => {
                let last = body[start..i].trim();
                if !last.is_empty() {
                    entries.push(last);
                }
                return Some((name, entries, body[i + 1..].trim_end()));
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Appends prettyplease's text with a blank line between items, as hand-written code has them:
/// between top-level items and between the items of an `impl` block (one indent deep), but not
/// between `use` declarations, fields or variants (which end in `,`).
fn spaced(text: &str, out: &mut String) {
    let mut previous: Option<&str> = None;
    for line in text.lines() {
        if let Some(prev) = previous {
            let imports = prev.starts_with("use ")
                && (line.starts_with("use ") || line.starts_with("#[allow(unused_imports)]"));
            if item_ends(prev) && item_starts(line) && indent(prev) >= indent(line) && !imports {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Whether `line` may end an item: code (not a comment) ending in `}` or `;`. (Whether it does
/// is told by the next line: an item starting no deeper.)
fn item_ends(line: &str) -> bool {
    let t = line.trim_start();
    !t.starts_with("//") && (t.ends_with('}') || t.ends_with(';'))
}

/// Whether `line` starts an item: its docs, attributes or its first word.
fn item_starts(line: &str) -> bool {
    const STARTS: &[&str] = &[
        "///", "#[", "pub ", "impl ", "impl<", "const ", "fn ", "rt::", "type ", "enum ",
        "struct ", "async ", "use ", "mod ",
    ];
    let t = line.trim_start();
    indent(line) <= 4 && STARTS.iter().any(|s| t.starts_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laid_out(text: &str) -> String {
        let mut out = String::new();
        lay_out(text, &mut out);
        out
    }

    #[test]
    fn a_table_gets_one_entry_per_line() {
        let printed = "rt::model!(\n    Page { next_token optional \"nextToken\", items optional\n    \"items\" }, cfg(feature = \"serialize\")\n);\n";
        assert_eq!(
            laid_out(printed),
            "rt::model!(Page {\n    next_token optional \"nextToken\",\n    items optional \"items\",\n}, cfg(feature = \"serialize\"));\n"
        );
    }

    #[test]
    fn commas_and_braces_inside_wire_names_stay_in_their_entry() {
        let printed = "rt::string_enum!(Odd { A = \"a, b\", B = \"}{\\\"\" });\n";
        assert_eq!(
            laid_out(printed),
            "rt::string_enum!(Odd {\n    A = \"a, b\",\n    B = \"}{\\\"\",\n});\n"
        );
    }

    #[test]
    fn an_empty_table_and_other_shapes() {
        assert_eq!(
            laid_out("rt::model!(Empty {});\n"),
            "rt::model!(Empty {});\n"
        );
        let other = "rt::model!(not a table);\n";
        assert_eq!(laid_out(other), other);
    }
}
