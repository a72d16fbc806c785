//! `--format html`: one self-contained page, checked as text here and, in the
//! ignored test that CI runs with Debian's Chromium, as a headless browser draws it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use rust_decimal::Decimal;

/// `usagekit demo` (the specs' examples on loopback) as `format`.
fn demo(format: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_usagekit"))
        .env_clear()
        .args(["demo", "--format", format])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Every bar segment of a chart: (period, provider) → exact value.
fn bars(page: &str, chart: &str) -> BTreeMap<(String, String), Decimal> {
    let start = page
        .find(&format!("data-chart=\"{chart}\""))
        .unwrap_or_else(|| panic!("no {chart} chart"));
    let svg = &page[start..start + page[start..].find("</svg>").unwrap()];
    let attribute = |tag: &str, name: &str| -> String {
        let from = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[from..from + tag[from..].find('"').unwrap()].to_owned()
    };
    svg.split("<rect ")
        .skip(1)
        .map(|tag| {
            (
                (
                    attribute(tag, "data-period"),
                    attribute(tag, "data-provider"),
                ),
                attribute(tag, "data-value").parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_page_is_self_contained_and_its_bars_are_the_reports_figures() {
    let page = demo("html");
    assert!(page.starts_with("<!DOCTYPE html>"));
    // Nothing to fetch when it is viewed: no script, stylesheet, image or font.
    for needle in [
        "<script", "<link", "src=", "url(", "http://", "https://", "@import",
    ] {
        assert!(!page.contains(needle), "the page refers out: `{needle}`");
    }
    // The spend chart's bars are the CSV report's cost rows, value for value.
    let csv = demo("csv");
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut cost = BTreeMap::new();
    let mut tokens: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        if !cells[column("note")].is_empty() {
            continue; // snapshots and range totals are not drawn
        }
        let key = (
            cells[column("period_start")][..10].to_owned(),
            cells[column("provider")].to_owned(),
        );
        let value: Decimal = cells[column("value")].parse().unwrap();
        match (cells[column("metric")], cells[column("unit")]) {
            ("cost", "USD") => {
                cost.insert(key, value);
            }
            ("input_tokens" | "output_tokens", _) => *tokens.entry(key).or_default() += value,
            _ => {}
        }
    }
    assert!(!cost.is_empty());
    assert_eq!(bars(&page, "spend"), cost);
    assert_eq!(bars(&page, "tokens"), tokens);
    // Every row is in the table, with its sources.
    assert!(page.contains("<td>get-analytics-cost-report</td>"));
}

/// Chromium: `USAGEKIT_CHROMIUM`, or Debian's.
fn chromium() -> PathBuf {
    std::env::var_os("USAGEKIT_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn headless(profile: &Path) -> Command {
    let mut command = Command::new(chromium());
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

#[test]
#[ignore = "needs Chromium (Debian's `chromium`); .ci/run installs it and runs this"]
fn the_page_renders_in_headless_chromium_with_every_providers_bars() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-report");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let page = demo("html");
    let file = dir.join("report.html");
    std::fs::write(&file, &page).unwrap();
    let url = format!("file://{}", file.display());

    // What the browser parsed: the charts' bars are in its DOM.
    let dom = headless(&dir.join("profile-dom"))
        .args(["--dump-dom", &url])
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    let drawn = bars(&dom, "spend");
    assert_eq!(drawn, bars(&page, "spend"));

    // What it drew: a screenshot, each provider's colour where its bars are.
    let shot = dir.join("report.png");
    let status = headless(&dir.join("profile-shot"))
        .args([
            "--window-size=1000,800",
            &format!("--screenshot={}", shot.display()),
            &url,
        ])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!((info.width, info.height), (1000, 800));
    let channels = info.color_type.samples();
    let count = |rgb: [u8; 3]| {
        pixels
            .chunks(channels)
            .filter(|p| p[0] == rgb[0] && p[1] == rgb[1] && p[2] == rgb[2])
            .count()
    };
    // Each charted provider's colour, as the legend gives it, is drawn: as bars,
    // far more pixels than its legend swatch (144).
    let mut providers: Vec<String> = drawn.keys().map(|(_, p)| p.clone()).collect();
    providers.sort();
    providers.dedup();
    for provider in &providers {
        let swatch = format!("\"></span>{provider}</span>");
        let at = page
            .find(&swatch)
            .unwrap_or_else(|| panic!("{provider} not in the legend"));
        let hex = &page[at - 7..at];
        let rgb = [0, 2, 4].map(|i| u8::from_str_radix(&hex[1 + i..3 + i], 16).unwrap());
        let drawn = count(rgb);
        assert!(
            drawn > 300,
            "{provider}'s bars ({hex}) are not drawn: {drawn} pixels"
        );
    }
    // And text: the title's dark pixels.
    assert!(count([0x22, 0x22, 0x22]) > 200);
}
