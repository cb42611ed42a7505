//! Slices an existing spec file into its top-level blocks, and the `models:` / `operations:`
//! blocks into their entries, verbatim, so curated text is carried over byte for byte.

/// A top-level block: the comments and blank lines before a top-level key, the key's line
/// and everything indented under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The top-level key (`service`, `models`, …); `None` for trailing comments.
    pub key: Option<String>,
    /// The block's text, with its line ends.
    pub text: String,
}

/// An entry of `models:` or `operations:`: its key and its text (leading comments included,
/// trailing blank lines not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The model or operation name.
    pub name: String,
    /// The entry's text, with its line ends.
    pub text: String,
}

/// The text of the marker under which the importer writes the models it imports. Models above
/// it are the hand-written ones (kept as written); models below it are rewritten on each import.
pub const MODELS_MARKER: &str =
    "  # Imported models: rewritten on every import. Move a model above this line to curate it.\n";

/// Why a file cannot be sliced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SliceError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub what: String,
}

/// The top-level blocks of a spec file.
pub fn blocks(text: &str) -> Result<Vec<Block>, SliceError> {
    let mut out: Vec<Block> = Vec::new();
    let mut pending = String::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let content = line.trim_end();
        let top_key = !line.starts_with([' ', '\t', '#']) && !content.is_empty();
        if top_key {
            let Some(key) = key_of(content) else {
                return Err(SliceError {
                    line: i + 1,
                    what: format!("a top-level line that is not `key: …`: `{content}`"),
                });
            };
            out.push(Block {
                key: Some(key),
                text: std::mem::take(&mut pending) + line,
            });
        } else if content.is_empty() || content.trim_start().starts_with('#') {
            // Blank lines and comments go with the next key (or stay at the end).
            pending.push_str(line);
        } else {
            match out.last_mut() {
                Some(b) => {
                    b.text.push_str(&std::mem::take(&mut pending));
                    b.text.push_str(line);
                }
                None => {
                    return Err(SliceError {
                        line: i + 1,
                        what: "an indented line before the first key".to_owned(),
                    })
                }
            }
        }
    }
    if !pending.is_empty() {
        out.push(Block {
            key: None,
            text: pending,
        });
    }
    Ok(out)
}

/// The key of a `key: value` or `key:` line (quoted keys unquoted).
fn key_of(line: &str) -> Option<String> {
    let line = line.trim_start();
    if let Some(rest) = line.strip_prefix('"') {
        let end = rest.find('"')?;
        rest[end + 1..]
            .starts_with(':')
            .then(|| rest[..end].to_owned())
    } else {
        let end = line.find(':')?;
        let rest = &line[end + 1..];
        (rest.is_empty() || rest.starts_with(' ')).then(|| line[..end].to_owned())
    }
}

/// The entries of a `models:` or `operations:` block (given its text, key line included).
/// `models: {}` has none; any other flow mapping cannot be sliced. In `models:`, the entries
/// after [`MODELS_MARKER`] are returned separately.
pub fn entries(block: &Block, first_line: usize) -> Result<(Vec<Entry>, Vec<Entry>), SliceError> {
    let (offset, mut line_no) = after_key_line(block, first_line)?;
    let lines = block.text[offset..].split_inclusive('\n');
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut past_marker = false;
    let mut pending = String::new();
    let mut current: Option<Entry> = None;
    for line in lines {
        line_no += 1;
        if line == MODELS_MARKER || line.trim_end() == MODELS_MARKER.trim_end() {
            flush(&mut current, &mut before, &mut after, past_marker);
            past_marker = true;
            pending.clear();
            continue;
        }
        let content = line.trim_end();
        let is_key = line.starts_with("  ")
            && !line.starts_with("   ")
            && !content.trim_start().starts_with('#');
        if is_key && !content.is_empty() {
            let Some(name) = key_of(content) else {
                return Err(SliceError {
                    line: line_no - 1,
                    what: format!("not an entry `Name:`: `{}`", content.trim()),
                });
            };
            flush(&mut current, &mut before, &mut after, past_marker);
            current = Some(Entry {
                name,
                text: without_leading_blank_lines(&std::mem::take(&mut pending)) + line,
            });
        } else if content.is_empty()
            || (content.trim_start().starts_with('#')
                && line.starts_with("  ")
                && !line.starts_with("   "))
        {
            pending.push_str(line);
        } else {
            match &mut current {
                Some(e) => {
                    e.text.push_str(&std::mem::take(&mut pending));
                    e.text.push_str(line);
                }
                None => {
                    return Err(SliceError {
                        line: line_no - 1,
                        what: "an indented line before the first entry".to_owned(),
                    })
                }
            }
        }
    }
    flush(&mut current, &mut before, &mut after, past_marker);
    Ok((before, after))
}

