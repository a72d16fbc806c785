//! Usage records: one normalized shape for every provider's usage and cost data.
//!
//! A spec's `x-usagekit-report` says how an operation's pages map to [`Record`]s; the
//! generator turns it into a [`ReportSpec`], which reads the pages by their wire
//! names. [`Aggregator`] sums records into periods and groups in memory that grows
//! with the rows of the report, never with the pages read. Pure: no I/O.
//! `usagekit_runtime::dynamic::Service::run_report` drives a client through a
//! provider's mappings.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, SecondsFormat, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

/// What a record is about, besides its provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Provider,
    Model,
    /// OpenAI's project, Anthropic's workspace, …
    Project,
    ApiKey,
}

impl Dimension {
    pub const ALL: [Dimension; 4] = [Self::Provider, Self::Model, Self::Project, Self::ApiKey];

    pub fn name(self) -> &'static str {
        match self {
            Self::Provider => "provider",
            Self::Model => "model",
            Self::Project => "project",
            Self::ApiKey => "api_key",
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
                format!("unknown dimension `{text}`; expected provider, model, project or api_key")
            })
    }
}

/// A value in a page: `keys` read from the row path's `level`-th element (0 is the
/// page itself, 1 the element of the first array, …).
#[derive(Debug, Clone, Copy)]
pub struct Path {
    pub level: usize,
    pub keys: &'static [&'static str],
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

#[derive(Debug)]
pub struct TimeParam {
    pub param: &'static str,
    pub format: TimeFormat,
}

#[derive(Debug)]
pub struct GroupBy {
    pub param: &'static str,
    /// The parameter's value for each dimension the API can group by.
    pub values: &'static [(Dimension, &'static str)],
}

/// How to ask for a report's range.
#[derive(Debug)]
pub struct ReportRequest {
    pub start: Option<TimeParam>,
    /// Exclusive.
    pub end: Option<TimeParam>,
    /// The parameter and its value for one-day buckets.
    pub bucket_width: Option<(&'static str, &'static str)>,
    pub group_by: Option<GroupBy>,
    /// Sent as they are (a page size, say).
    pub params: &'static [(&'static str, &'static str)],
}

/// What period a row covers.
#[derive(Debug)]
pub enum Period {
    /// Each row is inside a time bucket with its own start and end.
    Buckets {
        start: Path,
        end: Path,
        format: TimeFormat,
    },
    /// Totals for the requested range.
    Range,
    /// The provider gives only its current figures (a billing period, a rolling
    /// window of `window_days` ending now).
    Snapshot {
        label: &'static str,
        window_days: Option<Path>,
    },
}

#[derive(Debug)]
pub enum Unit {
    Fixed(&'static str),
    /// Money: the currency code at this path, upper-cased.
    Currency(Path),
}

#[derive(Debug)]
pub struct Metric {
    pub name: &'static str,
    /// Summed; absent and null values are left out.
    pub values: &'static [Path],
    pub unit: Unit,
    /// Multiplies each value (`0.01`: cents to the currency's unit).
    pub scale: Option<&'static str>,
}

/// One operation's mapping from pages to records.
#[derive(Debug)]
pub struct ReportSpec {
    pub operation: &'static str,
    pub request: ReportRequest,
    /// The arrays to walk to reach a row, each from the previous level.
    pub rows: &'static [&'static [&'static str]],
    /// Only rows whose value at each path is this text (one kind of a mixed list).
    pub filters: &'static [(Path, &'static str)],
    pub period: Period,
    pub dimensions: &'static [(Dimension, Path)],
    pub metrics: &'static [Metric],
    /// The spec's example response (minified JSON), served by `usagekit demo`.
    pub example: Option<&'static str>,
}

/// The range and grouping a report asks for.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    pub since: DateTime<Utc>,
    /// Exclusive.
    pub until: DateTime<Utc>,
    pub group_by: Vec<Dimension>,
}

