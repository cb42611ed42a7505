//! What is fixed about an operation: its endpoint, as the spec says it.

/// Everything fixed about an operation, as the spec says it. Generated code builds one per
/// operation (its fields and builders are for that code); read it with the accessors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    /// Service version (`wiki_2.0`).
    #[doc(hidden)]
    pub service: &'static str,
    /// Official operation name (`GetWorkspace`).
    #[doc(hidden)]
    pub operation: &'static str,
    /// HTTP method.
    #[doc(hidden)]
    pub method: Method,
    /// Path template (`/v2.0/wiki/workspaces/{workspaceId}`).
    #[doc(hidden)]
    pub path: &'static str,
    /// Default host.
    #[doc(hidden)]
    pub base_url: &'static str,
    /// Whether a retry after the request may have reached the server is safe.
    #[doc(hidden)]
    pub idempotent: bool,
    /// Whether the access-token header is sent.
    #[doc(hidden)]
    pub auth: bool,
    /// Whether a 2xx answer has a JSON body.
    #[doc(hidden)]
    pub response_body: bool,
    /// Whether that body is a JSON object (any other JSON is then an invalid answer).
    #[doc(hidden)]
    pub object_answer: bool,
}

impl Endpoint {
    /// Service version (`wiki_2.0`).
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// Official operation name (`GetWorkspace`).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Path template (`/v2.0/wiki/workspaces/{workspaceId}`).
    pub fn path(&self) -> &'static str {
        self.path
    }

    /// Default host (`https://api.dingtalk.io`); the client's base URL replaces it when set.
    pub fn base_url(&self) -> &'static str {
        self.base_url
    }

    /// Whether the call may be repeated after it may have reached the server.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
    }

    /// Whether the call is sent with the access-token header (`false` for token endpoints).
    pub fn is_authenticated(&self) -> bool {
        self.auth
    }

    /// Marks a call that must not be repeated once it may have reached the server.
    #[doc(hidden)]
    pub const fn not_idempotent(self) -> Self {
        Endpoint {
            idempotent: false,
            ..self
        }
    }

    /// Marks a call that may be repeated once it may have reached the server (a POST, PUT,
    /// PATCH or DELETE the spec says is `idempotent`).
    #[doc(hidden)]
    pub const fn idempotent(self) -> Self {
        Endpoint {
            idempotent: true,
            ..self
        }
    }

    /// Marks a call sent without the access-token header (token endpoints).
    #[doc(hidden)]
    pub const fn anonymous(self) -> Self {
        Endpoint {
            auth: false,
            ..self
        }
    }

    /// Marks a call whose 2xx answer has no body.
    #[doc(hidden)]
    pub const fn no_response_body(self) -> Self {
        Endpoint {
            response_body: false,
            ..self
        }
    }

    /// Marks a call whose answer is JSON other than an object (a boolean, an array, any value).
    #[doc(hidden)]
    pub const fn non_object_response(self) -> Self {
        Endpoint {
            object_answer: false,
            ..self
        }
    }
}

/// What the operations of one service version share: its name and default host. Generated
/// code declares one per service and makes each operation's [`Endpoint`] from it
/// (`SERVICE.get("GetWorkspace", "/v2.0/wiki/workspaces/{workspaceId}")`), idempotent when
/// a GET, authenticated and answering a JSON object unless marked otherwise.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceVersion {
    name: &'static str,
    base_url: &'static str,
}

impl ServiceVersion {
    /// The service version `name` (`wiki_2.0`), served at `base_url` by default.
    pub const fn new(name: &'static str, base_url: &'static str) -> Self {
        ServiceVersion { name, base_url }
    }

    /// The endpoint of its operation `operation` (`GetWorkspace`): `method` on `path` (a
    /// template, `/v2.0/wiki/workspaces/{workspaceId}`).
    pub const fn endpoint(
        self,
        operation: &'static str,
        method: Method,
        path: &'static str,
    ) -> Endpoint {
        Endpoint {
            service: self.name,
            operation,
            method,
            path,
            base_url: self.base_url,
            idempotent: matches!(method, Method::Get),
            auth: true,
            response_body: true,
            object_answer: true,
        }
    }

    /// [`Self::endpoint`] with GET.
    pub const fn get(self, operation: &'static str, path: &'static str) -> Endpoint {
        self.endpoint(operation, Method::Get, path)
    }

    /// [`Self::endpoint`] with POST.
    pub const fn post(self, operation: &'static str, path: &'static str) -> Endpoint {
        self.endpoint(operation, Method::Post, path)
    }

    /// [`Self::endpoint`] with PUT.
    pub const fn put(self, operation: &'static str, path: &'static str) -> Endpoint {
        self.endpoint(operation, Method::Put, path)
    }

    /// [`Self::endpoint`] with PATCH.
    pub const fn patch(self, operation: &'static str, path: &'static str) -> Endpoint {
        self.endpoint(operation, Method::Patch, path)
    }

    /// [`Self::endpoint`] with DELETE.
    pub const fn delete(self, operation: &'static str, path: &'static str) -> Endpoint {
        self.endpoint(operation, Method::Delete, path)
    }
}

/// HTTP methods the spec allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    pub(crate) fn http(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }

    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}
