//! Optional fields that may also be `null`. Absent and `null` are different on
//! the wire, and a client that stores or forwards what it decoded must give each
//! back as it came: such a field is a [`Nullable`] (or `Option<Value>`, whose
//! `Value::Null` is the `null`).

use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An optional field that may also be `null`: absent, `null`, or a value, each
/// serialised back as it came (`#[serde(default, skip_serializing_if =
/// "Nullable::is_absent")]`).
///
/// Read it like an `Option`: [`value`](Self::value), [`as_deref`](Self::as_deref),
/// [`into_option`](Self::into_option); it compares equal to an `Option` holding the
/// same value (`row.model == Some("gpt-4o".to_owned())`), absent and `null` both
/// being `None`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Nullable<T> {
    /// The field was not there.
    #[default]
    Absent,
    /// The field was `null`.
    Null,
    Value(T),
}

impl<T> Nullable<T> {
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether there is a value (neither absent nor `null`).
    pub fn is_some(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// Whether there is no value (absent or `null`).
    pub fn is_none(&self) -> bool {
        !self.is_some()
    }

    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }

    /// The value through `f`; absent and `null` stay what they were.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(f(value)),
        }
    }

    /// The value, if there is one (absent and `null` are `None`).
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value through `Deref` (`&str` of a `String`).
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: Deref,
    {
        self.value().map(Deref::deref)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

/// `None` is `null`: an `Option` says whether there is a value, not whether the
/// field is sent.
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T> From<Nullable<T>> for Option<T> {
    fn from(value: Nullable<T>) -> Self {
        value.into_option()
    }
}

impl<T: PartialEq> PartialEq<Option<T>> for Nullable<T> {
    fn eq(&self, other: &Option<T>) -> bool {
        self.value() == other.as_ref()
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => serializer.serialize_some(value),
            Self::Absent | Self::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// A present field, `null` included: `Some` of what `T` reads, for a `T` that
/// holds `null` itself (`#[serde(default, deserialize_with = "…")]`; absent stays
/// `None` by `default`).
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::Nullable;

    #[derive(Debug, PartialEq, Deserialize, Serialize)]
    struct Row {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        workspace: Nullable<String>,
        #[serde(
            default,
            deserialize_with = "super::present",
            skip_serializing_if = "Option::is_none"
        )]
        any: Option<serde_json::Value>,
    }

    #[test]
    fn absent_null_and_a_value_are_three_things_and_come_back_as_they_came() {
        for (wire, workspace, any) in [
            ("{}", Nullable::Absent, None),
            (
                r#"{"workspace":null,"any":null}"#,
                Nullable::Null,
                Some(serde_json::Value::Null),
            ),
            (
                r#"{"workspace":"w","any":[1]}"#,
                Nullable::Value("w".to_owned()),
                Some(serde_json::json!([1])),
            ),
        ] {
            let row: Row = serde_json::from_str(wire).unwrap();
            assert_eq!(row, Row { workspace, any }, "{wire}");
            assert_eq!(serde_json::to_string(&row).unwrap(), wire);
        }
    }

    #[test]
    fn it_reads_like_an_option() {
        let value = Nullable::from("gpt".to_owned());
        assert_eq!(value.as_deref(), Some("gpt"));
        assert_eq!(value, Some("gpt".to_owned()));
        assert_eq!(Nullable::<String>::Null, None);
        assert_eq!(Nullable::<String>::Absent, None);
        assert!(Nullable::<u8>::from(None).is_null());
        assert_eq!(Option::from(Nullable::Value(3)), Some(3));
    }
}
