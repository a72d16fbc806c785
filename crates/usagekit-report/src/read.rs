//! Reading pages into records, as a mapping says.

use chrono::{DateTime, Days, NaiveDate, SecondsFormat, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use crate::mapping::{Dimension, Path, Period, ReportSpec, Text, TimeFormat, Unit};
use crate::query::ReportQuery;

/// What a record's period means.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "label")]
pub enum Coverage {
    /// A time bucket.
    Bucket,
    /// The provider's total for the requested range.
    Range,
    /// The provider's current figures (`label` says which).
    Snapshot(Text),
}

impl Coverage {
    /// Empty for buckets, else what the period is.
    pub fn note(&self) -> String {
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
    pub provider: Text,
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
    pub coverage: Coverage,
    pub model: Option<String>,
    pub project: Option<String>,
    pub api_key: Option<String>,
    /// The upstream provider a router used, when the provider says.
    pub upstream: Option<String>,
    /// `input_tokens` (all input, cached included), `output_tokens`,
    /// `cached_input_tokens`, `requests`, `cost`, or the provider's own counter.
    pub metric: Text,
    /// `tokens`, `requests`, … or an ISO currency code for `cost`.
    pub unit: String,
    pub value: Decimal,
    /// A level (a balance): the latest in a period counts, never a sum.
    pub level: bool,
    /// The operation whose response it was read from.
    pub source: Text,
}

/// A row's period start and end, and what the period means.
type Covered = (Option<DateTime<Utc>>, Option<DateTime<Utc>>, Coverage);

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
pub(crate) fn decimal(value: &Value) -> Option<Decimal> {
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
    /// The query parameters that ask for `query`'s range in one-day buckets,
    /// grouped by what the API can group by among `query.group_by` (none when they
    /// go in the body: [`ReportSpec::body`]).
    pub fn params(&self, query: &ReportQuery) -> Vec<(String, String)> {
        if self.request.in_body {
            return Vec::new();
        }
        self.pairs(query)
    }

    /// The JSON request body that asks for `query`, when the mapping puts its
    /// parameters there: times as the format says (unix seconds as numbers), a
    /// member named twice or listed in `body_arrays` as an array, and fixed
    /// `params` as the JSON they were written as.
    pub fn body(&self, query: &ReportQuery) -> Option<Value> {
        let request = &self.request;
        if !request.in_body {
            return None;
        }
        let fixed: Vec<&str> = request
            .params
            .iter()
            .chain(request.hour_params.iter())
            .map(|(name, _)| name.as_ref())
            .collect();
        let times: Vec<(&str, TimeFormat)> = [&request.start, &request.end]
            .into_iter()
            .flatten()
            .map(|time| (time.param.as_ref(), time.format))
            .collect();
        let mut body = serde_json::Map::new();
        for (name, text) in self.pairs(query) {
            let value = if fixed.contains(&name.as_str()) {
                serde_json::from_str(&text).unwrap_or(Value::String(text))
            } else if let Some((_, TimeFormat::UnixSeconds)) =
                times.iter().find(|(param, _)| *param == name)
            {
                text.parse::<i64>().map_or(Value::String(text), Value::from)
            } else {
                Value::String(text)
            };
            let array = request.body_arrays.iter().any(|a| a.as_ref() == name);
            match body.get_mut(&name) {
                Some(Value::Array(items)) => items.push(value),
                Some(existing) => *existing = Value::Array(vec![existing.take(), value]),
                None if array => {
                    body.insert(name, Value::Array(vec![value]));
                }
                None => {
                    body.insert(name, value);
                }
            }
        }
        Some(Value::Object(body))
    }

    /// The next page's request body, when the mapping pages a POST query and
    /// `page` names a next token: `body` with the token in its cursor member.
    pub fn next_body(&self, body: &Value, page: &Value) -> Option<Value> {
        let (member, at) = self.request.body_cursor.as_ref()?;
        let token = lookup(page, &at.keys)
            .and_then(Value::as_str)
            .filter(|token| !token.is_empty())?;
        let mut next = body.clone();
        next.as_object_mut()?
            .insert(member.to_string(), Value::String(token.to_owned()));
        Some(next)
    }

    /// Every parameter that asks for `query`, as (name, text) pairs.
    fn pairs(&self, query: &ReportQuery) -> Vec<(String, String)> {
        let request = &self.request;
        let mut params = Vec::new();
        if let Some(start) = &request.start {
            params.push((
                start.param.to_string(),
                format_time(query.since, start.format),
            ));
        }
        if let Some(end) = &request.end {
            params.push((end.param.to_string(), format_time(query.until, end.format)));
        }
        let hourly = query.hourly && request.hour_width.is_some();
        if let Some((param, day)) = &request.bucket_width {
            let width = match &request.hour_width {
                Some(hour) if hourly => hour,
                _ => day,
            };
            params.push((param.to_string(), width.to_string()));
        }
        if let Some(group_by) = &request.group_by {
            for (dimension, value) in group_by.values.iter() {
                if query.group_by.contains(dimension) {
                    params.push((group_by.param.to_string(), value.to_string()));
                }
            }
        }
        let hour_value = |name: &Text| {
            request
                .hour_params
                .iter()
                .find(|(hour_name, _)| hour_name == name)
                .map(|(_, value)| value)
        };
        for (name, value) in request.params.iter() {
            let value = hour_value(name).filter(|_| hourly).unwrap_or(value);
            params.push((name.to_string(), value.to_string()));
        }
        if hourly {
            for (name, value) in request.hour_params.iter() {
                if !request.params.iter().any(|(known, _)| known == name) {
                    params.push((name.to_string(), value.to_string()));
                }
            }
        }
        params
    }

    /// Reads one page's rows into records. `now` dates snapshots.
    pub fn read_page(
        &self,
        provider: &Text,
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
        provider: &Text,
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

    /// The period a row covers, and what that period means.
    fn period_of(
        &self,
        stack: &[&Value],
        query: &ReportQuery,
        now: DateTime<Utc>,
    ) -> Result<Covered, String> {
        Ok(match &self.period {
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
                let start = read(start)?;
                let end = match end {
                    Some(end) => read(end)?,
                    // A date names the whole day.
                    None => start.checked_add_days(Days::new(1)).ok_or_else(|| {
                        format!("{}: a row's day is out of range", self.operation)
                    })?,
                };
                (Some(start), Some(end), Coverage::Bucket)
            }
            Period::Range => (Some(query.since), Some(query.until), Coverage::Range),
            Period::Snapshot { label, window_days } => {
                let days = window_days
                    .as_ref()
                    .and_then(|path| self.get(stack, path))
                    .and_then(Value::as_u64);
                let start = days.and_then(|days| now.checked_sub_days(Days::new(days)));
                (start, start.map(|_| now), Coverage::Snapshot(label.clone()))
            }
        })
    }

    fn get<'v>(&self, stack: &[&'v Value], path: &Path) -> Option<&'v Value> {
        lookup(stack.get(path.level)?, &path.keys).filter(|value| !value.is_null())
    }

    fn read_row(
        &self,
        stack: &[&Value],
        provider: &Text,
        query: &ReportQuery,
        now: DateTime<Utc>,
        emit: &mut dyn FnMut(Record),
    ) -> Result<(), String> {
        let other_kind = |(path, wanted): &(Path, Text)| {
            self.get(stack, path).and_then(Value::as_str) != Some(wanted.as_ref())
        };
        if self.filters.iter().any(other_kind) {
            return Ok(());
        }
        let (period_start, period_end, coverage) = self.period_of(stack, query, now)?;
        // A provider may answer with more than was asked (OpenRouter's activity: always
        // the last 30 days): a bucket outside the range is not part of this report.
        if let (Coverage::Bucket, Some(start), Some(end)) = (&coverage, period_start, period_end)
            && (end <= query.since || start >= query.until)
        {
            return Ok(());
        }
        let dimension = |wanted: Dimension| {
            self.dimensions
                .iter()
                .find(|(dimension, _)| *dimension == wanted)
                .and_then(|(_, path)| self.get(stack, path))
                .and_then(text)
        };
        let (model, project, api_key, upstream) = (
            dimension(Dimension::Model),
            dimension(Dimension::Project),
            dimension(Dimension::ApiKey),
            dimension(Dimension::Upstream),
        );
        let factor = |scale: &Text| {
            Decimal::from_str_exact(scale)
                .or_else(|_| Decimal::from_scientific(scale))
                .map_err(|e| format!("{}: scale `{scale}`: {e}", self.operation))
        };
        for metric in self.metrics.iter() {
            let mut values = metric
                .values
                .iter()
                .filter_map(|term| Some((self.get(stack, &term.path)?, term)))
                .peekable();
            if values.peek().is_none() {
                continue;
            }
            let mut sum = Decimal::ZERO;
            for (value, term) in values {
                let mut part = decimal(value).ok_or_else(|| {
                    format!(
                        "{}: `{}` is not a number: {value}",
                        self.operation, metric.name
                    )
                })?;
                if let Some(scale) = &term.scale {
                    part *= factor(scale)?;
                }
                sum += part;
            }
            if let Some(scale) = &metric.scale {
                sum *= factor(scale)?;
            }
            let unit = match &metric.unit {
                Unit::Fixed(unit) => unit.to_string(),
                Unit::Currency(path) => match self.get(stack, path).and_then(Value::as_str) {
                    Some(code) => code.to_ascii_uppercase(),
                    // An amount without a currency cannot be added to anything.
                    None => continue,
                },
            };
            emit(Record {
                provider: provider.clone(),
                period_start,
                period_end,
                coverage: coverage.clone(),
                model: model.clone(),
                project: project.clone(),
                api_key: api_key.clone(),
                upstream: upstream.clone(),
                metric: metric.name.clone(),
                unit,
                value: sum.normalize(),
                level: metric.level,
                source: self.operation.clone(),
            });
        }
        Ok(())
    }
}

