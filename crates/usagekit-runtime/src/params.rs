//! Helpers for parameters that generated setters call.

use serde::de::DeserializeOwned;

/// A parameter's `default` from the spec, as JSON, in the parameter's type. The
/// generator lints that the default fits the type, so `None` means a generator bug
/// and the parameter is simply left out.
pub fn spec_default<T: DeserializeOwned>(json: &str) -> Option<T> {
    serde_json::from_str(json).ok()
}

/// The message `send` reports for a setter value that does not convert: the call,
/// the parameter, the value as given, and what the spec allows.
pub fn invalid_value(method: &str, parameter: &str, shown: &str, expected: &str) -> String {
    format!("`{method}`: {shown} is not a valid `{parameter}`; expected {expected}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_values_are_named_with_what_is_allowed() {
        assert_eq!(
            invalid_value("usage_costs()", "bucket_width", "\"2d\"", "one of `1d`"),
            "`usage_costs()`: \"2d\" is not a valid `bucket_width`; expected one of `1d`"
        );
    }

    #[test]
    fn spec_defaults_decode_into_the_parameter_type() {
        assert_eq!(
            spec_default::<String>("\"2024-01-01\""),
            Some("2024-01-01".to_owned())
        );
        assert_eq!(spec_default::<i64>("50"), Some(50));
        assert_eq!(spec_default::<i64>("\"fifty\""), None);
    }
}
