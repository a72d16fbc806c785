//! `usagekit check`: spend so far in the current day, week or month against a
//! budget, for cron and CI, with exit codes a script can act on (CodexBar's
//! `guard`): 0 within budget, 1 over it, 64 bad arguments, 69 a provider could
//! not be read (0 with `--fail-open`).

use std::process::ExitCode;
use std::str::FromStr;

use chrono::{DateTime, Days, Utc};
use rust_decimal::Decimal;
use serde_json::json;
use serde_json::value::RawValue;
use usagekit_runtime::report::{Dimension, Granularity};

use crate::run;
use crate::summary::Summary;
use crate::{Format, Shape};

/// `EX_USAGE` (sysexits.h): the arguments are wrong.
pub const BAD_ARGUMENTS: u8 = 64;
/// `EX_UNAVAILABLE`: a provider could not be read.
pub const UNAVAILABLE: u8 = 69;
/// Spend is over the budget.
pub const OVER: u8 = 1;

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The budget for the period, an exact amount in `--currency` (`50`, `49.99`).
    #[arg(long)]
    max_cost: String,
    /// The budget's currency (ISO 4217); spend in other currencies is listed, never added.
    #[arg(long, default_value = "USD")]
    currency: String,
    /// The period the budget covers, in UTC: the current day, ISO week or month.
    #[arg(long, default_value = "month")]
    period: String,
    /// Only these providers (keys, comma-separated; default: every configured one).
    #[arg(long, value_delimiter = ',')]
    provider: Vec<String>,
    /// Warn (still exit 0) once spend reaches this percentage of the budget.
    #[arg(long)]
    warn_at: Option<String>,
    /// Exit 0 when a provider cannot be read (the spend shown is then a floor).
    #[arg(long)]
    fail_open: bool,
    /// `text` or `json`.
    #[arg(long, default_value = "text")]
    format: String,
    /// The period's days in this IANA time zone (`Europe/Berlin`) instead of UTC.
    #[arg(long)]
    tz: Option<String>,
    #[command(flatten)]
    storage: run::StoreArgs,
}

/// The checked arguments.
struct Budget {
    zone: Option<chrono_tz::Tz>,
    limit: Decimal,
    currency: String,
    period: Granularity,
    warn_at: Option<Decimal>,
    json: bool,
}

fn budget(args: &CheckArgs) -> Result<Budget, String> {
    let limit = Decimal::from_str(args.max_cost.trim())
        .ok()
        .filter(|limit| *limit > Decimal::ZERO)
        .ok_or_else(|| {
            format!(
                "--max-cost `{}` is not a positive amount (e.g. `50` or `49.99`)",
                args.max_cost
            )
        })?;
    let currency = args.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(format!(
            "--currency `{}` is not an ISO 4217 code (e.g. `USD`)",
            args.currency
        ));
    }
    let period = args
        .period
        .parse()
        .map_err(|_| format!("--period `{}`: expected day, week or month", args.period))?;
    let warn_at = match &args.warn_at {
        None => None,
        Some(text) => Some(
            Decimal::from_str(text.trim().trim_end_matches('%'))
                .ok()
                .filter(|p| *p > Decimal::ZERO && *p <= Decimal::ONE_HUNDRED)
                .ok_or_else(|| {
                    format!("--warn-at `{text}`: expected a percentage from 1 to 100")
                })?,
        ),
    };
    let json = match args.format.as_str() {
        "text" => false,
        "json" => true,
        other => return Err(format!("--format `{other}`: expected text or json")),
    };
    let zone = args.tz.as_deref().map(crate::zone::parse).transpose()?;
    Ok(Budget {
        zone,
        limit,
        currency,
        period,
        warn_at,
        json,
    })
}

/// What the check found.
struct Verdict {
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    spent: Decimal,
    forecast: Option<Decimal>,
    /// Spend in other currencies: (currency, amount).
    elsewhere: Vec<(String, Decimal)>,
    status: &'static str,
    code: u8,
}

