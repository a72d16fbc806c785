//! String enums in responses that stay open to values the spec does not list yet.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};

/// Decodes a string enum that keeps unknown values: `known` maps the values the
/// spec lists, and anything else becomes `unknown(value)`. Generated response enums
/// decode through this, so a provider adding a value does not break every page.
pub fn deserialize_open_enum<'de, D, T>(
    deserializer: D,
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(OpenEnumVisitor {
        known,
        unknown,
        marker: PhantomData,
    })
}

struct OpenEnumVisitor<T> {
    known: fn(&str) -> Option<T>,
    unknown: fn(String) -> T,
    marker: PhantomData<T>,
}

impl<T> Visitor<'_> for OpenEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok((self.known)(value).unwrap_or_else(|| (self.unknown)(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<T, E> {
        Ok(match (self.known)(&value) {
            Some(known) => known,
            None => (self.unknown)(value),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Object {
        Page,
        Unknown(String),
    }

    fn decode(json: &str) -> Result<Object, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        deserialize_open_enum(
            &mut de,
            |value| (value == "page").then_some(Object::Page),
            Object::Unknown,
        )
    }

    #[test]
    fn known_values_map_and_others_are_kept() {
        assert_eq!(decode(r#""page""#).unwrap(), Object::Page);
        assert_eq!(decode(r#""list""#).unwrap(), Object::Unknown("list".into()));
        assert_eq!(
            decode(r#""p\u0061ge""#).unwrap(),
            Object::Page,
            "escaped strings decode too"
        );
        assert!(decode("7").is_err(), "not a string is still an error");
    }
}