/// Where the entries start: the byte offset after the block's key line (comments before it
/// skipped), and that line's number. `key: {}` has no entries; other flow mappings are refused.
fn after_key_line(block: &Block, first_line: usize) -> Result<(usize, usize), SliceError> {
    let mut offset = 0;
    for (i, line) in block.text.split_inclusive('\n').enumerate() {
        offset += line.len();
        if line.starts_with([' ', '#']) || line.trim().is_empty() {
            continue;
        }
        let value = line.split_once(':').map_or("", |(_, v)| v).trim();
        if !(value.is_empty() || value == "{}") {
            return Err(SliceError {
                line: first_line + i,
                what: "write this mapping in block style (one entry a line) so the importer can keep its entries".to_owned(),
            });
        }
        return Ok((offset, first_line + i + 1));
    }
    Ok((offset, first_line))
}

/// The comment lines before an entry, from the first comment on.
fn without_leading_blank_lines(pending: &str) -> String {
    let mut start = 0;
    for line in pending.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
    }
    pending[start..].to_owned()
}

fn flush(current: &mut Option<Entry>, before: &mut Vec<Entry>, after: &mut Vec<Entry>, past: bool) {
    if let Some(e) = current.take() {
        if past {
            after.push(e);
        } else {
            before.push(e);
        }
    }
}

/// Whether an operation entry says `origin: imported`.
pub fn is_imported(entry: &Entry) -> bool {
    entry
        .text
        .lines()
        .any(|l| l.trim_end() == "    origin: imported")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# A comment.\nservice: wiki\nversion: \"2.0\"\n\nmodels:\n  A:\n    fields: {}\n\n  # about B\n  B:\n    fields:\n      x: { type: string }\n\noperations:\n  Op:\n    method: GET\n\n  # trailing\n";

    #[test]
    fn slices_blocks_and_entries() {
        let b = blocks(FILE).unwrap();
        let keys: Vec<_> = b.iter().map(|b| b.key.clone()).collect();
        assert_eq!(
            keys,
            [
                Some("service"),
                Some("version"),
                Some("models"),
                Some("operations"),
                None
            ]
            .map(|k| k.map(str::to_owned)),
            "a trailing comment is a block of its own"
        );
        assert_eq!(b.iter().map(|b| b.text.as_str()).collect::<String>(), FILE);
        let (models, imported) = entries(&b[2], 4).unwrap();
        assert!(imported.is_empty());
        assert_eq!(models[1].name, "B");
        assert!(models[1].text.starts_with("  # about B\n  B:\n"));
        let (ops, _) = entries(&b[3], 14).unwrap();
        assert_eq!(ops[0].text, "  Op:\n    method: GET\n");
        let b = blocks("operations:\n  A:\n    x: 1\n\n  B:\n    y: 2\n").unwrap();
        let (ops, _) = entries(&b[0], 1).unwrap();
        assert_eq!(ops[1].text, "  B:\n    y: 2\n");
    }

    #[test]
    fn flow_mappings_are_refused() {
        let b = blocks("models: { A: { fields: {} } }\n").unwrap();
        assert!(entries(&b[0], 1).is_err());
        let b = blocks("models: {}\n").unwrap();
        assert_eq!(entries(&b[0], 1).unwrap(), (vec![], vec![]));
    }
}