fn lookup<'v>(value: &'v Value, keys: &[Text]) -> Option<&'v Value> {
    keys.iter()
        .try_fold(value, |value, key| value.get(key.as_ref()))
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::mapping::{Metric, Path, Period, ReportRequest, ReportSpec, Term, TimeFormat, Unit};

    fn path(level: usize, keys: &[&'static str]) -> Path {
        Path {
            level,
            keys: keys.iter().map(|k| Cow::Borrowed(*k)).collect(),
        }
    }

    /// Rows of one day each (`{start, format: date}`): a day's bucket ends a day later,
    /// and days outside the asked range are left out.
    #[test]
    fn a_row_that_names_a_day_covers_that_day_and_only_asked_days_count() {
        let spec = ReportSpec {
            operation: "daily".into(),
            request: ReportRequest {
                start: None,
                end: None,
                bucket_width: None,
                hour_width: None,
                hour_params: Cow::Borrowed(&[]),
                group_by: None,
                params: Cow::Borrowed(&[]),
                in_body: false,
                body_arrays: Cow::Borrowed(&[]),
                body_cursor: None,
            },
            rows: vec![vec![Cow::Borrowed("data")].into()].into(),
            filters: Cow::Borrowed(&[]),
            period: Period::Buckets {
                start: path(1, &["date"]),
                end: None,
                format: TimeFormat::Date,
            },
            dimensions: Cow::Borrowed(&[]),
            metrics: vec![Metric {
                name: "requests".into(),
                values: vec![Term {
                    path: path(1, &["requests"]),
                    scale: None,
                }]
                .into(),
                unit: Unit::Fixed("requests".into()),
                scale: None,
                level: false,
            }]
            .into(),
            example: None,
            replaces: Cow::Borrowed(&[]),
        };
        let page = serde_json::json!({"data": [
            {"date": "2026-10-31", "requests": 100},
            {"date": "2026-11-01", "requests": 3},
            {"date": "2026-11-30", "requests": 4},
            {"date": "2026-12-01", "requests": 200}
        ]});
        let day = |text: &str| -> DateTime<Utc> { format!("{text}T00:00:00Z").parse().unwrap() };
        let query = ReportQuery {
            since: day("2026-11-01"),
            until: day("2026-12-01"),
            group_by: Vec::new(),
            hourly: false,
        };
        let mut records = Vec::new();
        spec.read_page(&"p".into(), &page, &query, day("2026-12-03"), &mut |r| {
            records.push(r)
        })
        .unwrap();
        let periods: Vec<_> = records
            .iter()
            .map(|r| (r.period_start.unwrap(), r.period_end.unwrap(), r.value))
            .collect();
        assert_eq!(
            periods,
            [
                (day("2026-11-01"), day("2026-11-02"), Decimal::from(3)),
                (day("2026-11-30"), day("2026-12-01"), Decimal::from(4)),
            ]
        );
    }
}
