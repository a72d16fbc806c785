//! The report as a plain-text table a person reads.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::aggregate::Aggregator;
use crate::mapping::Dimension;
use crate::read::Coverage;

/// The table's own columns, in order; other metrics go to its last column.
const TABLE_METRICS: [(&str, &str); 4] = [
    ("input_tokens", "input"),
    ("cached_input_tokens", "cached"),
    ("output_tokens", "output"),
    ("requests", "requests"),
];

/// `1234567` → `1,234,567`; decimals keep every digit.
pub fn group_digits(value: Decimal) -> String {
    let text = value.normalize().to_string();
    let (sign, unsigned) = text
        .strip_prefix('-')
        .map_or(("", text.as_str()), |rest| ("-", rest));
    let (whole, fraction) = unsigned
        .split_once('.')
        .map_or((unsigned, None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A line's key: its period (sorted buckets first) and group values, and label.
type Line<'r> = (Coverage, Option<DateTime<Utc>>, Vec<&'r str>, String);
/// A line's sums by (metric, unit).
type Sums<'r> = BTreeMap<(&'r str, &'r str), Decimal>;

/// The aggregator's rows gathered into lines, and which columns they need.
struct Lines<'r> {
    groups: Vec<Dimension>,
    lines: BTreeMap<Line<'r>, Sums<'r>>,
    /// Which of `TABLE_METRICS` some line has.
    standard: [bool; TABLE_METRICS.len()],
    currencies: Vec<&'r str>,
}

impl<'r> Lines<'r> {
    fn gather(aggregator: &'r Aggregator) -> Self {
        let groups: Vec<Dimension> = Dimension::ALL
            .into_iter()
            .filter(|dimension| aggregator.group_by().contains(dimension))
            .collect();
        let mut gathered = Self {
            groups,
            lines: BTreeMap::new(),
            standard: [false; TABLE_METRICS.len()],
            currencies: Vec::new(),
        };
        for (row, value) in aggregator.rows() {
            let groups = gathered
                .groups
                .iter()
                .map(|dimension| row.dimension(*dimension))
                .collect();
            let label = row.period_label(aggregator.granularity());
            let metric: &str = &row.metric;
            if let Some(index) = TABLE_METRICS.iter().position(|(m, _)| *m == metric) {
                gathered.standard[index] = true;
            } else if metric == "cost" && !gathered.currencies.contains(&row.unit.as_str()) {
                gathered.currencies.push(&row.unit);
            }
            gathered
                .lines
                .entry((row.coverage.clone(), row.period_start, groups, label))
                .or_default()
                .insert((metric, row.unit.as_str()), value);
        }
        gathered.currencies.sort_unstable();
        gathered
    }

    /// The indices of the standard metrics shown.
    fn shown(&self) -> Vec<usize> {
        (0..TABLE_METRICS.len())
            .filter(|index| self.standard[*index])
            .collect()
    }

    fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = vec!["period".to_owned()];
        header.extend(self.groups.iter().map(|d| d.name().to_owned()));
        header.extend(self.shown().iter().map(|i| TABLE_METRICS[*i].1.to_owned()));
        header.extend(self.currencies.iter().map(|c| format!("cost ({c})")));
        header.push("other".to_owned());
        header
    }

    /// One line's cells, under [`Self::header`].
    fn cells(&self, label: &str, groups: &[&str], sums: &Sums<'_>) -> Vec<String> {
        let mut line = vec![label.to_owned()];
        line.extend(
            groups
                .iter()
                .map(|group| if group.is_empty() { "-" } else { group })
                .map(str::to_owned),
        );
        let cell = |key: (&str, &str)| {
            sums.get(&key)
                .map_or_else(String::new, |value| group_digits(*value))
        };
        for index in self.shown() {
            let metric = TABLE_METRICS[index].0;
            let unit = if metric == "requests" {
                "requests"
            } else {
                "tokens"
            };
            line.push(cell((metric, unit)));
        }
        line.extend(
            self.currencies
                .iter()
                .map(|currency| cell(("cost", currency))),
        );
        line.push(other_counters(sums));
        line
    }
}

/// The counters without a column of their own: `web_searches 12, seconds 30`.
fn other_counters(sums: &Sums<'_>) -> String {
    let other: Vec<String> = sums
        .iter()
        .filter(|((metric, unit), _)| {
            *metric != "cost"
                && !TABLE_METRICS
                    .iter()
                    .any(|(known, _)| known == metric && (*unit == "tokens" || *unit == "requests"))
        })
        .map(|((metric, unit), value)| {
            if metric == unit || metric.ends_with(&format!("_{unit}")) {
                format!("{metric} {}", group_digits(*value))
            } else {
                format!("{metric} {} {unit}", group_digits(*value))
            }
        })
        .collect();
    other.join(", ")
}

/// The report as a table a person reads: one line per period and group; input,
/// cached input and output tokens, requests, cost (a column per currency), and
/// the providers' other counters in the last column.
pub fn table(aggregator: &Aggregator) -> String {
    let lines = Lines::gather(aggregator);
    let numeric_from = 1 + lines.groups.len();
    let mut cells: Vec<Vec<String>> = vec![lines.header()];
    for ((_, _, groups, label), sums) in &lines.lines {
        cells.push(lines.cells(label, groups, sums));
    }
    // No other counters: no empty column.
    if cells
        .iter()
        .skip(1)
        .all(|line| line.last().is_some_and(String::is_empty))
    {
        for line in &mut cells {
            line.pop();
        }
    }
    layout(&cells, numeric_from)
}

/// Columns padded to their widest cell, numbers right-aligned (from
/// `numeric_from` to before an `other` column), a rule under the header.
fn layout(cells: &[Vec<String>], numeric_from: usize) -> String {
    let header = &cells[0];
    let last = if header.last().is_some_and(|name| name == "other") {
        header.len() - 1
    } else {
        header.len()
    };
    let widths: Vec<usize> = (0..header.len())
        .map(|column| {
            cells
                .iter()
                .map(|line| line[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (index, line) in cells.iter().enumerate() {
        let mut text = String::new();
        for (column, cell) in line.iter().enumerate() {
            if column > 0 {
                text.push_str("  ");
            }
            let width = widths[column];
            if column >= numeric_from && column < last && index > 0 {
                let _ = write!(text, "{cell:>width$}");
            } else {
                let _ = write!(text, "{cell:<width$}");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
        if index == 0 {
            let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    out
}
