//! Reads a `models.py`: the `TeaModel` classes with their fields' annotations, wire names and
//! required flags.
//!
//! A class is read from its `__init__` (field names, annotations, the `# This parameter is
//! required.` comment) and its `to_map` (the wire name of each field). `validate` and `from_map`
//! are recognised line by line but carry nothing the importer needs (`from_map` even writes the
//! literal key `'k'` for maps of lists of models, so the wire names come from `to_map` only).

use std::collections::BTreeMap;

use crate::pattern::{capture, is, Line};
use crate::problem::Problem;

/// A Python type annotation of a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyType {
    /// `str`
    Str,
    /// `int`
    Int,
    /// `bool`
    Bool,
    /// `float`
    Float,
    /// `Any`, bare `dict`, `Dict[str, Any]`: free-form JSON.
    Any,
    /// `BinaryIO` or `bytes`: in this package always text on the wire (see `extract::ty`).
    Binary,
    /// `List[T]`
    List(Box<PyType>),
    /// `Dict[str, T]`
    Dict(Box<PyType>),
    /// Another class of the same file (`'Name'` forward references included).
    Class(String),
}

impl PyType {
    /// Parses an annotation such as `List[Dict[str, Any]]`.
    pub fn parse(src: &str) -> Option<PyType> {
        let src = src.trim();
        Some(match src {
            "str" => PyType::Str,
            "int" => PyType::Int,
            "bool" => PyType::Bool,
            "float" => PyType::Float,
            "Any" | "dict" => PyType::Any,
            "BinaryIO" | "bytes" => PyType::Binary,
            _ => {
                if let Some(inner) = src.strip_prefix("List[").and_then(|s| s.strip_suffix(']')) {
                    PyType::List(Box::new(PyType::parse(inner)?))
                } else if let Some(inner) = src
                    .strip_prefix("Dict[str, ")
                    .and_then(|s| s.strip_suffix(']'))
                {
                    match PyType::parse(inner)? {
                        PyType::Any => PyType::Any,
                        t => PyType::Dict(Box::new(t)),
                    }
                } else {
                    let name = src
                        .strip_prefix('\'')
                        .and_then(|s| s.strip_suffix('\''))
                        .unwrap_or(src);
                    let ok = name.starts_with(|c: char| c.is_ascii_uppercase())
                        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                    if !ok {
                        return None;
                    }
                    PyType::Class(name.to_owned())
                }
            }
        })
    }

    /// The class this type refers to, through lists and dicts.
    pub fn class(&self) -> Option<&str> {
        match self {
            PyType::List(t) | PyType::Dict(t) => t.class(),
            PyType::Class(c) => Some(c),
            _ => None,
        }
    }
}

/// A field of a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyField {
    /// Python attribute name (`operator_id`).
    pub attr: String,
    /// Wire name from `to_map` (`operatorId`).
    pub wire: String,
    /// The annotation.
    pub ty: PyType,
    /// Preceded by `# This parameter is required.`
    pub required: bool,
}

/// A `TeaModel` class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Class {
    /// Class name.
    pub name: String,
    /// Line of `class …`.
    pub line: usize,
    /// Fields in `__init__` order.
    pub fields: Vec<PyField>,
}

impl Class {
    /// The field with Python attribute `attr`.
    pub fn field(&self, attr: &str) -> Option<&PyField> {
        self.fields.iter().find(|f| f.attr == attr)
    }
}

/// The classes of a `models.py`, by name.
pub type Classes = BTreeMap<String, Class>;

const REQUIRED: &str = "# This parameter is required.";

/// Reads every class of a `models.py`. Lines that fit no known shape are problems.
pub fn parse(file: &str, lines: &[Line<'_>]) -> (Classes, Vec<Problem>) {
    let mut r = Reader {
        file,
        problems: Vec::new(),
    };
    let mut classes = Classes::new();
    let mut i = 0;
    while let Some(&line) = lines.get(i) {
        i += 1;
        let class = capture(line.text, "class {i}(TeaModel):").filter(|_| line.indent == 0);
        if let Some(c) = class {
            let start = i;
            while lines
                .get(i)
                .is_some_and(|l| l.text.is_empty() || l.indent > 0)
            {
                i += 1;
            }
            let class = r.class(c[0], line.number, &lines[start..i]);
            if classes.insert(class.name.clone(), class).is_some() {
                r.problem(line.number, format!("class `{}` is defined twice", c[0]));
            }
        } else if !(line.text.is_empty() || (line.indent == 0 && is_preamble(line.text))) {
            r.problem(line.number, format!("not understood: `{}`", line.text));
        }
    }
    (classes, r.problems)
}

fn is_preamble(text: &str) -> bool {
    text.starts_with('#')
        || is(text, "from Tea.model import TeaModel")
        || is(text, "from typing import {t}")
}

struct Reader<'a> {
    file: &'a str,
    problems: Vec<Problem>,
}

