//! Exact decimals on the wire: `format: decimal` fields read digit for digit from
//! the JSON text (never through an `f64`), and written back as the spec types them,
//! a number as a number and a string as a string.
//!
//! serde_json hands a value's raw text to a deserializer that asks for its
//! `RawValue` newtype; any other deserializer (serde's buffering for untagged enums,
//! a `serde_json::Value`) answers the same request with the value itself, which
//! is read as well as it can be there.

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::nullable::Nullable;

/// serde_json's name for a raw value (`serde_json::value::RawValue`).
const RAW_VALUE: &str = "$serde_json::private::RawValue";

/// `text` as a decimal: a JSON number, or a JSON string holding one.
fn parse<E: de::Error>(text: &str) -> Result<Decimal, E> {
    let text = text.trim();
    let unquoted: Cow<'_, str> = if text.starts_with('"') {
        Cow::Owned(serde_json::from_str::<String>(text).map_err(E::custom)?)
    } else {
        Cow::Borrowed(text)
    };
    let digits = unquoted.trim();
    Decimal::from_str_exact(digits)
        .or_else(|_| Decimal::from_scientific(digits))
        .map_err(|_| E::custom(format!("`{digits}` is not a decimal number")))
}

/// A string, borrowed from the input when the deserializer can lend it (no
/// allocation per decimal on the fast path).
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Lend;
        impl<'de> Visitor<'de> for Lend {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("text")
            }
            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_owned())))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text)))
            }
        }
        deserializer.deserialize_str(Lend)
    }
}

/// Reads a decimal, or `null` when `NULLABLE`.
struct Exact<const NULLABLE: bool>;

impl<'de, const NULLABLE: bool> Visitor<'de> for Exact<NULLABLE> {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number, as a JSON number or string")
    }

    // serde_json: the raw text, as a one-entry map.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if map.next_key::<Cow<'de, str>>()?.is_none() {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        }
        let Text(raw) = map.next_value()?;
        if raw.trim() == "null" {
            return self.visit_unit();
        }
        parse(&raw).map(Some)
    }

    // Any other deserializer: the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        inner.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        parse(text).map(Some)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        parse(&value.to_string()).map(Some)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        if NULLABLE {
            Ok(None)
        } else {
            Err(E::invalid_type(de::Unexpected::Unit, &self))
        }
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, inner: D) -> Result<Self::Value, D::Error> {
        inner.deserialize_any(self)
    }
}

fn read<'de, D: Deserializer<'de>, const NULLABLE: bool>(
    deserializer: D,
) -> Result<Option<Decimal>, D::Error> {
    deserializer.deserialize_newtype_struct(RAW_VALUE, Exact::<NULLABLE>)
}

/// A required decimal.
pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    read::<D, false>(deserializer)?.ok_or_else(|| de::Error::custom("a decimal is missing"))
}

/// An optional or nullable decimal.
pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
    read::<D, true>(deserializer)
}

/// Writes `value`'s digits as a JSON number (to serde_json's writer, exactly).
pub fn write_number<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    let raw = serde_json::value::RawValue::from_string(value.to_string())
        .map_err(serde::ser::Error::custom)?;
    raw.serialize(serializer)
}

/// Writes `value`'s digits as a string.
pub fn write_string<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

pub fn write_optional_number<S: Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => write_number(value, serializer),
        None => serializer.serialize_none(),
    }
}

pub fn write_optional_string<S: Serializer>(
    value: &Option<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(value) => write_string(value, serializer),
        None => serializer.serialize_none(),
    }
}

/// A decimal the spec types as a number (`type: number, format: decimal`).
pub mod number {
    pub use super::{required as deserialize, write_number as serialize};
}

/// An optional or nullable [`number`].
pub mod number_option {
    pub use super::{optional as deserialize, write_optional_number as serialize};
}

/// A decimal the spec types as a string (`type: string, format: decimal`).
pub mod string {
    pub use super::{required as deserialize, write_string as serialize};
}

