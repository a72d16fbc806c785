//! What the analysis hands the later stages: the spec as the client sees it,
//! beyond what progenitor reads (errors, pagination, unions, credentials, report
//! mappings), with Rust names settled.

use std::collections::BTreeMap;

use crate::settings::ProviderSettings;

use usagekit_report::ReportSpec;

/// One spec and its settings, read once.
pub struct Model<'a> {
    pub settings: &'a ProviderSettings,
    /// The API's title, description and version (`info`).
    pub title: String,
    pub description: Option<String>,
    pub api_version: String,
    /// The document's security requirement: alternatives of schemes sent together.
    pub security: Vec<Vec<String>>,
    pub operations: Vec<OperationModel>,
    pub unions: Vec<Union>,
    pub credentials: Vec<Credential>,
    pub default_base_url: String,
    /// Component types renamed away from the crate root's names (`Error` → `ErrorObject`).
    pub renamed_types: BTreeMap<String, String>,
    /// The `x-usagekit-report` mappings, in document order.
    pub reports: Vec<ReportSpec>,
    /// Cargo features that gate operations, by name (none: one piece).
    pub features: Vec<Feature>,
}

/// A cargo feature: the operations of its groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    pub name: String,
    /// The spec's tags it stands for (several when their names meet), or the
    /// path segments, in a document that tags nothing.
    pub groups: Vec<String>,
    pub by_path: bool,
}

impl Feature {
    /// "tagged `Issues`", or "under `/…/customers`".
    pub fn describe(&self) -> String {
        let groups: Vec<String> = self
            .groups
            .iter()
            .map(|group| match self.by_path {
                true => format!("`/…/{group}`"),
                false => format!("`{group}`"),
            })
            .collect();
        match self.by_path {
            true => format!("under {}", groups.join(", ")),
            false => format!("tagged {}", groups.join(", ")),
        }
    }
}

/// One operation, in document order (progenitor's order).
#[derive(Debug, Clone)]
pub struct OperationModel {
    pub id: String,
    pub method: String,
    pub http_method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// The spec's tags.
    pub tags: Vec<String>,
    /// The cargo features that compile it (any of them); none: always.
    pub features: Vec<String>,
    pub errors: Option<ErrorModel>,
    pub pagination: Option<Pagination>,
    /// Path-item parameters first, then the operation's; an operation parameter
    /// replaces the path item's of the same name and location.
    pub parameters: Vec<ParameterModel>,
    pub body: Option<BodyModel>,
    /// What a success response gives.
    pub result: ResultModel,
    /// The success statuses the spec documents (`2XX` is 200..=299).
    pub success_statuses: Vec<Statuses>,
    /// The security requirement the operation sends: alternatives of schemes sent
    /// together. `None`: the document's.
    pub security: Option<Vec<Vec<String>>>,
    /// Its report mapping asks with a JSON body (`request.in: body`).
    pub body_report: bool,
}

impl OperationModel {
    pub fn takes_body(&self) -> bool {
        self.body.is_some()
    }

    /// Tools call an operation with text parameters and show its JSON: not one
    /// that takes a body or answers with bytes.
    pub fn callable_by_text(&self) -> bool {
        self.body.is_none() && !matches!(self.result, ResultModel::Bytes { .. })
    }

    /// Tools call it at run time: with text parameters, and a JSON body if it has one.
    pub fn callable_by_tools(&self) -> bool {
        self.callable_by_text() || self.callable_with_json_body()
    }

    /// Tools call an operation with a JSON body and text parameters: a report's
    /// POST query, whose body is JSON and so is its answer. Only those: the code
    /// would cost every other body operation compile time for no user.
    pub fn callable_with_json_body(&self) -> bool {
        self.body_report
            && matches!(&self.body, Some(body) if matches!(body.kind, BodyKind::Json))
            && !matches!(self.result, ResultModel::Bytes { .. })
    }

    /// Success statuses with different bodies: the result enum.
    pub fn successes(&self) -> Option<&SuccessModel> {
        match &self.result {
            ResultModel::ByStatus(successes) => Some(successes),
            _ => None,
        }
    }
}

