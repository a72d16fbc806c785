use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// How much of an unreadable body an error keeps and shows.
const SNIPPET_CHARS: usize = 200;

/// A failed call: which operation, and what went wrong.
///
/// `E` is the operation's documented error body, decoded per the spec.
pub struct Error<E> {
    operation: &'static str,
    kind: ErrorKind<E>,
}

/// `{:?}` is what `fn main() -> Result<…>` prints on failure: the message a person
/// reads, then the structure. `{:#?}` gives the structure alone, pretty.
impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let structure = |f: &mut fmt::Formatter<'_>| {
            f.debug_struct("Error")
                .field("operation", &self.operation)
                .field("kind", &self.kind)
                .finish()
        };
        if f.alternate() {
            structure(f)
        } else {
            write!(f, "{self}\n\n")?;
            structure(f)
        }
    }
}

#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind<E> {
    /// The request was not sent: a required parameter is missing or a value is invalid.
    InvalidRequest(String),
    /// No response: connection failure, timeout before the status arrived, or a
    /// redirect loop.
    Transport(reqwest::Error),
    /// The status and headers arrived, then reading the body failed (reset,
    /// truncated, stalled past the timeout).
    Body {
        status: StatusCode,
        source: reqwest::Error,
    },
    /// A redirect that was not followed: it leads to another origin, where the
    /// client's credentials must not go.
    Redirect {
        status: StatusCode,
        location: Option<String>,
    },
    /// The server's pagination broke its own rules: a cursor it already gave, "more"
    /// with no cursor, or more pages than the client's `max_pages`. The items before
    /// the fault were delivered.
    Pagination(String),
    /// A documented error response, decoded into its typed body.
    Api(ApiError<E>),
    /// An error status without a typed body: undocumented, or documented with no
    /// schema. `message` is the provider's message where the body has one.
    Status {
        status: StatusCode,
        headers: HeaderMap,
        message: Option<String>,
        snippet: String,
    },
    /// The body is not what the spec says this status returns.
    Decode {
        status: Option<StatusCode>,
        snippet: String,
        source: serde_json::Error,
    },
}

/// A documented error response.
#[derive(Debug)]
pub struct ApiError<E> {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: E,
    /// The provider's own message, where its error body has one.
    pub message: Option<String>,
}

impl<E> Error<E> {
    pub fn new(operation: &'static str, kind: ErrorKind<E>) -> Self {
        Self { operation, kind }
    }

    /// The spec's operationId of the failed call.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    pub fn kind(&self) -> &ErrorKind<E> {
        &self.kind
    }

    pub fn into_kind(self) -> ErrorKind<E> {
        self.kind
    }

    /// The HTTP status, if a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.kind {
            ErrorKind::Api(api) => Some(api.status),
            ErrorKind::Status { status, .. }
            | ErrorKind::Body { status, .. }
            | ErrorKind::Redirect { status, .. } => Some(*status),
            ErrorKind::Decode { status, .. } => *status,
            ErrorKind::Transport(e) => e.status(),
            ErrorKind::InvalidRequest(_) | ErrorKind::Pagination(_) => None,
        }
    }

    /// The documented error response, if that is what arrived.
    pub fn api_error(&self) -> Option<&ApiError<E>> {
        match &self.kind {
            ErrorKind::Api(api) => Some(api),
            _ => None,
        }
    }

    pub fn is_timeout(&self) -> bool {
        matches!(&self.kind, ErrorKind::Transport(e) | ErrorKind::Body { source: e, .. } if e.is_timeout())
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let operation = self.operation;
        match &self.kind {
            ErrorKind::InvalidRequest(reason) => {
                write!(f, "{operation}: invalid request: {reason}")
            }
            ErrorKind::Transport(e) => {
                write!(f, "{operation}: request failed: ")?;
                write_chain(f, e)
            }
            ErrorKind::Body { status, source } => {
                write!(f, "{operation}: HTTP {status}: reading the body failed: ")?;
                write_chain(f, source)
            }
            ErrorKind::Redirect { status, location } => write!(
                f,
                "{operation}: HTTP {status}: redirect to {} not followed: it leads to another \
                 origin, and credentials are only sent to the configured base URL",
                location.as_deref().unwrap_or("(no Location header)")
            ),
            ErrorKind::Pagination(reason) => {
                write!(f, "{operation}: pagination stopped: {reason}")
            }
            ErrorKind::Api(api) => {
                write!(f, "{operation}: HTTP {}", api.status)?;
                match &api.message {
                    Some(message) => write!(f, ": {message}"),
                    None => Ok(()),
                }
            }
            ErrorKind::Status {
                status,
                message,
                snippet,
                ..
            } => write!(
                f,
                "{operation}: HTTP {status}: {}",
                message.as_deref().unwrap_or(snippet)
            ),
            ErrorKind::Decode {
                status,
                snippet,
                source,
            } => {
                write!(f, "{operation}: ")?;
                if let Some(status) = status {
                    write!(f, "HTTP {status} ")?;
                }
                write!(
                    f,
                    "body does not match the spec ({source}); body: {snippet}"
                )
            }
        }
    }
}

