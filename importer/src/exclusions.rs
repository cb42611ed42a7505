//! Deliberate decisions about the package's content: operations left out, module names
//! overridden. Each with its reason.

use dingtalk_openapi_codegen::names;

/// Operations the package ships that are DingTalk's own test or scratch entries, not API:
/// (product, version, operation, reason). They are left out of the spec and listed in every
/// import report.
pub const JUNK: &[(&str, &str, &str, &str)] = &[
    (
        "microApp",
        "1.0",
        "AnheiTest888",
        "a test entry: name and path `/v1.0/microApp/anheiTest888` say so",
    ),
    (
        "microApp",
        "1.0",
        "AnheiTestB",
        "a test entry: name and path `/v1.0/microApp/anheiTestB` say so",
    ),
    (
        "microApp",
        "1.0",
        "AnheiTestNine",
        "a test entry: name and path `/v1.0/microApp/anheiTestNine` say so",
    ),
    (
        "microApp",
        "1.0",
        "AppStatusManagerTest",
        "a test entry: path `/v1.0/microApp/manager/test`",
    ),
    (
        "microApp",
        "1.0",
        "AyunTest",
        "a test entry: path `/v1.0/microApp/ayun/test`",
    ),
    (
        "microApp",
        "1.0",
        "AyunTestOnline",
        "a test entry: path `/v1.0/microApp/ayunTest`",
    ),
    (
        "microApp",
        "1.0",
        "GetVersionInfo",
        "the package's summary marks it as for testing only; anonymous",
    ),
    (
        "diot",
        "1.0",
        "AyunOnlienTest",
        "a test entry: path `/v1.0/diot/ayunTest`",
    ),
    (
        "diot",
        "1.0",
        "DiotMama",
        "a scratch entry on the bare product path `/v1.0/diot`, anonymous",
    ),
    (
        "diot",
        "1.0",
        "DiotMarketManagerTest",
        "a test entry: path `/v1.0/diot/market/manager/test`",
    ),
    (
        "diot",
        "1.0",
        "DiotSystemMarkTest",
        "a test entry: path `/v1.0/diot/sys/mark/test`",
    ),
];

/// Why an operation is left out, if it is.
pub fn junk(product: &str, version: &str, operation: &str) -> Option<&'static str> {
    JUNK.iter()
        .find(|(p, v, o, _)| *p == product && *v == version && *o == operation)
        .map(|(_, _, _, why)| *why)
}

/// Module names that override `names::module` (SPEC-V2 item 10): (product, version, module,
/// reason).
pub const MODULES: &[(&str, &str, &str, &str)] = &[(
    "aiPaaS",
    "1.0",
    "ai_paas_1_0",
    "heck splits `PaaS` into `paa_s`; `ai_paas` reads as the product's name",
)];

/// The module name of a service version, and whether it overrides the derived one.
pub fn module(product: &str, version: &str) -> (String, bool) {
    match MODULES
        .iter()
        .find(|(p, v, _, _)| *p == product && *v == version)
    {
        Some((_, _, m, _)) => ((*m).to_owned(), true),
        None => (names::module(product, version), false),
    }
}
