//! Support for the SDK's tests: the fixture services compiled against the runtime.

/// Services generated from `tests/fixtures/*.yaml` (no `Client` accessors: use `Service::new`).
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}
