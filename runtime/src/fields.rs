//! The wire names of an answer's fields, read from its derived `Deserialize`: no list is
//! generated per operation.

use std::fmt;

use serde::de::{DeserializeOwned, Deserializer, Visitor};

/// The wire names of the fields of `O`, read from its derived `Deserialize` (which hands them to
/// `deserialize_struct`): no list is generated per operation. `None` when `O` is not a struct
/// (e.g. `serde_json::Value`, whose fields are unknown); empty for `()`.
pub(crate) fn answer_fields<O: DeserializeOwned>() -> Option<&'static [&'static str]> {
    match O::deserialize(FieldProbe) {
        Err(Probed(fields)) => fields,
        Ok(_) => None,
    }
}

/// A deserializer that only reports which shape it was asked for.
struct FieldProbe;

/// What [`FieldProbe`] found: a struct's field names, `[]` for a unit, `None` for anything else.
#[derive(Debug)]
struct Probed(Option<&'static [&'static str]>);

impl fmt::Display for Probed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probed")
    }
}

impl std::error::Error for Probed {}

impl serde::de::Error for Probed {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Probed(None)
    }
}

impl<'de> Deserializer<'de> for FieldProbe {
    type Error = Probed;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed(None))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Probed> {
        Err(Probed(Some(fields)))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probed> {
        Err(Probed(Some(&[])))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_struct_names_its_wire_fields_and_other_types_none() {
        #[derive(serde::Deserialize)]
        #[allow(dead_code)]
        struct Answer {
            #[serde(rename = "workspaceId")]
            workspace_id: Option<String>,
            success: Option<bool>,
        }
        assert_eq!(
            answer_fields::<Answer>(),
            Some(&["workspaceId", "success"][..])
        );
        assert_eq!(answer_fields::<()>(), Some(&[][..]));
        assert_eq!(answer_fields::<serde_json::Value>(), None);
        assert_eq!(answer_fields::<Vec<String>>(), None);
    }
}