impl ReportQuery {
    /// The last `days` UTC days, today included.
    pub fn last_days(days: u64, group_by: &[Dimension]) -> Self {
        let until = (Utc::now().date_naive() + Days::new(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        Self {
            since: until - Days::new(days),
            until,
            group_by: group_by.to_vec(),
        }
    }

    /// 2026-11-01 to 2026-11-03, the days the specs' example responses describe:
    /// READMEs and `usagekit demo` show them.
    pub fn examples(group_by: &[Dimension]) -> Self {
        let midnight = |day| {
            NaiveDate::from_ymd_opt(2026, 11, day)
                .and_then(|date| date.and_hms_opt(0, 0, 0))
                .unwrap_or_default()
                .and_utc()
        };
        Self {
            since: midnight(1),
            until: midnight(4),
            group_by: group_by.to_vec(),
        }
    }
}

/// What a record's period means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "label")]
pub enum Coverage {
    /// A time bucket.
    Bucket,
    /// The provider's total for the requested range.
    Range,
    /// The provider's current figures (`label` says which).
    Snapshot(&'static str),
}

impl Coverage {
    /// Empty for buckets, else what the period is.
    pub fn note(self) -> String {
        match self {
            Self::Bucket => String::new(),
            Self::Range => "total for the range".to_owned(),
            Self::Snapshot(label) => format!("snapshot: {label}"),
        }
    }
}

/// One number: a metric of one provider, in one period, for one model, project
/// and API key (each `None` when the provider did not say).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Record {
    pub provider: &'static str,
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
    pub coverage: Coverage,
    pub model: Option<String>,
    pub project: Option<String>,
    pub api_key: Option<String>,
    /// `input_tokens` (all input, cached included), `output_tokens`,
    /// `cached_input_tokens`, `requests`, `cost`, or the provider's own counter.
    pub metric: &'static str,
    /// `tokens`, `requests`, … or an ISO currency code for `cost`.
    pub unit: String,
    pub value: Decimal,
}

fn format_time(time: DateTime<Utc>, format: TimeFormat) -> String {
    match format {
        TimeFormat::UnixSeconds => time.timestamp().to_string(),
        TimeFormat::DateTime => time.to_rfc3339_opts(SecondsFormat::Secs, true),
        TimeFormat::Date => time.format("%Y-%m-%d").to_string(),
    }
}

fn parse_time(value: &Value, format: TimeFormat) -> Option<DateTime<Utc>> {
    match (format, value) {
        (TimeFormat::UnixSeconds, Value::Number(n)) => Utc.timestamp_opt(n.as_i64()?, 0).single(),
        (TimeFormat::UnixSeconds, Value::String(s)) => {
            Utc.timestamp_opt(s.parse().ok()?, 0).single()
        }
        (TimeFormat::DateTime, Value::String(s)) => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc)),
        (TimeFormat::Date, Value::String(s)) => Some(
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()?
                .and_hms_opt(0, 0, 0)?
                .and_utc(),
        ),
        _ => None,
    }
}

