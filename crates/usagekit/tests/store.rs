//! The store end to end: the real binary against a loopback OpenAI that answers
//! any range, day by day, 31 buckets a page, and counts what it is asked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const DAY: i64 = 86_400;

/// Buckets for every day of `[start_time, end_time)`: costs with more digits than
/// an f64 keeps, completions with a day's token counts; other usage is empty.
struct Days;

impl Respond for Days {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query: BTreeMap<String, String> = request.url.query_pairs().into_owned().collect();
        let start: i64 = query["start_time"].parse().unwrap();
        let end: i64 = query
            .get("end_time")
            .map_or(start + 31 * DAY, |end| end.parse().unwrap());
        let offset: i64 = query.get("page").map_or(0, |page| page.parse().unwrap());
        let path = request.url.path();
        let mut days: Vec<i64> = (start..end).step_by(DAY as usize).collect();
        let more = days.len() as i64 > offset + 31;
        days = days.into_iter().skip(offset as usize).take(31).collect();
        let buckets: Vec<serde_json::Value> = days
            .iter()
            .map(|day| {
                let n = day / DAY % 1000;
                let results = match path {
                    "/organization/costs" => json!([{"object": "organization.costs.result",
                        "amount": {"value": format!("{n}.000000000000000001"), "currency": "usd"},
                        "line_item": null, "project_id": null, "api_key_id": null}]),
                    "/organization/usage/completions" => json!([{"object": "organization.usage.completions.result",
                        "input_tokens": n * 10, "output_tokens": n, "input_cached_tokens": 0,
                        "num_model_requests": 1, "model": null, "project_id": null, "api_key_id": null,
                        "user_id": null, "batch": null}]),
                    _ => json!([]),
                };
                json!({"object": "bucket", "start_time": day, "end_time": day + DAY, "results": results})
            })
            .collect();
        let next = more.then(|| (offset + 31).to_string());
        ResponseTemplate::new(200).set_body_json(json!({
            "object": "page", "data": buckets, "has_more": more, "next_page": next
        }))
    }
}

async fn openai() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path_regex("^/organization/"))
        .respond_with(Days)
        .mount(&server)
        .await;
    server
}

fn usagekit(server: &MockServer, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_usagekit"))
        .env_clear()
        .env("OPENAI_ADMIN_KEY", "sk-admin-store")
        .env("OPENAI_BASE_URL", server.uri())
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Requests per operation path since the server started.
async fn requests(server: &MockServer) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for request in server.received_requests().await.unwrap() {
        *counts.entry(request.url.path().to_owned()).or_default() += 1;
    }
    counts
}

fn store_in(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir.join("usage.sqlite3")
}

fn since_90_days() -> String {
    (chrono::Utc::now().date_naive() - chrono::Days::new(89)).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_90_day_report_asks_each_operation_at_most_once_and_offline_asks_nothing() {
    let server = openai().await;
    let store = store_in("store-90-days");
    let store_text = store.display().to_string();
    let since = since_90_days();
    let args = [
        "report",
        "--since",
        &since,
        "--store",
        &store_text,
        "--format",
        "csv",
    ];
    let first = usagekit(&server, &args);
    let first_requests = requests(&server).await;
    // 90 days, 31 buckets a page: three pages of each operation.
    assert_eq!(first_requests["/organization/costs"], 3);
    assert_eq!(first_requests["/organization/usage/completions"], 3);

    let second = usagekit(&server, &args);
    let after = requests(&server).await;
    for (path, before) in &first_requests {
        let asked = after[path] - before;
        assert!(asked <= 1, "{path}: {asked} requests the second time");
    }
    // Only the open days (yesterday and today) were asked again.
    let last = server.received_requests().await.unwrap().pop().unwrap();
    let start: i64 = last
        .url
        .query_pairs()
        .find(|(k, _)| k == "start_time")
        .unwrap()
        .1
        .parse()
        .unwrap();
    let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
    assert_eq!(
        chrono::DateTime::from_timestamp(start, 0)
            .unwrap()
            .date_naive(),
        yesterday
    );
    assert_eq!(second.stdout, first.stdout, "the totals differ");

    let offline = usagekit(&server, &[&args[..], &["--offline"]].concat());
    assert_eq!(requests(&server).await, after, "--offline made a request");
    assert_eq!(offline.stdout, first.stdout);
    // And the store changes no figure: the same report straight from the provider.
    let direct = usagekit(
        &server,
        &["report", "--since", &since, "--no-store", "--format", "csv"],
    );
    assert_eq!(direct.stdout, first.stdout);
    let csv = String::from_utf8_lossy(&first.stdout);
    assert!(csv.contains(",cost,USD,"), "{csv}");
    assert_eq!(csv.lines().filter(|l| l.contains(",cost,USD,")).count(), 90);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_fills_the_store_and_concurrent_runs_keep_it_whole() {
    let server = openai().await;
    let store = store_in("store-sync");
    let store_text = store.display().to_string();
    let since = since_90_days();
    let synced = usagekit(
        &server,
        &["sync", "--since", &since, "--store", &store_text],
    );
    assert!(String::from_utf8_lossy(&synced.stdout).contains("openai: complete"));
    let offline_args = [
        "report",
        "--since",
        &since,
        "--store",
        &store_text,
        "--format",
        "json",
        "--offline",
    ];
    let from_store = usagekit(&server, &offline_args);
    let document: serde_json::Value = serde_json::from_slice(&from_store.stdout).unwrap();
    let openai = document["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == "openai")
        .unwrap();
    let anthropic = document["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provider"] == "anthropic")
        .unwrap();
    assert_eq!(anthropic["data"], "missing", "not configured");
    // Today and yesterday may still change: offline, they are partial.
    assert_eq!(openai["data"], "partial");

    // Offline needs no credentials: the same rows with no key set.
    let keyless = Command::new(env!("CARGO_BIN_EXE_usagekit"))
        .env_clear()
        .args(offline_args)
        .output()
        .unwrap();
    assert!(
        keyless.status.success(),
        "{}",
        String::from_utf8_lossy(&keyless.stderr)
    );
    let keyless: serde_json::Value = serde_json::from_slice(&keyless.stdout).unwrap();
    assert_eq!(keyless["rows"], document["rows"]);

    // Two reports at once on one store: both succeed, the store stays whole.
    let binary = env!("CARGO_BIN_EXE_usagekit");
    let args = [
        "report",
        "--since",
        &since,
        "--store",
        &store_text,
        "--format",
        "csv",
    ];
    let spawn = || {
        Command::new(binary)
            .env_clear()
            .env("OPENAI_ADMIN_KEY", "sk-admin-store")
            .env("OPENAI_BASE_URL", server.uri())
            .args(args)
            .output()
    };
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(spawn);
        let b = scope.spawn(spawn);
        (a.join().unwrap().unwrap(), b.join().unwrap().unwrap())
    });
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert_eq!(a.stdout, b.stdout);
    let after = usagekit(
        &server,
        &[
            "report",
            "--since",
            &since,
            "--store",
            &store_text,
            "--format",
            "csv",
            "--offline",
        ],
    );
    assert_eq!(after.stdout, a.stdout);
}

