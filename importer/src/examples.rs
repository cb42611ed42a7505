//! Example values from the official Node package (`@alicloud/dingtalk`), whose TypeScript
//! models carry an `@example` for many fields. Only the values are taken (facts); the comments'
//! other text (`@remarks`, the vendor's descriptions) is never read.
//!
//! The wheel stays the source of the API's shape: an example is attached to a field the wheel
//! has, found by class name and wire name (both packages come from the same generator and name
//! their classes alike). The reader is lenient on purpose: lines it does not need are skipped.

use std::collections::BTreeMap;
use std::path::Path;

use crate::ir::{Example, Ty};
use crate::pattern::{capture, lines};

/// Longest example string imported: longer ones are documents, not values.
const MAX_LEN: usize = 120;

/// Example values by module folder (`wiki_2_0`), class and wire name.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    /// `@alicloud/dingtalk <version>`, for the spec's `source:`.
    pub source: String,
    by_module: BTreeMap<String, ModuleExamples>,
}

/// One module's raw example texts by (class, wire name).
pub type ModuleExamples = BTreeMap<(String, String), String>;

impl Examples {
    /// Reads `src/<module>/client.ts` of an unpacked package (the folder holding
    /// `package.json`).
    pub fn read(package: &Path) -> Result<Examples, String> {
        let manifest = std::fs::read_to_string(package.join("package.json"))
            .map_err(|e| format!("{}: {e}", package.join("package.json").display()))?;
        let version = manifest
            .lines()
            .find_map(|l| capture(l.trim(), "\"version\": \"{s}\","))
            .map(|c| c[0].to_owned())
            .ok_or("package.json has no version")?;
        let src = package.join("src");
        let dir = std::fs::read_dir(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        let mut by_module = BTreeMap::new();
        for entry in dir.flatten() {
            let client = entry.path().join("client.ts");
            if let Ok(text) = std::fs::read_to_string(&client) {
                let module = entry.file_name().to_string_lossy().into_owned();
                by_module.insert(module, parse(&text));
            }
        }
        Ok(Examples {
            source: format!("@alicloud/dingtalk {version}"),
            by_module,
        })
    }

    /// Examples given directly (tests).
    pub fn from_modules(source: &str, by_module: BTreeMap<String, ModuleExamples>) -> Examples {
        Examples {
            source: source.to_owned(),
            by_module,
        }
    }

    /// The examples of one module folder.
    pub fn module(&self, dir: &str) -> Option<&ModuleExamples> {
        self.by_module.get(dir)
    }
}

/// The example of `class`'s field `wire`, if it fits `ty`: a plain ASCII string of at most
/// 120 characters (text in other scripts is too often a sentence, not a value), an
/// integer, a number or a boolean. Arrays, objects and free-form JSON get none.
pub fn typed(
    examples: Option<&ModuleExamples>,
    class: &str,
    wire: &str,
    ty: &Ty,
) -> Option<Example> {
    let raw = examples?.get(&(class.to_owned(), wire.to_owned()))?;
    match ty {
        Ty::String => {
            let plain = raw.is_ascii() && !raw.chars().any(|c| c.is_ascii_control());
            (plain && !raw.is_empty() && raw.len() <= MAX_LEN).then(|| Example::Str(raw.clone()))
        }
        Ty::Int64 => raw.parse().ok().map(Example::Int),
        Ty::Double => raw
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Example::Float),
        Ty::Boolean => match raw.as_str() {
            "true" => Some(Example::Bool(true)),
            "false" => Some(Example::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

/// Per class: each property's one-line `@example` and the `names()` map to wire names.
fn parse(text: &str) -> ModuleExamples {
    let mut out = ModuleExamples::new();
    let mut class: Option<String> = None;
    let mut props: Vec<(String, String)> = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut example: Option<Vec<String>> = None;
    let mut in_example = false;
    // `names()` maps properties to wire names; `types()` has lines of the same shape.
    let mut in_names = false;
    for l in lines(text) {
        if l.indent == 2 && l.text.starts_with("static ") {
            in_names = l.text.starts_with("static names()");
            continue;
        }
        if let Some(c) =
            capture(l.text, "export class {i} extends $tea.Model {").filter(|_| l.indent == 0)
        {
            class = Some(c[0].to_owned());
            props.clear();
            names.clear();
        } else if l.indent == 0 && l.text == "}" {
            if let Some(class) = class.take() {
                for (prop, value) in props.drain(..) {
                    if let Some(wire) = names.get(&prop) {
                        out.insert((class.clone(), wire.clone()), value);
                    }
                }
            }
        } else if l.text == "* @example" {
            in_example = true;
            example = Some(Vec::new());
        } else if l.text.starts_with("* @") || l.text == "*/" {
            in_example = false;
        } else if in_example {
            let value = l.text.strip_prefix('*').unwrap_or(l.text).trim();
            if let Some(e) = example.as_mut() {
                e.push(value.to_owned());
            }
        } else if let Some(c) = capture(l.text, "{i}?: {t};").filter(|_| l.indent == 2) {
            if let Some(e) = example.take() {
                // One line only: longer examples are documents (JSON, code), not values.
                if let [one] = e.as_slice() {
                    props.push((c[0].to_owned(), one.clone()));
                }
            }
        } else if let Some(c) = capture(l.text, "{i}: '{s}',").filter(|_| l.indent == 6 && in_names)
        {
            names.insert(c[0].to_owned(), c[1].to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TS: &str = "export class GetXRequest extends $tea.Model {
  /**
   * @remarks
   * This parameter is required.
   * 
   * @example
   * union_id
   */
  operatorId?: string;
  /**
   * @example
   * 20
   */
  maxResults?: number;
  /**
   * @example
   * {
   *   \"a\": 1
   * }
   */
  filter?: { [key: string]: any };
  /**
   * @example
   * 说明
   */
  title?: string;
  static names(): { [key: string]: string } {
    return {
      operatorId: 'operatorId',
      maxResults: 'maxResults',
      filter: 'filter',
      title: 'title',
    };
  }

  static types(): { [key: string]: any } {
    return {
      operatorId: 'string',
      maxResults: 'number',
    };
  }
}
";

    #[test]
    fn one_line_values_by_class_and_wire_name() {
        let m = parse(TS);
        let get = |w: &str| m.get(&("GetXRequest".to_owned(), w.to_owned())).cloned();
        assert_eq!(get("operatorId").as_deref(), Some("union_id"));
        assert_eq!(get("maxResults").as_deref(), Some("20"));
        assert_eq!(get("filter"), None, "multi-line examples are skipped");
        let m = Some(&m);
        assert_eq!(
            typed(m, "GetXRequest", "maxResults", &Ty::Int64),
            Some(Example::Int(20))
        );
        assert_eq!(typed(m, "GetXRequest", "maxResults", &Ty::Boolean), None);
        assert_eq!(
            typed(m, "GetXRequest", "operatorId", &Ty::String),
            Some(Example::Str("union_id".into()))
        );
        assert_eq!(
            typed(m, "GetXRequest", "title", &Ty::String),
            None,
            "text in other scripts is skipped"
        );
    }
}
