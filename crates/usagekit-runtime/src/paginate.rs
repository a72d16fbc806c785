use std::collections::HashSet;
use std::collections::hash_map::RandomState;
use std::fmt::Debug;
use std::future::Future;
use std::hash::{BuildHasher, Hash};

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};

use crate::error::{Error, ErrorKind};

/// One page of a paginated response, as generated code reads it.
pub struct Page<T, C = String> {
    pub items: Vec<T>,
    /// Where the next page starts; `None` when the server gives nothing to follow.
    pub next_cursor: Option<C>,
    /// The server's own "more pages" flag, where the response has one.
    pub has_more: Option<bool>,
}

/// Normalises the cursor fields generated types use (`String`, `Option<String>`,
/// integers): an empty string is no cursor.
pub trait Cursor {
    type Value;
    fn into_cursor(self) -> Option<Self::Value>;
}

impl Cursor for String {
    type Value = String;
    fn into_cursor(self) -> Option<String> {
        Some(self).filter(|cursor| !cursor.is_empty())
    }
}

macro_rules! integer_cursor {
    ($($int:ty),*) => {$(
        impl Cursor for $int {
            type Value = $int;
            fn into_cursor(self) -> Option<$int> {
                Some(self)
            }
        }
    )*};
}
integer_cursor!(i32, i64, u32, u64);

impl<C: Cursor> Cursor for Option<C> {
    type Value = C::Value;
    fn into_cursor(self) -> Option<C::Value> {
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

impl<C: Cursor> Cursor for crate::Nullable<C> {
    type Value = C::Value;
    fn into_cursor(self) -> Option<C::Value> {
        self.into_option().and_then(Cursor::into_cursor)
    }
}

impl HasMore for crate::Nullable<bool> {
    fn into_has_more(self) -> Option<bool> {
        self.into_option()
    }
}

/// Where the stream is between pages.
struct State<R, C> {
    request: R,
    next: Next<C>,
    /// A 64-bit hash of every cursor sent so far: a server whose cursors cycle
    /// (A → B → A) is caught on the first repeat, not after memory runs out, in
    /// 8 bytes a page whatever the cursor's length. (A false repeat needs a 64-bit
    /// collision: about one in 10^11 for a million-page stream.)
    sent: HashSet<u64>,
    hasher: RandomState,
    pages: u64,
}

enum Next<C> {
    Fetch(Option<C>),
    /// The last page was fine but points nowhere sensible: fail after its items.
    Broken(String),
    Done,
}

/// Streams the items of every page, fetching a page only when the previous one is
/// used up, so memory holds one page at a time.
///
/// `fetch(request, cursor)` sends `request` with `cursor` (none for the first page).
/// The stream ends when the server says there is no more (`has_more: false`, or no
/// cursor). It fails with [`ErrorKind::Pagination`], after the items already
/// fetched, if the server claims more pages but gives no cursor, gives a cursor it
/// gave before, or if `max_pages` pages were fetched and the server still has more.
pub fn paginate<'a, R, T, C, E, F, Fut>(
    operation: &'static str,
    max_pages: Option<u64>,
    request: R,
    fetch: F,
) -> impl Stream<Item = Result<T, Error<E>>> + Send + Unpin + 'a
where
    R: Clone + Send + 'a,
    T: Send + 'a,
    C: Hash + Debug + Send + 'a,
    E: Send + 'a,
    F: Fn(R, Option<C>) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T, C>, Error<E>>> + Send + 'a,
{
    let start = State {
        request,
        next: Next::Fetch(None),
        sent: HashSet::new(),
        hasher: RandomState::new(),
        pages: 0,
    };
    let pages = stream::try_unfold(start, move |mut state| {
        let fetched = match std::mem::replace(&mut state.next, Next::Done) {
            Next::Done => Ok(None),
            Next::Broken(reason) => Err(reason),
            Next::Fetch(cursor) => Ok(Some(fetch(state.request.clone(), cursor))),
        };
        async move {
            let page = match fetched {
                Ok(Some(page)) => page.await?,
                Ok(None) => return Ok(None),
                Err(reason) => return Err(Error::new(operation, ErrorKind::Pagination(reason))),
            };
            state.pages += 1;
            state.next = match (page.has_more, page.next_cursor) {
                (Some(false), _) | (None, None) => Next::Done,
                (Some(true), None) => Next::Broken(
                    "the server said there are more pages but sent no cursor for the next one"
                        .into(),
                ),
                (_, Some(_)) if max_pages.is_some_and(|max| state.pages >= max) => {
                    Next::Broken(format!(
                        "the server has more pages after {} (the client's max_pages)",
                        state.pages
                    ))
                }
                (_, Some(next)) if !state.sent.insert(state.hasher.hash_one(&next)) => {
                    Next::Broken(format!(
                        "the server returned cursor {next:?} again after {} pages; stopping instead of looping",
                        state.pages
                    ))
                }
                (_, Some(next)) => Next::Fetch(Some(next)),
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
