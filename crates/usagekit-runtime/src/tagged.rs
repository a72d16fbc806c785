use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

/// A discriminated union whose variant is named by one string field of the object.
///
/// Generated unions implement this and decode through [`deserialize_tagged`].
pub trait TaggedUnion: Sized {
    /// The field whose value names the variant.
    const TAG: &'static str;

    /// Decodes `object` as the variant that `tag` names (`None`: no tag, or not a string).
    fn decode_variant<'de, A: MapAccess<'de>>(
        tag: Option<&str>,
        object: TaggedObject<'_, 'de, A>,
    ) -> Result<Self, A::Error>;
}

/// Decodes a [`TaggedUnion`] without trying variants.
///
/// When the tag is the object's first field (as the APIs send it) the variant is decoded
/// straight from the input, in one pass. Otherwise the object is buffered once and
/// decoded from the buffer.
pub fn deserialize_tagged<'de, U: TaggedUnion, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<U, D::Error> {
    deserializer.deserialize_map(UnionVisitor::<U>(PhantomData))
}

/// The object being decoded, with its tag already read.
pub struct TaggedObject<'t, 'de, A> {
    source: Source<'t, A>,
    de: PhantomData<&'de ()>,
}

enum Source<'t, A> {
    /// The tag field was first: its value, then the rest of the map unread.
    Streaming {
        tag_field: &'static str,
        tag_value: &'t Value,
        rest: A,
    },
    /// The tag came later, so the object was read into memory.
    Buffered(&'t Value),
}

impl<'de, A: MapAccess<'de>> TaggedObject<'_, 'de, A> {
    /// Decodes the whole object (tag field included) as `T`.
    pub fn decode<T: DeserializeOwned>(self) -> Result<T, A::Error> {
        match self.source {
            Source::Streaming {
                tag_field,
                tag_value,
                rest,
            } => T::deserialize(MapAccessDeserializer::new(TagThenRest {
                tag: Some((tag_field, tag_value)),
                pending_value: None,
                rest,
            })),
            Source::Buffered(object) => T::deserialize(object).map_err(de::Error::custom),
        }
    }
}

/// Replays the already-read tag field, then hands out the rest of the map.
struct TagThenRest<'t, A> {
    tag: Option<(&'static str, &'t Value)>,
    pending_value: Option<&'t Value>,
    rest: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TagThenRest<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.tag.take() {
            Some((field, value)) => {
                self.pending_value = Some(value);
                seed.deserialize(BorrowedStrDeserializer::new(field))
                    .map(Some)
            }
            None => self.rest.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending_value.take() {
            Some(Value::String(text)) => seed.deserialize(StrDeserializer::new(text)),
            // A tag that is not a string is rare; the variant will most likely reject it.
            Some(other) => seed.deserialize(other.clone()).map_err(de::Error::custom),
            None => self.rest.next_value_seed(seed),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        let replayed = usize::from(self.tag.is_some());
        self.rest.size_hint().map(|rest| rest + replayed)
    }
}

struct UnionVisitor<U>(PhantomData<U>);

