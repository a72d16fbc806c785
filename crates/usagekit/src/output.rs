//! The report as a table, CSV or JSON on stdout; notes and failures on stderr.

use std::process::ExitCode;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use usagekit_runtime::report::{self, Dimension, ReportQuery};

use crate::Format;
use crate::run::Summary;

/// The columns CSV has, in order.
pub const CSV_COLUMNS: [&str; 10] = [
    "period_start",
    "period_end",
    "provider",
    "model",
    "project",
    "api_key",
    "metric",
    "unit",
    "value",
    "note",
];

fn time(time: Option<DateTime<Utc>>) -> String {
    time.map(|time| time.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Prints the report; fails (exit 1) when any provider failed, after printing
/// what the others gave.
pub fn print(format: Format, query: &ReportQuery, summary: &Summary) -> Result<ExitCode, String> {
    let aggregator = &summary.aggregator;
    match format {
        Format::Table if aggregator.is_empty() => println!("no usage in this range"),
        Format::Table => print!("{}", report::table(aggregator)),
        Format::Csv => {
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
                        time(row.period_start),
                        time(row.period_end),
                        row.dimension(Dimension::Provider).to_owned(),
                        row.dimension(Dimension::Model).to_owned(),
                        row.dimension(Dimension::Project).to_owned(),
                        row.dimension(Dimension::ApiKey).to_owned(),
                        row.metric.to_owned(),
                        row.unit.clone(),
                        value.to_string(),
                        row.coverage.note(),
                    ],
                )?;
            }
            writer
                .flush()
                .map_err(|error| format!("cannot write CSV: {error}"))?;
        }
        Format::Json => {
            let rows: Vec<_> = aggregator
                .rows()
                .map(|(row, value)| {
                    json!({
                        "period_start": row.period_start,
                        "period_end": row.period_end,
                        "provider": row.provider,
                        "model": row.model,
                        "project": row.project,
                        "api_key": row.api_key,
                        "metric": row.metric,
                        "unit": row.unit,
                        // A string: exact, as the amounts are.
                        "value": value.to_string(),
                        "note": row.coverage.note(),
                    })
                })
                .collect();
            let notes = |notes: &[(&str, String)], field: &str| -> Vec<serde_json::Value> {
                notes
                    .iter()
                    .map(|(provider, text)| json!({"provider": provider, field: text}))
                    .collect()
            };
            let document = json!({
                "since": query.since,
                "until": query.until,
                "by": format!("{:?}", aggregator.granularity()).to_lowercase(),
                "group_by": query.group_by.iter().map(|d| d.name()).collect::<Vec<_>>(),
                "rows": rows,
                "skipped": notes(&summary.skipped, "reason"),
                "failures": notes(&summary.failures, "error"),
            });
            println!("{document:#}");
        }
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
