//! Shared runtime for UsageKit's generated API clients.
//!
//! Provider crates (`openai-usage`, `chatbotkit-usage`, …) are generated from OpenAPI
//! specs and contain no hand-written code. Everything they have in common lives here:
//!
//! - [`ClientBuilder`]: base URL, credentials, timeouts and retries, from code or the
//!   environment ([`ProviderInfo`] is the generated description of a provider).
//! - [`Runtime`]: sends each request with the credentials its operation needs (as
//!   sensitive headers, query parameters or cookies), retrying transient failures
//!   with exponential backoff and jitter, honouring `Retry-After`, within an overall
//!   deadline ([`RetryPolicy`]).
//! - [`Error`]: what a failed call returns — the operation, the HTTP status, and the
//!   provider's error body decoded into its typed form, or a snippet of the body.
//! - [`ResponseValue`] (a body with its status and headers), [`ByteStream`] (a body
//!   read as it arrives), [`File`] (a multipart upload).
//! - [`dynamic`]: each crate's `SERVICE`, for tools that pick the provider and operation
//!   at run time; [`report`]: usage records, read from pages as the spec's
//!   `x-usagekit-report` says, and summed by period and group.
//!
//! What generated code calls and users never need is in one hidden module,
//! `__private`, outside the semver promise.

mod body;
mod config;
mod decimal;
pub mod dynamic;
mod error;
mod exact_json;
mod file;
mod nullable;
mod open_enum;
mod paginate;
mod params;
#[cfg(test)]
mod properties;
mod provider;
mod redirect;
mod request;
mod response;
mod retry;
mod secret;
mod style;
mod tagged;
mod transport;
mod tree;

pub use config::{ClientBuilder, ConfigError};
pub use error::{ApiError, Error, ErrorKind};
pub use file::File;
/// Re-exported for `while let Some(item) = stream.try_next().await?`.
pub use futures_util::TryStreamExt;
pub use nullable::Nullable;
pub use provider::{CredentialSpec, DEFAULT_RETRY_STATUSES, Placement, ProviderInfo, Security};
pub use redirect::MAX_REDIRECTS;
pub use response::{ByteStream, ResponseValue};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use transport::Runtime;
/// Usage records and their sums (the `usagekit-report` crate).
pub use usagekit_report as report;

/// Re-exported so generated code and users name one `Stream` trait.
pub use futures_core::Stream;
/// Re-exported so generated code needs no direct dependency for it.
pub use serde_json;

/// What generated code calls: not API, no semver promise.
#[doc(hidden)]
pub mod __private {
    pub use crate::body::{FormEncoding, PartEncoding};
    /// Exact decimals, as the spec writes them (`#[serde(with = "…")]`).
    pub mod decimal {
        pub use crate::decimal::{
            ExactDecimal, number, number_nullable, number_option, string, string_nullable,
            string_option,
        };
    }
    pub use crate::dynamic::{
        boxed_pages, check_param_names, parse_text, raw_json, single_page, text_value, text_values,
    };
    pub use crate::error::{ErrorDecoder, decode_error_json};
    pub use crate::nullable::present;
    pub use crate::open_enum::deserialize_open_enum;
    pub use crate::paginate::{Cursor, HasMore, Page, collect_all, paginate};
    pub use crate::params::{invalid_value, spec_default};
    pub use crate::request::{Request, path_param};
    pub use crate::response::{
        Decoders, SuccessDecoder, WithBodyType, json, send, send_keeping_body, send_streaming, text,
    };
    pub use crate::style::Style;
    pub use crate::tagged::{TaggedObject, TaggedUnion, deserialize_tagged};
    pub use bytes::Bytes;
}