/// A JSON number or numeric string as an exact decimal (`0.06` stays `0.06`).
fn decimal(value: &Value) -> Option<Decimal> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_owned(),
        _ => return None,
    };
    Decimal::from_str_exact(&text)
        .or_else(|_| Decimal::from_scientific(&text))
        .ok()
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl ReportSpec {
    /// The parameters that ask for `query`'s range in one-day buckets, grouped by
    /// what the API can group by among `query.group_by`.
    pub fn params(&self, query: &ReportQuery) -> Vec<(String, String)> {
        let request = &self.request;
        let mut params = Vec::new();
        if let Some(start) = &request.start {
            params.push((
                start.param.to_owned(),
                format_time(query.since, start.format),
            ));
        }
        if let Some(end) = &request.end {
            params.push((end.param.to_owned(), format_time(query.until, end.format)));
        }
        if let Some((param, day)) = request.bucket_width {
            params.push((param.to_owned(), day.to_owned()));
        }
        if let Some(group_by) = &request.group_by {
            for (dimension, value) in group_by.values {
                if query.group_by.contains(dimension) {
                    params.push((group_by.param.to_owned(), (*value).to_owned()));
                }
            }
        }
        for (name, value) in request.params {
            params.push(((*name).to_owned(), (*value).to_owned()));
        }
        params
    }

    /// Reads one page's rows into records. `now` dates snapshots.
    pub fn read_page(
        &self,
        provider: &'static str,
        page: &Value,
        query: &ReportQuery,
        now: DateTime<Utc>,
        emit: &mut dyn FnMut(Record),
    ) -> Result<(), String> {
        let mut stack = vec![page];
        self.walk(&mut stack, provider, query, now, emit)
    }

    fn walk(
        &self,
        stack: &mut Vec<&Value>,
        provider: &'static str,
        query: &ReportQuery,
        now: DateTime<Utc>,
        emit: &mut dyn FnMut(Record),
    ) -> Result<(), String> {
        let level = stack.len() - 1;
        let Some(keys) = self.rows.get(level) else {
            return self.read_row(stack, provider, query, now, emit);
        };
        let parent = stack[level];
        match lookup(parent, keys) {
            Some(Value::Array(items)) => {
                for item in items {
                    stack.push(item);
                    self.walk(stack, provider, query, now, emit)?;
                    stack.pop();
                }
                Ok(())
            }
            None | Some(Value::Null) => Ok(()),
            Some(_) => Err(format!(
                "{}: `{}` is not an array",
                self.operation,
                keys.join(".")
            )),
        }
    }

    fn get<'v>(&self, stack: &[&'v Value], path: &Path) -> Option<&'v Value> {
        lookup(stack.get(path.level)?, path.keys).filter(|value| !value.is_null())
    }

    fn read_row(
        &self,
        stack: &[&Value],
        provider: &'static str,
        query: &ReportQuery,
        now: DateTime<Utc>,
        emit: &mut dyn FnMut(Record),
    ) -> Result<(), String> {
        let other_kind = |(path, wanted): &(Path, &str)| {
            self.get(stack, path).and_then(Value::as_str) != Some(*wanted)
        };
        if self.filters.iter().any(other_kind) {
            return Ok(());
        }
        let (period_start, period_end, coverage) = match &self.period {
            Period::Buckets { start, end, format } => {
                let read = |path: &Path| {
                    self.get(stack, path)
                        .and_then(|value| parse_time(value, *format))
                        .ok_or_else(|| {
                            format!(
                                "{}: a row has no readable `{}`",
                                self.operation,
                                path.keys.join(".")
                            )
                        })
                };
                (Some(read(start)?), Some(read(end)?), Coverage::Bucket)
            }
            Period::Range => (Some(query.since), Some(query.until), Coverage::Range),
            Period::Snapshot { label, window_days } => {
                let days = window_days
                    .as_ref()
                    .and_then(|path| self.get(stack, path))
                    .and_then(Value::as_u64);
                let start = days.and_then(|days| now.checked_sub_days(Days::new(days)));
                (start, start.map(|_| now), Coverage::Snapshot(label))
            }
        };
        let dimension = |wanted: Dimension| {
            self.dimensions
                .iter()
                .find(|(dimension, _)| *dimension == wanted)
                .and_then(|(_, path)| self.get(stack, path))
                .and_then(text)
        };
        let (model, project, api_key) = (
            dimension(Dimension::Model),
            dimension(Dimension::Project),
            dimension(Dimension::ApiKey),
        );
        for metric in self.metrics {
            let mut values = metric
                .values
                .iter()
                .filter_map(|path| self.get(stack, path))
                .peekable();
            if values.peek().is_none() {
                continue;
            }
            let mut sum = Decimal::ZERO;
            for value in values {
                sum += decimal(value).ok_or_else(|| {
                    format!(
                        "{}: `{}` is not a number: {value}",
                        self.operation, metric.name
                    )
                })?;
            }
            if let Some(scale) = metric.scale {
                sum *= Decimal::from_str_exact(scale)
                    .map_err(|e| format!("{}: scale `{scale}`: {e}", self.operation))?;
            }
            let unit = match &metric.unit {
                Unit::Fixed(unit) => (*unit).to_owned(),
                Unit::Currency(path) => match self.get(stack, path).and_then(Value::as_str) {
                    Some(code) => code.to_ascii_uppercase(),
                    // An amount without a currency cannot be added to anything.
                    None => continue,
                },
            };
            emit(Record {
                provider,
                period_start,
                period_end,
                coverage,
                model: model.clone(),
                project: project.clone(),
                api_key: api_key.clone(),
                metric: metric.name,
                unit,
                value: sum.normalize(),
            });
        }
        Ok(())
    }
}

