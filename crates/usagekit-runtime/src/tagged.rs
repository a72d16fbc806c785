use std::fmt;

use serde::Deserialize as _;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor,
};
use serde_json::value::RawValue;

/// A JSON object held raw, with the value of its tag field read out.
///
/// Generated discriminated unions decode through it: one pass finds the tag, one
/// decodes the object as the variant the tag names. No variant is tried and
/// thrown away, and an unknown tag can be kept as it came.
///
/// It reads from `serde_json` only (the APIs speak JSON).
pub struct Tagged {
    raw: Box<RawValue>,
    tag: Option<String>,
}

impl Tagged {
    pub fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        field: &'static str,
    ) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let tag = FindTag(field)
            .deserialize(&mut serde_json::Deserializer::from_str(raw.get()))
            .map_err(de::Error::custom)?;
        Ok(Self { raw, tag })
    }

    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// Decodes the whole object (tag included) as `T`.
    pub fn decode<T: DeserializeOwned, E: de::Error>(&self) -> Result<T, E> {
        serde_json::from_str(self.raw.get()).map_err(E::custom)
    }
}

/// Finds one string field of an object, skipping every other value unparsed.
struct FindTag(&'static str);

impl<'de> DeserializeSeed<'de> for FindTag {
    type Value = Option<String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FindTag {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` field", self.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut tag = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.0 && tag.is_none() {
                tag = map.next_value::<Option<String>>()?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapper(Tagged);

    impl<'de> serde::Deserialize<'de> for Wrapper {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Tagged::read(d, "object").map(Wrapper)
        }
    }

    impl fmt::Debug for Tagged {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "Tagged({:?})", self.tag)
        }
    }

    #[test]
    fn finds_the_tag_wherever_it_stands() {
        let first: Wrapper =
            serde_json::from_str(r#"{"object":"a","n":{"object":"inner"}}"#).unwrap();
        assert_eq!(first.0.tag(), Some("a"));
        let last: Wrapper =
            serde_json::from_str(r#"{"n":{"object":"inner"},"object":"b"}"#).unwrap();
        assert_eq!(last.0.tag(), Some("b"));
        let none: Wrapper = serde_json::from_str(r#"{"n":1}"#).unwrap();
        assert_eq!(none.0.tag(), None);
        let value: serde_json::Value = last.0.decode::<_, serde_json::Error>().unwrap();
        assert_eq!(value["n"]["object"], "inner");
    }

    #[test]
    fn non_objects_are_an_error() {
        assert!(serde_json::from_str::<Wrapper>("[1,2]").is_err());
    }
}
