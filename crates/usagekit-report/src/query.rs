//! What a report asks for: its range, grouping and period length.

use std::str::FromStr;

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};

use crate::mapping::Dimension;

/// The range and grouping a report asks for.
#[derive(Debug, Clone)]
pub struct ReportQuery {
    pub since: DateTime<Utc>,
    /// Exclusive.
    pub until: DateTime<Utc>,
    pub group_by: Vec<Dimension>,
    /// Ask for one-hour buckets where the API has them (a report in a time zone
    /// other than UTC sums them into its own days).
    pub hourly: bool,
}

impl ReportQuery {
    /// The last `days` UTC days, today included.
    pub fn last_days(days: u64, group_by: &[Dimension]) -> Self {
        let until = (Utc::now().date_naive() + Days::new(1))
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc();
        Self {
            since: until - Days::new(days),
            until,
            group_by: group_by.to_vec(),
            hourly: false,
        }
    }

    /// 2026-11-01 to 2026-11-03, the days the specs' example responses describe:
    /// READMEs and `usagekit demo` show them.
    pub fn examples(group_by: &[Dimension]) -> Self {
        let midnight = |day| {
            NaiveDate::from_ymd_opt(2026, 11, day)
                .and_then(|date| date.and_hms_opt(0, 0, 0))
                .unwrap_or_default()
                .and_utc()
        };
        Self {
            since: midnight(1),
            until: midnight(4),
            group_by: group_by.to_vec(),
            hourly: false,
        }
    }
}

/// The period length rows are summed into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    Day,
    /// ISO weeks, from Monday.
    Week,
    Month,
}

impl FromStr for Granularity {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|granularity| granularity.name() == text)
            .ok_or_else(|| format!("unknown period `{text}`; expected day, week or month"))
    }
}

impl Granularity {
    pub const ALL: [Granularity; 3] = [Self::Day, Self::Week, Self::Month];

    /// As `--by` spells it: `day`, `week`, `month`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// The period that holds `time`: its start and (exclusive) end.
    pub fn period(self, time: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let day = time.date_naive();
        let start = match self {
            Self::Day => day,
            Self::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
            Self::Month => day.with_day(1).unwrap_or(day),
        };
        let end = match self {
            Self::Day => start + Days::new(1),
            Self::Week => start + Days::new(7),
            Self::Month => start + Months::new(1),
        };
        let midnight = |date: NaiveDate| date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        (midnight(start), midnight(end))
    }
}
