//! Shared runtime for UsageKit's generated API clients.
//!
//! Provider crates (`openai-usage`, `chatbotkit-usage`, …) are generated from OpenAPI
//! specs and contain no hand-written code. Everything they have in common lives here:
//!
//! - [`ClientBuilder`]: base URL, credentials, timeouts and retries, from code or the
//!   environment ([`ProviderInfo`] is the generated description of a provider).
//! - [`Runtime`]: sends each request with its credentials attached (as sensitive
//!   headers), retrying transient failures with exponential backoff and jitter,
//!   honouring `Retry-After`, within an overall deadline ([`RetryPolicy`]).
//! - [`Error`]: what a failed call returns — the operation, the HTTP status, and the
//!   provider's error body decoded into its typed form, or a snippet of the body.
//! - [`paginate`]: turns a cursor-paginated operation into a lazy item stream.
//! - [`QueryString`]: encodes an operation's query parameters in one pass.
//! - [`TaggedUnion`]: decodes discriminated unions by their tag in one pass, keeping
//!   unknown variants.
//! - [`dynamic`]: each crate's `SERVICE`, for tools that pick the provider and operation
//!   at run time; [`report`]: usage records, read from pages as the spec's
//!   `x-usagekit-report` says, and summed by period and group.

mod config;
pub mod dynamic;
mod error;
mod open_enum;
mod paginate;
mod params;
#[cfg(test)]
mod properties;
mod provider;
mod query;
mod redirect;
mod retry;
mod secret;
mod tagged;
mod transport;

pub use config::{ClientBuilder, ConfigError};
pub use error::{
    ApiError, Error, ErrorDecoder, ErrorKind, SuccessDecoder, complete, complete_by_status,
    decode_error_json, decode_json,
};
/// Re-exported for `while let Some(item) = stream.try_next().await?`.
pub use futures_util::TryStreamExt;
pub use open_enum::deserialize_open_enum;
pub use paginate::{Cursor, HasMore, Page, collect_all, paginate};
pub use params::{header_list, invalid_value, spec_default};
pub use provider::{CredentialSpec, DEFAULT_RETRY_STATUSES, Placement, ProviderInfo};
pub use query::QueryString;
pub use redirect::MAX_REDIRECTS;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use tagged::{TaggedObject, TaggedUnion, deserialize_tagged};
pub use transport::{Runtime, capturing};
/// Usage records and their sums (the `usagekit-report` crate).
pub use usagekit_report as report;

/// Re-exported so generated code and users name one `Stream` trait.
pub use futures_core::Stream;
pub use progenitor_client::ResponseValue;
/// Re-exported so generated code needs no direct dependency for it.
pub use serde_json;
