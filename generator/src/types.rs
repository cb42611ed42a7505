//! The type expressions of the spec: `string`, `array<T>`, `map<string, T>`, model names.

use std::fmt;

/// A parsed type expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `int32`
    Int32,
    /// `int64`
    Int64,
    /// `double`
    Double,
    /// `any`
    Any,
    /// `object`: an inline struct whose fields follow in `fields:`.
    Object,
    /// `array<T>`
    Array(Box<TypeExpr>),
    /// `map<string, T>`
    Map(Box<TypeExpr>),
    /// A model of the same file.
    Named(String),
}

/// How deep type expressions (`array<array<…>>`) and inline objects may nest: deeper ones are a
/// located error rather than a stack overflow in the passes that recurse over them.
pub const MAX_DEPTH: usize = 32;

/// Why a type expression did not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeError(pub String);

impl TypeExpr {
    /// Parses a type expression, e.g. `map<string, array<Workspace>>`.
    pub fn parse(src: &str) -> Result<TypeExpr, TypeError> {
        let mut p = Parser {
            rest: src.trim(),
            depth: 0,
        };
        let ty = p.ty()?;
        if !p.rest.trim().is_empty() {
            return Err(TypeError(format!(
                "unexpected `{}` after the type `{ty}`",
                p.rest.trim()
            )));
        }
        Ok(ty)
    }

    /// The innermost element type (through arrays and maps).
    pub fn leaf(&self) -> &TypeExpr {
        match self {
            TypeExpr::Array(t) | TypeExpr::Map(t) => t.leaf(),
            t => t,
        }
    }

    /// Whether this is a scalar (`string`, `boolean`, numbers).
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            TypeExpr::String
                | TypeExpr::Boolean
                | TypeExpr::Int32
                | TypeExpr::Int64
                | TypeExpr::Double
        )
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::String => f.write_str("string"),
            TypeExpr::Boolean => f.write_str("boolean"),
            TypeExpr::Int32 => f.write_str("int32"),
            TypeExpr::Int64 => f.write_str("int64"),
            TypeExpr::Double => f.write_str("double"),
            TypeExpr::Any => f.write_str("any"),
            TypeExpr::Object => f.write_str("object"),
            TypeExpr::Array(t) => write!(f, "array<{t}>"),
            TypeExpr::Map(t) => write!(f, "map<string, {t}>"),
            TypeExpr::Named(n) => f.write_str(n),
        }
    }
}

/// The built-in type names, for "did you mean" suggestions.
pub const BUILTINS: &[&str] = &[
    "string",
    "boolean",
    "int32",
    "int64",
    "double",
    "any",
    "object",
    "array<T>",
    "map<string, T>",
];

struct Parser<'a> {
    rest: &'a str,
    /// Levels of `array<`/`map<` open around the current position.
    depth: usize,
}

impl<'a> Parser<'a> {
    fn ident(&mut self) -> &'a str {
        self.rest = self.rest.trim_start();
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        self.rest = rest;
        word
    }

    fn eat(&mut self, c: char) -> bool {
        self.rest = self.rest.trim_start();
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, c: char, after: &str) -> Result<(), TypeError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(TypeError(format!("expected `{c}` after `{after}`")))
        }
    }

    fn ty(&mut self) -> Result<TypeExpr, TypeError> {
        let word = self.ident();
        if matches!(word, "array" | "map") {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(TypeError(format!(
                    "types nested deeper than {MAX_DEPTH} levels"
                )));
            }
        }
        Ok(match word {
            "" => {
                return Err(TypeError(match self.rest.chars().next() {
                    Some(c) => format!("expected a type name, found `{c}`"),
                    None => "expected a type name, found nothing".to_owned(),
                }))
            }
            "string" => TypeExpr::String,
            "boolean" => TypeExpr::Boolean,
            "int32" => TypeExpr::Int32,
            "int64" => TypeExpr::Int64,
            "double" => TypeExpr::Double,
            "any" => TypeExpr::Any,
            "object" => TypeExpr::Object,
            "array" => {
                self.expect('<', "array")?;
                let inner = self.ty()?;
                self.expect('>', &format!("array<{inner}"))?;
                self.depth -= 1;
                TypeExpr::Array(Box::new(inner))
            }
            "map" => {
                self.expect('<', "map")?;
                let key = self.ident();
                if key != "string" {
                    return Err(TypeError(format!(
                        "map keys must be `string` (JSON object keys), found `{key}`"
                    )));
                }
                self.expect(',', "map<string")?;
                let inner = self.ty()?;
                self.expect('>', &format!("map<string, {inner}"))?;
                self.depth -= 1;
                TypeExpr::Map(Box::new(inner))
            }
            _ => TypeExpr::Named(word.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested() {
        let t = TypeExpr::parse("map<string, array<Workspace>>").unwrap();
        assert_eq!(
            t,
            TypeExpr::Map(Box::new(TypeExpr::Array(Box::new(TypeExpr::Named(
                "Workspace".into()
            )))))
        );
        assert_eq!(t.to_string(), "map<string, array<Workspace>>");
        assert_eq!(t.leaf(), &TypeExpr::Named("Workspace".into()));
    }

    #[test]
    fn nesting_is_bounded() {
        let nested = |n: usize| format!("{}string{}", "array<".repeat(n), ">".repeat(n));
        let t = TypeExpr::parse(&nested(MAX_DEPTH)).unwrap();
        assert_eq!(t.leaf(), &TypeExpr::String);
        for n in [MAX_DEPTH + 1, 8000] {
            let e = TypeExpr::parse(&nested(n)).unwrap_err();
            assert!(e.0.contains("deeper than 32"), "{e:?}");
        }
        let maps = format!("{}int32{}", "map<string, ".repeat(40), ">".repeat(40));
        assert!(TypeExpr::parse(&maps).is_err());
    }

    #[test]
    fn rejects_garbage() {
        assert!(TypeExpr::parse("array<string").is_err());
        assert!(TypeExpr::parse("map<int32, string>").is_err());
        assert!(TypeExpr::parse("string string").is_err());
        assert!(TypeExpr::parse("").is_err());
        assert!(TypeExpr::parse("<>").is_err());
    }
}
