//! The error kind of operations whose spec documents no error codes.

/// The error codes of an operation whose spec documents none yet (every imported operation):
/// each code is kept as sent. Generated code names it per operation (`type GetXError =
/// rt::UndocumentedCode`), so `GetXError::Other(code)` keeps working once codes are curated
/// and the name becomes an enum of its own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UndocumentedCode {
    /// A code, as sent.
    Other(String),
}

crate::error_codes!(UndocumentedCode {});
