//! Runs the report across providers at once, summing records as pages arrive.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};

use usagekit_runtime::ConfigError;
use usagekit_runtime::dynamic::{DynamicClient, Service};
use usagekit_runtime::report::{self, ReportQuery, ReportSpec};

use crate::Shape;
use crate::summary::{Completeness, Summary};

/// The providers `--provider` names (all when empty), or which names are unknown.
pub fn select(names: &[String]) -> Result<Vec<&'static Service>, String> {
    let all = usagekit_providers::SERVICES;
    if names.is_empty() {
        return Ok(all.to_vec());
    }
    names
        .iter()
        .map(|name| {
            usagekit_providers::service(name).ok_or_else(|| {
                let known: Vec<&str> = all.iter().map(|service| service.key).collect();
                format!("unknown provider `{name}`; known: {}", known.join(", "))
            })
        })
        .collect()
}

/// Where a report keeps what it fetched: `--store PATH`, `--no-store`, `--offline`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct StoreArgs {
    /// The store file (default: usagekit/usage.sqlite3 in the platform's data directory).
    #[arg(long, value_name = "PATH")]
    pub store: Option<std::path::PathBuf>,
    /// Fetch everything and keep nothing.
    #[arg(long, conflicts_with_all = ["store", "offline"])]
    pub no_store: bool,
    /// Read the store alone: no request is made.
    #[arg(long)]
    pub offline: bool,
}

impl StoreArgs {
    /// The store to use, or none.
    pub fn open(&self) -> Result<Option<crate::store::Store>, String> {
        if self.no_store {
            return Ok(None);
        }
        let path = match &self.store {
            Some(path) => path.clone(),
            None => crate::store::default_path()?,
        };
        crate::store::Store::open(&path).map(Some)
    }
}

