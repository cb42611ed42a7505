//! serde for the generated models, from one table of fields per model
//! ([`model!`](macro@crate::model)).
//!
//! serde's derive makes, for every struct, a field enum with its own visitor, a sequence
//! visitor and a map visitor with a duplicate check per field: three quarters of the time
//! `cargo check` spends on a service (edu 1.0: 10.4 s with the derives, 3.9 s with this, 1.3 s
//! without serde at all). What a model needs is one map visitor: a local per field, one `match`
//! arm per wire name that reads into it through the small generic functions below, and the
//! struct built from the locals at the end.

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A key of a JSON object: borrowed from the input when the format can, owned otherwise.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// Reads the value of an optional field (`Option<T>`: `null` is `None`) into its local.
pub fn optional<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    local: &mut T,
) -> Result<(), A::Error> {
    *local = map.next_value()?;
    Ok(())
}

/// Reads the value of a required field into its local.
pub fn required<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    local: &mut Option<T>,
) -> Result<(), A::Error> {
    *local = Some(map.next_value()?);
    Ok(())
}

/// Reads past the value of a field the model does not have.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(drop)
}

/// The value of required field `wire` once the object is read: serde's "missing field" error
/// when the object did not have it.
pub fn present<T, E: de::Error>(local: Option<T>, wire: &'static str) -> Result<T, E> {
    local.ok_or_else(|| E::missing_field(wire))
}

/// serde for a generated model `$name` from its table of fields: `field kind "wire"`, where
/// `kind` is `optional` (an `Option`: absent or `null` is `None`, and `None` is left out when
/// serializing) or `required` (absent is serde's "missing field" error). `Serialize` comes
/// under `#[$serialize]` when given (e.g. `cfg(feature = "serialize")`).
///
/// The `Deserialize` reads an object (a map, in serde's terms; not a sequence of the fields in
/// order, which JSON answers never are): keys it does not know are skipped, and a key given
/// twice keeps its last value.
#[doc(hidden)]
#[macro_export]
macro_rules! model {
    ($name:ident { $($field:ident $kind:ident $wire:literal),* $(,)? } $(, $serialize:meta)?) => {
        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                struct Fields;
                impl<'de> $crate::__serde::de::Visitor<'de> for Fields {
                    type Value = $name;

                    fn expecting(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        f.write_str(::core::concat!("struct ", ::core::stringify!($name)))
                    }

                    fn visit_map<A: $crate::__serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::core::result::Result<$name, A::Error> {
                        $(let mut $field = ::core::option::Option::None;)*
                        while let ::core::option::Option::Some(key) =
                            map.next_key::<$crate::model::Key<'de>>()?
                        {
                            match key.as_str() {
                                $($wire => $crate::model::$kind(&mut map, &mut $field),)*
                                _ => $crate::model::skip(&mut map),
                            }?;
                        }
                        ::core::result::Result::Ok($name {
                            $($field: $crate::model!(@value $kind $field $wire),)*
                        })
                    }
                }
                // As a struct with its wire names, as serde's derive asks: a format may use them,
                // and the runtime reads them to tell an answer from DingTalk's error body.
                deserializer.deserialize_struct(
                    ::core::stringify!($name),
                    &[$($wire),*],
                    Fields,
                )
            }
        }

        $(#[$serialize])?
        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                use $crate::__serde::ser::SerializeStruct as _;
                let len = 0 $(+ $crate::model!(@count $kind self.$field))*;
                let mut out = serializer.serialize_struct(::core::stringify!($name), len)?;
                $($crate::model!(@write $kind out self.$field, $wire);)*
                out.end()
            }
        }
    };
    (@value optional $field:ident $wire:literal) => { $field };
    (@value required $field:ident $wire:literal) => { $crate::model::present($field, $wire)? };
    (@count optional $value:expr) => { usize::from($value.is_some()) };
    (@count required $value:expr) => { 1 };
    (@write optional $out:ident $value:expr, $wire:literal) => {
        if let ::core::option::Option::Some(value) = &$value {
            $out.serialize_field($wire, value)?;
        }
    };
    (@write required $out:ident $value:expr, $wire:literal) => {
        $out.serialize_field($wire, &$value)?
    };
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Member {
        name: String,
        r#type: Option<i64>,
        tags: Option<Vec<String>>,
    }
    crate::model!(Member {
        name required "name",
        r#type optional "type",
        tags optional "tagList",
    });

    fn decode(json: &str) -> Result<Member, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_fields_by_wire_name_and_skips_the_unknown_ones() {
        let json = r#"{"extra":{"deep":[1,{"x":null}]},"type":3,"name":"ann","tagList":["a"]}"#;
        let expected = Member {
            name: "ann".into(),
            r#type: Some(3),
            tags: Some(vec!["a".into()]),
        };
        assert_eq!(decode(json), Ok(expected));
    }

    #[test]
    fn null_or_absent_optional_fields_are_none_and_a_repeated_key_keeps_its_last_value() {
        let m = decode(r#"{"name":"a","type":null,"name":"b"}"#).unwrap();
        assert_eq!((m.name.as_str(), m.r#type, m.tags), ("b", None, None));
    }

    #[test]
    fn escaped_keys_are_read_too() {
        // serde_json cannot borrow a key with an escape: the owned path.
        let m = decode(r#"{"n\u0061me":"a","t\u0079pe":1}"#).unwrap();
        assert_eq!((m.name.as_str(), m.r#type), ("a", Some(1)));
    }

    #[test]
    fn a_missing_required_field_or_a_wrong_type_is_serdes_error() {
        assert!(decode(r#"{"type":1}"#)
            .unwrap_err()
            .starts_with("missing field `name`"));
        assert!(decode(r#"{"name":"a","type":"x"}"#)
            .unwrap_err()
            .starts_with("invalid type: string \"x\", expected i64"));
        let e = decode(r#"["a",1,null]"#).unwrap_err();
        assert!(
            e.starts_with("invalid type: sequence, expected struct Member"),
            "{e}"
        );
    }

    #[test]
    fn serializes_by_wire_name_leaving_out_none() {
        let m = Member {
            name: "ann".into(),
            r#type: None,
            tags: Some(vec![]),
        };
        assert_eq!(
            serde_json::to_value(&m).unwrap(),
            json!({ "name": "ann", "tagList": [] })
        );
        let value = json!({ "name": "b", "type": 2 });
        let back: Member = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(serde_json::to_value(&back).unwrap(), value);
    }

    #[test]
    fn a_model_tells_its_fields_as_serdes_derive_does() {
        // What the runtime reads to tell an answer from DingTalk's error body.
        assert_eq!(
            crate::fields::answer_fields::<Member>(),
            Some(&["name", "type", "tagList"][..])
        );
    }
}
