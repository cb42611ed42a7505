//! Support for the SDK's tests: the fixture services compiled against the runtime, and a
//! loopback HTTP server for end-to-end tests.

// Generated code is documented from the spec for any valid spec: the fixtures prove it.
#![warn(missing_docs)]

/// Services generated from `tests/fixtures/*.yaml` (no `Client` accessors: use `Service::new`).
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

pub mod answers;
pub mod server;
pub mod spec;