pub async fn check(args: &CheckArgs) -> ExitCode {
    let budget = match budget(args) {
        Ok(budget) => budget,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(BAD_ARGUMENTS);
        }
    };
    let now = Utc::now();
    let mut shape = Shape {
        until: None,
        provider: args.provider.clone(),
        by: budget.period,
        group_by: vec![Dimension::Provider],
        format: Format::Table,
        tz: budget.zone,
    };
    // The current period's days, in the budget's zone; asked up to the end of
    // today (an API may refuse a range in the future).
    let today = shape.today();
    let (start, end) = budget.period.period(crate::zone::utc_midnight(today));
    let (first_day, end_day) = (start.date_naive(), end.date_naive());
    shape.until = Some(end_day.min(today + Days::new(1)));
    let query = match shape.query(first_day) {
        Ok(query) => query,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(BAD_ARGUMENTS);
        }
    };
    let (since, end) = (query.since, shape.midnight(end_day));
    if let Err(message) = run::select(&shape.provider) {
        eprintln!("error: {message}");
        return ExitCode::from(BAD_ARGUMENTS);
    }
    let summary = run::report(&shape, &query, &args.storage).await;
    let verdict = verdict(
        &budget,
        since,
        end,
        now,
        summary.as_ref().ok(),
        args.fail_open,
    );
    if budget.json {
        print_json(&budget, &verdict, summary.as_ref());
    } else {
        print_text(&budget, &verdict, summary.as_ref());
    }
    ExitCode::from(verdict.code)
}

fn verdict(
    budget: &Budget,
    since: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
    summary: Option<&Summary>,
    fail_open: bool,
) -> Verdict {
    let mut spent = Decimal::ZERO;
    let mut elsewhere: Vec<(String, Decimal)> = Vec::new();
    for (row, value) in summary.iter().flat_map(|s| s.aggregator.rows()) {
        if row.metric != "cost" {
            continue;
        }
        if row.unit == budget.currency {
            spent += value;
        } else {
            match elsewhere.iter_mut().find(|(unit, _)| *unit == row.unit) {
                Some((_, sum)) => *sum += value,
                None => elsewhere.push((row.unit.clone(), value)),
            }
        }
    }
    // The run rate so far, carried to the period's end.
    let elapsed = (now - since).num_seconds();
    let total = (end - since).num_seconds();
    let forecast = (elapsed > 0)
        .then(|| spent * Decimal::from(total) / Decimal::from(elapsed))
        .map(|forecast| forecast.round_dp(2));
    let unreadable = summary.is_none_or(|summary| !summary.failures.is_empty());
    let warned = budget
        .warn_at
        .is_some_and(|percent| spent * Decimal::ONE_HUNDRED >= budget.limit * percent);
    let (status, code) = if spent > budget.limit {
        ("over", OVER)
    } else if unreadable && !fail_open {
        ("unavailable", UNAVAILABLE)
    } else if warned {
        ("warning", 0)
    } else {
        ("ok", 0)
    };
    Verdict {
        since,
        until: end,
        spent: spent.normalize(),
        forecast,
        elsewhere,
        status,
        code,
    }
}

fn percent(budget: &Budget, spent: Decimal) -> Decimal {
    (spent * Decimal::ONE_HUNDRED / budget.limit).round_dp(1)
}

