//! [`File`]: what a multipart field holds (`format: binary`).

use std::fmt;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

/// The newtype name a [`File`] serializes under, so body encoders know it.
pub(crate) const FILE_MARKER: &str = "usagekit_runtime::File";

/// A file for a multipart field (`format: binary`): its bytes, and the file name
/// and content type sent with them. `Debug` shows the size, not the content.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct File {
    pub(crate) name: Option<String>,
    pub(crate) content_type: Option<String>,
    pub(crate) bytes: Bytes,
}

impl File {
    /// A file of these bytes, sent as `application/octet-stream` unless
    /// [`content_type`](Self::content_type) says otherwise.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self {
            name: None,
            content_type: None,
            bytes: bytes.into(),
        }
    }

    /// The file at `path`, named after it.
    pub fn read(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        Ok(Self {
            name,
            ..Self::new(bytes)
        })
    }

    /// The file name sent with the content.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The content type sent with the content (`image/png`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl From<Vec<u8>> for File {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&'static [u8]> for File {
    fn from(bytes: &'static [u8]) -> Self {
        Self::new(bytes)
    }
}

impl From<Bytes> for File {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

/// A file's bytes, for serializers that are not a body encoder.
struct Content<'a>(&'a [u8]);

impl Serialize for Content<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

impl Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Fields<'a> {
            name: &'a Option<String>,
            content_type: &'a Option<String>,
            bytes: Content<'a>,
        }
        serializer.serialize_newtype_struct(
            FILE_MARKER,
            &Fields {
                name: &self.name,
                content_type: &self.content_type,
                bytes: Content(&self.bytes),
            },
        )
    }
}

/// A file in a response: its text or bytes, as the body carried them.
impl<'de> Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = File;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("file content as text or bytes")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<File, E> {
                Ok(File::new(text.as_bytes().to_vec()))
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<File, E> {
                Ok(File::new(bytes.to_vec()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::File;

    #[test]
    fn a_file_shows_its_size_not_its_content() {
        let shown = format!("{:?}", File::new(b"secret".to_vec()).name("a.txt"));
        assert!(
            shown.contains("len: 6") && !shown.contains("secret"),
            "{shown}"
        );
    }
}
