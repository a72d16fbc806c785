//! A report through the store: what closed days the store holds is read from it,
//! only open and missing days are fetched (one range per provider, so one request
//! per operation once the store is filled), and what was fetched is kept.

use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, Utc};
use usagekit_runtime::dynamic::{DynamicClient, Service};
use usagekit_runtime::report::{Period, Record, ReportQuery, ReportSpec};

use crate::Shape;
use crate::store::Store;
use crate::summary::{Completeness, Summary};
use crate::zone::utc_midnight as midnight;

/// A day is closed, and never fetched again, once it ended a day before the fetch:
/// providers finish reporting a day within hours.
pub const REPORTING_DELAY: Days = Days::new(1);

pub fn is_buckets(spec: &ReportSpec) -> bool {
    matches!(spec.period, Period::Buckets { .. })
}

/// The operations whose figures are the same spend: a mapping, those it
/// replaces and those that replace it (a store covers a day for all of them).
fn group<'s>(service: &'s Service, spec: &'s ReportSpec) -> Vec<&'s str> {
    let mut members = vec![spec.operation.as_ref()];
    for other in service.reports {
        if other.replaces.contains(&spec.operation) || spec.replaces.contains(&other.operation) {
            members.push(other.operation.as_ref());
        }
    }
    members
}

/// The UTC days a range touches.
fn days(since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let mut day = since.date_naive();
    while midnight(day) < until {
        days.push(day);
        day = day + Days::new(1);
    }
    days
}

/// A query's range: since, until (exclusive).
type Range = (DateTime<Utc>, DateTime<Utc>);

/// What one provider's fetch brought back.
struct Fetched {
    records: Vec<Record>,
    /// (operations read, the range they were asked) per fetch.
    read: Vec<(Vec<String>, Range)>,
    notes: Vec<String>,
    error: Option<String>,
}

