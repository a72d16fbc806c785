//! `--format html`: one self-contained page (inline styles and SVG, no script, no
//! network at view time) with a chart of spend per currency and of tokens, per
//! period and provider, and the report's rows as a table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use usagekit_runtime::report::{Aggregator, Coverage, Dimension, ReportQuery, group_digits};

use crate::summary::Summary;

/// One colour per provider, in the order of their keys; distinct in print too.
pub const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Stacked values: period label → provider → value.
type Series = BTreeMap<String, BTreeMap<String, Decimal>>;

/// The page.
pub fn page(query: &ReportQuery, summary: &Summary) -> String {
    let aggregator = &summary.aggregator;
    let by = aggregator.granularity();
    let mut providers: Vec<String> = Vec::new();
    // Spend per currency, and tokens (input and output), over time buckets only:
    // snapshots and range totals are levels or totals, shown in the table.
    let mut spend: BTreeMap<String, Series> = BTreeMap::new();
    let mut tokens: Series = BTreeMap::new();
    for (row, value) in aggregator.rows() {
        let provider = row.dimension(Dimension::Provider).to_owned();
        if !providers.contains(&provider) {
            providers.push(provider.clone());
        }
        if row.coverage != Coverage::Bucket {
            continue;
        }
        let period = row.period_label(by);
        let series = match (row.metric.as_ref(), row.unit.as_str()) {
            ("cost", currency) => spend.entry(currency.to_owned()).or_default(),
            ("input_tokens" | "output_tokens", _) => &mut tokens,
            _ => continue,
        };
        *series
            .entry(period)
            .or_default()
            .entry(provider)
            .or_default() += value;
    }
    providers.sort();
    let colour = |provider: &str| {
        let index = providers.iter().position(|p| p == provider).unwrap_or(0);
        PALETTE[index % PALETTE.len()]
    };

    let mut body = String::new();
    let title = format!(
        "Usage and spend, {} to {} (by {})",
        query.since.format("%Y-%m-%d"),
        query.until.format("%Y-%m-%d"),
        by.name()
    );
    let _ = writeln!(body, "<h1>{}</h1>", escape(&title));
    if aggregator.is_empty() {
        body.push_str("<p>No usage in this range.</p>\n");
    }
    let charted: Vec<&String> = spend
        .values()
        .chain(std::iter::once(&tokens))
        .flat_map(|series| series.values().flat_map(|stack| stack.keys()))
        .collect();
    let legend: String = providers
        .iter()
        .filter(|p| !p.is_empty() && charted.contains(p))
        .map(|p| {
            format!(
                "<span class=\"key\"><span class=\"swatch\" style=\"background:{}\"></span>{}</span>",
                colour(p),
                escape(p)
            )
        })
        .collect();
    if !legend.is_empty() {
        let _ = writeln!(body, "<p class=\"legend\">{legend}</p>");
    }
    for (currency, series) in &spend {
        let name = format!("Spend ({currency})");
        body.push_str(&chart(&name, "spend", series, &colour));
    }
    if !tokens.is_empty() {
        body.push_str(&chart(
            "Tokens (input and output)",
            "tokens",
            &tokens,
            &colour,
        ));
    }
    body.push_str(&table(aggregator));
    let mut notes = String::new();
    for (provider, reason) in &summary.skipped {
        let _ = writeln!(
            notes,
            "<li>{} skipped: {}</li>",
            escape(provider),
            escape(reason)
        );
    }
    for (provider, error) in &summary.failures {
        let _ = writeln!(
            notes,
            "<li class=\"error\">{} failed: {}</li>",
            escape(provider),
            escape(error)
        );
    }
    if !notes.is_empty() {
        let _ = writeln!(body, "<h2>Notes</h2>\n<ul>\n{notes}</ul>");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(&title)
    )
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}\
h1{font-size:20px}h2{font-size:16px;margin-top:28px}\
.legend .key{margin-right:16px;white-space:nowrap}\
.swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:-1px}\
svg{display:block;margin:8px 0 16px;max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#444}\
table{border-collapse:collapse;margin-top:8px}\
th,td{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}\
td{white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}.error{color:#b00}";

/// A stacked bar chart: one bar per period, one segment per provider; each
/// segment's tooltip holds the exact value.
fn chart(name: &str, kind: &str, series: &Series, colour: &dyn Fn(&str) -> &'static str) -> String {
    const WIDTH: f64 = 900.0;
    const HEIGHT: f64 = 260.0;
    const LEFT: f64 = 90.0;
    const BOTTOM: f64 = 40.0;
    const TOP: f64 = 10.0;
    let tallest = series
        .values()
        .map(|stack| {
            stack
                .values()
                .copied()
                .filter(|v| *v > Decimal::ZERO)
                .sum::<Decimal>()
        })
        .max()
        .unwrap_or_default();
    let max = nice_ceiling(tallest);
    let plot = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - LEFT - 10.0) / series.len().max(1) as f64;
    let bar = (slot * 0.7).min(60.0);
    let mut svg = format!(
        "<h2>{}</h2>\n<svg class=\"chart\" data-chart=\"{kind}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\">\n",
        escape(name),
        escape(name)
    );
    // The axis and four gridlines, labelled with exact decimals.
    for step in 0..=4 {
        let y = TOP + plot - plot * f64::from(step) / 4.0;
        let value = (max * Decimal::from(step) / Decimal::from(4)).round_dp(2);
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e5e5e5\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - 10.0,
            LEFT - 6.0,
            y + 4.0,
            group_digits(value.normalize())
        );
    }
    let scale = |value: Decimal| -> f64 {
        if max.is_zero() {
            0.0
        } else {
            (value / max).to_f64().unwrap_or(0.0) * plot
        }
    };
    for (index, (period, stack)) in series.iter().enumerate() {
        let x = LEFT + slot * index as f64 + (slot - bar) / 2.0;
        let mut base = TOP + plot;
        for (provider, value) in stack {
            if *value <= Decimal::ZERO {
                continue;
            }
            let height = scale(*value);
            base -= height;
            let _ = writeln!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{base:.1}\" width=\"{bar:.1}\" height=\"{height:.1}\" \
                 fill=\"{}\" data-provider=\"{}\" data-period=\"{}\" data-value=\"{}\">\
                 <title>{} {}: {}</title></rect>",
                colour(provider),
                escape(provider),
                escape(period),
                value.normalize(),
                escape(period),
                escape(provider),
                group_digits(value.normalize())
            );
        }
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x + bar / 2.0,
            HEIGHT - BOTTOM + 16.0,
            escape(period)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The axis' top: the smallest 1, 2, 2.5 or 5 × 10ⁿ at or above `value`, so the
/// gridlines fall on round numbers.
fn nice_ceiling(value: Decimal) -> Decimal {
    if value <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let mut power = Decimal::ONE;
    while power * Decimal::TEN <= value {
        power *= Decimal::TEN;
    }
    while power > value {
        power /= Decimal::TEN;
    }
    for factor in ["1", "2", "2.5", "5", "10"] {
        let candidate = power * factor.parse::<Decimal>().unwrap_or(Decimal::TEN);
        if candidate >= value {
            return candidate.normalize();
        }
    }
    (power * Decimal::TEN).normalize()
}

/// Every row, as CSV has them.
fn table(aggregator: &Aggregator) -> String {
    let by = aggregator.granularity();
    let grouped: Vec<Dimension> = aggregator.group_by().to_vec();
    let mut out = String::from("<h2>Rows</h2>\n<table>\n<thead><tr><th>period</th>");
    for dimension in &grouped {
        let _ = write!(out, "<th>{}</th>", dimension.name());
    }
    out.push_str(
        "<th>metric</th><th>value</th><th>unit</th><th>sources</th></tr></thead>\n<tbody>\n",
    );
    for (row, value) in aggregator.rows() {
        let _ = write!(out, "<tr><td>{}</td>", escape(&row.period_label(by)));
        for dimension in &grouped {
            let _ = write!(out, "<td>{}</td>", escape(row.dimension(*dimension)));
        }
        let _ = writeln!(
            out,
            "<td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row.metric),
            group_digits(value),
            escape(&row.unit),
            escape(&aggregator.sources(row).join(", "))
        );
    }
    out.push_str("</tbody>\n</table>\n");
    out
}
