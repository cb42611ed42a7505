//! JSON values against the spec's types: one walk for the checker (an example answer against its
//! fields) and the mock server (a request against its parameters). The walk finds the problems;
//! each caller words them its way.

use indexmap::IndexMap;
use serde_json::Value;

use crate::spec::{Field, Model, SpecFile};
use crate::types::TypeExpr;

/// `matcher(pattern, text)`: whether `text` matches the regular expression `pattern`, or `None`
/// when the pattern cannot be compiled.
pub type PatternMatcher = dyn Fn(&str, &str) -> Option<bool>;

/// What the walk checks besides types, required fields and enum values.
#[derive(Clone, Copy, Default)]
pub struct Rules<'p> {
    /// Fields the type does not declare are problems (an example shows what DingTalk sends).
    pub undeclared: bool,
    /// Lengths, bounds and item counts (`min_length` … `max_items`).
    pub limits: bool,
    /// Whether a string matches a `pattern` (`None`: the pattern cannot be compiled, so it is not
    /// enforced). The generator has no regular-expression engine; a caller that enforces
    /// patterns brings one.
    pub pattern: Option<&'p PatternMatcher>,
    /// The number of the first array item in paths: 0 as in JSON, 1 as the official SDKs
    /// number them in the query (`name.1`).
    pub first_index: usize,
}

/// One problem of a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Where, in the value: the name of the root, then `.key` and `[i]` (`space.items[0].id`).
    pub at: String,
    /// Where the field the value is held against is declared, as a key path of the spec file
    /// (`models.Item.fields.id`); `None` when the caller gave no place for the root.
    pub declared_at: Option<String>,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// A required field is absent or `null`.
    Missing,
    /// A field the type does not declare ([`Rules::undeclared`]).
    Undeclared,
    /// Not a value of the type: `expected` as the spec writes it, `found` the kind of JSON
    /// (`a string`).
    WrongType {
        /// The declared type.
        expected: TypeExpr,
        /// What the value is: `null`, `a boolean`, `a number`, `a string`, `an array`,
        /// `an object`.
        found: &'static str,
        /// The value, as compact JSON.
        value: String,
    },
    /// A string that is not one of the documented values (of the enum model `model`, or of
    /// the field's own `enum:`).
    NotInEnum {
        /// The value.
        value: String,
        /// The documented values.
        documented: Vec<String>,
        /// The enum model, when the values are a model's.
        model: Option<String>,
    },
    /// A string shorter than `min_length` (in characters).
    TooShort {
        /// Its length.
        length: u64,
        /// The minimum.
        min: u64,
    },
    /// A string longer than `max_length` (in characters).
    TooLong {
        /// Its length.
        length: u64,
        /// The maximum.
        max: u64,
    },
    /// A string that does not match `pattern`.
    NoMatch {
        /// The value.
        value: String,
        /// The pattern.
        pattern: String,
    },
    /// A number below `minimum`.
    BelowMinimum {
        /// The number, as JSON writes it.
        value: String,
        /// The minimum.
        min: f64,
    },
    /// A number above `maximum`.
    AboveMaximum {
        /// The number, as JSON writes it.
        value: String,
        /// The maximum.
        max: f64,
    },
    /// An array or map with fewer than `min_items` items.
    TooFew {
        /// Its items.
        items: u64,
        /// The minimum.
        min: u64,
    },
    /// An array or map with more than `max_items` items.
    TooMany {
        /// Its items.
        items: u64,
        /// The maximum.
        max: u64,
    },
}

/// Checks the JSON object `value` against `fields` (declared at `declared_at`, the key path of
/// the `fields` mapping), naming the object `at` (empty: the fields are named alone).
pub fn fields(
    spec: &SpecFile,
    rules: Rules<'_>,
    at: &str,
    declared_at: Option<&str>,
    fields: &IndexMap<String, Field>,
    value: &Value,
) -> Vec<Problem> {
    let mut walk = Walk {
        spec,
        rules,
        out: Vec::new(),
    };
    walk.object(at, declared_at, fields, value, &TypeExpr::Object);
    walk.out
}

