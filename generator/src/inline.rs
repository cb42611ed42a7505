//! The Rust names of inline types: the structs of `object` fields and the enums of string
//! fields with `enum:`, declared inside a model or an operation (its owner).
//!
//! The rule: an inline type is named `{Owner}{Key}` whatever its depth (`UpdatePermission` +
//! `members` → `UpdatePermissionMember`, the key of an array said for one element). Only when
//! that name is taken (by another inline type of the same owner, or by a model or operation of
//! the file with its `Response`, `Error` and `Params` types) are the keys above it added, one
//! at a time, to each inline type of the owner that has that name and a key above
//! (`WorkspaceType` and `WorkspaceIconType`; the answer's fields have `Response` above them).
//! So a name depends on its owner and the names the file declares: adding an operation or a
//! field elsewhere renames nothing unless its own names are the ones taken.

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::names::{pascal, type_join};
use crate::spec::{Field, SpecFile};
use crate::types::TypeExpr;

/// Fields that declare inline types, as one owner holds them.
pub struct Fields<'a> {
    /// The segment above them in names that need one (`Response` for an answer's fields).
    pub above: Option<&'a str>,
    /// Their key path below the owner's (`params`, `response.fields`, `fields`).
    pub key: &'a str,
    /// The fields.
    pub fields: &'a IndexMap<String, Field>,
}

/// One inline type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    /// The wire keys from the owner's fields down to it, through `fields:`.
    pub keys: Vec<String>,
    /// Its key path below the owner's (`params.option.fields.items`).
    pub key_path: String,
    /// Its Rust name.
    pub name: String,
}

/// Where an inline type is, for naming it: each segment's Pascal name, said for one element
/// when its field is an array.
struct Place {
    segments: Vec<String>,
    keys: Vec<String>,
    key_path: String,
    /// How many segments (from the last) its name uses.
    used: usize,
}

/// The names a spec file declares besides inline types, which no inline type may take: each
/// model's, and each operation's with its `Response`, `Error` and `Params` types.
pub fn declared(spec: &SpecFile) -> HashSet<String> {
    let mut names: HashSet<String> = spec.models.keys().map(|m| pascal(m)).collect();
    for op in spec.operations.keys() {
        let op = pascal(op);
        for suffix in ["Response", "Error", "Params"] {
            names.insert(type_join(&op, suffix));
        }
        names.insert(op);
    }
    names
}

/// The inline types declared in `fields` of `owner` (a Pascal name), in declaration order
/// (depth first), each with its name; `taken` are the names none may get ([`declared`]).
pub fn names(owner: &str, fields: &[Fields<'_>], taken: &HashSet<String>) -> Vec<Inline> {
    let mut places = Vec::new();
    for f in fields {
        let above: Vec<String> = f.above.map(str::to_owned).into_iter().collect();
        collect(f.fields, &above, &[], f.key, &mut places);
    }
    let name = |p: &Place| type_join(owner, &p.segments[p.segments.len() - p.used..].concat());
    loop {
        let mut by_name: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, p) in places.iter().enumerate() {
            by_name.entry(name(p)).or_default().push(i);
        }
        let mut longer: Vec<usize> = Vec::new();
        for (n, at) in &by_name {
            if at.len() > 1 || taken.contains(n) {
                longer.extend(
                    at.iter()
                        .filter(|&&i| places[i].used < places[i].segments.len()),
                );
            }
        }
        if longer.is_empty() {
            break;
        }
        for i in longer {
            places[i].used += 1;
        }
    }
    places
        .iter()
        .map(|p| Inline {
            keys: p.keys.clone(),
            key_path: p.key_path.clone(),
            name: name(p),
        })
        .collect()
}

/// The inline types among `fields` (below the segments `above` and the keys `keys`), and those
/// of their inline objects.
fn collect(
    fields: &IndexMap<String, Field>,
    above: &[String],
    keys: &[String],
    key_path: &str,
    out: &mut Vec<Place>,
) {
    for (key, f) in fields {
        let Ok(expr) = TypeExpr::parse(&f.ty) else {
            continue;
        };
        let inner = match expr.leaf() {
            TypeExpr::String if f.values.is_some() => None,
            TypeExpr::Object if f.fields.is_some() => f.fields.as_ref(),
            _ => continue,
        };
        let mut segment = pascal(key);
        if has_array(&expr) {
            segment = singular(&segment);
        }
        let mut segments = above.to_vec();
        segments.push(segment);
        let mut keys = keys.to_vec();
        keys.push(key.clone());
        let key_path = format!("{key_path}.{key}");
        if let Some(inner) = inner {
            collect(inner, &segments, &keys, &format!("{key_path}.fields"), out);
        }
        out.push(Place {
            segments,
            keys,
            key_path,
            used: 1,
        });
    }
}

fn has_array(t: &TypeExpr) -> bool {
    match t {
        TypeExpr::Array(_) => true,
        TypeExpr::Map(t) => has_array(t),
        _ => false,
    }
}

/// A Pascal name said for one element: its last word made singular (`Members` → `Member`,
/// `UserRoles` → `UserRole`, `Categories` → `Category`, `Addresses` → `Address`), left as it is
/// when it is not a plural or not a regular one (`Status`, `Data`, `Info`, `List`, `News`,
/// `Sms`).
pub fn singular(name: &str) -> String {
    let start = name
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_ascii_uppercase())
        .map_or(0, |(i, _)| i);
    let (head, word) = name.split_at(start);
    [head, &singular_word(word)].concat()
}

