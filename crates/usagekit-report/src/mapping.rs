//! A spec's mapping from an operation's pages to records (`x-usagekit-report`),
//! as data: generated crates hold it in statics (`Cow::Borrowed`), the generator
//! builds it from the spec (`Cow::Owned`).

use std::borrow::Cow;
use std::str::FromStr;

use serde::Serialize;

/// Text in a mapping: `'static` in a generated crate, owned in the generator.
pub type Text = Cow<'static, str>;

/// A list in a mapping, likewise.
pub type List<T> = Cow<'static, [T]>;

/// What a record is about, besides its provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Provider,
    Model,
    /// OpenAI's project, Anthropic's workspace, …
    Project,
    ApiKey,
    /// Where a router sent the request (OpenRouter's `provider_name`).
    Upstream,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Self::Provider,
        Self::Model,
        Self::Project,
        Self::ApiKey,
        Self::Upstream,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Model => "model",
            Self::Project => "project",
            Self::ApiKey => "api_key",
            Self::Upstream => "upstream",
        }
    }
}

impl FromStr for Dimension {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|dimension| dimension.name() == text)
            .ok_or_else(|| {
                format!(
                    "unknown dimension `{text}`; expected provider, model, project, api_key or upstream"
                )
            })
    }
}

/// A value in a page: `keys` read from the row path's `level`-th element (0 is the
/// page itself, 1 the element of the first array, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub level: usize,
    pub keys: List<Text>,
}

/// How a time is written in a parameter or a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    UnixSeconds,
    /// RFC 3339.
    DateTime,
    /// `YYYY-MM-DD`, midnight UTC.
    Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeParam {
    pub param: Text,
    pub format: TimeFormat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupBy {
    pub param: Text,
    /// The parameter's value for each dimension the API can group by.
    pub values: List<(Dimension, Text)>,
}

/// How to ask for a report's range.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportRequest {
    pub start: Option<TimeParam>,
    /// Exclusive.
    pub end: Option<TimeParam>,
    /// The parameter and its value for one-day buckets.
    pub bucket_width: Option<(Text, Text)>,
    /// The same parameter's value for one-hour buckets, where the API has them:
    /// what a report in another time zone asks for, to sum hours into its days.
    pub hour_width: Option<Text>,
    /// Params sent instead of `params` of the same name with one-hour buckets (a
    /// page size whose maximum depends on the width).
    pub hour_params: List<(Text, Text)>,
    pub group_by: Option<GroupBy>,
    /// Sent as they are (a page size, say); in the body, as JSON text.
    pub params: List<(Text, Text)>,
    /// Where the parameters go: the query string, or (`true`) the members of a
    /// JSON request body (a POST query: Fireworks' `usageCosts:query`).
    pub in_body: bool,
    /// The body members that are arrays: a value named once is still a list.
    pub body_arrays: List<Text>,
    /// A POST query's paging: the body member that takes the next page's token,
    /// and where the page gives that token (absent or empty on the last page).
    pub body_cursor: Option<(Text, Path)>,
}

/// What period a row covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Period {
    /// Each row is inside a time bucket with its own start and end.
    Buckets {
        start: Path,
        /// `None`: the row names a day (`format` is a date), which ends a day later.
        end: Option<Path>,
        format: TimeFormat,
    },
    /// Totals for the requested range.
    Range,
    /// The provider gives only its current figures (a billing period, a rolling
    /// window of `window_days` ending now).
    Snapshot {
        label: Text,
        window_days: Option<Path>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    Fixed(Text),
    /// Money: the currency code at this path, upper-cased.
    Currency(Path),
}

/// One value a metric adds up: a path, and what multiplies it (`0.000000001`
/// for the `nanos` of money in parts, `{units, nanos}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub path: Path,
    pub scale: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metric {
    pub name: Text,
    /// Summed; absent and null values are left out.
    pub values: List<Term>,
    pub unit: Unit,
    /// Multiplies the sum (`0.01`: cents to the currency's unit; `-0.01` for a
    /// ledger that counts credit as negative cents).
    pub scale: Option<Text>,
    /// A level (a balance, a limit), not a flow: a period shows its latest value,
    /// never a sum over time.
    pub level: bool,
}

/// One operation's mapping from pages to records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSpec {
    pub operation: Text,
    pub request: ReportRequest,
    /// The arrays to walk to reach a row, each from the previous level.
    pub rows: List<List<Text>>,
    /// Only rows whose value at each path is this text (one kind of a mixed list).
    pub filters: List<(Path, Text)>,
    pub period: Period,
    pub dimensions: List<(Dimension, Path)>,
    pub metrics: List<Metric>,
    /// The spec's example response (minified JSON), served by `usagekit demo`.
    pub example: Option<Text>,
    /// Operations of the same provider whose figures this one's include (a newer
    /// report of the same spend): they are read only when this one cannot be
    /// (the server does not have it), so nothing is counted twice.
    pub replaces: List<Text>,
}
