//! `usagekit`: usage and spend across AI providers, read through the generated
//! clients from each provider's own usage API.

mod call;
mod check;
mod demo;
mod html;
mod output;
mod providers;
mod run;
mod store;
mod stored;
mod summary;
mod zone;

use std::process::ExitCode;

use chrono::{NaiveDate, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use usagekit_runtime::report::{Dimension, Granularity, ReportQuery};

#[derive(Parser)]
#[command(
    name = "usagekit",
    version,
    about = "Usage and spend across AI providers, read from each provider's own usage API",
    after_help = "Credentials and base URLs come from the same variables as the client crates' \
                  `from_env` (OPENAI_ADMIN_KEY, ANTHROPIC_ADMIN_KEY, …): see `usagekit providers`."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Usage and spend by period, provider, model, project and API key.
    Report(ReportArgs),
    /// The same report from built-in example responses, served on loopback: no account needed.
    Demo(DemoArgs),
    /// Spend so far this day, week or month against a budget, for cron and CI.
    ///
    /// Exit 0 within budget (and at `--warn-at`), 1 over it, 64 for bad arguments,
    /// 69 when a provider could not be read (0 with `--fail-open`):
    /// `usagekit check --max-cost 500 --period month --warn-at 80`.
    Check(check::CheckArgs),
    /// Fills the store ahead of time: every missing day from --since, fetched once.
    Sync(SyncArgs),
    /// Every provider, its operations, and which credentials are set.
    Providers,
    /// Any operation's JSON as the server sends it, every page, one line each.
    ///
    /// Parameters by wire or setter name: `usagekit call openai usage-completions
    /// --start_time 1730419200 --group_by model --group_by project_id`.
    Call {
        /// A provider key (`openai`) or crate name (`openai-usage`).
        provider: String,
        /// An operationId (`usage-completions`) or method name (`usage_completions`).
        operation: String,
        /// `--name value` or `--name=value`; a list parameter takes one per value.
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            value_name = "--PARAM VALUE"
        )]
        params: Vec<String>,
    },
}

#[derive(Args)]
struct ReportArgs {
    /// First day, UTC (`2026-11-01`).
    #[arg(long)]
    since: NaiveDate,
    #[command(flatten)]
    shape: Shape,
    #[command(flatten)]
    storage: run::StoreArgs,
}

#[derive(Args)]
struct SyncArgs {
    /// First day to fill, UTC (`2026-09-01`).
    #[arg(long)]
    since: NaiveDate,
    /// The day after the last, UTC (exclusive; default: tomorrow).
    #[arg(long)]
    until: Option<NaiveDate>,
    /// Only these providers (keys, comma-separated; default: all configured).
    #[arg(long, value_delimiter = ',')]
    provider: Vec<String>,
    /// The store file (default: usagekit/usage.sqlite3 in the platform's data directory).
    #[arg(long, value_name = "PATH")]
    store: Option<std::path::PathBuf>,
}

#[derive(Args)]
struct DemoArgs {
    /// First day, UTC (default: the first day the specs' examples describe).
    #[arg(long)]
    since: Option<NaiveDate>,
    #[command(flatten)]
    shape: Shape,
}

#[derive(Args)]
struct Shape {
    /// The day after the last, UTC (exclusive; default: tomorrow, so today is in).
    #[arg(long)]
    until: Option<NaiveDate>,
    /// Only these providers (keys, comma-separated; default: all).
    #[arg(long, value_delimiter = ',')]
    provider: Vec<String>,
    /// Period of each row.
    #[arg(long, default_value = "day", value_parser = parse_granularity)]
    by: Granularity,
    /// Columns to group by: provider, model, project, api_key, upstream (where a router sent it).
    #[arg(long, value_delimiter = ',', default_value = "provider", value_parser = parse_dimension)]
    group_by: Vec<Dimension>,
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Days in this IANA time zone (`Europe/Berlin`) instead of UTC: --since and
    /// --until are its days, hourly buckets are summed into them.
    #[arg(long, value_parser = zone::parse)]
    tz: Option<chrono_tz::Tz>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Aligned columns, one per metric.
    Table,
    /// One line per row and metric, with a header.
    Csv,
    /// One document: the query, the rows, what was skipped or failed.
    Json,
    /// One self-contained page: charts of spend and tokens, and the rows.
    Html,
}

fn parse_granularity(text: &str) -> Result<Granularity, String> {
    text.parse()
}

fn parse_dimension(text: &str) -> Result<Dimension, String> {
    text.parse()
}

impl Shape {
    /// Today in the report's time zone.
    fn today(&self) -> NaiveDate {
        match self.tz {
            Some(zone) => Utc::now().with_timezone(&zone).date_naive(),
            None => Utc::now().date_naive(),
        }
    }

    /// The instant `date` starts in the report's time zone.
    fn midnight(&self, date: NaiveDate) -> chrono::DateTime<Utc> {
        match self.tz {
            Some(zone) => zone::midnight(zone, date),
            None => zone::utc_midnight(date),
        }
    }

    fn query(&self, since: NaiveDate) -> Result<ReportQuery, String> {
        let until = self.until.unwrap_or(self.today() + chrono::Days::new(1));
        if until <= since {
            return Err(format!("--until {until} must be after --since {since}"));
        }
        if let Some(zone) = self.tz {
            zone::check_whole_hours(zone, since, until)?;
        }
        let mut group_by = self.group_by.clone();
        group_by.sort();
        group_by.dedup();
        Ok(ReportQuery {
            since: self.midnight(since),
            until: self.midnight(until),
            group_by,
            hourly: self.tz.is_some(),
        })
    }

    /// Sums for `query`, in the report's time zone.
    fn aggregator(&self, query: &ReportQuery) -> usagekit_runtime::report::Aggregator {
        let aggregator = usagekit_runtime::report::Aggregator::new(self.by, &query.group_by);
        match self.tz {
            Some(zone) => aggregator.in_local_time(zone::local_time(zone)),
            None => aggregator,
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            use clap::error::ErrorKind;
            if matches!(
                error.kind(),
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
            ) {
                return ExitCode::SUCCESS;
            }
            // `check`'s callers are scripts: bad arguments are EX_USAGE, as documented.
            let checking = std::env::args().nth(1).as_deref() == Some("check");
            return ExitCode::from(if checking { check::BAD_ARGUMENTS } else { 2 });
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Report(args) => {
                let query = args.shape.query(args.since)?;
                let summary = run::report(&args.shape, &query, &args.storage).await?;
                output::print(args.shape.format, &query, &summary)
            }
            Command::Demo(mut args) => {
                let examples = ReportQuery::examples(&[]);
                args.shape.until.get_or_insert(examples.until.date_naive());
                let since = args.since.unwrap_or(examples.since.date_naive());
                let query = args.shape.query(since)?;
                let summary = demo::demo(&args.shape, &query).await?;
                output::print(args.shape.format, &query, &summary)
            }
            Command::Check(args) => Ok(check::check(&args).await),
            Command::Sync(args) => {
                let shape = Shape {
                    until: args.until,
                    provider: args.provider,
                    by: Granularity::Day,
                    group_by: vec![Dimension::Provider],
                    format: Format::Table,
                    tz: None,
                };
                let query = shape.query(args.since)?;
                let storage = run::StoreArgs {
                    store: args.store,
                    ..Default::default()
                };
                let summary = run::report(&shape, &query, &storage).await?;
                output::synced(&query, &summary)
            }
            Command::Providers => Ok(providers::list()),
            Command::Call {
                provider,
                operation,
                params,
            } => call::call(&provider, &operation, &params).await,
        }
    });
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
