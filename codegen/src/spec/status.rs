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

/// A `responses` key as written (`200`, `4XX`); `None` for `default` or a key
/// that is no status.
pub fn parse_key(key: &str) -> Option<StatusCode> {
    match key.as_bytes() {
        [class, b'X' | b'x', b'X' | b'x'] if class.is_ascii_digit() => {
            Some(StatusCode::Range(u16::from(class - b'0')))
        }
        _ => key.parse().ok().map(StatusCode::Code),
    }
}

/// A `responses` key whose body is a result.
pub fn key_is_success(key: &str) -> bool {
    parse_key(key).is_some_and(|status| is_success(&status))
}

/// A `responses` key whose body is an error: 4xx, 5xx and `default`.
pub fn key_is_error(key: &str) -> bool {
    key == "default" || parse_key(key).is_some_and(|status| is_error(&status))
}

/// The Rust variant a success status is named by: its reason phrase.
pub fn reason_variant(status: &StatusCode) -> String {
    match status {
        StatusCode::Code(200) => "Ok".to_owned(),
        StatusCode::Code(201) => "Created".to_owned(),
        StatusCode::Code(202) => "Accepted".to_owned(),
        StatusCode::Code(203) => "NonAuthoritativeInformation".to_owned(),
        StatusCode::Code(204) => "NoContent".to_owned(),
        StatusCode::Code(205) => "ResetContent".to_owned(),
        StatusCode::Code(206) => "PartialContent".to_owned(),
        StatusCode::Code(207) => "MultiStatus".to_owned(),
        StatusCode::Code(208) => "AlreadyReported".to_owned(),
        StatusCode::Code(226) => "ImUsed".to_owned(),
        StatusCode::Range(2) => "Success".to_owned(),
        other => format!("Status{other}"),
    }
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
            assert_eq!(key_is_success(&status.to_string()), success, "{status}");
            assert_eq!(key_is_error(&status.to_string()), error, "{status}");
        }
        assert!(key_is_error("default") && !key_is_success("default"));
        assert_eq!(parse_key("4xx"), Some(StatusCode::Range(4)));
        assert_eq!(parse_key("nope"), None);
    }
}
