//! What a generated crate tells tools that choose the provider and operation at run
//! time (the `usagekit` command): its operations, its report mappings, and a client
//! that takes parameters as text and gives every page as the server's JSON.

use std::fmt::Debug;
use std::pin::Pin;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use serde::de::DeserializeOwned;

use crate::config::{ClientBuilder, ConfigError};
use crate::error::{Error, ErrorKind};
use crate::provider::ProviderInfo;
use crate::report::{Aggregator, Granularity, Record, ReportQuery, ReportSpec};

/// A failed call of any operation: its message (operation, status, the provider's
/// message) and the HTTP status, if a response arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub status: Option<u16>,
    pub message: String,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CallError {}

impl<E> From<Error<E>> for CallError {
    fn from(error: Error<E>) -> Self {
        Self {
            status: error.status().map(|status| status.as_u16()),
            message: error.to_string(),
        }
    }
}

/// Every page of one call, each as the JSON the server sent.
pub type JsonPages<'a> = Pin<Box<dyn Stream<Item = Result<JsonPage, CallError>> + Send + 'a>>;

/// One page as the server sent it. [`value`](Self::value) is its JSON, with every
/// number an `f64` would change (more than 15 significant digits, an integer
/// beyond 64 bits) kept as its exact text in a string, so reading amounts loses
/// no digit; `Display` prints the server's own text on one line.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPage {
    pub value: serde_json::Value,
    text: Bytes,
}

impl JsonPage {
    /// The body as the server sent it.
    pub fn text(&self) -> &[u8] {
        &self.text
    }
}

impl std::ops::Deref for JsonPage {
    type Target = serde_json::Value;

    fn deref(&self) -> &serde_json::Value {
        &self.value
    }
}

impl std::fmt::Display for JsonPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.text.is_empty() {
            f.write_str("null")
        } else {
            f.write_str(&crate::exact_json::minify(&self.text))
        }
    }
}

/// A generated client, driven by operationId and text parameters.
pub trait DynamicClient: Send + Sync {
    /// Sends `operation` (its operationId) with `params` (wire or setter names; a
    /// list parameter takes one pair per value) and streams every page. Fails before
    /// sending if an operation or parameter is unknown or a value does not parse.
    fn call<'a>(
        &'a self,
        operation: &str,
        params: &[(String, String)],
    ) -> Result<JsonPages<'a>, String>;

    /// As [`DynamicClient::call`], with a JSON request body (a report asked by a
    /// POST query); the body must fit the operation's body type.
    fn call_with_body<'a>(
        &'a self,
        operation: &str,
        params: &[(String, String)],
        body: serde_json::Value,
    ) -> Result<JsonPages<'a>, String> {
        let _ = (params, body);
        Err(format!("`{operation}` takes no JSON request body"))
    }
}

/// How many of a provider's report operations stream at once: OpenAI has ten, and
/// one after another they take ten round trips; more at once would invite 429s.
pub const REPORT_CONCURRENCY: usize = 4;

/// `run_report`'s two callbacks, borrowed by one operation at a time.
type Callbacks<'p, 'e> =
    std::cell::RefCell<(&'p mut dyn FnMut(&ReportSpec), &'e mut dyn FnMut(Record))>;

/// How one report operation ended, short of failing.
enum Outcome {
    Read,
    /// 404 on the first page: the server does not have this operation.
    Missing(String),
}

/// A generated crate's description of itself, for tools.
pub struct Service {
    /// The provider's key in `specs/providers.toml` (`openai`).
    pub key: &'static str,
    /// The client crate (`openai-usage`).
    pub crate_name: &'static str,
    pub info: &'static ProviderInfo,
    pub operations: &'static [OperationSpec],
    /// How responses map to usage records (the spec's `x-usagekit-report`).
    pub reports: &'static [ReportSpec],
    /// Builds the crate's client from a configured builder.
    pub connect: fn(ClientBuilder) -> Result<Box<dyn DynamicClient>, ConfigError>,
}

impl Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("key", &self.key)
            .field("info", &self.info)
            .field("operations", &self.operations)
            .field("reports", &self.reports.len())
            .finish_non_exhaustive()
    }
}

impl Service {
    /// A client configured from the environment, as the crate's `Client::from_env`.
    pub fn from_env(&self) -> Result<Box<dyn DynamicClient>, ConfigError> {
        (self.connect)(ClientBuilder::new(self.info).from_env()?)
    }

