//! What a crate's summary example prints for the spec's own example responses,
//! rendered for its README by the code the example runs (`usagekit-report`).

use usagekit_report::{Aggregator, Granularity, ReportQuery, ReportSpec, Text, table};

/// The summary table of the spec's examples, by day, for the days
/// [`ReportQuery::examples`] names; `None` without any example to read.
pub(super) fn summary_table(key: &str, reports: &[ReportSpec]) -> Result<Option<String>, String> {
    let query = ReportQuery::examples(&[]);
    let mut summary = Aggregator::new(Granularity::Day, &query.group_by);
    let provider = Text::from(key.to_owned());
    let mut read = false;
    // As a report runs: one another report replaces (and answers) is not read.
    let replaced = |spec: &ReportSpec| {
        reports
            .iter()
            .any(|other| other.example.is_some() && other.replaces.contains(&spec.operation))
    };
    for spec in reports {
        let Some(example) = &spec.example else {
            continue;
        };
        if replaced(spec) {
            continue;
        }
        let page: serde_json::Value = serde_json::from_str(example)
            .map_err(|e| format!("the example of `{}` is not JSON: {e}", spec.operation))?;
        spec.read_page(&provider, &page, &query, query.until, &mut |record| {
            summary.add(record);
        })
        .map_err(|e| format!("the example response does not fit its x-usagekit-report: {e}"))?;
        read = true;
    }
    Ok(read.then(|| table(&summary)))
}
