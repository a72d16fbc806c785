//! `--tz Area/City`: periods in a time zone. Providers that report hours are
//! asked for hours, summed into the zone's days exactly (when its offset is a whole
//! number of hours); providers that report only whole UTC days keep UTC days.

use chrono::{DateTime, Days, NaiveDate, Offset, SecondsFormat, TimeZone, Utc};
use chrono_tz::Tz;
use usagekit_runtime::report::LocalTime;

pub fn parse(text: &str) -> Result<Tz, String> {
    text.parse::<Tz>().map_err(|_| {
        format!("unknown time zone `{text}`; give an IANA name such as Europe/Berlin or America/New_York")
    })
}

/// The instant a UTC day starts.
pub fn utc_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The instant a day starts in `zone` (the first instant, on a day DST skips midnight).
pub fn midnight(zone: Tz, day: NaiveDate) -> DateTime<Utc> {
    let naive = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    match zone.from_local_datetime(&naive) {
        chrono::LocalResult::Single(time) | chrono::LocalResult::Ambiguous(time, _) => {
            time.with_timezone(&Utc)
        }
        // Midnight skipped by DST: the day starts an hour later.
        chrono::LocalResult::None => zone
            .from_local_datetime(&(naive + chrono::TimeDelta::hours(1)))
            .earliest()
            .map_or_else(|| naive.and_utc(), |time| time.with_timezone(&Utc)),
    }
}

/// Hourly buckets split exactly into the zone's days only if its offset is whole
/// hours on each day of the range.
pub fn check_whole_hours(zone: Tz, since: NaiveDate, until: NaiveDate) -> Result<(), String> {
    let mut day = since;
    while day <= until {
        let offset = midnight(zone, day).with_timezone(&zone).offset().fix();
        if offset.local_minus_utc() % 3600 != 0 {
            return Err(format!(
                "--tz {zone}: its offset on {day} is {offset}, not a whole number of hours, so the \
                 providers' hourly buckets cannot be split into its days exactly"
            ));
        }
        day = day + Days::new(1);
    }
    Ok(())
}

/// An instant's wall-clock time in `zone`, written as if UTC (the aggregator's
/// local periods).
pub fn local_time(zone: Tz) -> LocalTime {
    Box::new(move |time: DateTime<Utc>| time.with_timezone(&zone).naive_local().and_utc())
}

/// A local period boundary (wall-clock time written as if UTC) as RFC 3339 with
/// the zone's offset.
pub fn show(zone: Tz, local: DateTime<Utc>) -> String {
    let naive = local.naive_utc();
    zone.from_local_datetime(&naive).earliest().map_or_else(
        || local.to_rfc3339_opts(SecondsFormat::Secs, true),
        |time| time.to_rfc3339_opts(SecondsFormat::Secs, true),
    )
}
