//! JSON text read for tools without losing digits: a `serde_json::Value` holds
//! numbers as `f64`, so a number an `f64` would change (more than 15 significant
//! digits, an integer beyond 64 bits, an exponent out of range) is quoted first and
//! kept as its exact text in a string; the report reads numbers from either. A
//! page is printed from its own text, whitespace removed, digits untouched.

use std::borrow::Cow;

/// Calls `on_number(start, end)` for each number outside strings.
fn scan(text: &[u8], mut on_number: impl FnMut(usize, usize)) {
    let mut i = 0;
    let mut in_string = false;
    while i < text.len() {
        let byte = text[i];
        if in_string {
            match byte {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
        } else if byte == b'"' {
            in_string = true;
            i += 1;
        } else if byte == b'-' || byte.is_ascii_digit() {
            let start = i;
            while i < text.len()
                && matches!(text[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
            {
                i += 1;
            }
            on_number(start, i);
        } else {
            i += 1;
        }
    }
}

/// Whether an `f64` (or serde_json's 64-bit integers) would change this number.
fn inexact(token: &str) -> bool {
    if !token.contains(['.', 'e', 'E']) {
        return token.parse::<i64>().is_err() && token.parse::<u64>().is_err();
    }
    let (mantissa, exponent) = match token.find(['e', 'E']) {
        Some(at) => (
            &token[..at],
            token[at + 1..].parse::<i64>().unwrap_or(i64::MAX),
        ),
        None => (token, 0),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    significant.len() > 15 || exponent.unsigned_abs() > 300
}

/// `text` with every number an `f64` would change put in quotes.
pub(crate) fn quote_inexact_numbers(text: &[u8]) -> Cow<'_, [u8]> {
    let mut spans = Vec::new();
    scan(text, |start, end| {
        if std::str::from_utf8(&text[start..end]).is_ok_and(inexact) {
            spans.push((start, end));
        }
    });
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = Vec::with_capacity(text.len() + 2 * spans.len());
    let mut from = 0;
    for (start, end) in spans {
        out.extend_from_slice(&text[from..start]);
        out.push(b'"');
        out.extend_from_slice(&text[start..end]);
        out.push(b'"');
        from = end;
    }
    out.extend_from_slice(&text[from..]);
    Cow::Owned(out)
}

/// `text` on one line: whitespace outside strings removed, nothing else changed.
pub(crate) fn minify(text: &[u8]) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
            out.push(byte);
        } else if !byte.is_ascii_whitespace() {
            out.push(byte);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_numbers_an_f64_would_change_are_quoted() {
        let text = br#"{"a": 1234.567890123456789, "b": 0.06, "c": "1.2345678901234567890", "d": 18446744073709551616, "e": -12, "f": 1e400, "g": [0.1000000000000000000]}"#;
        let quoted = quote_inexact_numbers(text);
        let value: serde_json::Value = serde_json::from_slice(&quoted).unwrap();
        assert_eq!(value["a"], "1234.567890123456789");
        assert_eq!(value["b"], serde_json::json!(0.06));
        assert_eq!(value["c"], "1.2345678901234567890");
        assert_eq!(value["d"], "18446744073709551616");
        assert_eq!(value["e"], -12);
        assert_eq!(value["f"], "1e400");
        assert_eq!(value["g"][0], serde_json::json!(0.1));
        assert!(matches!(
            quote_inexact_numbers(br#"{"x": [1, 2.5]}"#),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn minified_text_keeps_strings_and_digits() {
        let text = b"{\n  \"a b\": \"x \\\" y\",\n  \"n\": 1234.567890123456789\n}\n";
        assert_eq!(minify(text), r#"{"a b":"x \" y","n":1234.567890123456789}"#);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn any_text_is_read_without_panic(text in prop::collection::vec(any::<u8>(), 0..200)) {
            let _ = quote_inexact_numbers(&text);
            let _ = minify(&text);
        }

        #[test]
        fn json_means_the_same_after_both(
            numbers in prop::collection::vec((-1_000_000_000i64..1_000_000_000, 0i32..6), 0..8),
            words in prop::collection::vec("[ a-z\"\\\\]{0,8}", 0..4),
        ) {
            // Numbers of at most 15 significant digits: an f64 keeps them.
            let numbers: Vec<f64> = numbers.into_iter().map(|(n, k)| n as f64 / 10f64.powi(k)).collect();
            let value = serde_json::json!({"numbers": numbers, "words": words});
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            let quoted: serde_json::Value = serde_json::from_slice(&quote_inexact_numbers(pretty.as_bytes())).unwrap();
            prop_assert_eq!(&quoted, &value);
            let minified: serde_json::Value = serde_json::from_str(&minify(pretty.as_bytes())).unwrap();
            prop_assert_eq!(minified, value);
        }
    }
}