    /// Runs every report operation that `include` accepts, for `query`, handing
    /// each record to `emit` as its page arrives and calling `on_page` after each
    /// page. Up to [`REPORT_CONCURRENCY`] operations stream at once, each one page at
    /// a time. A report that another included one `replaces` is read only when
    /// that one could not be (404, or 403 for a report that replaces others: a
    /// beta or a plan's feature), and the notes say which was read. An operation
    /// the server does not have (404 on its first page) is left
    /// out with a note, which the result lists; any other failure fails the run
    /// (after the other operations' pages), and so does a 404 from every operation
    /// (a wrong base URL, most likely).
    pub async fn run_report(
        &self,
        client: &dyn DynamicClient,
        query: &ReportQuery,
        include: &dyn Fn(&ReportSpec) -> bool,
        on_page: &mut dyn FnMut(&ReportSpec),
        emit: &mut dyn FnMut(Record),
    ) -> Result<Vec<String>, String> {
        self.run_report_read(client, query, include, on_page, emit)
            .await
            .map(|(notes, _)| notes)
    }

    /// [`Service::run_report`], also naming the operations that were read (each of
    /// whose answers is then complete for the query's range): what a store may keep.
    pub async fn run_report_read(
        &self,
        client: &dyn DynamicClient,
        query: &ReportQuery,
        include: &dyn Fn(&ReportSpec) -> bool,
        on_page: &mut dyn FnMut(&ReportSpec),
        emit: &mut dyn FnMut(Record),
    ) -> Result<(Vec<String>, Vec<String>), String> {
        // One task polls every operation: the callbacks are only borrowed between
        // awaits, never across one.
        let callbacks = std::cell::RefCell::new((on_page, emit));
        let included: Vec<&ReportSpec> = self.reports.iter().filter(|s| include(s)).collect();
        // A report another included one replaces is read only if every one that
        // replaces it could not be: the same spend is never read twice.
        let replacers = |spec: &ReportSpec| -> Vec<&str> {
            included
                .iter()
                .filter(|other| other.replaces.contains(&spec.operation))
                .map(|other| other.operation.as_ref())
                .collect()
        };
        let (fallbacks, first): (Vec<&ReportSpec>, Vec<&ReportSpec>) = included
            .iter()
            .copied()
            .partition(|spec| !replacers(spec).is_empty());
        let mut outcomes = self.read_reports(client, query, &first, &callbacks).await;
        let missing: Vec<&str> = first
            .iter()
            .zip(&outcomes)
            .filter(|(_, outcome)| matches!(outcome, Ok(Outcome::Missing(_))))
            .map(|(spec, _)| spec.operation.as_ref())
            .collect();
        let mut notes = Vec::new();
        let (now, skipped): (Vec<&ReportSpec>, Vec<&ReportSpec>) = fallbacks
            .into_iter()
            .partition(|spec| replacers(spec).iter().all(|r| missing.contains(r)));
        for spec in &skipped {
            notes.push(format!(
                "{} (its figures are in {}'s, read instead)",
                spec.operation,
                replacers(spec).join(", ")
            ));
        }
        for spec in &now {
            notes.push(format!(
                "{} (could not be read; {} was read instead)",
                replacers(spec).join(", "),
                spec.operation,
            ));
        }
        outcomes.extend(self.read_reports(client, query, &now, &callbacks).await);
        let mut read = Vec::new();
        for (spec, outcome) in first.iter().chain(&now).zip(outcomes) {
            match outcome? {
                Outcome::Read => read.push(spec.operation.to_string()),
                Outcome::Missing(note) => notes.push(note),
            }
        }
        let answered = !read.is_empty();
        if !answered && !included.is_empty() {
            return Err(format!(
                "every report operation answered 404 (is the base URL right?): {}",
                notes.join("; ")
            ));
        }
        // Completion order varies; notes are read by people and compared by tests.
        notes.sort();
        Ok((notes, read))
    }

