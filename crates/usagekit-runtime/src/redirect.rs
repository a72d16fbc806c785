//! Which redirects a client follows: only those that stay on the configured origin.
//!
//! Credentials and user headers ride on every request. reqwest drops
//! `Authorization` on a cross-host redirect, but not an `x-api-key` or any other
//! header, and it keeps them across a change of port or scheme. So a redirect to
//! another origin (scheme, host or port) is not followed at all: the 3xx comes back
//! as an error naming the operation, the status and the target. Following it
//! without credentials would only trade a clear error for a confusing 401.

use reqwest::Url;
use reqwest::redirect::{Attempt, Policy};

/// Same-origin hops followed before a call fails as a redirect loop.
pub const MAX_REDIRECTS: usize = 10;

/// `base` is the configured base URL; only its origin matters.
pub(crate) fn same_origin_only(base: Url) -> Policy {
    Policy::custom(move |attempt: Attempt<'_>| {
        if attempt.url().origin() != base.origin() {
            attempt.stop()
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
        } else {
            attempt.follow()
        }
    })
}