/// Every selected provider's report for `query`, with what was skipped and what
/// failed: through the store unless `--no-store`.
pub async fn report(
    shape: &Shape,
    query: &ReportQuery,
    storage: &StoreArgs,
) -> Result<Summary, String> {
    let mut skipped = Vec::new();
    let mut failures = Vec::new();
    let mut sources = Vec::new();
    // Offline, the store is read for the providers without credentials too.
    let mut unconfigured: Vec<&'static Service> = Vec::new();
    for service in select(&shape.provider)? {
        if service.reports.is_empty() {
            skipped.push((
                service.key,
                "its spec maps no operation to the report (x-usagekit-report)".to_owned(),
            ));
        } else {
            match service.from_env() {
                // A client-wide parameter (a team id) the environment lacks: every
                // call would fail, so say which variable once.
                Ok(client) => match unset_parameter(service) {
                    Some((name, env)) => failures.push((
                        service.key,
                        format!("{env} is not set: the `{name}` every call names"),
                    )),
                    None => sources.push((service, client)),
                },
                // `from_env` stops at the first unset variable; name them all.
                Err(ConfigError::MissingEnv { .. }) => {
                    let variables: Vec<&str> =
                        service.info.credentials.iter().map(|c| c.env).collect();
                    skipped.push((
                        service.key,
                        format!("no credentials: set {}", variables.join(" and ")),
                    ));
                    if storage.offline {
                        unconfigured.push(service);
                    }
                }
                Err(error) => failures.push((service.key, error.to_string())),
            }
        }
    }
    // Nothing to read is not an empty report: a cron job must not look healthy.
    if sources.is_empty() && failures.is_empty() && unconfigured.is_empty() {
        let reasons: Vec<String> = skipped
            .iter()
            .map(|(key, why)| format!("{key}: {why}"))
            .collect();
        return Err(format!(
            "no provider is configured, so there is nothing to report ({}); set a provider's \
             variables (`usagekit providers` lists them), or try `usagekit demo`",
            reasons.join("; ")
        ));
    }
    let services: Vec<&'static Service> = sources
        .iter()
        .map(|(service, _)| *service)
        .chain(unconfigured.iter().copied())
        .collect();
    let mut summary = match storage.open()? {
        None => collect(&sources, query, shape, &|_| true).await,
        Some(mut store) => {
            let keys: Vec<&str> = unconfigured.iter().map(|service| service.key).collect();
            skipped.retain(|(key, _)| !keys.contains(key));
            let readable: Vec<(&'static Service, Option<Box<dyn DynamicClient>>)> = sources
                .into_iter()
                .map(|(service, client)| (service, Some(client)))
                .chain(unconfigured.iter().map(|service| (*service, None)))
                .collect();
            let summary =
                crate::stored::collect(&readable, query, shape, &mut store, storage.offline)
                    .await?;
            if storage.offline
                && summary
                    .providers
                    .iter()
                    .all(|(_, state)| *state == Completeness::Missing)
            {
                return Err(format!(
                    "the store {} holds nothing for this range: run `usagekit sync --since …` first, or leave out --offline",
                    store.path().display()
                ));
            }
            summary
        }
    };
    // In a time zone, a provider that reports only whole UTC days says so.
    if let Some(zone) = shape.tz {
        for service in &services {
            let daily_only = service
                .reports
                .iter()
                .any(|spec| crate::stored::is_buckets(spec) && spec.request.hour_width.is_none());
            if daily_only {
                summary.skipped.push((
                    service.key,
                    format!(
                        "its API reports whole UTC days: its daily rows are UTC days, not {zone}'s"
                    ),
                ));
            }
        }
    }
    let missing = skipped
        .iter()
        .chain(&failures)
        .map(|(key, _)| (*key, Completeness::Missing));
    summary.providers.splice(0..0, missing);
    summary.skipped.splice(0..0, skipped);
    summary.failures.splice(0..0, failures);
    Ok(summary)
}

/// Runs every source's report operations concurrently on this thread.
pub async fn collect(
    sources: &[(&'static Service, Box<dyn DynamicClient>)],
    query: &ReportQuery,
    shape: &Shape,
    include: &dyn Fn(&ReportSpec) -> bool,
) -> Summary {
    let aggregator = RefCell::new(shape.aggregator(query));
    let progress = RefCell::new(Progress::new(
        sources.iter().map(|(service, _)| service.key),
    ));
    let records = RefCell::new(vec![0_u64; sources.len()]);
    let runs = sources
        .iter()
        .enumerate()
        .map(|(index, (service, client))| {
            let (aggregator, progress, records) = (&aggregator, &progress, &records);
            async move {
                let result = service
                    .run_report(
                        client.as_ref(),
                        query,
                        include,
                        &mut |_| progress.borrow_mut().page(index),
                        &mut |record| {
                            aggregator.borrow_mut().add(record);
                            progress.borrow_mut().records += 1;
                            records.borrow_mut()[index] += 1;
                        },
                    )
                    .await;
                (service.key, result)
            }
        });
    let results = futures_util::future::join_all(runs).await;
    progress.borrow_mut().finish();
    let (mut skipped, mut failures, mut providers) = (Vec::new(), Vec::new(), Vec::new());
    let records = records.into_inner();
    for ((key, result), read) in results.into_iter().zip(records) {
        let state = match &result {
            Err(_) if read == 0 => Completeness::Missing,
            Err(_) => Completeness::Partial,
            // An operation the server lacks: the rest is there, not all of it.
            Ok(notes) if notes.iter().any(|note| note.starts_with("left out")) => {
                Completeness::Partial
            }
            Ok(_) => Completeness::Complete,
        };
        providers.push((key, state));
        match result {
            Ok(notes) => skipped.extend(notes.into_iter().map(|note| (key, note))),
            Err(error) => failures.push((key, error)),
        }
    }
    Summary {
        aggregator: aggregator.into_inner(),
        skipped,
        failures,
        providers,
        zone: shape.tz,
    }
}

/// One line on stderr while pages stream; nothing when stderr is not a terminal.
struct Progress {
    enabled: bool,
    providers: Vec<(&'static str, u64)>,
    records: u64,
}

impl Progress {
    fn new(keys: impl Iterator<Item = &'static str>) -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            providers: keys.map(|key| (key, 0)).collect(),
            records: 0,
        }
    }

    fn page(&mut self, index: usize) {
        if let Some((_, pages)) = self.providers.get_mut(index) {
            *pages += 1;
        }
        if self.enabled {
            let pages: Vec<String> = self
                .providers
                .iter()
                .map(|(key, pages)| format!("{key} {pages}"))
                .collect();
            let mut stderr = std::io::stderr().lock();
            let _ = write!(
                stderr,
                "\r\x1b[2Kreading pages: {} · {} records",
                pages.join(", "),
                report::group_digits(self.records.into())
            );
            let _ = stderr.flush();
        }
    }

    fn finish(&mut self) {
        if self.enabled {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

/// The first client-wide parameter whose variable is unset or empty.
fn unset_parameter(service: &Service) -> Option<(&'static str, &'static str)> {
    service
        .info
        .parameters
        .iter()
        .find(|(_, env)| std::env::var(env).map_or(true, |value| value.is_empty()))
        .copied()
}
