//! The report as a table, CSV or JSON on stdout; notes and failures on stderr.

use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::json;
use serde_json::value::RawValue;
use usagekit_runtime::report::{self, Aggregator, Dimension, ReportQuery};

use crate::Format;
use crate::summary::Summary;

/// The columns CSV has, in order.
pub const CSV_COLUMNS: [&str; 12] = [
    "period_start",
    "period_end",
    "provider",
    "model",
    "project",
    "api_key",
    "upstream",
    "metric",
    "unit",
    "value",
    "note",
    "sources",
];

/// `--format json`: the query, the rows, and what was skipped or failed.
#[derive(Serialize)]
struct JsonReport<'a> {
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    by: &'static str,
    group_by: Vec<&'static str>,
    rows: Vec<JsonRow<'a>>,
    /// Per provider: whether the rows hold its data `complete`, `partial` or `missing`.
    providers: Vec<serde_json::Value>,
    skipped: Vec<serde_json::Value>,
    failures: Vec<serde_json::Value>,
}

/// One row: `value` is a JSON number written from the exact decimal.
#[derive(Serialize)]
struct JsonRow<'a> {
    period_start: Option<String>,
    period_end: Option<String>,
    provider: Option<&'a str>,
    model: Option<&'a str>,
    project: Option<&'a str>,
    api_key: Option<&'a str>,
    upstream: Option<&'a str>,
    metric: &'a str,
    unit: &'a str,
    value: Box<RawValue>,
    note: String,
    /// The operations the row's figures were read from.
    sources: Vec<&'a str>,
}

/// A row's period boundary: RFC 3339 in UTC, or with the zone's offset for a
/// period in the report's time zone.
fn boundary(
    zone: Option<chrono_tz::Tz>,
    local: bool,
    time: Option<DateTime<Utc>>,
) -> Option<String> {
    match (zone, local, time) {
        (Some(zone), true, Some(time)) => Some(crate::zone::show(zone, time)),
        (_, _, time) => time.map(|time| time.to_rfc3339_opts(SecondsFormat::Secs, true)),
    }
}

/// Prints the report; fails (exit 1) when any provider failed, after printing
/// what the others gave.
pub fn print(format: Format, query: &ReportQuery, summary: &Summary) -> Result<ExitCode, String> {
    let aggregator = &summary.aggregator;
    match format {
        Format::Table if aggregator.is_empty() => println!("no usage in this range"),
        Format::Table => print!("{}", report::table(aggregator)),
        Format::Csv => csv(aggregator, summary.zone)?,
        Format::Json => json(query, summary)?,
        Format::Html => print!("{}", crate::html::page(query, summary)),
    }

    for (provider, reason) in &summary.skipped {
        eprintln!("note: {provider} skipped: {reason}");
    }
    for (provider, error) in &summary.failures {
        eprintln!("error: {provider} failed (rows before the failure are kept): {error}");
    }
    Ok(if summary.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// One line per period, group and metric.
fn csv(aggregator: &Aggregator, zone: Option<chrono_tz::Tz>) -> Result<(), String> {
    let mut writer = csv::Writer::from_writer(std::io::stdout().lock());
    let write = |writer: &mut csv::Writer<_>, record: &[String]| {
        writer
            .write_record(record)
            .map_err(|error| format!("cannot write CSV: {error}"))
    };
    write(&mut writer, &CSV_COLUMNS.map(str::to_owned))?;
    for (row, value) in aggregator.rows() {
        write(
            &mut writer,
            &[
                boundary(zone, row.local, row.period_start).unwrap_or_default(),
                boundary(zone, row.local, row.period_end).unwrap_or_default(),
                row.dimension(Dimension::Provider).to_owned(),
                row.dimension(Dimension::Model).to_owned(),
                row.dimension(Dimension::Project).to_owned(),
                row.dimension(Dimension::ApiKey).to_owned(),
                row.dimension(Dimension::Upstream).to_owned(),
                row.metric.to_string(),
                row.unit.clone(),
                value.to_string(),
                row.coverage.note(),
                aggregator.sources(row).join(" "),
            ],
        )?;
    }
    writer
        .flush()
        .map_err(|error| format!("cannot write CSV: {error}"))?;
    Ok(())
}

/// The rows as JSON numbers written from the exact decimals, and what was skipped
/// and what failed.
fn json(query: &ReportQuery, summary: &Summary) -> Result<(), String> {
    let aggregator = &summary.aggregator;
    let rows = aggregator
        .rows()
        .map(|(row, value)| {
            // The decimal's own text as a JSON number: exact, never an f64.
            let value = RawValue::from_string(value.to_string())
                .map_err(|error| format!("cannot write {value} as JSON: {error}"))?;
            Ok(JsonRow {
                period_start: boundary(summary.zone, row.local, row.period_start),
                period_end: boundary(summary.zone, row.local, row.period_end),
                provider: row.provider.as_deref(),
                model: row.model.as_deref(),
                project: row.project.as_deref(),
                api_key: row.api_key.as_deref(),
                upstream: row.upstream.as_deref(),
                metric: &row.metric,
                unit: &row.unit,
                value,
                note: row.coverage.note(),
                sources: aggregator.sources(row),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let notes = |notes: &[(&str, String)], field: &str| -> Vec<serde_json::Value> {
        notes
            .iter()
            .map(|(provider, text)| json!({"provider": provider, field: text}))
            .collect()
    };
    let document = JsonReport {
        since: query.since,
        until: query.until,
        by: aggregator.granularity().name(),
        group_by: query.group_by.iter().map(|d| d.name()).collect(),
        rows,
        providers: summary
            .providers
            .iter()
            .map(|(provider, state)| json!({"provider": provider, "data": state.name()}))
            .collect(),
        skipped: notes(&summary.skipped, "reason"),
        failures: notes(&summary.failures, "error"),
    };
    let text = serde_json::to_string_pretty(&document)
        .map_err(|error| format!("cannot write JSON: {error}"))?;
    println!("{text}");
    Ok(())
}

/// `usagekit sync`: what the store now holds for the range, per provider.
pub fn synced(query: &ReportQuery, summary: &Summary) -> Result<ExitCode, String> {
    let mut records: std::collections::BTreeMap<&str, usize> = Default::default();
    for (row, _) in summary.aggregator.rows() {
        *records
            .entry(row.dimension(Dimension::Provider))
            .or_default() += 1;
    }
    for (provider, state) in &summary.providers {
        println!(
            "{provider}: {} ({} rows for {} to {})",
            state.name(),
            records.get(provider).copied().unwrap_or(0),
            query.since.format("%Y-%m-%d"),
            query.until.format("%Y-%m-%d")
        );
    }
    for (provider, reason) in &summary.skipped {
        eprintln!("note: {provider}: {reason}");
    }
    for (provider, error) in &summary.failures {
        eprintln!("error: {provider} failed: {error}");
    }
    Ok(if summary.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