/// What `__init__` declares: (attribute, annotation, line), and the required attributes.
type Declared = (Vec<(String, PyType, usize)>, Vec<String>);

/// One method of a class: its `def` line and the lines after it (signature and body).
fn methods<'l>(body: &[Line<'l>]) -> Vec<(Line<'l>, Vec<Line<'l>>)> {
    let mut out: Vec<(Line<'l>, Vec<Line<'l>>)> = Vec::new();
    let mut in_signature = false;
    for &l in body {
        let starts_method = l.indent == 4 && !in_signature && !l.text.is_empty();
        if starts_method {
            in_signature = l.text.ends_with('(');
            out.push((l, Vec::new()));
        } else if let Some((_, lines)) = out.last_mut() {
            // A multi-line signature closes with `):` back at the method's indentation.
            if in_signature && l.indent == 4 && l.text.starts_with(')') {
                in_signature = false;
            }
            lines.push(l);
        }
    }
    out
}

impl Reader<'_> {
    fn problem(&mut self, line: usize, what: impl Into<String>) {
        self.problems.push(Problem::new(self.file, line, what));
    }

    fn not_understood(&mut self, line: Line<'_>, context: &str) {
        self.problem(
            line.number,
            format!("not understood in {context}: `{}`", line.text),
        );
    }

    /// A class: `__init__` gives the fields, `to_map` their wire names.
    fn class(&mut self, name: &str, line: usize, body: &[Line<'_>]) -> Class {
        if let Some(l) = body.iter().find(|l| !l.text.is_empty()) {
            if l.indent != 4 {
                self.not_understood(*l, &format!("class `{name}`"));
            }
        }
        let mut declared: Declared = (Vec::new(), Vec::new());
        let mut wires = Vec::new();
        let mut seen = Vec::new();
        for (head, inner) in methods(body) {
            let method = match head.text {
                "def __init__(" => {
                    declared = self.init(name, &inner);
                    "__init__"
                }
                "def __init__(self):" => {
                    self.only_pass(&inner);
                    "__init__"
                }
                "def validate(self):" => {
                    self.recognise(&inner, VALIDATE, "`validate`");
                    "validate"
                }
                "def to_map(self):" => {
                    wires = self.wire_names(&inner);
                    "to_map"
                }
                "def from_map(self, m: dict = None):" => {
                    self.recognise(&inner, FROM_MAP, "`from_map`");
                    "from_map"
                }
                _ => {
                    self.not_understood(head, &format!("class `{name}`"));
                    continue;
                }
            };
            if seen.contains(&method) {
                self.problem(head.number, format!("`{method}` defined twice in `{name}`"));
            }
            seen.push(method);
        }
        for method in ["__init__", "validate", "to_map", "from_map"] {
            if !seen.contains(&method) {
                self.problem(line, format!("class `{name}` has no `{method}`"));
            }
        }
        let fields = self.join(name, declared, wires);
        Class {
            name: name.to_owned(),
            line,
            fields,
        }
    }

    /// Each declared field with its wire name from `to_map`.
    fn join(
        &mut self,
        class: &str,
        declared: Declared,
        mut wires: Vec<(String, String, usize)>,
    ) -> Vec<PyField> {
        let (fields, required) = declared;
        let mut out = Vec::new();
        for (attr, ty, at) in fields {
            let Some(pos) = wires.iter().position(|(a, _, _)| *a == attr) else {
                self.problem(
                    at,
                    format!("field `{attr}` of `{class}` is not in `to_map`"),
                );
                continue;
            };
            let (_, wire, _) = wires.remove(pos);
            let required = required.contains(&attr);
            out.push(PyField {
                attr,
                wire,
                ty,
                required,
            });
        }
        for (attr, _, at) in wires {
            let what =
                format!("`to_map` of `{class}` writes `{attr}`, which `__init__` does not declare");
            self.problem(at, what);
        }
        out
    }

    /// `__init__(self, a: T = None, …):` and its body of `self.a = a`, each optionally after
    /// the required comment (other comments are the vendor's prose: skipped, never read).
    fn init(&mut self, class: &str, inner: &[Line<'_>]) -> Declared {
        let close = inner.iter().position(|l| l.indent == 4 && l.text == "):");
        let Some(close) = close else {
            let at = inner.first().map_or(0, |l| l.number);
            self.problem(at, format!("`__init__` of `{class}` has no `):`"));
            return (Vec::new(), Vec::new());
        };
        let mut fields = Vec::new();
        for l in inner[..close]
            .iter()
            .filter(|l| !l.text.is_empty() && l.text != "self,")
        {
            match capture(l.text, "{i}: {t} = None,").filter(|_| l.indent == 8) {
                Some(c) => match PyType::parse(c[1]) {
                    Some(ty) => fields.push((c[0].to_owned(), ty, l.number)),
                    None => {
                        let what = format!(
                            "type annotation `{}` of `{class}.{}` not understood",
                            c[1], c[0]
                        );
                        self.problem(l.number, what);
                    }
                },
                None => self.not_understood(*l, "an `__init__` signature"),
            }
        }
        let (assigned, required) = self.init_body(&inner[close + 1..]);
        if fields.iter().map(|(a, _, _)| a).ne(assigned.iter()) {
            let at = inner.first().map_or(0, |l| l.number);
            self.problem(
                at,
                format!("`__init__` of `{class}` assigns other fields than it declares"),
            );
        }
        (fields, required)
    }

    /// `self.a = a` lines: the attributes assigned and those marked required.
    fn init_body(&mut self, body: &[Line<'_>]) -> (Vec<String>, Vec<String>) {
        let (mut assigned, mut required) = (Vec::new(), Vec::new());
        let mut pending_required = false;
        for l in body.iter().filter(|l| !l.text.is_empty()) {
            if l.indent != 8 {
                self.not_understood(*l, "an `__init__` body");
            } else if l.text == REQUIRED {
                pending_required = true;
            } else if l.text.starts_with('#') {
                // The vendor's prose (or a format hint): never read, never copied.
            } else if let Some(c) = capture(l.text, "self.{i} = {i}").filter(|c| c[0] == c[1]) {
                if pending_required {
                    required.push(c[0].to_owned());
                }
                pending_required = false;
                assigned.push(c[0].to_owned());
            } else {
                self.not_understood(*l, "an `__init__` body");
            }
        }
        (assigned, required)
    }

    fn only_pass(&mut self, inner: &[Line<'_>]) {
        for l in inner
            .iter()
            .filter(|l| !l.text.is_empty() && l.text != "pass")
        {
            self.not_understood(*l, "an empty `__init__`");
        }
    }

    /// Lines that must each match one of `shapes`; nothing is taken from them.
    fn recognise(&mut self, inner: &[Line<'_>], shapes: &[&str], context: &str) {
        for l in inner.iter().filter(|l| !l.text.is_empty()) {
            if !shapes.iter().any(|p| is(l.text, p)) {
                self.not_understood(*l, context);
            }
        }
    }

    /// `to_map`: one block per field, introduced by `if self.a is not None:` (or by
    /// `result['w'] = []` / `{}` just before it); the block's `result['w']` gives the wire name.
    /// Returns (attribute, wire name, line).
    fn wire_names(&mut self, inner: &[Line<'_>]) -> Vec<(String, String, usize)> {
        let mut blocks: Vec<ToMapBlock> = Vec::new();
        for &l in inner.iter().filter(|l| !l.text.is_empty()) {
            let outer = l.indent == 8 || (l.indent == 12 && l.text == "return _map");
            if outer && TO_MAP_PROLOGUE.contains(&l.text) {
                continue;
            }
            if outer {
                self.open_field_block(&mut blocks, l);
            } else if !TO_MAP_INNER.iter().any(|p| is(l.text, p)) {
                self.not_understood(l, "`to_map`");
            } else if let Some(block) = blocks.last_mut() {
                if let Err(what) = block.inner(l.text) {
                    self.problem(l.number, what);
                }
            } else {
                self.not_understood(l, "`to_map`");
            }
        }
        let mut out = Vec::new();
        for b in blocks {
            match (b.attr, b.wire) {
                (Some(a), Some(w)) => out.push((a, w, b.line)),
                _ => self.problem(
                    b.line,
                    "a `to_map` block without both a field and a wire name",
                ),
            }
        }
        out
    }

    /// An outer `to_map` line: `result['w'] = []` / `{}`, or `if self.a is not None:`.
    fn open_field_block(&mut self, blocks: &mut Vec<ToMapBlock>, l: Line<'_>) {
        let collection =
            capture(l.text, "result['{s}'] = []").or_else(|| capture(l.text, "result['{s}'] = {}"));
        if let Some(c) = collection {
            blocks.push(ToMapBlock {
                attr: None,
                wire: Some(c[0].to_owned()),
                line: l.number,
            });
        } else if let Some(c) = capture(l.text, "if self.{i} is not None:") {
            match blocks.last_mut() {
                Some(b) if b.attr.is_none() => b.attr = Some(c[0].to_owned()),
                _ => blocks.push(ToMapBlock {
                    attr: Some(c[0].to_owned()),
                    wire: None,
                    line: l.number,
                }),
            }
        } else {
            self.not_understood(l, "`to_map`");
        }
    }
}

/// One field's block in `to_map`.
struct ToMapBlock {
    attr: Option<String>,
    wire: Option<String>,
    line: usize,
}

impl ToMapBlock {
    /// Takes the wire name from an inner line's `result['w']`; the block must write one wire
    /// name and read one field.
    fn inner(&mut self, text: &str) -> Result<(), String> {
        if let Some(w) = text
            .strip_prefix("result['")
            .and_then(|s| s.split('\'').next())
        {
            match &self.wire {
                None => self.wire = Some(w.to_owned()),
                Some(known) if known != w => {
                    return Err(format!("`to_map` block writes both `{known}` and `{w}`"))
                }
                Some(_) => {}
            }
        }
        let read = text.split("self.").nth(1).map(|s| {
            let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
            &s[..end.unwrap_or(s.len())]
        });
        match (read, &self.attr) {
            (Some(a), Some(known)) if a != known => {
                Err(format!("`to_map` block reads another field `{a}`"))
            }
            _ => Ok(()),
        }
    }
}

/// `validate` only recurses into nested models: recognised, nothing taken.
const VALIDATE: &[&str] = &[
    "pass",
    "if self.{i}:",
    "self.{i}.validate()",
    "for {i} in self.{i}:",
    "for {i} in self.{i}.values():",
    "for {i} in {i}:",
    "if {i}:",
    "{i}.validate()",
];

/// The fixed lines around the fields of `to_map`.
const TO_MAP_PROLOGUE: &[&str] = &[
    "_map = super().to_map()",
    "if _map is not None:",
    "return _map",
    "result = dict()",
    "return result",
];

/// The lines inside a field's block of `to_map`.
const TO_MAP_INNER: &[&str] = &[
    "result['{s}'] = self.{i}",
    "result['{s}'] = self.{i}.to_map()",
    "for {i} in self.{i}:",
    "for {i}, {i} in self.{i}.items():",
    "for {i} in {i}:",
    "result['{s}'].append({i}.to_map() if {i} else None)",
    "result['{s}'].append({i})",
    "result['{s}'][{i}] = {i}.to_map()",
    "result['{s}'][{i}] = {i}",
    "{i} = []",
    "{i}.append({i}.to_map() if {i} else None)",
];

/// `from_map`: recognised line by line, nothing taken (see the module doc).
const FROM_MAP: &[&str] = &[
    "m = m or dict()",
    "return self",
    "if m.get('{s}') is not None:",
    "self.{i} = m.get('{s}')",
    "temp_model = {i}()",
    "self.{i} = temp_model.from_map(m['{s}'])",
    "self.{i} = []",
    "self.{i} = {}",
    "for {i} in m.get('{s}'):",
    "for {i}, {i} in m.get('{s}').items():",
    "self.{i}.append(temp_model.from_map({i}))",
    "self.{i}[{i}] = temp_model.from_map({i})",
    "{i} = []",
    "for {i} in {i}:",
    "{i}.append(temp_model.from_map({i}))",
    "self.{i}.append({i})",
    "self.{i}['{s}'] = {i}",
    "self.{i}[{i}] = {i}",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pattern::lines;

    #[test]
    fn annotations() {
        assert_eq!(PyType::parse("str"), Some(PyType::Str));
        assert_eq!(PyType::parse("Dict[str, Any]"), Some(PyType::Any));
        assert_eq!(
            PyType::parse("List['Node']"),
            Some(PyType::List(Box::new(PyType::Class("Node".into()))))
        );
        assert_eq!(
            PyType::parse("Dict[str, List[int]]"),
            Some(PyType::Dict(Box::new(PyType::List(Box::new(PyType::Int)))))
        );
        assert_eq!(PyType::parse("Optional[str]"), None);
        assert_eq!(PyType::parse("Dict[int, str]"), None);
    }

    #[test]
    fn unknown_lines_are_reported() {
        let src = "from Tea.model import TeaModel\n\n\nclass A(TeaModel):\n    def __init__(\n        self,\n        x: str = None,\n    ):\n        self.x = x\n        print(x)\n\n    def validate(self):\n        pass\n\n    def to_map(self):\n        result = dict()\n        if self.x is not None:\n            result['X'] = self.x\n        return result\n\n    def from_map(self, m: dict = None):\n        return self\n";
        let (classes, problems) = parse("m.py", &lines(src));
        assert_eq!(classes["A"].fields[0].wire, "X");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 10);
        assert!(problems[0].what.contains("print(x)"));
    }
}