#[test]
fn a_store_from_a_newer_usagekit_is_refused_not_overwritten() {
    let store = store_in("store-newer");
    std::fs::create_dir_all(store.parent().unwrap()).unwrap();
    let foreign = rusqlite::Connection::open(&store).unwrap();
    foreign.pragma_update(None, "user_version", 99).unwrap();
    drop(foreign);
    let output = Command::new(env!("CARGO_BIN_EXE_usagekit"))
        .env_clear()
        .env("OPENAI_ADMIN_KEY", "sk-admin-store")
        .args(["report", "--since", "2026-11-01", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("schema version 99"), "{stderr}");
}

/// A balance is a level: each run's reading is kept, and a day shows its latest
/// reading, never their sum; the current reading is the snapshot row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn balance_readings_are_kept_and_a_day_shows_its_latest() {
    let store = store_in("store-levels");
    let store_text = store.display().to_string();
    let today = chrono::Utc::now().date_naive();
    let since = (today - chrono::Days::new(1)).to_string();
    let run = |server: &MockServer| {
        let output = Command::new(env!("CARGO_BIN_EXE_usagekit"))
            .env_clear()
            .env("DEEPSEEK_API_KEY", "sk-deepseek-store")
            .env("DEEPSEEK_BASE_URL", server.uri())
            .args([
                "report",
                "--since",
                &since,
                "--store",
                &store_text,
                "--format",
                "csv",
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let mut csv = String::new();
    for balance in ["10.00", "7.25", "5.50"] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path_regex("^/user/balance$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "is_available": true,
                "balance_infos": [{"currency": "USD", "total_balance": balance,
                    "granted_balance": "0", "topped_up_balance": balance}]
            })))
            .mount(&server)
            .await;
        csv = run(&server);
        // A reading from yesterday, as an earlier day's run would have left it.
        if balance == "10.00" {
            // (Rows are stored as read: the decimal normalised.)
            let connection = rusqlite::Connection::open(&store).unwrap();
            connection
                .execute(
                    "UPDATE records SET fetched_at = ?1 WHERE value = '10' AND metric = 'balance'",
                    [format!(
                        "{}T12:00:00.000000000Z",
                        today - chrono::Days::new(1)
                    )],
                )
                .unwrap();
        }
    }
    let balance_rows: Vec<(String, String)> = csv
        .lines()
        .filter(|line| line.contains(",balance,USD,"))
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let value = cells.iter().rev().nth(2).unwrap();
            (cells[0].to_owned(), (*value).to_owned())
        })
        .collect();
    assert_eq!(
        balance_rows,
        [
            (
                format!("{}T00:00:00Z", today - chrono::Days::new(1)),
                "10".to_owned()
            ),
            (format!("{today}T00:00:00Z"), "5.5".to_owned()),
            (String::new(), "5.5".to_owned()),
        ],
        "{csv}"
    );
}