fn lookup<'v>(value: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().try_fold(value, |value, key| value.get(key))
}

/// The period length rows are summed into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    Day,
    /// ISO weeks, from Monday.
    Week,
    Month,
}

impl FromStr for Granularity {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|granularity| granularity.name() == text)
            .ok_or_else(|| format!("unknown period `{text}`; expected day, week or month"))
    }
}

impl Granularity {
    pub const ALL: [Granularity; 3] = [Self::Day, Self::Week, Self::Month];

    /// As `--by` spells it: `day`, `week`, `month`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The period that holds `time`: its start and (exclusive) end.
    pub fn period(self, time: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let day = time.date_naive();
        let start = match self {
            Self::Day => day,
            Self::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Self::Month => day.with_day(1).unwrap_or(day),
        };
        let end = match self {
            Self::Day => start + Days::new(1),
            Self::Week => start + Days::new(7),
            Self::Month => start + Months::new(1),
        };
        let midnight = |date: NaiveDate| date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        (midnight(start), midnight(end))
    }
}

/// One row of a report: a sum over records that share its period and groups.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Row {
    /// First, so buckets sort before range totals and snapshots.
    pub coverage: Coverage,
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
    /// `None` where the report is not grouped by it, or the provider did not say.
    pub provider: Option<&'static str>,
    pub model: Option<String>,
    pub project: Option<String>,
    pub api_key: Option<String>,
    pub metric: &'static str,
    pub unit: String,
}

/// Sums records by period and the chosen dimensions, never across units: amounts
/// in different currencies stay apart.
#[derive(Debug)]
pub struct Aggregator {
    by: Granularity,
    group_by: Vec<Dimension>,
    rows: BTreeMap<Row, Decimal>,
}

impl Aggregator {
    pub fn new(by: Granularity, group_by: &[Dimension]) -> Self {
        Self {
            by,
            group_by: group_by.to_vec(),
            rows: BTreeMap::new(),
        }
    }

    pub fn granularity(&self) -> Granularity {
        self.by
    }

    pub fn add(&mut self, record: Record) {
        let grouped = |dimension| self.group_by.contains(&dimension);
        let (period_start, period_end) = match (record.coverage, record.period_start) {
            (Coverage::Bucket, Some(start)) => {
                let (start, end) = self.by.period(start);
                (Some(start), Some(end))
            }
            _ => (record.period_start, record.period_end),
        };
        let key = Row {
            period_start,
            period_end,
            coverage: record.coverage,
            provider: grouped(Dimension::Provider).then_some(record.provider),
            model: record.model.filter(|_| grouped(Dimension::Model)),
            project: record.project.filter(|_| grouped(Dimension::Project)),
            api_key: record.api_key.filter(|_| grouped(Dimension::ApiKey)),
            metric: record.metric,
            unit: record.unit,
        };
        *self.rows.entry(key).or_default() += record.value;
    }

    /// The rows, ordered by period, then groups, then metric.
    pub fn rows(&self) -> impl Iterator<Item = (&Row, Decimal)> {
        self.rows
            .iter()
            .map(|(row, value)| (row, value.normalize()))
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn group_by(&self) -> &[Dimension] {
        &self.group_by
    }
}

impl Row {
    /// `2026-11-01` for a day, `2026-11-02..2026-11-09` for a week, `2026-11` for a
    /// month; a range or a snapshot says what it is.
    pub fn period_label(&self, by: Granularity) -> String {
        let date = |time: Option<DateTime<Utc>>| {
            time.map_or_else(
                || "?".to_owned(),
                |time| time.format("%Y-%m-%d").to_string(),
            )
        };
        match self.coverage {
            Coverage::Bucket => match by {
                Granularity::Day => date(self.period_start),
                Granularity::Week => {
                    format!("{}..{}", date(self.period_start), date(self.period_end))
                }
                Granularity::Month => self
                    .period_start
                    .map_or_else(String::new, |start| start.format("%Y-%m").to_string()),
            },
            Coverage::Range => format!(
                "{}..{} (total)",
                date(self.period_start),
                date(self.period_end)
            ),
            Coverage::Snapshot(label) => match self.period_start {
                Some(_) => format!(
                    "{label} ({}..{})",
                    date(self.period_start),
                    date(self.period_end)
                ),
                None => label.to_owned(),
            },
        }
    }