    /// Streams `specs`' pages into the callbacks, up to [`REPORT_CONCURRENCY`] at
    /// once; each one's outcome, in `specs`' order.
    async fn read_reports(
        &self,
        client: &dyn DynamicClient,
        query: &ReportQuery,
        specs: &[&ReportSpec],
        callbacks: &Callbacks<'_, '_>,
    ) -> Vec<Result<Outcome, String>> {
        let provider = crate::report::Text::Borrowed(self.key);
        let runs = specs.iter().map(|spec| {
            let provider = &provider;
            async move {
                let params = spec.params(query);
                let mut body = spec.body(query);
                // A POST query pages by a token in its body: every token once.
                let mut tokens = std::collections::BTreeSet::new();
                let mut first = true;
                loop {
                let mut pages = match &body {
                    Some(body) => client.call_with_body(&spec.operation, &params, body.clone())?,
                    None => client.call(&spec.operation, &params)?,
                };
                let mut next_body = None;
                while let Some(page) = pages.next().await {
                    let page = match page {
                        Ok(page) => page,
                        Err(error) if first && error.status == Some(404) => {
                            return Ok(Outcome::Missing(format!(
                                "left out, the server does not have it: {error}"
                            )));
                        }
                        // A newer report this key may not reach (a beta, a plan's
                        // feature): the reports it replaces are read instead.
                        Err(error)
                            if first && error.status == Some(403) && !spec.replaces.is_empty() =>
                        {
                            return Ok(Outcome::Missing(format!(
                                "left out, this key may not read it: {error}"
                            )));
                        }
                        Err(error) => return Err(error.message),
                    };
                    first = false;
                    let (on_page, emit) = &mut *callbacks.borrow_mut();
                    spec.read_page(provider, &page.value, query, chrono::Utc::now(), *emit)?;
                    on_page(spec);
                    next_body = body.as_ref().and_then(|body| spec.next_body(body, &page.value));
                }
                match next_body {
                    Some(next) => {
                        let token = spec
                            .request
                            .body_cursor
                            .as_ref()
                            .map(|(member, _)| next[member.as_ref()].to_string())
                            .unwrap_or_default();
                        if !tokens.insert(token.clone()) {
                            return Err(format!(
                                "{}: pagination stopped: the server returned the page token {token} again; stopping instead of looping",
                                spec.operation
                            ));
                        }
                        body = Some(next);
                    }
                    None => break,
                }
                }
                Ok(Outcome::Read)
            }
        });
        stream::iter(runs)
            .buffered(REPORT_CONCURRENCY)
            .collect()
            .await
    }

    /// Every report operation's records for `query`, summed by `by` and the query's
    /// grouping: what a summary table shows (`report::table`).
    pub async fn summarize(
        &self,
        client: &dyn DynamicClient,
        query: &ReportQuery,
        by: Granularity,
    ) -> Result<Aggregator, String> {
        let mut summary = Aggregator::new(by, &query.group_by);
        self.run_report(client, query, &|_| true, &mut |_| {}, &mut |record| {
            summary.add(record)
        })
        .await?;
        Ok(summary)
    }

    pub fn operation(&self, id_or_method: &str) -> Option<&'static OperationSpec> {
        self.operations
            .iter()
            .find(|op| op.id == id_or_method || op.method == id_or_method)
    }
}

/// One operation, as a tool lists and calls it.
#[derive(Debug)]
pub struct OperationSpec {
    /// The spec's operationId.
    pub id: &'static str,
    /// The Rust method (`usage_completions`).
    pub method: &'static str,
    pub http_method: &'static str,
    pub path: &'static str,
    pub summary: Option<&'static str>,
    pub parameters: &'static [ParameterSpec],
    /// Whether `call` follows pages.
    pub paginated: bool,
    /// Operations with a request body are called from Rust, not by text.
    pub takes_body: bool,
}

#[derive(Debug)]
pub struct ParameterSpec {
    /// The wire name.
    pub name: &'static str,
    /// The builder setter.
    pub setter: &'static str,
    /// `query`, `path` or `header`.
    pub location: &'static str,
    pub required: bool,
    pub list: bool,
    /// Type and allowed values, as the setter's docs give them.
    pub schema: &'static str,
}

/// Boxes a generated page stream for [`DynamicClient::call`].
#[doc(hidden)]
pub fn boxed_pages<'a, S, E>(pages: S) -> JsonPages<'a>
where
    S: Stream<Item = Result<JsonPage, Error<E>>> + Send + 'a,
    E: Debug + Send + Sync + 'static,
{
    Box::pin(pages.map_err(CallError::from))
}

/// The one page of an operation without pagination.
#[doc(hidden)]
pub fn single_page<'a, E, F>(page: F) -> impl Stream<Item = Result<JsonPage, Error<E>>> + Send + 'a
where
    F: Future<Output = Result<JsonPage, Error<E>>> + Send + 'a,
    E: Send + 'a,
{
    stream::once(page).boxed()
}