fn print_text(budget: &Budget, verdict: &Verdict, summary: Result<&Summary, &String>) {
    let local = |time: DateTime<Utc>| match budget.zone {
        Some(zone) => time.with_timezone(&zone).date_naive(),
        None => time.date_naive(),
    };
    let last_day = local(verdict.until - Days::new(1));
    let first_day = local(verdict.since);
    let when = match budget.period {
        Granularity::Day => "today",
        Granularity::Week => "this week",
        Granularity::Month => "this month",
    };
    println!(
        "spent {} of {} {} {when} ({}%), {} to {}",
        verdict.spent,
        budget.limit.normalize(),
        budget.currency,
        percent(budget, verdict.spent),
        first_day,
        last_day,
    );
    if let Some(forecast) = verdict.forecast {
        println!(
            "forecast {forecast} {} by {last_day} at the current rate",
            budget.currency,
        );
    }
    for (unit, amount) in &verdict.elsewhere {
        println!(
            "also spent {} {unit}, not counted against a {} budget",
            amount.normalize(),
            budget.currency
        );
    }
    match summary {
        Ok(summary) => {
            for (provider, reason) in &summary.skipped {
                eprintln!("note: {provider} skipped: {reason}");
            }
            for (provider, error) in &summary.failures {
                eprintln!("error: {provider} could not be read: {error}");
            }
        }
        Err(message) => eprintln!("error: {message}"),
    }
    let status = match verdict.status {
        "over" => "OVER BUDGET".to_owned(),
        "unavailable" => {
            "UNAVAILABLE: a provider could not be read (--fail-open to accept)".to_owned()
        }
        "warning" => format!(
            "WARNING: at or above {}% of the budget",
            budget.warn_at.unwrap_or_default().normalize()
        ),
        _ => "within budget".to_owned(),
    };
    println!("status: {status}");
}

/// `--format json`: amounts are JSON numbers written from the exact decimals.
#[derive(serde::Serialize)]
struct JsonCheck<'a> {
    period: &'static str,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    currency: &'a str,
    spent: Box<RawValue>,
    limit: Box<RawValue>,
    percent: Box<RawValue>,
    forecast: Option<Box<RawValue>>,
    warn_at: Option<Box<RawValue>>,
    other_currencies: Vec<JsonAmount<'a>>,
    status: &'static str,
    exit_code: u8,
    /// Per provider: whether the spend holds its data `complete`, `partial` or `missing`.
    providers: Vec<serde_json::Value>,
    skipped: Vec<serde_json::Value>,
    failures: Vec<serde_json::Value>,
}

#[derive(serde::Serialize)]
struct JsonAmount<'a> {
    currency: &'a str,
    spent: Box<RawValue>,
}

fn number(value: Decimal) -> Box<RawValue> {
    // A decimal's text is always a valid JSON number.
    RawValue::from_string(value.normalize().to_string())
        .unwrap_or_else(|_| RawValue::from_string("null".to_owned()).expect("`null` is JSON"))
}

fn print_json(budget: &Budget, verdict: &Verdict, summary: Result<&Summary, &String>) {
    let (providers, failures, skipped) = match summary {
        Ok(summary) => (
            summary
                .providers
                .iter()
                .map(|(provider, state)| json!({"provider": provider, "data": state.name()}))
                .collect(),
            summary
                .failures
                .iter()
                .map(|(provider, error)| json!({"provider": provider, "error": error}))
                .collect(),
            summary
                .skipped
                .iter()
                .map(|(provider, reason)| json!({"provider": provider, "reason": reason}))
                .collect(),
        ),
        Err(message) => (Vec::new(), vec![json!({"error": message})], Vec::new()),
    };
    let document = JsonCheck {
        period: budget.period.name(),
        since: verdict.since,
        until: verdict.until,
        currency: &budget.currency,
        spent: number(verdict.spent),
        limit: number(budget.limit),
        percent: number(percent(budget, verdict.spent)),
        forecast: verdict.forecast.map(number),
        warn_at: budget.warn_at.map(number),
        other_currencies: verdict
            .elsewhere
            .iter()
            .map(|(unit, amount)| JsonAmount {
                currency: unit,
                spent: number(*amount),
            })
            .collect(),
        status: verdict.status,
        exit_code: verdict.code,
        providers,
        skipped,
        failures,
    };
    match serde_json::to_string_pretty(&document) {
        Ok(text) => println!("{text}"),
        Err(error) => eprintln!("error: cannot write JSON: {error}"),
    }
}