    /// The value of `dimension`, or empty.
    pub fn dimension(&self, dimension: Dimension) -> &str {
        match dimension {
            Dimension::Provider => self.provider.unwrap_or(""),
            Dimension::Model => self.model.as_deref().unwrap_or(""),
            Dimension::Project => self.project.as_deref().unwrap_or(""),
            Dimension::ApiKey => self.api_key.as_deref().unwrap_or(""),
        }
    }
}

/// The table's own columns, in order; other metrics go to its last column.
const TABLE_METRICS: [(&str, &str); 4] = [
    ("input_tokens", "input"),
    ("cached_input_tokens", "cached"),
    ("output_tokens", "output"),
    ("requests", "requests"),
];

/// `1234567` → `1,234,567`; decimals keep every digit.
pub fn group_digits(value: Decimal) -> String {
    let text = value.normalize().to_string();
    let (sign, unsigned) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |rest| ("-", rest));
    let (whole, fraction) = unsigned
        .split_once('.')
        .map_or((unsigned, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// The report as a table a person reads: one line per period and group; input,
/// cached input and output tokens, requests, cost (a column per currency), and
/// the providers' other counters in the last column.
pub fn table(aggregator: &Aggregator) -> String {
    type Line<'r> = (Coverage, Option<DateTime<Utc>>, Vec<&'r str>, String);
    let groups: Vec<Dimension> = Dimension::ALL
        .into_iter()
        .filter(|dimension| aggregator.group_by().contains(dimension))
        .collect();
    let mut lines: BTreeMap<Line<'_>, BTreeMap<(&str, &str), Decimal>> = BTreeMap::new();
    let mut standard = [false; TABLE_METRICS.len()];
    let mut currencies: Vec<&str> = Vec::new();
    for (row, value) in aggregator.rows() {
        let groups = groups
            .iter()
            .map(|dimension| row.dimension(*dimension))
            .collect();
        let label = row.period_label(aggregator.granularity());
        if let Some(index) = TABLE_METRICS
            .iter()
            .position(|(metric, _)| *metric == row.metric)
        {
            standard[index] = true;
        } else if row.metric == "cost" && !currencies.contains(&row.unit.as_str()) {
            currencies.push(&row.unit);
        }
        lines
            .entry((row.coverage, row.period_start, groups, label))
            .or_default()
            .insert((row.metric, row.unit.as_str()), value);
    }
    currencies.sort_unstable();
    let mut header: Vec<String> = vec!["period".to_owned()];
    header.extend(groups.iter().map(|dimension| dimension.name().to_owned()));
    let numeric_from = header.len();
    let shown: Vec<usize> = (0..TABLE_METRICS.len())
        .filter(|index| standard[*index])
        .collect();
    header.extend(shown.iter().map(|index| TABLE_METRICS[*index].1.to_owned()));
    header.extend(
        currencies
            .iter()
            .map(|currency| format!("cost ({currency})")),
    );
    header.push("other".to_owned());
    let mut cells: Vec<Vec<String>> = vec![header];
    for ((_, _, groups, label), values) in &lines {
        let mut line = vec![label.clone()];
        line.extend(
            groups
                .iter()
                .map(|group| if group.is_empty() { "-" } else { group })
                .map(str::to_owned),
        );
        let cell = |key: (&str, &str)| {
            values
                .get(&key)
                .map_or_else(String::new, |value| group_digits(*value))
        };
        for index in &shown {
            let metric = TABLE_METRICS[*index].0;
            let unit = if metric == "requests" {
                "requests"
            } else {
                "tokens"
            };
            line.push(cell((metric, unit)));
        }
        line.extend(currencies.iter().map(|currency| cell(("cost", currency))));
        let other: Vec<String> = values
            .iter()
            .filter(|((metric, unit), _)| {
                *metric != "cost"
                    && !TABLE_METRICS.iter().any(|(known, _)| {
                        known == metric && (*unit == "tokens" || *unit == "requests")
                    })
            })
            .map(|((metric, unit), value)| {
                if metric == unit || metric.ends_with(&format!("_{unit}")) {
                    format!("{metric} {}", group_digits(*value))
                } else {
                    format!("{metric} {} {unit}", group_digits(*value))
                }
            })
            .collect();
        line.push(other.join(", "));
        cells.push(line);
    }
    // No other counters: no empty column.
    if cells
        .iter()
        .skip(1)
        .all(|line| line.last().is_some_and(String::is_empty))
    {
        for line in &mut cells {
            line.pop();
        }
    }
    let last = if cells[0].last().is_some_and(|name| name == "other") {
        cells[0].len() - 1
    } else {
        cells[0].len()
    };
    let widths: Vec<usize> = (0..cells[0].len())
        .map(|column| {
            cells
                .iter()
                .map(|line| line[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (index, line) in cells.iter().enumerate() {
        let mut text = String::new();
        for (column, cell) in line.iter().enumerate() {
            if column > 0 {
                text.push_str("  ");
            }
            let width = widths[column];
            if column >= numeric_from && column < last && index > 0 {
                let _ = write!(text, "{cell:>width$}");
            } else {
                let _ = write!(text, "{cell:<width$}");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
        if index == 0 {
            let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn record(start: &str, metric: &'static str, unit: &str, value: &str) -> Record {
        Record {
            provider: "p",
            period_start: Some(time(start)),
            period_end: None,
            coverage: Coverage::Bucket,
            model: Some("m".into()),
            project: None,
            api_key: None,
            metric,
            unit: unit.into(),
            value: Decimal::from_str(value).unwrap(),
        }
    }

    #[test]
    fn periods_are_utc_days_iso_weeks_and_months() {
        let wednesday = time("2026-11-04T13:00:00Z");
        assert_eq!(
            Granularity::Day.period(wednesday),
            (time("2026-11-04T00:00:00Z"), time("2026-11-05T00:00:00Z"))
        );
        assert_eq!(
            Granularity::Week.period(wednesday),
            (time("2026-11-02T00:00:00Z"), time("2026-11-09T00:00:00Z"))
        );
        assert_eq!(
            Granularity::Month.period(time("2026-12-31T23:59:59Z")),
            (time("2026-12-01T00:00:00Z"), time("2027-01-01T00:00:00Z"))
        );
    }

    #[test]
    fn sums_are_exact_and_never_cross_currencies() {
        let mut aggregator = Aggregator::new(Granularity::Month, &[Dimension::Provider]);
        for value in ["0.1", "0.2", "0.06"] {
            aggregator.add(record("2026-11-01T00:00:00Z", "cost", "USD", value));
        }
        aggregator.add(record("2026-11-02T00:00:00Z", "cost", "EUR", "5"));
        let rows: Vec<(String, String)> = aggregator
            .rows()
            .map(|(row, value)| (row.unit.clone(), value.to_string()))
            .collect();
        assert_eq!(
            rows,
            [("EUR".into(), "5".into()), ("USD".into(), "0.36".into())]
        );
        // Not grouped by model: the model is not kept.
        assert!(aggregator.rows().all(|(row, _)| row.model.is_none()));
        let table = table(&aggregator);
        assert!(
            table.contains("cost (EUR)") && table.contains("cost (USD)"),
            "{table}"
        );
    }

    #[test]
    fn numbers_read_exactly_from_json_numbers_and_strings() {
        assert_eq!(
            decimal(&serde_json::json!(0.06)),
            Decimal::from_str("0.06").ok()
        );
        assert_eq!(
            decimal(&serde_json::json!("123.45")),
            Decimal::from_str("123.45").ok()
        );
        assert_eq!(
            decimal(&serde_json::json!(1e3)),
            Decimal::from_str("1000").ok()
        );
        assert_eq!(decimal(&serde_json::json!("n/a")), None);
        assert_eq!(
            group_digits(Decimal::from_str("-1234567.891").unwrap()),
            "-1,234,567.891"
        );
        assert_eq!(group_digits(Decimal::from_str("999").unwrap()), "999");
    }
}