/// `error: cause: cause …`, each cause once.
fn write_chain(f: &mut fmt::Formatter<'_>, error: &reqwest::Error) -> fmt::Result {
    write!(f, "{error}")?;
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        write!(f, ": {cause}")?;
        source = cause.source();
    }
    Ok(())
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Transport(e) | ErrorKind::Body { source: e, .. } => Some(e),
            ErrorKind::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Decodes an error body as JSON; generated per-status decoders call it.
pub fn decode_error_json<E: serde::de::DeserializeOwned>(
    body: &[u8],
) -> Result<E, serde_json::Error> {
    serde_json::from_slice(body)
}

/// A generated operation's error responses: the typed body for a status, `None`
/// where the spec documents no body for it.
pub type ErrorDecoder<E> = fn(u16, &[u8]) -> Option<Result<E, serde_json::Error>>;

pub(crate) async fn error_response<E>(
    response: reqwest::Response,
    decode_error: ErrorDecoder<E>,
    message_pointers: &[&str],
) -> ErrorKind<E> {
    let status = response.status();
    // A 3xx with a target here is one the redirect policy refused to follow.
    if status.is_redirection()
        && let Some(location) = response.headers().get(reqwest::header::LOCATION)
    {
        let location = Some(String::from_utf8_lossy(location.as_bytes()).into_owned());
        return ErrorKind::Redirect { status, location };
    }
    let headers = response.headers().clone();
    let body: Bytes = match response.bytes().await {
        Ok(body) => body,
        Err(source) => {
            return ErrorKind::Body {
                status,
                source: source.without_url(),
            };
        }
    };
    let decoded = if status.is_success() {
        None
    } else {
        decode_error(status.as_u16(), &body)
    };
    match decoded {
        Some(Ok(typed)) => ErrorKind::Api(ApiError {
            status,
            headers,
            body: typed,
            message: provider_message(&body, message_pointers),
        }),
        Some(Err(source)) => ErrorKind::Decode {
            status: Some(status),
            snippet: snippet(&body),
            source,
        },
        None => ErrorKind::Status {
            status,
            headers,
            message: provider_message(&body, message_pointers),
            snippet: snippet(&body),
        },
    }
}

fn provider_message(body: &[u8], pointers: &[&str]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    pointers
        .iter()
        .find_map(|pointer| value.pointer(pointer)?.as_str().map(str::to_owned))
}

/// The start of a body, as text, for messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_owned();
    }
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_is_bounded_and_marks_the_cut() {
        let long = "x".repeat(5000);
        let cut = snippet(long.as_bytes());
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(snippet(b"  "), "(empty body)");
        assert_eq!(snippet("ünïcode".as_bytes()), "ünïcode");
    }

    #[test]
    fn provider_message_takes_the_first_pointer_that_is_a_string() {
        let body = br#"{"detail":[{"msg":"field required"}]}"#;
        assert_eq!(
            provider_message(body, &["/detail", "/detail/0/msg"]).as_deref(),
            Some("field required")
        );
        assert_eq!(provider_message(b"not json", &["/detail"]), None);
    }

    #[test]
    fn debug_leads_with_the_message_a_person_reads() {
        let error: Error<()> = Error::new(
            "usage-costs",
            ErrorKind::InvalidRequest("`usage_costs()` needs `start_time`".into()),
        );
        let shown = format!("{error:?}");
        assert!(shown.starts_with("usage-costs: "), "{shown}");
        assert!(
            shown.contains("needs `start_time`") && shown.contains("InvalidRequest"),
            "{shown}"
        );
        assert!(format!("{error:#?}").starts_with("Error {"));
    }
}