impl<'de, U: TaggedUnion> Visitor<'de> for UnionVisitor<U> {
    type Value = U;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}` field", U::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
        match map.next_key_seed(FirstKeySeed(U::TAG))? {
            Some(FirstKey::Tag) => {
                let tag_value: Value = map.next_value()?;
                let object = TaggedObject {
                    source: Source::Streaming {
                        tag_field: U::TAG,
                        tag_value: &tag_value,
                        rest: map,
                    },
                    de: PhantomData,
                };
                U::decode_variant(tag_value.as_str(), object)
            }
            first => {
                let mut fields = Map::new();
                if let Some(FirstKey::Other(key)) = first {
                    fields.insert(key, map.next_value()?);
                    while let Some((key, value)) = map.next_entry::<String, Value>()? {
                        fields.insert(key, value);
                    }
                }
                let object = Value::Object(fields);
                let tag = object.get(U::TAG).and_then(Value::as_str);
                U::decode_variant(
                    tag,
                    TaggedObject::<'_, 'de, A> {
                        source: Source::Buffered(&object),
                        de: PhantomData,
                    },
                )
            }
        }
    }
}

/// An object's first key: the tag field, or another one (kept for buffering).
enum FirstKey {
    Tag,
    Other(String),
}

struct FirstKeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for FirstKeySeed {
    type Value = FirstKey;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for FirstKeySeed {
    type Value = FirstKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(if key == self.0 {
            FirstKey::Tag
        } else {
            FirstKey::Other(key.to_owned())
        })
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Self::Value, E> {
        Ok(if key == self.0 {
            FirstKey::Tag
        } else {
            FirstKey::Other(key)
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A two-variant union written the way codegen writes them.
    #[derive(Debug, PartialEq)]
    pub(crate) enum Shape {
        Circle(Circle),
        Unknown(Value),
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    pub(crate) struct Circle {
        kind: CircleKind,
        radius: f64,
        #[serde(default)]
        label: Option<String>,
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    enum CircleKind {
        #[serde(rename = "circle")]
        Circle,
    }

    impl TaggedUnion for Shape {
        const TAG: &'static str = "kind";
        fn decode_variant<'de, A: MapAccess<'de>>(
            tag: Option<&str>,
            object: TaggedObject<'_, 'de, A>,
        ) -> Result<Self, A::Error> {
            match tag {
                Some("circle") => object.decode().map(Self::Circle),
                _ => object.decode().map(Self::Unknown),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Shape {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_tagged(d)
        }
    }

    fn circle(radius: f64, label: Option<&str>) -> Shape {
        Shape::Circle(Circle {
            kind: CircleKind::Circle,
            radius,
            label: label.map(String::from),
        })
    }

    #[test]
    fn decodes_the_variant_whether_the_tag_comes_first_or_last() {
        let first: Shape =
            serde_json::from_str(r#"{"kind":"circle","radius":2.0,"label":"a"}"#).unwrap();
        assert_eq!(first, circle(2.0, Some("a")));
        let last: Shape =
            serde_json::from_str(r#"{"label":"b","radius":3.5,"kind":"circle"}"#).unwrap();
        assert_eq!(last, circle(3.5, Some("b")));
        let alone: Shape = serde_json::from_str(r#"{"kind":"circle","radius":1}"#).unwrap();
        assert_eq!(alone, circle(1.0, None));
    }

    #[test]
    fn keeps_unknown_and_untagged_objects_whole() {
        for text in [
            r#"{"kind":"square","side":2,"nested":{"kind":"circle"}}"#,
            r#"{"side":2,"kind":"square"}"#,
            r#"{"kind":null,"side":2}"#,
            r#"{"side":2}"#,
            r#"{}"#,
        ] {
            let shape: Shape = serde_json::from_str(text).unwrap();
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(shape, Shape::Unknown(expected), "{text}");
        }
    }

    #[test]
    fn a_known_tag_with_a_bad_body_is_an_error_not_unknown() {
        let error = serde_json::from_str::<Shape>(r#"{"kind":"circle","radius":"big"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid type"), "{error}");
        let error = serde_json::from_str::<Shape>(r#"{"radius":"big","kind":"circle"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("invalid type"), "{error}");
        let error =
            serde_json::from_str::<Shape>(r#"{"kind":"circle","kind":"circle","radius":1}"#)
                .unwrap_err()
                .to_string();
        assert!(error.contains("duplicate field `kind`"), "{error}");
    }

    #[test]
    fn non_objects_are_an_error() {
        let error = serde_json::from_str::<Shape>("[1,2]")
            .unwrap_err()
            .to_string();
        assert!(error.contains("an object with a `kind` field"), "{error}");
    }

    #[test]
    fn streams_through_arrays_of_unions() {
        let shapes: Vec<Shape> = serde_json::from_str(
            r#"[{"kind":"circle","radius":1},{"kind":"dot"},{"radius":4,"kind":"circle"}]"#,
        )
        .unwrap();
        assert_eq!(shapes.len(), 3);
        assert_eq!(shapes[0], circle(1.0, None));
        assert!(matches!(shapes[1], Shape::Unknown(_)));
        assert_eq!(shapes[2], circle(4.0, None));
    }
}
