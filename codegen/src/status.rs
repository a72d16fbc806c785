//! The one place that classifies a spec's response statuses. progenitor sees only
//! the successes; the runtime decodes every other status as an error, a redirect
//! it refused, or an unexpected status.

use openapiv3::StatusCode;

/// The statuses a spec key covers: `404` is 404..=404, `4XX` is 400..=499.
pub fn range(status: &StatusCode) -> (u16, u16) {
    match status {
        StatusCode::Code(code) => (*code, *code),
        StatusCode::Range(range) => (range * 100, range * 100 + 99),
    }
}

/// 2xx: the body is the operation's result.
pub fn is_success(status: &StatusCode) -> bool {
    matches!(range(status), (200..=299, _))
}

/// 4xx and 5xx: the body, if any, is the operation's error.
pub fn is_error(status: &StatusCode) -> bool {
    range(status).0 >= 400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_codes_and_ranges() {
        for (status, success, error) in [
            (StatusCode::Code(200), true, false),
            (StatusCode::Code(204), true, false),
            (StatusCode::Range(2), true, false),
            (StatusCode::Code(302), false, false),
            (StatusCode::Code(304), false, false),
            (StatusCode::Range(3), false, false),
            (StatusCode::Code(404), false, true),
            (StatusCode::Range(5), false, true),
        ] {
            assert_eq!(is_success(&status), success, "{status}");
            assert_eq!(is_error(&status), error, "{status}");
        }
    }
}
