//! Helpers generated request code calls for parameters progenitor does not handle.

use std::fmt::Display;

use serde::de::DeserializeOwned;

/// An array header parameter on the wire: OpenAPI's `simple` style joins the
/// values with commas (`x-tags: a,b,c`).
pub fn header_list<T: Display>(values: &[T]) -> String {
    let mut joined = String::new();
    for (index, value) in values.iter().enumerate() {
        if index > 0 {
            joined.push(',');
        }
        joined.push_str(&value.to_string());
    }
    joined
}

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
    fn header_lists_are_comma_joined() {
        assert_eq!(header_list(&["a", "b c", "d"]), "a,b c,d");
        assert_eq!(header_list::<u8>(&[]), "");
        assert_eq!(header_list(&[7]), "7");
    }

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
