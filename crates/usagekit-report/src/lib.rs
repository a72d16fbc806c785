//! Usage records: one normalized shape for every provider's usage and cost data.
//!
//! A spec's `x-usagekit-report` says how an operation's pages map to [`Record`]s; the
//! generator turns it into a [`ReportSpec`], which reads the pages by their wire
//! names. [`Aggregator`] sums records into periods and groups in memory that grows
//! with the rows of the report, never with the pages read. Pure: no I/O.
//! `usagekit_runtime::dynamic::Service::run_report` drives a client through a
//! provider's mappings.
//!
//! One module per job: `mapping` (the mapping, as data), `query` (what a report
//! asks for), `read` (pages into records), `aggregate` (sums), `table` (text).

mod aggregate;
mod mapping;
mod query;
mod read;
mod table;

pub use aggregate::{Aggregator, Row};
pub use mapping::{
    Dimension, GroupBy, List, Metric, Path, Period, ReportRequest, ReportSpec, Text, TimeFormat,
    TimeParam, Unit,
};
pub use query::{Granularity, ReportQuery};
pub use read::{Coverage, Record};
pub use table::{group_digits, table};

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use chrono::{DateTime, Utc};
    use rust_decimal::Decimal;

    use crate::read::decimal;

    fn time(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn record(start: &str, metric: &'static str, unit: &str, value: &str) -> Record {
        Record {
            provider: "p".into(),
            period_start: Some(time(start)),
            period_end: None,
            coverage: Coverage::Bucket,
            model: Some("m".into()),
            project: None,
            api_key: None,
            metric: metric.into(),
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