/// An optional or nullable [`string`].
pub mod string_option {
    pub use super::{optional as deserialize, write_optional_string as serialize};
}

/// A field that may be absent or `null` ([`Nullable`]): absent by
/// `#[serde(default)]`, so a present `null` is `Null` and comes back as `null`.
pub fn nullable<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Nullable<Decimal>, D::Error> {
    read::<D, true>(deserializer).map(Nullable::from)
}

pub fn write_nullable_number<S: Serializer>(
    value: &Nullable<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    write_optional_number(&value.value().copied(), serializer)
}

pub fn write_nullable_string<S: Serializer>(
    value: &Nullable<Decimal>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    write_optional_string(&value.value().copied(), serializer)
}

/// A [`number`] that may be absent or `null`, each kept apart.
pub mod number_nullable {
    pub use super::{nullable as deserialize, write_nullable_number as serialize};
}

/// A [`string`] that may be absent or `null`, each kept apart.
pub mod string_nullable {
    pub use super::{nullable as deserialize, write_nullable_string as serialize};
}

/// A decimal read exactly wherever serde finds it, for tests and tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExactDecimal(pub Decimal);

impl<'de> Deserialize<'de> for ExactDecimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        required(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Amounts {
        #[serde(with = "number")]
        value: Decimal,
        #[serde(with = "string")]
        text: Decimal,
        #[serde(
            default,
            with = "number_option",
            skip_serializing_if = "Option::is_none"
        )]
        maybe: Option<Decimal>,
        #[serde(with = "string_option")]
        nullable: Option<Decimal>,
    }

    #[test]
    fn digits_survive_from_number_or_string_and_keep_their_shape() {
        let wire = r#"{"value":1234.567890123456789,"text":"1234.567890123456789","maybe":0.06,"nullable":null}"#;
        let amounts: Amounts = serde_json::from_str(wire).unwrap();
        let exact = Decimal::from_str_exact("1234.567890123456789").unwrap();
        assert_eq!(amounts.value, exact);
        assert_eq!(amounts.text, exact);
        assert_eq!(
            amounts.maybe,
            Some(Decimal::from_str_exact("0.06").unwrap())
        );
        assert_eq!(amounts.nullable, None);
        assert_eq!(serde_json::to_string(&amounts).unwrap(), wire);

        // Either shape is read into either field; absent optional fields stay absent.
        let swapped: Amounts =
            serde_json::from_str(r#"{"value":"1e-3","text":12,"nullable":"7.10"}"#).unwrap();
        assert_eq!(swapped.value, Decimal::from_str_exact("0.001").unwrap());
        assert_eq!(swapped.text, Decimal::from(12));
        assert_eq!(
            serde_json::to_string(&swapped).unwrap(),
            r#"{"value":0.001,"text":"12","nullable":"7.10"}"#
        );
        assert_eq!(swapped.maybe, None);
    }

    #[test]
    fn from_a_value_or_a_buffered_enum_it_reads_what_it_can() {
        let value = serde_json::json!({"value": 0.5, "text": "2.25", "nullable": null});
        let amounts: Amounts = serde_json::from_value(value).unwrap();
        assert_eq!(amounts.value, Decimal::from_str_exact("0.5").unwrap());

        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Amount(ExactDecimal),
        }
        let Either::Amount(found) = serde_json::from_str::<Either>("\"99.125\"").unwrap();
        assert_eq!(found.0, Decimal::from_str_exact("99.125").unwrap());
    }

    #[test]
    fn bad_values_say_what_they_are() {
        let err = serde_json::from_str::<Amounts>(r#"{"value":"abc","text":"1","nullable":null}"#)
            .unwrap_err();
        assert!(
            err.to_string().contains("`abc` is not a decimal number"),
            "{err}"
        );
        assert!(
            serde_json::from_str::<Amounts>(r#"{"value":null,"text":"1","nullable":null}"#)
                .is_err()
        );
    }
}