/// The report of `sources`, through `store`; `offline` reads the store alone (and
/// then a source needs no client: its credentials are not needed to read it).
pub async fn collect(
    sources: &[(&'static Service, Option<Box<dyn DynamicClient>>)],
    query: &ReportQuery,
    shape: &Shape,
    store: &mut Store,
    offline: bool,
) -> Result<Summary, String> {
    // Records differ by the grouping asked and the bucket width (hours for --tz).
    let grouping: Vec<&str> = query.group_by.iter().map(|d| d.name()).collect();
    let grouping = format!(
        "{}{}",
        grouping.join(","),
        if query.hourly { "@1h" } else { "" }
    );
    let now = Utc::now();
    let closed_before = now - REPORTING_DELAY;
    let wanted = days(query.since, query.until);

    // Per provider: the first day any operation's group lacks (closed days only
    // count as held; open ones are always fetched again), whether it has
    // operations that are not buckets (fetched on every run), and whether the store
    // holds every day of the range closed.
    let mut plans = Vec::new();
    for (service, _) in sources {
        let operations: Vec<&str> = service
            .reports
            .iter()
            .map(|s| s.operation.as_ref())
            .collect();
        let closed = store.closed_days(service.key, &operations, &grouping)?;
        let held = |spec: &ReportSpec, day: &NaiveDate| {
            group(service, spec)
                .iter()
                .any(|op| closed.get(*op).is_some_and(|days| days.contains(day)))
        };
        let first_missing = service
            .reports
            .iter()
            .filter(|spec| is_buckets(spec))
            .filter_map(|spec| wanted.iter().find(|day| !held(spec, day)).copied())
            .min();
        let others = service.reports.iter().any(|spec| !is_buckets(spec));
        let held_all = service
            .reports
            .iter()
            .filter(|spec| is_buckets(spec))
            .all(|spec| wanted.iter().all(|day| held(spec, day)));
        plans.push((first_missing, others, held_all));
    }

    // Fetch what is missing, every provider at once.
    let runs = sources
        .iter()
        .zip(&plans)
        .map(|((service, client), (first_missing, others, _))| {
            let query = query.clone();
            async move {
                let mut fetched = Fetched {
                    records: Vec::new(),
                    read: Vec::new(),
                    notes: Vec::new(),
                    error: None,
                };
                let Some(client) = client.as_ref().filter(|_| !offline) else {
                    return fetched;
                };
                let mut asks: Vec<(ReportQuery, bool)> = Vec::new();
                if let Some(day) = first_missing {
                    // Whole UTC days, so that each day kept is complete (a zone's
                    // day starts within a UTC day); only the query's range is shown.
                    let last = (query.until - chrono::TimeDelta::seconds(1)).date_naive();
                    asks.push((
                        ReportQuery {
                            since: midnight(*day),
                            until: midnight(last + Days::new(1)),
                            ..query.clone()
                        },
                        true,
                    ));
                }
                if *others {
                    asks.push((query.clone(), false));
                }
                for (ask, buckets) in asks {
                    let include = |spec: &ReportSpec| is_buckets(spec) == buckets;
                    let result = service
                        .run_report_read(
                            client.as_ref(),
                            &ask,
                            &include,
                            &mut |_| {},
                            &mut |record| fetched.records.push(record),
                        )
                        .await;
                    match result {
                        Ok((notes, read)) => {
                            fetched.notes.extend(notes);
                            fetched.read.push((read, (ask.since, ask.until)));
                        }
                        Err(error) => fetched.error = Some(error),
                    }
                }
                fetched
            }
        });
    let results = futures_util::future::join_all(runs).await;

    let mut summary = Summary {
        aggregator: shape.aggregator(query),
        skipped: Vec::new(),
        failures: Vec::new(),
        providers: Vec::new(),
        zone: shape.tz,
    };
    for (((service, _), (first_missing, others, held_all)), fetched) in
        sources.iter().zip(&plans).zip(results)
    {
        let held_all = *held_all;
        let buckets: Vec<&str> = service
            .reports
            .iter()
            .filter(|spec| is_buckets(spec))
            .map(|spec| spec.operation.as_ref())
            .collect();
        // Keep what was read: only answers complete for their range (an operation
        // that failed part way is not kept, and its days stay missing).
        if fetched.error.is_none() {
            for (read, range) in &fetched.read {
                store.save(
                    service.key,
                    &grouping,
                    read,
                    &buckets,
                    *range,
                    closed_before,
                    &fetched.records,
                )?;
            }
        }
        // The report's records: from the store, one operation per group and day
        // (a replacing operation's before the one it replaces).
        let mut by_operation: BTreeMap<&str, Vec<Record>> = BTreeMap::new();
        for spec in service.reports {
            let records = if fetched.error.is_some() && !is_buckets(spec) {
                fetched
                    .records
                    .iter()
                    .filter(|r| r.source == spec.operation)
                    .cloned()
                    .collect()
            } else {
                store.load(
                    service.key,
                    &spec.operation,
                    &grouping,
                    (query.since, query.until),
                )?
            };
            by_operation.insert(spec.operation.as_ref(), records);
        }
        // Each day of a group belongs to the first operation that has it.
        let mut owner: BTreeMap<(Vec<&str>, NaiveDate), &str> = BTreeMap::new();
        let mut ordered: Vec<&ReportSpec> = service.reports.iter().collect();
        // Replacers first: a day one of them holds is theirs.
        ordered.sort_by_key(|spec| spec.replaces.is_empty());
        let mut count = 0_u64;
        for spec in ordered {
            let mut members = group(service, spec);
            members.sort_unstable();
            let operation: &str = spec.operation.as_ref();
            for record in &by_operation[operation] {
                if let Some(start) = record.period_start.filter(|_| is_buckets(spec)) {
                    let claimed = owner
                        .entry((members.clone(), start.date_naive()))
                        .or_insert(operation);
                    if *claimed != operation {
                        continue;
                    }
                }
                summary.aggregator.add(record.clone());
                count += 1;
            }
        }
        let state = match (&fetched.error, offline) {
            (Some(_), _) if count == 0 => Completeness::Missing,
            (Some(_), _) => Completeness::Partial,
            (None, true) if count == 0 => Completeness::Missing,
            (None, true) if !held_all => Completeness::Partial,
            _ if fetched
                .notes
                .iter()
                .any(|note| note.starts_with("left out")) =>
            {
                Completeness::Partial
            }
            _ => Completeness::Complete,
        };
        summary.providers.push((service.key, state));
        if offline && !held_all {
            summary.skipped.push((
                service.key,
                "offline: days the store does not hold closed are missing or may be stale"
                    .to_owned(),
            ));
        }
        if !offline && first_missing.is_none() && !others {
            summary
                .skipped
                .push((service.key, "every day read from the store".to_owned()));
        }
        summary
            .skipped
            .extend(fetched.notes.into_iter().map(|note| (service.key, note)));
        if let Some(error) = fetched.error {
            summary.failures.push((service.key, error));
        }
    }
    Ok(summary)
}
