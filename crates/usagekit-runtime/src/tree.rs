//! Any `Serialize` value as a small ordered tree, for writing parameters and
//! form and multipart bodies: fields keep their declared order (a JSON map would
//! sort them), numbers keep their own text, and files stay bytes.

use serde::ser::{self, Serialize};

use crate::file::{FILE_MARKER, File};

/// A serialized value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tree {
    Null,
    Bool(bool),
    /// A number as Rust writes it (`12`, `0.5`).
    Number(String),
    String(String),
    Seq(Vec<Tree>),
    /// Fields or entries, in order.
    Map(Vec<(String, Tree)>),
    /// A [`File`] (multipart bodies).
    File(File),
}

impl Tree {
    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// JSON text of this value (a nested value inside a parameter or a part).
    pub(crate) fn to_json(&self) -> String {
        match self {
            Self::Null => "null".to_owned(),
            Self::Bool(b) => b.to_string(),
            Self::Number(n) => n.clone(),
            Self::String(s) | Self::File(File { name: Some(s), .. }) => {
                serde_json::Value::String(s.clone()).to_string()
            }
            Self::File(_) => "null".to_owned(),
            Self::Seq(items) => {
                let items: Vec<String> = items.iter().map(Tree::to_json).collect();
                format!("[{}]", items.join(","))
            }
            Self::Map(entries) => {
                let entries: Vec<String> = entries
                    .iter()
                    .map(|(k, v)| {
                        format!("{}:{}", serde_json::Value::String(k.clone()), v.to_json())
                    })
                    .collect();
                format!("{{{}}}", entries.join(","))
            }
        }
    }
}

/// A file from the fields its `Serialize` writes.
fn file_from_fields(fields: Vec<(String, Tree)>) -> File {
    let mut file = File::default();
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("name", Tree::String(name)) => file.name = Some(name),
            ("content_type", Tree::String(kind)) => file.content_type = Some(kind),
            ("bytes", Tree::File(inner)) => file.bytes = inner.bytes,
            _ => {}
        }
    }
    file
}

/// `value` as a tree.
pub(crate) fn to_tree<T: Serialize + ?Sized>(value: &T) -> Result<Tree, String> {
    value
        .serialize(TreeSerializer)
        .map_err(|error| format!("cannot encode the value: {}", error.0))
}

#[derive(Debug)]
pub(crate) struct TreeError(String);

impl std::fmt::Display for TreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TreeError {}

impl ser::Error for TreeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

struct TreeSerializer;

fn number(text: String) -> Result<Tree, TreeError> {
    Ok(Tree::Number(text))
}

fn float(value: f64) -> Result<Tree, TreeError> {
    if value.is_finite() {
        number(value.to_string())
    } else {
        Err(TreeError(format!("{value} is not a number JSON can carry")))
    }
}

impl ser::Serializer for TreeSerializer {
    type Ok = Tree;
    type Error = TreeError;
    type SerializeSeq = SeqBuilder;
    type SerializeTuple = SeqBuilder;
    type SerializeTupleStruct = SeqBuilder;
    type SerializeTupleVariant = Variant<SeqBuilder>;
    type SerializeMap = MapBuilder;
    type SerializeStruct = MapBuilder;
    type SerializeStructVariant = Variant<MapBuilder>;

