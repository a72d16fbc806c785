//! A request as a generated operation describes it: path, parameters in their
//! styles, body in its media type, what it accepts and which credentials it needs.
//! The first value that cannot be encoded is kept and reported by `send` as the
//! caller's mistake, so building never fails half-way.

use bytes::Bytes;
use serde::Serialize;

use crate::body::{self, FormEncoding, PartEncoding};
use crate::provider::Security;
use crate::style::{self, Style};
use crate::tree::{Tree, to_tree};

/// One request of a generated operation.
#[derive(Debug)]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: reqwest::Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) cookies: Vec<(&'static str, String)>,
    pub(crate) body: Option<(Bytes, String)>,
    pub(crate) accept: Option<&'static str>,
    pub(crate) security: Security,
    pub(crate) error: Option<String>,
}

/// A path parameter's text in the path, percent-encoded in its style.
pub fn path_param<T: Serialize + ?Sized>(
    name: &str,
    value: &T,
    style: Style,
    explode: bool,
) -> Result<String, String> {
    Ok(style::path(name, &to_tree(value)?, style, explode))
}

impl Request {
    /// `method` is the HTTP method in capitals; `path` is relative to the base URL,
    /// its parameters already in place ([`path_param`]), or why it could not be.
    pub fn new(
        operation: &'static str,
        method: &'static str,
        path: Result<String, String>,
    ) -> Self {
        let (path, error) = match path {
            Ok(path) => (path, None),
            Err(error) => (String::new(), Some(error)),
        };
        Self {
            operation,
            method: reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET),
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            accept: None,
            security: &[],
            error,
        }
    }

    /// The value as a tree, or `None` (absent, or an error kept for `send`).
    fn tree<T: Serialize>(&mut self, value: &Result<T, String>) -> Option<Tree> {
        let value = match value {
            Ok(value) => value,
            Err(error) => {
                self.error.get_or_insert_with(|| error.clone());
                return None;
            }
        };
        match to_tree(value) {
            Ok(Tree::Null) => None,
            Ok(tree) => Some(tree),
            Err(error) => {
                self.error.get_or_insert(error);
                None
            }
        }
    }

    /// A query parameter; `None` (an unset option) adds nothing.
    pub fn query<T: Serialize>(
        mut self,
        name: &'static str,
        value: &Result<T, String>,
        style: Style,
        explode: bool,
    ) -> Self {
        if let Some(tree) = self.tree(value) {
            self.query
                .extend(style::query_pairs(name, &tree, style, explode));
        }
        self
    }

    /// A header parameter (`simple` style).
    pub fn header<T: Serialize>(
        mut self,
        name: &'static str,
        value: &Result<T, String>,
        explode: bool,
    ) -> Self {
        if let Some(tree) = self.tree(value) {
            self.headers.push((name, style::simple(&tree, explode)));
        }
        self
    }

    /// A header the settings fix for this operation (`operation-headers`: a beta
    /// flag), sent as it is on every call.
    pub fn fixed_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// A cookie parameter (`form` style: lists comma-joined unless exploded).
    pub fn cookie<T: Serialize>(
        mut self,
        name: &'static str,
        value: &Result<T, String>,
        explode: bool,
    ) -> Self {
        if let Some(tree) = self.tree(value) {
            for (_, text) in style::query_pairs(name, &tree, Style::Form, explode) {
                self.cookies.push((name, text));
            }
        }
        self
    }

    /// The body, or the setter's message when it was not set right.
    fn body<'b, T>(&mut self, body: &'b Result<T, String>) -> Option<&'b T> {
        match body {
            Ok(body) => Some(body),
            Err(error) => {
                self.error.get_or_insert_with(|| error.clone());
                None
            }
        }
    }

    /// A JSON body.
    pub fn json<T: Serialize>(
        mut self,
        body: &Result<T, String>,
        content_type: &'static str,
    ) -> Self {
        let Some(body) = self.body(body) else {
            return self;
        };
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Some((bytes.into(), content_type.to_owned())),
            Err(error) => {
                self.error
                    .get_or_insert(format!("cannot encode the body as JSON: {error}"));
            }
        }
        self
    }

    /// An `application/x-www-form-urlencoded` body; `encodings` are the spec's
    /// `encoding` entries (property, style, explode).
    pub fn form<T: Serialize>(
        mut self,
        body: &Result<T, String>,
        encodings: &[FormEncoding],
    ) -> Self {
        let Some(body) = self.body(body) else {
            return self;
        };
        let encoded = to_tree(body).and_then(|tree| body::form(&tree, encodings));
        match encoded {
            Ok(bytes) => {
                self.body = Some((bytes.into(), "application/x-www-form-urlencoded".to_owned()));
            }
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// A `multipart/form-data` body; `encodings` give parts their content types.
    pub fn multipart<T: Serialize>(
        mut self,
        body: &Result<T, String>,
        encodings: &[PartEncoding],
    ) -> Self {
        let Some(body) = self.body(body) else {
            return self;
        };
        let encoded = to_tree(body).and_then(|tree| body::multipart(&tree, encodings));
        match encoded {
            Ok((bytes, content_type)) => self.body = Some((bytes.into(), content_type)),
            Err(error) => {
                self.error.get_or_insert(error);
            }
        }
        self
    }

    /// A body sent as it is: bytes or text in `content_type`.
    pub fn raw<B: Clone + Into<Bytes>>(
        mut self,
        body: &Result<B, String>,
        content_type: &'static str,
    ) -> Self {
        if let Some(body) = self.body(body) {
            self.body = Some((body.clone().into(), content_type.to_owned()));
        }
        self
    }

    /// The media types the operation's responses are documented in.
    pub fn accept(mut self, accept: &'static str) -> Self {
        self.accept = Some(accept);
        self
    }

    /// The operation's security requirement (the document's, or its own).
    pub fn security(mut self, security: Security) -> Self {
        self.security = security;
        self
    }
}