/// [`singular`] of one word (`Members`, `Boxes`).
fn singular_word(word: &str) -> String {
    // Words that end in `s` without being plurals, acronyms included (`SMS` is `Sms`).
    const KEPT: &[&str] = &[
        "News", "Series", "Species", "Analysis", "Basis", "Always", "Sms", "Mms", "Gps", "Dns",
        "Https", "Qps", "Tps", "Cms", "Oss",
    ];
    const IRREGULAR: &[(&str, &str)] = &[("Children", "Child"), ("People", "Person")];
    if let Some((_, one)) = IRREGULAR.iter().find(|(many, _)| *many == word) {
        return (*one).to_owned();
    }
    let lower = word.to_ascii_lowercase();
    if word.len() <= 2 || KEPT.contains(&word) || !lower.ends_with('s') {
        return word.to_owned();
    }
    let cut = |n: usize, add: &str| [&word[..word.len() - n], add].concat();
    // `-es` after a hiss (`Boxes`, `Batches`, `Addresses`) and after the `-us` words APIs use
    // (`Statuses`, `Bonuses`); else `-s`, which also keeps `Caches`, `Causes` and `Sizes` right.
    const ES: &[&str] = &[
        "sses", "xes", "zzes", "shes", "tches", "nches", "rches", "tuses", "nuses", "puses",
        "ruses", "suses",
    ];
    if lower.ends_with("ies") {
        cut(3, "y")
    } else if ES.iter().any(|e| lower.ends_with(e)) {
        cut(2, "")
    } else if ["ss", "us", "is"].iter().any(|e| lower.ends_with(e)) {
        word.to_owned()
    } else {
        cut(1, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_names_are_singular() {
        for (many, one) in [
            ("Members", "Member"),
            ("UserRoles", "UserRole"),
            ("Categories", "Category"),
            ("Addresses", "Address"),
            ("Boxes", "Box"),
            ("Batches", "Batch"),
            ("Statuses", "Status"),
            ("Dishes", "Dish"),
            ("Keys", "Key"),
            ("Sizes", "Size"),
            ("FileIds", "FileId"),
            ("Children", "Child"),
            ("Status", "Status"),
            ("Address", "Address"),
            ("Data", "Data"),
            ("UserIdList", "UserIdList"),
            ("Info", "Info"),
            ("News", "News"),
            ("Sms", "Sms"),
            ("Dtos", "Dto"),
            ("Analysis", "Analysis"),
            ("Caches", "Cache"),
            ("Causes", "Cause"),
            ("Matches", "Match"),
            ("Bonuses", "Bonus"),
            ("Items", "Item"),
            ("", ""),
        ] {
            assert_eq!(singular(many), one, "{many}");
        }
    }

    fn fields(yaml: &str) -> IndexMap<String, Field> {
        serde_yaml::from_str(yaml).unwrap()
    }

    fn named(owner: &str, sources: &[Fields<'_>], taken: &[&str]) -> Vec<(String, String)> {
        let taken: HashSet<String> = taken.iter().map(|t| (*t).to_owned()).collect();
        names(owner, sources, &taken)
            .into_iter()
            .map(|i| (i.key_path, i.name))
            .collect()
    }

    #[test]
    fn owner_and_key_at_any_depth_longer_only_to_tell_apart() {
        let params = fields(
            "members: { type: array<object>, fields: { id: { type: string }, type: { type: string, enum: { USER: u } } } }\n\
             option: { type: object, fields: { filters: { type: array<object>, fields: { deep: { type: object, fields: { x: { type: string } } } } } } }\n",
        );
        let answer = fields(
            "option: { type: object, fields: { a: { type: string } } }\n\
             error: { type: object, fields: { a: { type: string } } }\n",
        );
        let sources = [
            Fields {
                above: None,
                key: "params",
                fields: &params,
            },
            Fields {
                above: Some("Response"),
                key: "response.fields",
                fields: &answer,
            },
        ];
        assert_eq!(
            named("UpdatePermission", &sources, &["UpdatePermissionError"]),
            [
                ("params.members.fields.type", "UpdatePermissionType"),
                ("params.members", "UpdatePermissionMember"),
                (
                    "params.option.fields.filters.fields.deep",
                    "UpdatePermissionDeep"
                ),
                ("params.option.fields.filters", "UpdatePermissionFilter"),
                ("params.option", "UpdatePermissionOption"),
                ("response.fields.option", "UpdatePermissionResponseOption"),
                ("response.fields.error", "UpdatePermissionResponseError"),
            ]
            .map(|(k, n)| (k.to_owned(), n.to_owned()))
        );
    }

    #[test]
    fn nested_key_named_like_a_top_one_takes_its_parent() {
        let model = fields(
            "type: { type: string, enum: { TEAM: t } }\n\
             icon: { type: object, fields: { type: { type: string, enum: { URL: u } } } }\n",
        );
        let sources = [Fields {
            above: None,
            key: "fields",
            fields: &model,
        }];
        assert_eq!(
            named("Workspace", &sources, &[]),
            [
                ("fields.type", "WorkspaceType"),
                ("fields.icon.fields.type", "WorkspaceIconType"),
                ("fields.icon", "WorkspaceIcon"),
            ]
            .map(|(k, n)| (k.to_owned(), n.to_owned()))
        );
    }
}