    fn serialize_bool(self, v: bool) -> Result<Tree, TreeError> {
        Ok(Tree::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<Tree, TreeError> {
        number(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<Tree, TreeError> {
        float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Tree, TreeError> {
        float(v)
    }
    fn serialize_char(self, v: char) -> Result<Tree, TreeError> {
        Ok(Tree::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Tree, TreeError> {
        Ok(Tree::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Tree, TreeError> {
        Ok(Tree::File(File::from_bytes(v.to_vec())))
    }
    fn serialize_none(self) -> Result<Tree, TreeError> {
        Ok(Tree::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Tree, TreeError> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Tree, TreeError> {
        Ok(Tree::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Tree, TreeError> {
        Ok(Tree::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Tree, TreeError> {
        Ok(Tree::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Tree, TreeError> {
        if name == FILE_MARKER {
            return match value.serialize(TreeSerializer)? {
                Tree::Map(fields) => Ok(Tree::File(file_from_fields(fields))),
                other => Err(TreeError(format!("a file serialized as {other:?}"))),
            };
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Tree, TreeError> {
        Ok(Tree::Map(vec![(
            variant.to_owned(),
            value.serialize(self)?,
        )]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder, TreeError> {
        Ok(SeqBuilder(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder, TreeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqBuilder, TreeError> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<SeqBuilder>, TreeError> {
        Ok(Variant(variant, SeqBuilder(Vec::with_capacity(len))))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder, TreeError> {
        Ok(MapBuilder {
            entries: Vec::with_capacity(len.unwrap_or(0)),
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<MapBuilder, TreeError> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<MapBuilder>, TreeError> {
        Ok(Variant(variant, self.serialize_map(Some(len))?))
    }
}

pub(crate) struct SeqBuilder(Vec<Tree>);

impl ser::SerializeSeq for SeqBuilder {
    type Ok = Tree;
    type Error = TreeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        self.0.push(value.serialize(TreeSerializer)?);
        Ok(())
    }
    fn end(self) -> Result<Tree, TreeError> {
        Ok(Tree::Seq(self.0))
    }
}

impl ser::SerializeTuple for SeqBuilder {
    type Ok = Tree;
    type Error = TreeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree, TreeError> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for SeqBuilder {
    type Ok = Tree;
    type Error = TreeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<Tree, TreeError> {
        ser::SerializeSeq::end(self)
    }
}

pub(crate) struct MapBuilder {
    entries: Vec<(String, Tree)>,
    key: Option<String>,
}

impl ser::SerializeMap for MapBuilder {
    type Ok = Tree;
    type Error = TreeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TreeError> {
        self.key = Some(match key.serialize(TreeSerializer)? {
            Tree::String(text) | Tree::Number(text) => text,
            Tree::Bool(b) => b.to_string(),
            other => return Err(TreeError(format!("a map key must be text, not {other:?}"))),
        });
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        let key = self.key.take().unwrap_or_default();
        self.entries.push((key, value.serialize(TreeSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Tree, TreeError> {
        Ok(Tree::Map(self.entries))
    }
}

impl ser::SerializeStruct for MapBuilder {
    type Ok = Tree;
    type Error = TreeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TreeError> {
        self.entries
            .push((key.to_owned(), value.serialize(TreeSerializer)?));
        Ok(())
    }
    fn end(self) -> Result<Tree, TreeError> {
        Ok(Tree::Map(self.entries))
    }
}

/// An enum variant with fields: `{variant: fields}`, as serde_json writes it.
pub(crate) struct Variant<B>(&'static str, B);

impl ser::SerializeTupleVariant for Variant<SeqBuilder> {
    type Ok = Tree;
    type Error = TreeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TreeError> {
        ser::SerializeSeq::serialize_element(&mut self.1, value)
    }
    fn end(self) -> Result<Tree, TreeError> {
        Ok(Tree::Map(vec![(self.0.to_owned(), Tree::Seq(self.1.0))]))
    }
}

impl ser::SerializeStructVariant for Variant<MapBuilder> {
    type Ok = Tree;
    type Error = TreeError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TreeError> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, value)
    }
    fn end(self) -> Result<Tree, TreeError> {
        Ok(Tree::Map(vec![(
            self.0.to_owned(),
            Tree::Map(self.1.entries),
        )]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Color {
        r: u8,
        g: u8,
        b: Option<u8>,
        name: &'static str,
    }

    #[test]
    fn structs_keep_their_field_order_and_numbers_their_text() {
        let tree = to_tree(&Color {
            r: 100,
            g: 200,
            b: None,
            name: "teal",
        })
        .unwrap();
        assert_eq!(
            tree,
            Tree::Map(vec![
                ("r".into(), Tree::Number("100".into())),
                ("g".into(), Tree::Number("200".into())),
                ("b".into(), Tree::Null),
                ("name".into(), Tree::String("teal".into())),
            ])
        );
        assert_eq!(
            tree.to_json(),
            r#"{"r":100,"g":200,"b":null,"name":"teal"}"#
        );
        assert_eq!(to_tree(&0.1f64).unwrap(), Tree::Number("0.1".into()));
        assert!(to_tree(&f64::NAN).is_err());
    }
}
