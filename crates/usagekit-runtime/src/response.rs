//! Sending a generated operation's [`Request`] and reading what comes back: the
//! decoded body with its status and headers, or an [`Error`] that names the
//! operation and the status.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::{Error, ErrorDecoder, ErrorKind, error_response};
use crate::request::Request;
use crate::transport::Runtime;

/// A decoded response body, with the response's status and headers.
pub struct ResponseValue<T> {
    inner: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ResponseValue<T> {
    pub fn new(inner: T, status: StatusCode, headers: HeaderMap) -> Self {
        Self {
            inner,
            status,
            headers,
        }
    }

    pub fn into_inner(self) -> T {
        self.inner
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The same response around another body.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
        ResponseValue {
            inner: f(self.inner),
            status: self.status,
            headers: self.headers,
        }
    }
}

impl<T> std::ops::Deref for ResponseValue<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> std::ops::DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

type Chunks = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

/// A body read as it arrives (downloads, server-sent events), chunk by chunk.
pub struct ByteStream(Chunks);

impl ByteStream {
    pub(crate) fn new(response: reqwest::Response) -> Self {
        Self(Box::pin(response.bytes_stream()))
    }

    /// The whole body, read to its end.
    pub async fn collect(mut self) -> reqwest::Result<Bytes> {
        use futures_util::StreamExt;
        let mut all = Vec::new();
        while let Some(chunk) = self.0.next().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.into())
    }
}

impl Stream for ByteStream {
    type Item = reqwest::Result<Bytes>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ByteStream")
    }
}

/// How a generated operation decodes its success statuses: the typed body for a
/// documented status, `None` for one the spec does not list.
pub type SuccessDecoder<T> = fn(u16, Bytes) -> Option<Result<T, serde_json::Error>>;

/// What a call of an operation needs besides its request: its decoders and where
/// the provider's message is in its error bodies.
pub struct Decoders<T: 'static, E: 'static> {
    pub success: SuccessDecoder<T>,
    pub error: ErrorDecoder<E>,
    pub message_pointers: &'static [&'static str],
}

/// A JSON body, for success decoders.
pub fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// A text body (invalid UTF-8 replaced), for success decoders.
pub fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// Sends the request and decodes its response.
pub async fn send<T, E>(
    runtime: &Runtime,
    request: Request,
    decoders: &Decoders<T, E>,
) -> Result<ResponseValue<T>, Error<E>> {
    send_keeping_body(runtime, request, decoders)
        .await
        .map(|(value, _)| value)
}

/// [`send`], also keeping the success body as the server sent it (tools show it).
pub async fn send_keeping_body<T, E>(
    runtime: &Runtime,
    request: Request,
    decoders: &Decoders<T, E>,
) -> Result<(ResponseValue<T>, Bytes), Error<E>> {
    let operation = request.operation;
    let response = dispatch(runtime, request).await?;
    let status = response.status();
    if !status.is_success() {
        let kind = error_response(response, decoders.error, decoders.message_pointers).await;
        return Err(Error::new(operation, kind));
    }
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(|source| {
        Error::new(
            operation,
            ErrorKind::Body {
                status,
                source: source.without_url(),
            },
        )
    })?;
    let kind = match (decoders.success)(status.as_u16(), body.clone()) {
        Some(Ok(value)) => return Ok((ResponseValue::new(value, status, headers), body)),
        Some(Err(source)) => ErrorKind::Decode {
            status: Some(status),
            snippet: crate::error::snippet(&body),
            source,
        },
        None => ErrorKind::Status {
            status,
            headers,
            message: None,
            snippet: crate::error::snippet(&body),
        },
    };
    Err(Error::new(operation, kind))
}

/// Sends the request and hands over its success body unread, as a stream, when
/// its status is one of `statuses` (`(low, high)` ranges).
pub async fn send_streaming<E>(
    runtime: &Runtime,
    request: Request,
    statuses: &[(u16, u16)],
    decoders: &Decoders<(), E>,
) -> Result<ResponseValue<ByteStream>, Error<E>> {
    let operation = request.operation;
    let response = dispatch(runtime, request).await?;
    let status = response.status();
    let documented = statuses
        .iter()
        .any(|(low, high)| (*low..=*high).contains(&status.as_u16()));
    if status.is_success() && documented {
        let headers = response.headers().clone();
        return Ok(ResponseValue::new(
            ByteStream::new(response),
            status,
            headers,
        ));
    }
    let kind = error_response(response, decoders.error, decoders.message_pointers).await;
    Err(Error::new(operation, kind))
}

/// The request on the wire, credentials added, retried as the client says.
async fn dispatch<E>(runtime: &Runtime, request: Request) -> Result<reqwest::Response, Error<E>> {
    let operation = request.operation;
    let invalid = |reason: String| Error::new(operation, ErrorKind::InvalidRequest(reason));
    if let Some(reason) = request.error {
        return Err(invalid(reason));
    }
    let mut url = reqwest::Url::parse(&format!("{}{}", runtime.base_url(), request.path))
        .map_err(|e| invalid(format!("the URL of `{}` is not valid: {e}", request.path)))?;
    if !request.query.is_empty() {
        url.query_pairs_mut().extend_pairs(&request.query);
    }
    let mut wire = reqwest::Request::new(request.method, url);
    let headers = wire.headers_mut();
    if let Some(accept) = request.accept {
        headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static(accept));
    }
    for (name, value) in &request.headers {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| invalid(format!("`{name}` is not a header name")))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            invalid(format!(
                "the value of header `{name}` is not valid in a header"
            ))
        })?;
        headers.append(name, value);
    }
    if !request.cookies.is_empty() {
        let joined: Vec<String> = request
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        let value = HeaderValue::from_str(&joined.join("; "))
            .map_err(|_| invalid("a cookie value is not valid in a header".to_owned()))?;
        headers.insert(reqwest::header::COOKIE, value);
    }
    if let Some((body, content_type)) = request.body {
        let value = HeaderValue::from_str(&content_type)
            .map_err(|_| invalid(format!("`{content_type}` is not a content type")))?;
        wire.headers_mut()
            .insert(reqwest::header::CONTENT_TYPE, value);
        *wire.body_mut() = Some(body.into());
    }
    let hidden = runtime
        .authorize(&mut wire, request.security)
        .map_err(invalid)?;
    runtime
        .execute(wire)
        .await
        .map_err(|error| Error::new(operation, ErrorKind::Transport(redact(error, &hidden))))
}

/// The error without the query parameters that carried credentials.
fn redact(mut error: reqwest::Error, hidden: &[&str]) -> reqwest::Error {
    if hidden.is_empty() {
        return error;
    }
    if let Some(url) = error.url_mut() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(name, _)| !hidden.contains(&name.as_ref()))
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        url.set_query(None);
        if !kept.is_empty() {
            url.query_pairs_mut().extend_pairs(kept);
        }
    }
    error
}

/// Something done with a documented response body's type, chosen at run time by
/// operation and status: a generated crate's `__round_trip` calls
/// [`with`](Self::with) with the type its spec documents, so tests can decode and
/// re-encode every example without naming each type. Generic, so a crate pays
/// nothing for it unless something calls it.
pub trait WithBodyType {
    type Output;
    fn with<T: serde::de::DeserializeOwned + serde::Serialize>(self) -> Self::Output;
}