/// A request body, in the media type the client sends.
#[derive(Debug, Clone)]
pub struct BodyModel {
    pub content_type: String,
    pub kind: BodyKind,
    pub required: bool,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub enum BodyKind {
    Json,
    /// `application/x-www-form-urlencoded`, with the properties' `encoding`.
    Form(Vec<(String, ParameterStyle, bool)>),
    /// `multipart/form-data`, with the parts' declared content types.
    Multipart(Vec<(String, String)>),
    /// Text sent as it is (`text/plain`, XML, …).
    Text,
    /// Bytes sent as they are.
    Bytes,
}

/// What a success response gives the caller.
#[derive(Debug, Clone)]
pub enum ResultModel {
    /// No body.
    Empty,
    /// One JSON body type for every success status.
    Json { content_type: String },
    /// A text body.
    Text { content_type: String },
    /// A body read as a stream of bytes (files, images, event streams).
    Bytes { content_type: String },
    /// Success statuses with different bodies: an enum decoded by status.
    ByStatus(SuccessModel),
}

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParameterLocation {
    /// As OpenAPI's `in` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// A parameter as its builder setter documents it.
#[derive(Debug, Clone)]
pub struct ParameterModel {
    /// The setter progenitor generates (`bucket_width`).
    pub setter: String,
    /// The name on the wire (`bucket_width`, `X-Trace`).
    pub name: String,
    pub location: ParameterLocation,
    pub required: bool,
    pub description: Option<String>,
    /// The spec's type in words: `integer`, `string (date-time)`, `array of string`.
    pub schema: String,
    /// The spec's `default`, as JSON.
    pub default: Option<String>,
    /// The spec's `enum` values, as JSON scalars without quotes.
    pub allowed: Vec<String>,
    /// An array: repeated keys in a query, comma-joined in a header (OpenAPI's `simple` style).
    pub list: bool,
    /// How the value is written on the wire.
    pub style: ParameterStyle,
    pub explode: bool,
}

/// A parameter's `style` (OpenAPI 3.0 "Style Values").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterStyle {
    Form,
    Simple,
    Label,
    Matrix,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
}

impl ParameterModel {
    /// Required by the spec yet with a `default`: optional on the builder, and the
    /// client sends the default when it is not set.
    pub fn sends_default(&self) -> bool {
        self.required && self.default.is_some() && self.location != ParameterLocation::Path
    }
}

/// The statuses a `responses` key covers: `404` is 404..=404, `4XX` is 400..=499.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Statuses {
    pub low: u16,
    pub high: u16,
}

impl Statuses {
    /// Exact codes before the ranges that hold them.
    pub fn specificity(self) -> (u16, u16) {
        (self.high - self.low, self.low)
    }
}

/// One documented error body.
#[derive(Debug, Clone)]
pub struct ErrorBody {
    /// `None` for `default` (any other error status).
    pub statuses: Option<Statuses>,
    pub type_name: String,
}

/// An operation's documented error responses, as the client decodes them.
#[derive(Debug, Clone)]
pub struct ErrorModel {
    /// Exact codes first, `default` last.
    pub bodies: Vec<ErrorBody>,
    /// The `E` of `Error<E>`: the one body type, or `enum_name` when they differ.
    pub type_name: String,
    /// When statuses carry different bodies: the generated enum's name; its variants
    /// are named after the body types.
    pub enum_name: Option<String>,
    /// Where the provider's message is, across every body type.
    pub message_pointers: Vec<String>,
}

impl ErrorModel {
    /// The distinct body types, in order of first use.
    pub fn body_types(&self) -> Vec<&str> {
        let mut types: Vec<&str> = Vec::new();
        for body in &self.bodies {
            if !types.contains(&body.type_name.as_str()) {
                types.push(&body.type_name);
            }
        }
        types
    }
}

/// One success status of an operation whose success statuses carry different bodies.
#[derive(Debug, Clone)]
pub struct SuccessVariant {
    pub statuses: Statuses,
    /// Named by the status's reason phrase (`Created`).
    pub variant: String,
    /// The body's type; `None`: no JSON body.
    pub body: Option<String>,
}

/// An operation whose success statuses carry different bodies (GitHub's 201 with a
/// body beside a bodiless 204): its result is an enum decoded by status.
#[derive(Debug, Clone)]
pub struct SuccessModel {
    pub enum_name: String,
    /// Exact codes before ranges.
    pub variants: Vec<SuccessVariant>,
}

/// How the next page is asked for.
#[derive(Debug, Clone)]
pub enum PageStyle {
    /// The response carries the next page's cursor (`next_page`).
    Cursor { next_cursor_field: String },
    /// The next page starts after the last item's id (`after` + `has_more`).
    AfterLastId { item_id_field: String },
    /// Pages are numbered from `first`; the stream stops on an empty page, at
    /// `total_pages`, or when `has_more` says so.
    PageNumber {
        first: u64,
        total_pages_field: Option<String>,
    },
}

/// Pagination, resolved to Rust names.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// The builder setter of the cursor or page-number parameter.
    pub cursor_setter: String,
    pub items_field: String,
    pub has_more_field: Option<String>,
    pub item_type: String,
    pub style: PageStyle,
}

/// A discriminated union, generated by UsageKit rather than typify.
#[derive(Debug, Clone)]
pub struct Union {
    pub type_name: String,
    pub description: Option<String>,
    pub property: String,
    pub variants: Vec<UnionVariant>,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The discriminator's value.
    pub tag: String,
    pub type_name: String,
    pub description: Option<String>,
}

/// A security scheme some requirement uses, as the client sends it.
#[derive(Debug, Clone)]
pub struct Credential {
    pub scheme: String,
    pub description: Option<String>,
    pub placement: CredentialPlacement,
    /// The builder setter.
    pub setter: String,
    /// The variable `from_env` reads (for HTTP basic, the user name).
    pub env: String,
    /// HTTP basic: the variable of the password.
    pub password_env: Option<String>,
}

/// Where a credential goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialPlacement {
    /// `Authorization: Bearer …` (HTTP bearer, OAuth 2.0, OpenID Connect).
    Bearer,
    /// `Authorization: Basic …` from a user name and a password.
    Basic,
    /// `Authorization: <Scheme> …` for any other HTTP scheme.
    Authorization(String),
    /// A header, by its lower-case name.
    Header(String),
    Query(String),
    Cookie(String),
}
