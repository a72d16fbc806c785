//! What a crate's summary example prints for the spec's own example responses,
//! rendered for its README by the code the example runs (`usagekit-report`).

use usagekit_report::{
    Aggregator, Granularity, GroupBy, Metric, Path, Period, ReportQuery, ReportRequest, ReportSpec,
    TimeFormat, Unit, table,
};

use crate::report::{MetricModel, PeriodModel, ReportModel, UnitModel, ValuePath};

// `ReportSpec` holds `'static` data (generated crates keep it in statics); the
// generator builds a few small ones per run and lets them live for the process.
fn leak(text: &str) -> &'static str {
    Box::leak(text.to_owned().into_boxed_str())
}

fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn path(path: &ValuePath) -> Path {
    Path {
        level: path.level,
        keys: leak_slice(path.keys.iter().map(|key| leak(key)).collect()),
    }
}

/// The mapping as the generated crate holds it.
fn spec(operation: &str, model: &ReportModel) -> ReportSpec {
    let time_param = |(param, format): &(String, TimeFormat)| usagekit_report::TimeParam {
        param: leak(param),
        format: *format,
    };
    let request = &model.request;
    ReportSpec {
        operation: leak(operation),
        request: ReportRequest {
            start: request.start.as_ref().map(time_param),
            end: request.end.as_ref().map(time_param),
            bucket_width: request
                .bucket_width
                .as_ref()
                .map(|(param, day)| (leak(param), leak(day))),
            group_by: request.group_by.as_ref().map(|(param, values)| GroupBy {
                param: leak(param),
                values: leak_slice(values.iter().map(|(d, value)| (*d, leak(value))).collect()),
            }),
            params: leak_slice(
                request
                    .params
                    .iter()
                    .map(|(name, value)| (leak(name), leak(value)))
                    .collect(),
            ),
        },
        rows: leak_slice(
            model
                .rows
                .iter()
                .map(|keys| leak_slice(keys.iter().map(|key| leak(key)).collect()))
                .collect(),
        ),
        filters: leak_slice(
            model
                .filters
                .iter()
                .map(|(p, wanted)| (path(p), leak(wanted)))
                .collect(),
        ),
        period: match &model.period {
            PeriodModel::Buckets { start, end, format } => Period::Buckets {
                start: path(start),
                end: path(end),
                format: *format,
            },
            PeriodModel::Range => Period::Range,
            PeriodModel::Snapshot { label, window_days } => Period::Snapshot {
                label: leak(label),
                window_days: window_days.as_ref().map(path),
            },
        },
        dimensions: leak_slice(
            model
                .dimensions
                .iter()
                .map(|(d, p)| (*d, path(p)))
                .collect(),
        ),
        metrics: leak_slice(
            model
                .metrics
                .iter()
                .map(
                    |MetricModel {
                         name,
                         values,
                         unit,
                         scale,
                     }| Metric {
                        name: leak(name),
                        values: leak_slice(values.iter().map(path).collect()),
                        unit: match unit {
                            UnitModel::Fixed(unit) => Unit::Fixed(leak(unit)),
                            UnitModel::Currency(currency) => Unit::Currency(path(currency)),
                        },
                        scale: scale.as_deref().map(leak),
                    },
                )
                .collect(),
        ),
        example: None,
    }
}

/// The summary table of the spec's examples, by day, for the days
/// [`ReportQuery::examples`] names; `None` without any example to read.
pub fn summary_table(
    key: &str,
    reports: &[(String, ReportModel, Option<String>)],
) -> Result<Option<String>, String> {
    let query = ReportQuery::examples(&[]);
    let mut summary = Aggregator::new(Granularity::Day, &query.group_by);
    let mut read = false;
    for (operation, model, example) in reports {
        let Some(example) = example else { continue };
        let page: serde_json::Value = serde_json::from_str(example)
            .map_err(|e| format!("the example of `{operation}` is not JSON: {e}"))?;
        spec(operation, model)
            .read_page(leak(key), &page, &query, query.until, &mut |record| {
                summary.add(record);
            })
            .map_err(|e| format!("the example response does not fit its x-usagekit-report: {e}"))?;
        read = true;
    }
    Ok(read.then(|| table(&summary)))
}
