use std::future::Future;

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};

use crate::error::{Error, ErrorKind};

/// One page of a cursor-paginated response, as generated code reads it.
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor for the next page; `None` (or empty) when the server gives none.
    pub next_cursor: Option<String>,
    /// The server's own "more pages" flag, where the response has one.
    pub has_more: Option<bool>,
}

/// Normalises the cursor fields generated types use (`String`, `Option<String>`).
pub trait Cursor {
    fn into_cursor(self) -> Option<String>;
}

impl Cursor for String {
    fn into_cursor(self) -> Option<String> {
        Some(self).filter(|cursor| !cursor.is_empty())
    }
}

impl Cursor for Option<String> {
    fn into_cursor(self) -> Option<String> {
        self.and_then(Cursor::into_cursor)
    }
}

/// Normalises the "has more" fields generated types use (`bool`, `Option<bool>`).
pub trait HasMore {
    fn into_has_more(self) -> Option<bool>;
}

impl HasMore for bool {
    fn into_has_more(self) -> Option<bool> {
        Some(self)
    }
}

impl HasMore for Option<bool> {
    fn into_has_more(self) -> Option<bool> {
        self
    }
}

enum State<R> {
    Next(R, Option<String>),
    /// The last page was fine but points nowhere sensible: fail after its items.
    Broken(String),
    Done,
}

/// Streams the items of every page, fetching a page only when the previous one is
/// used up, so memory holds one page at a time.
///
/// `fetch(request, cursor)` sends `request` with `cursor` (none for the first page).
/// The stream ends when the server says there is no more (`has_more: false`, or no
/// cursor), and fails rather than loop if a server claims more pages but gives no
/// new cursor.
pub fn paginate<'a, R, T, E, F, Fut>(
    operation: &'static str,
    request: R,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + Send + Unpin + 'a
where
    R: Clone + Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
    F: Fn(R, Option<String>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>, Error<E>>> + Send + 'a,
{
    let pages = stream::try_unfold(State::Next(request, None), move |state| {
        let fetched = match state {
            State::Done => Ok(None),
            State::Broken(reason) => Err(reason),
            State::Next(request, cursor) => Ok(Some((
                fetch(request.clone(), cursor.clone()),
                request,
                cursor,
            ))),
        };
        async move {
            let (page, request, cursor) = match fetched {
                Ok(Some(next)) => next,
                Ok(None) => return Ok(None),
                Err(reason) => {
                    return Err(Error::new(operation, ErrorKind::InvalidRequest(reason)));
                }
            };
            let page = page.await?;
            let next = page.next_cursor.into_cursor();
            let state = match (page.has_more, next) {
                (Some(false), _) | (None, None) => State::Done,
                (Some(true), None) => State::Broken(
                    "the server said has_more but sent no cursor for the next page".into(),
                ),
                (_, Some(next)) if Some(&next) == cursor.as_ref() => State::Broken(format!(
                    "the server returned cursor {next:?} twice in a row; stopping instead of looping"
                )),
                (_, Some(next)) => State::Next(request, Some(next)),
            };
            Ok(Some((stream::iter(page.items.into_iter().map(Ok)), state)))
        }
    });
    Box::pin(pages.try_flatten())
}

/// Collects every item of every page.
pub async fn collect_all<T, E>(
    items: impl Stream<Item = Result<T, Error<E>>>,
) -> Result<Vec<T>, Error<E>> {
    items.try_collect().await
}
