//! Sums of records by period and group.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::mapping::{Dimension, Text};
use crate::query::Granularity;
use crate::read::{Coverage, Record};

/// One row of a report: a sum over records that share its period and groups.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Row {
    /// First, so buckets sort before range totals and snapshots.
    pub coverage: Coverage,
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
    /// `None` where the report is not grouped by it, or the provider did not say.
    pub provider: Option<Text>,
    pub model: Option<String>,
    pub project: Option<String>,
    pub api_key: Option<String>,
    pub upstream: Option<String>,
    pub metric: Text,
    pub unit: String,
    /// The period is in the report's own time zone: `period_start` and
    /// `period_end` are its local wall-clock times, written as if UTC.
    pub local: bool,
}

/// A record's own period: when a level was read.
type Span = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// What a row holds: a sum, or for a level the latest value and when it was
/// read; and the operations its records came from.
#[derive(Debug, Default)]
struct Cell {
    value: Decimal,
    /// A level's reading time (its record's period), `None` for sums.
    read_at: Option<Span>,
    sources: BTreeSet<Text>,
}

/// Sums records by period and the chosen dimensions, never across units: amounts
/// in different currencies stay apart. A level (a balance) is never summed: a
/// row shows the latest reading in its period (the larger value among readings
/// of the same time, so the result does not depend on arrival order).
pub struct Aggregator {
    by: Granularity,
    group_by: Vec<Dimension>,
    rows: BTreeMap<Row, Cell>,
    local: Option<LocalTime>,
}

/// An instant's wall-clock time in the report's time zone, written as if UTC.
pub type LocalTime = Box<dyn Fn(DateTime<Utc>) -> DateTime<Utc> + Send + Sync>;

impl std::fmt::Debug for Aggregator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aggregator")
            .field("by", &self.by)
            .field("group_by", &self.group_by)
            .field("rows", &self.rows)
            .field("local", &self.local.is_some())
            .finish()
    }
}

impl Aggregator {
    pub fn new(by: Granularity, group_by: &[Dimension]) -> Self {
        Self {
            by,
            group_by: group_by.to_vec(),
            rows: BTreeMap::new(),
            local: None,
        }
    }

    /// Periods in a time zone: a bucket shorter than a day (an hour) goes to the
    /// day, week or month of its start's wall-clock time there, which is exact
    /// when the zone's offset is whole hours. Longer buckets (a provider's UTC
    /// days) keep their UTC periods.
    pub fn in_local_time(mut self, local: LocalTime) -> Self {
        self.local = Some(local);
        self
    }

    pub fn granularity(&self) -> Granularity {
        self.by
    }

    pub fn add(&mut self, record: Record) {
        let grouped = |dimension| self.group_by.contains(&dimension);
        let shorter_than_a_day = match (record.period_start, record.period_end) {
            (Some(start), Some(end)) => end - start < chrono::TimeDelta::days(1),
            _ => false,
        };
        let local = self.local.as_ref().filter(|_| shorter_than_a_day);
        let (period_start, period_end) = match (&record.coverage, record.period_start) {
            (Coverage::Bucket, Some(start)) => {
                let start = local.map_or(start, |local| local(start));
                let (start, end) = self.by.period(start);
                (Some(start), Some(end))
            }
            _ => (record.period_start, record.period_end),
        };
        let read_at = (record.period_start, record.period_end);
        let is_local = local.is_some() && record.coverage == Coverage::Bucket;
        let key = Row {
            period_start,
            period_end,
            coverage: record.coverage,
            provider: grouped(Dimension::Provider).then_some(record.provider),
            model: record.model.filter(|_| grouped(Dimension::Model)),
            project: record.project.filter(|_| grouped(Dimension::Project)),
            api_key: record.api_key.filter(|_| grouped(Dimension::ApiKey)),
            upstream: record.upstream.filter(|_| grouped(Dimension::Upstream)),
            metric: record.metric,
            unit: record.unit,
            local: is_local,
        };
        let cell = self.rows.entry(key).or_default();
        cell.sources.insert(record.source);
        if !record.level {
            cell.value += record.value;
            return;
        }
        let later = match cell.read_at {
            None => true,
            Some(seen) => read_at > seen || (read_at == seen && record.value > cell.value),
        };
        if later {
            cell.value = record.value;
            cell.read_at = Some(read_at);
        }
    }

    /// The rows, ordered by period, then groups, then metric.
    pub fn rows(&self) -> impl Iterator<Item = (&Row, Decimal)> {
        self.rows
            .iter()
            .map(|(row, cell)| (row, cell.value.normalize()))
    }

    /// The operations a row's records were read from, sorted.
    pub fn sources(&self, row: &Row) -> Vec<&str> {
        self.rows
            .get(row)
            .map(|cell| cell.sources.iter().map(|s| s.as_ref()).collect())
            .unwrap_or_default()
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
        match &self.coverage {
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
                None => label.to_string(),
            },
        }
    }

    /// The value of `dimension`, or empty.
    pub fn dimension(&self, dimension: Dimension) -> &str {
        match dimension {
            Dimension::Provider => self.provider.as_deref().unwrap_or(""),
            Dimension::Model => self.model.as_deref().unwrap_or(""),
            Dimension::Project => self.project.as_deref().unwrap_or(""),
            Dimension::ApiKey => self.api_key.as_deref().unwrap_or(""),
            Dimension::Upstream => self.upstream.as_deref().unwrap_or(""),
        }
    }
}
