//! The local store: every record a report fetched, in one SQLite file, so that a
//! day that has closed is never fetched again and `--offline` reads without a
//! request.
//!
//! Schema version 1 (`PRAGMA user_version`), documented in ARCHITECTURE.md:
//! `records` holds records as read (values as exact decimal text), keyed by the
//! provider, the operation they came from and the grouping the API was asked
//! for; `closed_days` lists, per the same key, the UTC days fetched after they
//! closed (ended more than a day before the fetch), which are never fetched again.
//! Each fetch is written in one transaction; concurrent runs wait for each other
//! (WAL, a busy timeout) and never see half a write.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Days, NaiveDate, SecondsFormat, Utc};
use rusqlite::{Connection, params};
use rust_decimal::Decimal;
use usagekit_runtime::report::{Coverage, Record, Text};

/// The schema this build reads and writes.
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS records (
    provider     TEXT NOT NULL,
    operation    TEXT NOT NULL,
    grouping     TEXT NOT NULL,
    period_start TEXT,
    period_end   TEXT,
    coverage     TEXT NOT NULL,
    model        TEXT,
    project      TEXT,
    api_key      TEXT,
    upstream     TEXT,
    metric       TEXT NOT NULL,
    unit         TEXT NOT NULL,
    value        TEXT NOT NULL,
    level        INTEGER NOT NULL,
    query_since  TEXT NOT NULL,
    query_until  TEXT NOT NULL,
    fetched_at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_by_day ON records (provider, operation, grouping, period_start);
CREATE TABLE IF NOT EXISTS closed_days (
    provider   TEXT NOT NULL,
    operation  TEXT NOT NULL,
    grouping   TEXT NOT NULL,
    day        TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (provider, operation, grouping, day)
);
";

pub struct Store {
    connection: Connection,
    path: PathBuf,
}

/// The platform's data directory: `$XDG_DATA_HOME` or `~/.local/share` on Linux,
/// `~/Library/Application Support` on macOS, `%APPDATA%` on Windows.
pub fn default_path() -> Result<PathBuf, String> {
    let env = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    let base = if cfg!(windows) {
        env("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|home| PathBuf::from(home).join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".local/share")))
    };
    base.map(|dir| dir.join("usagekit").join("usage.sqlite3"))
        .ok_or_else(|| {
            "no data directory (HOME is not set): give one with --store PATH, or --no-store"
                .to_owned()
        })
}

fn time(value: Option<DateTime<Utc>>) -> Option<String> {
    value.map(|time| time.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn parse_time(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|text| DateTime::parse_from_rfc3339(&text).ok())
        .map(|time| time.with_timezone(&Utc))
}

fn coverage_text(coverage: &Coverage) -> String {
    match coverage {
        Coverage::Bucket => "bucket".to_owned(),
        Coverage::Range => "range".to_owned(),
        Coverage::Snapshot(label) => format!("snapshot:{label}"),
    }
}

fn coverage_of(text: &str) -> Coverage {
    match text {
        "bucket" => Coverage::Bucket,
        "range" => Coverage::Range,
        other => Coverage::Snapshot(Text::Owned(
            other.strip_prefix("snapshot:").unwrap_or(other).to_owned(),
        )),
    }
}

fn failed(path: &Path, error: rusqlite::Error) -> String {
    format!("the store {}: {error}", path.display())
}

impl Store {
    /// Opens (creating) the store at `path`; refuses one a newer schema wrote.
    pub fn open(path: &Path) -> Result<Store, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|error| format!("cannot create {}: {error}", dir.display()))?;
        }
        let connection = Connection::open(path).map_err(|e| failed(path, e))?;
        connection
            .busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| failed(path, e))?;
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| failed(path, e))?;
        let version: i64 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| failed(path, e))?;
        if version > SCHEMA_VERSION {
            return Err(format!(
                "the store {} has schema version {version}, newer than this usagekit's {SCHEMA_VERSION}: upgrade usagekit, or give another --store",
                path.display()
            ));
        }
        connection
            .execute_batch(SCHEMA)
            .map_err(|e| failed(path, e))?;
        connection
            .pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| failed(path, e))?;
        Ok(Store {
            connection,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The closed days stored for these operations, per operation.
    pub fn closed_days(
        &self,
        provider: &str,
        operations: &[&str],
        grouping: &str,
    ) -> Result<BTreeMap<String, BTreeSet<NaiveDate>>, String> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT day FROM closed_days WHERE provider = ?1 AND operation = ?2 AND grouping = ?3",
            )
            .map_err(|e| failed(&self.path, e))?;
        let mut found = BTreeMap::new();
        for operation in operations {
            let days: BTreeSet<NaiveDate> = statement
                .query_map(params![provider, operation, grouping], |row| {
                    row.get::<_, String>(0)
                })
                .map_err(|e| failed(&self.path, e))?
                .filter_map(|day| day.ok()?.parse().ok())
                .collect();
            found.insert((*operation).to_owned(), days);
        }
        Ok(found)
    }

    /// Replaces, in one transaction, what `read` operations answered for the
    /// query: bucket records of `[since, until)` (each day that ended before
    /// `closed_before` marked closed), or an operation's earlier snapshot or
    /// range total.
    #[allow(clippy::too_many_arguments)]
    pub fn save(
        &mut self,
        provider: &str,
        grouping: &str,
        read: &[String],
        buckets: &[&str],
        (since, until): (DateTime<Utc>, DateTime<Utc>),
        closed_before: DateTime<Utc>,
        records: &[Record],
    ) -> Result<(), String> {
        let path = self.path.clone();
        // Nanoseconds, fixed width: readings seconds apart stay in order, as text too.
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Nanos, true);
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| failed(&path, e))?;
        let (since_text, until_text) = (time(Some(since)), time(Some(until)));
        for operation in read {
            if buckets.contains(&operation.as_str()) {
                transaction
                    .execute(
                        "DELETE FROM records WHERE provider = ?1 AND operation = ?2 AND grouping = ?3
                         AND period_start >= ?4 AND period_start < ?5",
                        params![provider, operation, grouping, since_text, until_text],
                    )
                    .map_err(|e| failed(&path, e))?;
                let mut day = since.date_naive();
                while day < until.date_naive() {
                    let end = day + Days::new(1);
                    if crate::zone::utc_midnight(end) <= closed_before {
                        transaction
                            .execute(
                                "INSERT OR REPLACE INTO closed_days VALUES (?1, ?2, ?3, ?4, ?5)",
                                params![provider, operation, grouping, day.to_string(), now],
                            )
                            .map_err(|e| failed(&path, e))?;
                    }
                    day = end;
                }
            } else {
                // A snapshot or a range total: only the latest answer is kept,
                // but for levels (a balance), whose readings are their history.
                transaction
                    .execute(
                        "DELETE FROM records WHERE provider = ?1 AND operation = ?2 AND grouping = ?3
                         AND NOT (level = 1 AND coverage LIKE 'snapshot:%')",
                        params![provider, operation, grouping],
                    )
                    .map_err(|e| failed(&path, e))?;
            }
        }
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT INTO records VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
                )
                .map_err(|e| failed(&path, e))?;
            for record in records {
                if !read.iter().any(|op| *op == *record.source) {
                    continue;
                }
                insert
                    .execute(params![
                        provider,
                        record.source.as_ref(),
                        grouping,
                        time(record.period_start),
                        time(record.period_end),
                        coverage_text(&record.coverage),
                        record.model,
                        record.project,
                        record.api_key,
                        record.upstream,
                        record.metric.as_ref(),
                        record.unit,
                        record.value.to_string(),
                        record.level,
                        since_text,
                        until_text,
                        now,
                    ])
                    .map_err(|e| failed(&path, e))?;
            }
        }
        transaction.commit().map_err(|e| failed(&path, e))
    }

    /// The stored records of `operation`: its buckets that start in
    /// `[since, until)`, or its latest snapshot, or its range total for exactly
    /// that range.
    pub fn load(
        &self,
        provider: &'static str,
        operation: &str,
        grouping: &str,
        (since, until): (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Vec<Record>, String> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT period_start, period_end, coverage, model, project, api_key, upstream, metric,
                        unit, value, level, query_since, query_until, fetched_at
                 FROM records WHERE provider = ?1 AND operation = ?2 AND grouping = ?3
                 ORDER BY rowid",
            )
            .map_err(|e| failed(&self.path, e))?;
        let rows = statement
            .query_map(params![provider, operation, grouping], |row| {
                Ok((
                    row.get::<_, Option<String>>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, Option<String>>(5)?,
                    row.get::<_, Option<String>>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, String>(8)?,
                    row.get::<_, String>(9)?,
                    row.get::<_, bool>(10)?,
                    row.get::<_, String>(11)?,
                    row.get::<_, String>(12)?,
                    row.get::<_, String>(13)?,
                ))
            })
            .map_err(|e| failed(&self.path, e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| failed(&self.path, e))?;
        let range = (time(Some(since)), time(Some(until)));
        // The latest snapshot is the current one; older readings of levels are
        // their history.
        let latest = rows
            .iter()
            .filter(|row| row.2.starts_with("snapshot:"))
            .map(|row| row.13.clone())
            .max();
        let mut records = Vec::new();
        for row in rows {
            let (
                start,
                end,
                coverage,
                model,
                project,
                api_key,
                upstream,
                metric,
                unit,
                value,
                level,
                qs,
                qu,
                fetched_at,
            ) = row;
            let coverage = coverage_of(&coverage);
            let (period_start, period_end) = (parse_time(start), parse_time(end));
            let read_at = parse_time(Some(fetched_at.clone()));
            // A level's reading in the range: the latest of its period counts.
            let history = matches!(coverage, Coverage::Snapshot(_))
                && level
                && read_at.is_some_and(|at| at >= since && at < until);
            let wanted = match &coverage {
                Coverage::Bucket => {
                    period_start.is_some_and(|start| start >= since && start < until)
                }
                Coverage::Range => (Some(qs), Some(qu)) == range,
                Coverage::Snapshot(_) => Some(&fetched_at) == latest.as_ref(),
            };
            if !wanted && !history {
                continue;
            }
            let value = Decimal::from_str(&value).map_err(|e| {
                format!(
                    "the store {}: `{value}` is not a decimal: {e}",
                    self.path.display()
                )
            })?;
            let record = Record {
                provider: Text::Borrowed(provider),
                period_start,
                period_end,
                coverage,
                model,
                project,
                api_key,
                upstream,
                metric: Text::Owned(metric),
                unit,
                value,
                level,
                source: Text::Owned(operation.to_owned()),
            };
            if history {
                records.push(Record {
                    period_start: read_at,
                    period_end: read_at,
                    coverage: Coverage::Bucket,
                    ..record.clone()
                });
            }
            if wanted {
                records.push(record);
            }
        }
        Ok(records)
    }
}