/// A success body as JSON, as the server sent it: `null` when there was none.
#[allow(clippy::result_large_err)] // the error every generated call returns
#[doc(hidden)]
pub fn raw_json<E>(operation: &'static str, body: &Bytes) -> Result<JsonPage, Error<E>> {
    if body.is_empty() {
        return Ok(JsonPage {
            value: serde_json::Value::Null,
            text: Bytes::new(),
        });
    }
    let exact = crate::exact_json::quote_inexact_numbers(body);
    match serde_json::from_slice(&exact) {
        Ok(value) => Ok(JsonPage {
            value,
            text: body.clone(),
        }),
        Err(source) => Err(Error::new(
            operation,
            ErrorKind::Decode {
                status: None,
                snippet: String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned(),
                source,
            },
        )),
    }
}

/// The values given for one parameter, under any of its names.
#[doc(hidden)]
pub fn text_values<'p>(params: &'p [(String, String)], names: &[&str]) -> Vec<&'p str> {
    params
        .iter()
        .filter(|(name, _)| names.iter().any(|known| matches_name(name, known)))
        .map(|(_, value)| value.as_str())
        .collect()
}

/// The one value given for a parameter that takes one.
#[doc(hidden)]
pub fn text_value<'p>(
    method: &str,
    params: &'p [(String, String)],
    names: &[&str],
) -> Result<Option<&'p str>, String> {
    match text_values(params, names).as_slice() {
        [] => Ok(None),
        [value] => Ok(Some(value)),
        [..] => Err(format!("`{method}`: `{}` takes one value", names[0])),
    }
}

/// Refuses parameters the operation does not have, naming those it has.
#[doc(hidden)]
pub fn check_param_names(
    method: &str,
    params: &[(String, String)],
    known: &[&str],
) -> Result<(), String> {
    match params
        .iter()
        .find(|(name, _)| !known.iter().any(|known| matches_name(name, known)))
    {
        None => Ok(()),
        Some((name, _)) if known.is_empty() => Err(format!(
            "`{method}` takes no parameters; `{name}` was given"
        )),
        Some((name, _)) => Err(format!(
            "`{method}` has no parameter `{name}`; it has {}",
            known
                .iter()
                .map(|known| format!("`{known}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `group_by[]`, `group_by` and `group-by` name one parameter.
fn matches_name(given: &str, known: &str) -> bool {
    let normal = |name: &str| name.trim_end_matches("[]").replace('-', "_");
    given == known || normal(given) == normal(known)
}

/// A parameter value from text: as a JSON string first (strings, enums, dates),
/// then as JSON (numbers, booleans, objects).
#[doc(hidden)]
pub fn parse_text<T: DeserializeOwned>(
    method: &str,
    parameter: &str,
    text: &str,
    expected: &str,
) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .or_else(|_| serde_json::from_str(text))
        .map_err(|_| {
            crate::params::invalid_value(method, parameter, &format!("{text:?}"), expected)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_parameters_parse_into_their_types() {
        assert_eq!(parse_text::<i64>("m()", "limit", "31", "integer"), Ok(31));
        assert_eq!(
            parse_text::<String>("m()", "page", "31", "string"),
            Ok("31".to_owned())
        );
        assert_eq!(
            parse_text::<bool>("m()", "batch", "true", "boolean"),
            Ok(true)
        );
        assert_eq!(
            parse_text::<i64>("m()", "limit", "many", "integer"),
            Err("`m()`: \"many\" is not a valid `limit`; expected integer".to_owned())
        );
    }

    #[test]
    fn parameters_are_found_by_wire_or_setter_name() {
        let params = vec![
            ("group_by[]".to_owned(), "model".to_owned()),
            ("group-by".to_owned(), "workspace_id".to_owned()),
            ("limit".to_owned(), "7".to_owned()),
        ];
        assert_eq!(
            text_values(&params, &["group_by[]", "group_by"]),
            ["model", "workspace_id"]
        );
        assert_eq!(text_value("m()", &params, &["limit"]), Ok(Some("7")));
        assert!(text_value("m()", &params, &["group_by"]).is_err());
        assert!(check_param_names("m()", &params, &["group_by[]", "limit"]).is_ok());
        assert_eq!(
            check_param_names("m()", &params, &["limit"]),
            Err("`m()` has no parameter `group_by[]`; it has `limit`".to_owned())
        );
    }
}
