use std::fmt;

/// A problem with a spec or a settings entry, phrased for the person editing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the caller named it (`specs/openai.yaml`).
    pub file: String,
    /// Where in it (boxed: most diagnostics travel in `Result`s).
    pub location: Option<Box<Location>>,
    pub message: String,
    /// What to change.
    pub help: Option<String>,
}

/// Where a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A place in the text (1-based), for syntax errors.
    Text { line: usize, column: usize },
    /// A JSON pointer into the document, the operation it is inside and the
    /// parameter it concerns, if any.
    Pointer {
        pointer: String,
        operation: Option<String>,
        parameter: Option<String>,
    },
    /// A settings entry (`[openai] version`).
    Setting(String),
}

impl Location {
    /// A place inside the operation `operation_id`.
    pub fn in_operation(pointer: impl Into<String>, operation_id: &str) -> Self {
        Self::Pointer {
            pointer: pointer.into(),
            operation: Some(operation_id.to_owned()),
            parameter: None,
        }
    }

    /// The same place, about one of the operation's parameters.
    pub fn parameter(self, name: &str) -> Self {
        match self {
            Self::Pointer {
                pointer, operation, ..
            } => Self::Pointer {
                pointer,
                operation,
                parameter: Some(name.to_owned()),
            },
            other => other,
        }
    }

    /// The operationId of the operation this place is inside.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Self::Pointer { operation, .. } => operation.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text { line, column } => write!(f, "line {line}, column {column}"),
            Self::Pointer {
                pointer,
                operation,
                parameter,
            } => {
                write!(f, "{pointer}")?;
                if let Some(id) = operation {
                    write!(f, " (operation {id})")?;
                }
                match parameter {
                    Some(name) => write!(f, " parameter `{name}`"),
                    None => Ok(()),
                }
            }
            Self::Setting(entry) => f.write_str(entry),
        }
    }
}

/// A JSON pointer (`#/…`) outside any operation; any other text is a settings entry.
impl From<String> for Location {
    fn from(text: String) -> Self {
        if text.starts_with('#') {
            Self::Pointer {
                pointer: text,
                operation: None,
                parameter: None,
            }
        } else {
            Self::Setting(text)
        }
    }
}

impl From<&str> for Location {
    fn from(text: &str) -> Self {
        Self::from(text.to_owned())
    }
}

impl Diagnostic {
    pub fn new(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            location: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(mut self, location: impl Into<Location>) -> Self {
        self.location = Some(Box::new(location.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(location) = &self.location {
            write!(f, ": {location}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Escapes one JSON-pointer token (RFC 6901).
pub(crate) fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
