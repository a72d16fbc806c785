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

pub use aggregate::{Aggregator, LocalTime, Row};
pub use mapping::{
    Dimension, GroupBy, List, Metric, Path, Period, ReportRequest, ReportSpec, Term, Text,
    TimeFormat, TimeParam, Unit,
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
            upstream: None,
            metric: metric.into(),
            unit: unit.into(),
            value: Decimal::from_str(value).unwrap(),
            level: false,
            source: "op".into(),
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

    #[test]
    fn a_level_is_the_latest_reading_of_its_period_never_a_sum() {
        let reading = |start: &str, value: &str| Record {
            coverage: Coverage::Snapshot("balance now".into()),
            period_end: None,
            level: true,
            ..record(start, "balance", "USD", value)
        };
        let mut aggregator = Aggregator::new(Granularity::Month, &[Dimension::Provider]);
        // Read on three days, out of order: the month shows the last reading.
        aggregator.add(reading("2026-11-03T00:00:00Z", "7.50"));
        aggregator.add(reading("2026-11-20T00:00:00Z", "4.25"));
        aggregator.add(reading("2026-11-09T00:00:00Z", "6"));
        // A flow beside it is still summed.
        aggregator.add(record("2026-11-03T00:00:00Z", "cost", "USD", "1.5"));
        aggregator.add(record("2026-11-20T00:00:00Z", "cost", "USD", "2"));
        let values: Vec<(String, String)> = aggregator
            .rows()
            .map(|(row, value)| (row.metric.to_string(), value.to_string()))
            .collect();
        assert!(
            values.contains(&("cost".into(), "3.5".into())),
            "{values:?}"
        );
        let balances: Vec<&(String, String)> = values
            .iter()
            .filter(|(metric, _)| metric == "balance")
            .collect();
        // Snapshots keep their own period (each reading's day): three rows, never added.
        assert!(
            balances.iter().all(|(_, value)| value != "17.75"),
            "{values:?}"
        );

        // Readings in one bucket: the latest wins.
        let mut daily = Aggregator::new(Granularity::Month, &[]);
        for (start, value) in [
            ("2026-11-03T00:00:00Z", "7.5"),
            ("2026-11-20T00:00:00Z", "4.25"),
        ] {
            daily.add(Record {
                level: true,
                ..record(start, "balance", "USD", value)
            });
        }
        let (row, value) = daily.rows().next().unwrap();
        assert_eq!(value.to_string(), "4.25");
        assert_eq!(daily.sources(row), ["op"]);
    }

    #[test]
    fn money_in_parts_and_an_inverted_ledger_read_exactly() {
        fn path(keys: &[&'static str]) -> Path {
            Path {
                level: 1,
                keys: keys
                    .iter()
                    .map(|k| std::borrow::Cow::Borrowed(*k))
                    .collect(),
            }
        }
        let metric = |name: &'static str, values: Vec<Term>, scale: Option<&'static str>| Metric {
            name: name.into(),
            values: values.into(),
            unit: Unit::Fixed("USD".into()),
            scale: scale.map(Into::into),
            level: false,
        };
        let spec = ReportSpec {
            operation: "costs".into(),
            request: ReportRequest::default(),
            rows: vec![vec![std::borrow::Cow::Borrowed("rows")].into()].into(),
            filters: std::borrow::Cow::Borrowed(&[]),
            period: Period::Range,
            dimensions: std::borrow::Cow::Borrowed(&[]),
            metrics: vec![
                metric(
                    "cost",
                    vec![
                        Term {
                            path: path(&["subtotal", "units"]),
                            scale: None,
                        },
                        Term {
                            path: path(&["subtotal", "nanos"]),
                            scale: Some("0.000000001".into()),
                        },
                    ],
                    None,
                ),
                metric(
                    "balance",
                    vec![Term {
                        path: path(&["total", "val"]),
                        scale: None,
                    }],
                    Some("-0.01"),
                ),
            ]
            .into(),
            example: None,
            replaces: std::borrow::Cow::Borrowed(&[]),
        };
        let page = serde_json::json!({"rows": [
            {"subtotal": {"units": "12", "nanos": 340000001}, "total": {"val": "-1000"}},
            {"subtotal": {"units": "-1", "nanos": -750000000}}
        ]});
        let query = ReportQuery {
            since: time("2026-11-01T00:00:00Z"),
            until: time("2026-12-01T00:00:00Z"),
            group_by: Vec::new(),
            hourly: false,
        };
        let mut values = Vec::new();
        spec.read_page(
            &"p".into(),
            &page,
            &query,
            time("2026-12-01T00:00:00Z"),
            &mut |r| values.push((r.metric.to_string(), r.value.to_string())),
        )
        .unwrap();
        assert_eq!(
            values,
            [
                ("cost".to_owned(), "12.340000001".to_owned()),
                ("balance".to_owned(), "10".to_owned()),
                ("cost".to_owned(), "-1.75".to_owned()),
            ]
        );
    }

    #[test]
    fn a_post_query_puts_its_parameters_in_the_body() {
        let spec = ReportSpec {
            operation: "query".into(),
            request: ReportRequest {
                start: Some(TimeParam {
                    param: "startTime".into(),
                    format: TimeFormat::DateTime,
                }),
                end: Some(TimeParam {
                    param: "endTime".into(),
                    format: TimeFormat::UnixSeconds,
                }),
                bucket_width: Some(("groupBy".into(), "DAY".into())),
                hour_width: Some("HOUR".into()),
                hour_params: vec![("pageSize".into(), "168".into())].into(),
                group_by: Some(GroupBy {
                    param: "groupBy".into(),
                    values: vec![(Dimension::Model, "MODEL".into())].into(),
                }),
                params: vec![
                    ("pageSize".into(), "1000".into()),
                    ("scope".into(), "\"ACCOUNT\"".into()),
                ]
                .into(),
                in_body: true,
                body_arrays: vec!["groupBy".into()].into(),
                body_cursor: Some((
                    "pageToken".into(),
                    Path {
                        level: 0,
                        keys: vec![std::borrow::Cow::Borrowed("nextPageToken")].into(),
                    },
                )),
            },
            rows: std::borrow::Cow::Borrowed(&[]),
            filters: std::borrow::Cow::Borrowed(&[]),
            period: Period::Range,
            dimensions: std::borrow::Cow::Borrowed(&[]),
            metrics: std::borrow::Cow::Borrowed(&[]),
            example: None,
            replaces: std::borrow::Cow::Borrowed(&[]),
        };
        let mut query = ReportQuery {
            since: time("2026-11-01T00:00:00Z"),
            until: time("2026-11-08T00:00:00Z"),
            group_by: vec![Dimension::Model],
            hourly: false,
        };
        assert!(spec.params(&query).is_empty());
        assert_eq!(
            spec.body(&query),
            Some(serde_json::json!({
                "startTime": "2026-11-01T00:00:00Z",
                "endTime": 1_794_096_000,
                "groupBy": ["DAY", "MODEL"],
                "pageSize": 1000,
                "scope": "ACCOUNT"
            }))
        );
        // Not grouped by model: the array keeps its one value.
        query.group_by.clear();
        let body = spec.body(&query).unwrap();
        assert_eq!(body["groupBy"], serde_json::json!(["DAY"]));
        // Paging: the page's token goes into the next body; none on the last page.
        let next = spec
            .next_body(&body, &serde_json::json!({"nextPageToken": "p2"}))
            .unwrap();
        assert_eq!(next["pageToken"], "p2");
        assert_eq!(next["startTime"], body["startTime"]);
        // Hours: the hour width, and the hour page size instead of the day's.
        query.hourly = true;
        let hours = spec.body(&query).unwrap();
        assert_eq!(hours["groupBy"], serde_json::json!(["HOUR"]));
        assert_eq!(hours["pageSize"], 168);
        let last = serde_json::json!({"nextPageToken": ""});
        assert_eq!(spec.next_body(&body, &last), None);
        assert_eq!(spec.next_body(&body, &serde_json::json!({})), None);
    }

    /// In a zone five hours behind UTC, hourly buckets sum into its days exactly;
    /// a provider's whole UTC day stays a UTC day.
    #[test]
    fn hours_sum_into_local_days_and_utc_days_stay_utc() {
        let shift: LocalTime = Box::new(|t| t - chrono::TimeDelta::hours(5));
        let mut aggregator =
            Aggregator::new(Granularity::Day, &[Dimension::Provider]).in_local_time(shift);
        let hour = |start: &str, value: &str| Record {
            period_end: Some(time(start) + chrono::TimeDelta::hours(1)),
            ..record(start, "cost", "USD", value)
        };
        // 2026-11-02 04:00Z is still the 1st there; 05:00Z is the 2nd.
        aggregator.add(hour("2026-11-01T05:00:00Z", "1"));
        aggregator.add(hour("2026-11-02T04:00:00Z", "2"));
        aggregator.add(hour("2026-11-02T05:00:00Z", "4"));
        aggregator.add(Record {
            period_end: Some(time("2026-11-02T00:00:00Z")),
            metric: "requests".into(),
            ..record("2026-11-01T00:00:00Z", "requests", "requests", "7")
        });
        let rows: Vec<(String, String, bool, String)> = aggregator
            .rows()
            .map(|(row, value)| {
                (
                    row.period_label(Granularity::Day),
                    row.metric.to_string(),
                    row.local,
                    value.to_string(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("2026-11-01".into(), "cost".into(), true, "3".into()),
                ("2026-11-01".into(), "requests".into(), false, "7".into()),
                ("2026-11-02".into(), "cost".into(), true, "4".into()),
            ]
        );
    }
}
