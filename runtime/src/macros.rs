//! What generated code would otherwise repeat for every operation and enum, written once: a
//! generated module invokes these in one line each. They are plumbing (`#[doc(hidden)]`); what
//! they make is documented on the types.

/// The plumbing of an operation's request builder `$builder` (a tuple struct around
/// `Request<$output, $error>`): `build`, `send` and `IntoFuture`, so that `.await` on the
/// builder sends it.
#[doc(hidden)]
#[macro_export]
macro_rules! operation {
    ($builder:ident, $output:ty, $error:ty) => {
        impl $builder {
            /// Describes the request without sending it, to set per-call options (`timeout`,
            /// `max_attempts`) or read it.
            pub fn build(self) -> $crate::Request<$output, $error> {
                self.0
            }

            /// Sends the request and decodes the answer (`.await` on the builder does the same).
            // The runtime's future as it is: an `async fn` here would make a state machine per
            // operation for rustc to check (8 % of `cargo check` of a service).
            pub fn send(
                self,
            ) -> impl ::core::future::Future<Output = $crate::Result<$output, $error>> {
                self.0.send()
            }
        }

        impl ::core::future::IntoFuture for $builder {
            type Output = $crate::Result<$output, $error>;
            type IntoFuture = $crate::BoxFuture<'static, Self::Output>;

            fn into_future(self) -> Self::IntoFuture {
                ::core::future::IntoFuture::into_future(self.0)
            }
        }
    };
}

/// A string enum's conversions from its table of `Variant = "wire"` values and its catch-all
/// `Other(String)`: `as_str`, `Display`, `FromStr` (never failing: another value is `Other`),
/// `From<String>`, `Deserialize` and `Serialize` (under `#[$serialize]` when given, e.g.
/// `cfg(feature = "serialize")`).
#[doc(hidden)]
#[macro_export]
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? } $(, $serialize:meta)?) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(value) => value,
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::Other(value),
                }
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;

            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(Self::from(::std::borrow::ToOwned::to_owned(value)))
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // Through a `String` and the `match` above: serde's derive would buffer each value to
        // try the catch-all, slower to compile and to decode.
        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value: ::std::string::String =
                    $crate::__serde::Deserialize::deserialize(deserializer)?;
                ::core::result::Result::Ok(Self::from(value))
            }
        }

        $(#[$serialize])?
        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

/// An operation's error-code enum's conversions from its table of `Variant = "code"` codes and
/// its catch-all `Other(String)`: `as_str`, `Display` and [`ErrorKind`](crate::ErrorKind).
#[doc(hidden)]
#[macro_export]
macro_rules! error_codes {
    ($name:ident { $($variant:ident = $code:literal),* $(,)? }) => {
        impl $name {
            /// The code as DingTalk sends it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $code,)*
                    Self::Other(code) => code,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::ErrorKind for $name {
            fn from_code(code: &str) -> Self {
                match code {
                    $($code => Self::$variant,)*
                    _ => Self::Other(::std::borrow::ToOwned::to_owned(code)),
                }
            }
        }
    };
}