/// Checks `value` against the type `expr` of the field `f` (declared at `declared_at`), naming
/// it `at`.
pub fn value(
    spec: &SpecFile,
    rules: Rules<'_>,
    at: &str,
    declared_at: Option<&str>,
    expr: &TypeExpr,
    f: &Field,
    value: &Value,
) -> Vec<Problem> {
    let mut walk = Walk {
        spec,
        rules,
        out: Vec::new(),
    };
    walk.value(at, declared_at, expr, f, value, true);
    walk.out
}

/// The kind of a JSON value, for messages.
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct Walk<'s, 'p> {
    spec: &'s SpecFile,
    rules: Rules<'p>,
    out: Vec<Problem>,
}

/// `at.key`, or `key` at the root.
fn member(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

impl Walk<'_, '_> {
    fn problem(&mut self, at: &str, declared_at: Option<&str>, kind: ProblemKind) {
        self.out.push(Problem {
            at: at.to_owned(),
            declared_at: declared_at.map(str::to_owned),
            kind,
        });
    }

    /// An object against `fields`; `expr` is the type it stands for, in a wrong-type problem.
    fn object(
        &mut self,
        at: &str,
        declared_at: Option<&str>,
        fields: &IndexMap<String, Field>,
        value: &Value,
        expr: &TypeExpr,
    ) {
        let Some(obj) = value.as_object() else {
            let at = if at.is_empty() { "(root)" } else { at };
            self.wrong_type(at, declared_at, expr, value);
            return;
        };
        let declared = |name: &str| declared_at.map(|d| format!("{d}.{name}"));
        for (name, f) in fields {
            let (path, field_at) = (member(at, name), declared(name));
            match obj.get(name) {
                None | Some(Value::Null) if f.required => {
                    self.problem(&path, field_at.as_deref(), ProblemKind::Missing)
                }
                None | Some(Value::Null) => {}
                Some(v) => {
                    let expr = TypeExpr::parse(&f.ty).unwrap_or(TypeExpr::Any);
                    self.value(&path, field_at.as_deref(), &expr, f, v, true);
                }
            }
        }
        if self.rules.undeclared {
            for name in obj.keys().filter(|k| !fields.contains_key(*k)) {
                let field_at = declared(name);
                self.problem(
                    &member(at, name),
                    field_at.as_deref(),
                    ProblemKind::Undeclared,
                );
            }
        }
    }

    /// A value against the type `expr` of field `f`; `outer` is false inside arrays and maps
    /// (item counts are limits of the outermost container).
    fn value(
        &mut self,
        at: &str,
        declared_at: Option<&str>,
        expr: &TypeExpr,
        f: &Field,
        v: &Value,
        outer: bool,
    ) {
        let fits = match (expr, v) {
            (TypeExpr::String, Value::String(s)) => {
                self.string(at, declared_at, f, s);
                true
            }
            (TypeExpr::Boolean, Value::Bool(_)) | (TypeExpr::Any, _) => true,
            (TypeExpr::Int32, Value::Number(n)) => {
                n.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
            }
            (TypeExpr::Int64, Value::Number(n)) => n.as_i64().is_some(),
            (TypeExpr::Double, Value::Number(_)) => true,
            (TypeExpr::Object, Value::Object(_)) => {
                if let Some(fields) = &f.fields {
                    let inner = declared_at.map(|d| format!("{d}.fields"));
                    self.object(at, inner.as_deref(), fields, v, expr);
                }
                true
            }
            (TypeExpr::Array(item), Value::Array(items)) => {
                if outer {
                    self.count(at, declared_at, f, items.len());
                }
                for (i, it) in items.iter().enumerate() {
                    let at = format!("{at}[{}]", i + self.rules.first_index);
                    self.value(&at, declared_at, item, f, it, false);
                }
                true
            }
            (TypeExpr::Map(item), Value::Object(map)) => {
                if outer {
                    self.count(at, declared_at, f, map.len());
                }
                for (k, it) in map {
                    self.value(&member(at, k), declared_at, item, f, it, false);
                }
                true
            }
            (TypeExpr::Named(n), _) => {
                self.model(at, n, v);
                true
            }
            _ => false,
        };
        if matches!(expr, TypeExpr::Int32 | TypeExpr::Int64 | TypeExpr::Double) && fits {
            self.bounds(at, declared_at, f, v);
        }
        if !fits {
            self.wrong_type(at, declared_at, expr, v);
        }
    }

    fn wrong_type(&mut self, at: &str, declared_at: Option<&str>, expr: &TypeExpr, v: &Value) {
        let kind = ProblemKind::WrongType {
            expected: expr.clone(),
            found: json_kind(v),
            value: v.to_string(),
        };
        self.problem(at, declared_at, kind);
    }

    /// A value of the model `name` (a struct or a string enum); an unknown model accepts all.
    fn model(&mut self, at: &str, name: &str, v: &Value) {
        let spec = self.spec;
        let declared_at = format!("models.{name}");
        let expr = TypeExpr::Named(name.to_owned());
        match spec.models.get(name) {
            Some(Model {
                fields: Some(fields),
                ..
            }) => self.object(at, Some(&format!("{declared_at}.fields")), fields, v, &expr),
            Some(Model {
                values: Some(values),
                ..
            }) => match v.as_str() {
                Some(s) if values.contains_key(s) => {}
                Some(s) => {
                    let kind = ProblemKind::NotInEnum {
                        value: s.to_owned(),
                        documented: values.keys().cloned().collect(),
                        model: Some(name.to_owned()),
                    };
                    self.problem(at, Some(&declared_at), kind);
                }
                None => self.wrong_type(at, Some(&declared_at), &expr, v),
            },
            _ => {}
        }
    }

    /// A string's enum values, length and pattern.
    fn string(&mut self, at: &str, declared_at: Option<&str>, f: &Field, s: &str) {
        if let Some(values) = f.values.as_ref().filter(|v| !v.contains_key(s)) {
            let kind = ProblemKind::NotInEnum {
                value: s.to_owned(),
                documented: values.keys().cloned().collect(),
                model: None,
            };
            self.problem(at, declared_at, kind);
        }
        if !self.rules.limits {
            return;
        }
        let l = &f.limits;
        let length = s.chars().count() as u64;
        if let Some(min) = l.min_length.filter(|m| length < *m) {
            self.problem(at, declared_at, ProblemKind::TooShort { length, min });
        }
        if let Some(max) = l.max_length.filter(|m| length > *m) {
            self.problem(at, declared_at, ProblemKind::TooLong { length, max });
        }
        let matches = |p: &String| self.rules.pattern.and_then(|m| m(p, s));
        if let Some(p) = l.pattern.as_ref().filter(|p| matches(p) == Some(false)) {
            let kind = ProblemKind::NoMatch {
                value: s.to_owned(),
                pattern: p.clone(),
            };
            self.problem(at, declared_at, kind);
        }
    }

    /// A number's `minimum` and `maximum`.
    fn bounds(&mut self, at: &str, declared_at: Option<&str>, f: &Field, v: &Value) {
        if !self.rules.limits {
            return;
        }
        let n = v.as_f64().unwrap_or_default();
        if let Some(min) = f.limits.minimum.filter(|m| n < *m) {
            let value = v.to_string();
            self.problem(at, declared_at, ProblemKind::BelowMinimum { value, min });
        }
        if let Some(max) = f.limits.maximum.filter(|m| n > *m) {
            let value = v.to_string();
            self.problem(at, declared_at, ProblemKind::AboveMaximum { value, max });
        }
    }

    /// An array's or map's `min_items` and `max_items`.
    fn count(&mut self, at: &str, declared_at: Option<&str>, f: &Field, items: usize) {
        if !self.rules.limits {
            return;
        }
        let items = items as u64;
        if let Some(max) = f.limits.max_items.filter(|m| items > *m) {
            self.problem(at, declared_at, ProblemKind::TooMany { items, max });
        }
        if let Some(min) = f.limits.min_items.filter(|m| items < *m) {
            self.problem(at, declared_at, ProblemKind::TooFew { items, min });
        }
    }
}
