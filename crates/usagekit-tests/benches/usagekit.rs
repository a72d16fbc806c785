//! `cargo bench -p usagekit-tests`: generation, decoding and pagination, printed as
//! the tables in BENCHMARKS.md. Medians of repeated runs after a warm-up.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use openai_usage::TryStreamExt;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Counts live heap bytes and their peak, for "memory does not grow with pages".
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        ptr
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn generation() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let settings_text = std::fs::read_to_string(root.join("specs/providers.toml")).unwrap();
    let providers = usagekit_codegen::parse_settings("providers.toml", &settings_text).unwrap();
    let specs: Vec<(String, String)> = providers
        .iter()
        .map(|p| {
            (
                format!("specs/{}", p.spec),
                std::fs::read_to_string(root.join("specs").join(&p.spec)).unwrap(),
            )
        })
        .collect();
    let generate_one = |index: usize| {
        let (path, text) = &specs[index];
        usagekit_codegen::generate_crate(path, text, &providers[index]).unwrap();
    };
    // One row per spec, then one for all four; rounds rotate through the rows so a
    // noisy moment on the machine hits every row alike.
    let rows = providers.len() + 1;
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); rows];
    for round in 0..=30 {
        for offset in 0..rows {
            let row = (round + offset) % rows;
            let started = Instant::now();
            if row < providers.len() {
                generate_one(row);
            } else {
                (0..providers.len()).for_each(generate_one);
            }
            // Round 0 warms up.
            if round > 0 {
                times[row].push(started.elapsed());
            }
        }
    }
    println!("## Generation (spec text → crate files, in-process)\n\n| spec | median |\n|---|---|");
    for (row, samples) in times.into_iter().enumerate() {
        let name = specs
            .get(row)
            .map_or("all of them", |(path, _)| path.as_str());
        println!("| {name} | {:.1} ms |", median(samples).as_secs_f64() * 1e3);
    }
    println!();
}

/// A spec of `operations` GET operations, each with a path, query and array
/// parameter, a typed error and its own five-field result type.
fn synthetic_spec(operations: usize) -> String {
    let mut paths = String::new();
    let mut schemas = String::new();
    for i in 0..operations {
        paths.push_str(&format!(
            "  /resources{i}/{{id}}:\n    get:\n      operationId: get-resource-{i}\n      summary: Gets resource {i}.\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n        - {{name: since, in: query, schema: {{type: integer}}}}\n        - {{name: kinds, in: query, schema: {{type: array, items: {{type: string, enum: [a, b, c]}}}}}}\n      responses:\n        '200':\n          description: OK.\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Resource{i}'}}\n        4XX:\n          description: Failed.\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Problem'}}\n"
        ));
        schemas.push_str(&format!(
            "    Resource{i}:\n      type: object\n      required: [id, amount]\n      properties:\n        id: {{type: string}}\n        amount: {{type: string, format: decimal}}\n        count: {{type: integer, format: int64}}\n        status: {{type: string, enum: [active, archived]}}\n        created_at: {{type: string, format: date-time}}\n"
        ));
    }
    format!(
        "openapi: 3.0.3\ninfo: {{title: Synthetic, version: 1.0.0}}\nservers: [{{url: \"https://api.example.com/v1\"}}]\nsecurity: [{{Bearer: []}}]\npaths:\n{paths}components:\n  securitySchemes:\n    Bearer: {{type: http, scheme: bearer}}\n  schemas:\n    Problem:\n      type: object\n      x-usagekit-error-message: [/message]\n      required: [message]\n      properties:\n        message: {{type: string}}\n{schemas}"
    )
}

const SYNTHETIC_PROVIDERS: &str = r#"[synthetic]
spec = "synthetic.yaml"
crate = "synthetic-usage"
version = "0.1.0"
name = "Synthetic"
description = "Operations for the generation benchmark"
env-prefix = "SYNTHETIC"
credentials.Bearer = { setter = "token", env = "SYNTHETIC_TOKEN" }
"#;

/// Generation time against spec size, in process, and `cargo xtask generate` as a
/// user runs it (cargo, the xtask binary, reading, generating, writing) on a
/// 300-operation spec in a scratch checkout.
fn generation_at_scale() {
    let settings = usagekit_codegen::parse_settings("providers.toml", SYNTHETIC_PROVIDERS)
        .unwrap()
        .remove(0);
    println!(
        "## Generation at scale (synthetic specs)\n\n| operations | in-process median | per operation | generated lines |\n|---|---|---|---|"
    );
    for operations in [75, 150, 300] {
        let spec = synthetic_spec(operations);
        let mut lines = 0;
        let samples: Vec<Duration> = (0..6)
            .map(|_| {
                let started = Instant::now();
                let files =
                    usagekit_codegen::generate_crate("specs/synthetic.yaml", &spec, &settings)
                        .unwrap()
                        .files;
                let elapsed = started.elapsed();
                lines = files.iter().map(|f| f.contents.lines().count()).sum();
                elapsed
            })
            .skip(1)
            .collect();
        let time = median(samples);
        println!(
            "| {operations} | {:.0} ms | {:.2} ms | {lines} |",
            time.as_secs_f64() * 1e3,
            time.as_secs_f64() * 1e3 / operations as f64
        );
    }

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = std::env::temp_dir().join(format!("usagekit-bench-{}", std::process::id()));
    std::fs::create_dir_all(scratch.join("specs")).unwrap();
    std::fs::write(scratch.join("Cargo.toml"), "[workspace]\n").unwrap();
    std::fs::write(scratch.join("specs/providers.toml"), SYNTHETIC_PROVIDERS).unwrap();
    std::fs::write(scratch.join("specs/synthetic.yaml"), synthetic_spec(300)).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // `cargo xtask` is an alias of the workspace; from the scratch checkout it is
    // spelled out, with the workspace's manifest.
    let run = || {
        let started = Instant::now();
        let status = std::process::Command::new(&cargo)
            .args(["run", "--quiet", "--package", "xtask", "--manifest-path"])
            .arg(root.join("Cargo.toml"))
            .args(["--", "generate"])
            .current_dir(&scratch)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        started.elapsed()
    };
    run(); // builds the xtask binary if needed, and writes the crate once
    let samples: Vec<Duration> = (0..5).map(|_| run()).collect();
    println!(
        "\n`cargo xtask generate`, whole process, 300 operations: median {:.0} ms of 5 (target: under 1 s)\n",
        median(samples).as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(&scratch);
}

/// A realistic month: 31 daily buckets, each with many grouped results of mixed kinds.
/// With `tag_first: false`, every result's `object` tag is written last, which sends
/// generated unions down their buffered path.
fn big_page(tag_first: bool) -> String {
    // (kind, the result's other fields)
    let kinds = [
        (
            "organization.usage.completions.result",
            r#""input_tokens":51234,"output_tokens":10321,"input_cached_tokens":4000,"input_audio_tokens":0,"output_audio_tokens":0,"num_model_requests":512,"project_id":"proj_abc123","user_id":"user-abc","api_key_id":"key_abc","model":"gpt-4o-mini-2024-07-18","batch":false"#,
        ),
        (
            "organization.usage.embeddings.result",
            r#""input_tokens":2048,"num_model_requests":12,"project_id":"proj_abc123","user_id":null,"api_key_id":"key_def","model":"text-embedding-3-small""#,
        ),
        (
            "organization.usage.images.result",
            r#""images":4,"num_model_requests":4,"size":"1024x1024","source":"image.generation","project_id":"proj_img","user_id":null,"api_key_id":null,"model":"dall-e-3""#,
        ),
        (
            "organization.costs.result",
            r#""amount":{"value":12.3456,"currency":"usd"},"line_item":"gpt-4o-mini, input","project_id":"proj_abc123""#,
        ),
        (
            "organization.usage.audio_speeches.result",
            r#""characters":4500,"num_model_requests":3,"project_id":null,"user_id":null,"api_key_id":null,"model":"tts-1""#,
        ),
    ];
    let kinds = kinds.map(|(kind, fields)| {
        if tag_first {
            format!(r#"{{"object":"{kind}",{fields}}}"#)
        } else {
            format!(r#"{{{fields},"object":"{kind}"}}"#)
        }
    });
    let per_bucket = 820;
    let buckets: Vec<String> = (0..31)
        .map(|day| {
            let results: Vec<&str> = (0..per_bucket)
                .map(|i| kinds[(i + day) % kinds.len()].as_str())
                .collect();
            format!(
                r#"{{"object":"bucket","start_time":{},"end_time":{},"results":[{}]}}"#,
                1730419200 + day * 86400,
                1730505600 + day * 86400,
                results.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"object":"page","data":[{}],"has_more":false,"next_page":null}}"#,
        buckets.join(",")
    )
}

/// The practical ceiling: minimal hand-written structs, dispatching with serde's tag.
/// Fields are decoded for the comparison, not read afterwards.
#[allow(dead_code)]
mod minimal {
    use serde::Deserialize;
    #[derive(Deserialize)]
    pub struct Page {
        pub data: Vec<Bucket>,
        pub has_more: bool,
        pub next_page: Option<String>,
    }
    #[derive(Deserialize)]
    pub struct Bucket {
        pub start_time: i64,
        pub end_time: i64,
        pub results: Vec<Result>,
    }
    #[derive(Deserialize)]
    #[serde(tag = "object")]
    pub enum Result {
        #[serde(rename = "organization.usage.completions.result")]
        Completions {
            input_tokens: i64,
            output_tokens: i64,
            num_model_requests: i64,
            model: Option<String>,
        },
        #[serde(rename = "organization.usage.embeddings.result")]
        Embeddings {
            input_tokens: i64,
            num_model_requests: i64,
            model: Option<String>,
        },
        #[serde(rename = "organization.usage.images.result")]
        Images {
            images: i64,
            num_model_requests: i64,
            size: Option<String>,
        },
        #[serde(rename = "organization.costs.result")]
        Costs {
            amount: Option<Amount>,
            line_item: Option<String>,
        },
        #[serde(rename = "organization.usage.audio_speeches.result")]
        Speeches {
            characters: i64,
            num_model_requests: i64,
        },
    }
    #[derive(Deserialize)]
    pub struct Amount {
        pub value: f64,
        pub currency: String,
    }
}

/// Hand-written structs holding every field the page sends, as someone would write
/// them for the same data: `Option<String>` for the ids, serde's own tag dispatch,
/// `f64` for the amount. The fair comparison for the generated types, which keep
/// every field too.
#[allow(dead_code)]
mod every_field {
    use serde::Deserialize;
    #[derive(Deserialize)]
    pub struct Page {
        pub object: String,
        pub data: Vec<Bucket>,
        pub has_more: bool,
        pub next_page: Option<String>,
    }
    #[derive(Deserialize)]
    pub struct Bucket {
        pub object: String,
        pub start_time: i64,
        pub end_time: i64,
        pub results: Vec<Result>,
    }
    #[derive(Deserialize)]
    #[serde(tag = "object")]
    pub enum Result {
        #[serde(rename = "organization.usage.completions.result")]
        Completions {
            input_tokens: i64,
            output_tokens: i64,
            input_cached_tokens: Option<i64>,
            input_audio_tokens: Option<i64>,
            output_audio_tokens: Option<i64>,
            num_model_requests: i64,
            project_id: Option<String>,
            user_id: Option<String>,
            api_key_id: Option<String>,
            model: Option<String>,
            batch: Option<bool>,
        },
        #[serde(rename = "organization.usage.embeddings.result")]
        Embeddings {
            input_tokens: i64,
            num_model_requests: i64,
            project_id: Option<String>,
            user_id: Option<String>,
            api_key_id: Option<String>,
            model: Option<String>,
        },
        #[serde(rename = "organization.usage.images.result")]
        Images {
            images: i64,
            num_model_requests: i64,
            size: Option<String>,
            source: Option<String>,
            project_id: Option<String>,
            user_id: Option<String>,
            api_key_id: Option<String>,
            model: Option<String>,
        },
        #[serde(rename = "organization.costs.result")]
        Costs {
            amount: Option<Amount>,
            line_item: Option<String>,
            project_id: Option<String>,
        },
        #[serde(rename = "organization.usage.audio_speeches.result")]
        Speeches {
            characters: i64,
            num_model_requests: i64,
            project_id: Option<String>,
            user_id: Option<String>,
            api_key_id: Option<String>,
            model: Option<String>,
        },
    }
    #[derive(Deserialize)]
    pub struct Amount {
        pub value: f64,
        pub currency: String,
    }
}

/// A row of the decoding table: its name, the bytes and how it decodes them.
type DecodeTarget<'a> = (&'static str, &'a str, &'a dyn Fn(&str));

fn decoding() {
    let body = big_page(true);
    let reordered = big_page(false);
    assert_eq!(reordered.len(), body.len());
    let generated = |text: &str| {
        let page: openai_usage::types::UsageResponse = serde_json::from_str(text).unwrap();
        assert_eq!(page.data.len(), 31);
        assert!(
            page.data[0]
                .results
                .iter()
                .all(|r| !matches!(r, openai_usage::types::UsageResult::Unknown(_))),
            "every kind in the page is known"
        );
    };
    let targets: [DecodeTarget; 5] = [
        ("generated types", &body, &generated),
        (
            "generated types, tag last in every result",
            &reordered,
            &generated,
        ),
        ("serde_json::Value", &body, &|text| {
            let page: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(page["data"].as_array().unwrap().len(), 31);
        }),
        ("hand-written structs, every field", &body, &|text| {
            let page: every_field::Page = serde_json::from_str(text).unwrap();
            assert_eq!(page.data.len(), 31);
        }),
        ("minimal hand-written structs", &body, &|text| {
            let page: minimal::Page = serde_json::from_str(text).unwrap();
            assert_eq!(page.data.len(), 31);
        }),
    ];
    // Rounds rotate through the targets so a noisy moment on the machine hits all
    // alike. Each timed run follows an untimed one of the same target, so the heap is
    // shaped by that target and not by whichever ran before it.
    let mut times: [Vec<Duration>; 5] = Default::default();
    for round in 0..20 {
        for offset in 0..targets.len() {
            let index = (round + offset) % targets.len();
            let (_, text, decode) = targets[index];
            decode(text);
            let started = Instant::now();
            decode(text);
            times[index].push(started.elapsed());
        }
    }
    let medians = times.map(median);
    let mb = body.len() as f64 / 1e6;
    let rate = |t: Duration| mb / t.as_secs_f64();
    let (every, minimal) = (medians[3], medians[4]);
    let results = body.matches(r#""object":"organization."#).count();
    println!("## Decoding a {mb:.1} MB page (31 buckets, {results} mixed results)\n");
    println!(
        "| target | median | MB/s | vs hand-written, every field | vs minimal hand-written |\n|---|---|---|---|---|"
    );
    for ((name, _, _), t) in targets.iter().zip(medians) {
        println!(
            "| {name} | {:.1} ms | {:.0} | {:.2}× | {:.2}× |",
            t.as_secs_f64() * 1e3,
            rate(t),
            rate(t) / rate(every),
            rate(t) / rate(minimal)
        );
    }
    println!();
}

/// `pages` linked pages of 7 buckets each, looked up by the `page` cursor (absent on
/// the first), so the server's work per request does not depend on the page count.
struct Pages(Vec<String>);

impl Pages {
    fn new(pages: usize) -> Self {
        let bucket = r#"{"object":"bucket","start_time":1,"end_time":2,"results":[{"object":"organization.costs.result","amount":{"value":1.5,"currency":"usd"},"line_item":"x","project_id":"p"}]}"#;
        let bodies = (0..pages)
            .map(|n| {
                let more = n + 1 < pages;
                let next = if more {
                    format!("\"p{}\"", n + 1)
                } else {
                    "null".into()
                };
                format!(
                    r#"{{"object":"page","data":[{}],"has_more":{more},"next_page":{next}}}"#,
                    [bucket; 7].join(",")
                )
            })
            .collect();
        Self(bodies)
    }
}

impl wiremock::Respond for Pages {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let cursor = request
            .url
            .query_pairs()
            .find(|(name, _)| name == "page")
            .map(|(_, value)| value.into_owned());
        let index = match cursor {
            None => Some(0),
            Some(cursor) => cursor.strip_prefix('p').and_then(|n| n.parse().ok()),
        };
        match index.and_then(|n: usize| self.0.get(n)) {
            Some(body) => ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json"),
            None => ResponseTemplate::new(404),
        }
    }
}

async fn pages_server(pages: usize) -> MockServer {
    // Unrecorded, so the server's memory stays flat however many requests it answers.
    let server = MockServer::builder()
        .disable_request_recording()
        .start()
        .await;
    Mock::given(path("/organization/costs"))
        .respond_with(Pages::new(pages))
        .mount(&server)
        .await;
    server
}

const SERVE_PAGES: &str = "USAGEKIT_BENCH_SERVE_PAGES";

/// The server runs in a child process (this same binary), so the heap counted here is
/// the clients' alone. It prints its address and serves until its stdin closes.
struct PagesProcess {
    child: std::process::Child,
    uri: String,
}

impl PagesProcess {
    fn start(pages: usize) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .env(SERVE_PAGES, pages.to_string())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the page server");
        let mut uri = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut uri)
            .unwrap();
        Self {
            child,
            uri: uri.trim().to_owned(),
        }
    }
}

impl Drop for PagesProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn serve_pages(pages: usize) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let server = pages_server(pages).await;
            println!("{}", server.uri());
            // Serve until the parent closes our stdin.
            tokio::task::spawn_blocking(|| {
                std::io::copy(&mut std::io::stdin(), &mut std::io::sink())
            })
            .await
            .unwrap()
            .unwrap();
        });
}

/// Runs `work` and returns its time and the peak heap it added above what was live.
async fn measure<F: std::future::Future<Output = usize>>(
    expected: usize,
    work: F,
) -> (Duration, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let started = Instant::now();
    let count = work.await;
    let elapsed = started.elapsed();
    assert_eq!(count, expected);
    (elapsed, PEAK.load(Ordering::Relaxed) - base)
}

async fn generated_stream(client: &openai_usage::Client) -> usize {
    let mut stream = client.usage_costs().start_time(0).stream();
    let mut count = 0;
    while let Some(_bucket) = stream.try_next().await.unwrap() {
        count += 1;
    }
    count
}

/// The loop a user would write by hand; `timeout` adds the per-request timer the
/// generated client always sets, to show what that part costs.
async fn plain_loop(http: &reqwest::Client, uri: &str, timeout: Option<Duration>) -> usize {
    let mut cursor: Option<String> = None;
    let mut count = 0;
    loop {
        let mut request = http
            .get(format!("{uri}/organization/costs?start_time=0"))
            .header("authorization", "Bearer k");
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        if let Some(c) = &cursor {
            request = request.query(&[("page", c)]);
        }
        let page: minimal::Page = request.send().await.unwrap().json().await.unwrap();
        count += page.data.len();
        if !page.has_more {
            break;
        }
        cursor = page.next_page;
    }
    count
}

#[derive(Clone, Copy)]
enum Pager {
    Generated,
    Plain,
    PlainWithTimeout,
}

impl Pager {
    const ALL: [Pager; 3] = [Pager::Generated, Pager::Plain, Pager::PlainWithTimeout];

    fn name(self) -> &'static str {
        match self {
            Pager::Generated => "generated `.stream()`",
            Pager::Plain => "plain reqwest loop",
            Pager::PlainWithTimeout => "plain loop + per-request timeout",
        }
    }
}

async fn pagination() {
    println!("## Pagination over loopback (server in a child process, 7 buckets per page)\n");
    println!(
        "| pages | client | median | pages/s | vs plain loop | peak heap growth |\n|---|---|---|---|---|---|"
    );
    for pages in [50usize, 200] {
        let server = PagesProcess::start(pages);
        let client = openai_usage::Client::builder()
            .base_url(&server.uri)
            .api_key("k")
            .build()
            .unwrap();
        let http = reqwest::Client::new();
        let expected = pages * 7;
        let run = |pager: Pager| {
            let (client, http, uri) = (&client, &http, server.uri.as_str());
            measure(expected, async move {
                match pager {
                    Pager::Generated => generated_stream(client).await,
                    Pager::Plain => plain_loop(http, uri, None).await,
                    Pager::PlainWithTimeout => {
                        plain_loop(http, uri, Some(Duration::from_secs(60))).await
                    }
                }
            })
        };
        let mut times: [Vec<Duration>; 3] = Default::default();
        let mut peaks = [0usize; 3];
        // The first round warms the connections and is not counted; each round
        // rotates the order so no client always runs right after another.
        for round in 0..=40 {
            for offset in 0..3 {
                let index = (round + offset) % 3;
                let (time, peak) = run(Pager::ALL[index]).await;
                if round > 0 {
                    times[index].push(time);
                    peaks[index] = peaks[index].max(peak);
                }
            }
        }
        let medians = times.map(median);
        for (index, pager) in Pager::ALL.into_iter().enumerate() {
            let t = medians[index];
            println!(
                "| {pages} | {} | {:.2} ms | {:.0} | {:+.1}% | {:.0} KiB |",
                pager.name(),
                t.as_secs_f64() * 1e3,
                pages as f64 / t.as_secs_f64(),
                (t.as_secs_f64() / medians[1].as_secs_f64() - 1.0) * 100.0,
                peaks[index] as f64 / 1024.0
            );
        }
    }
}

/// CPU model and core count, so a table can be read against where it was measured.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{model}, {cores} cores available")
}

/// One page of hourly buckets in the shape of `provider`'s usage report: OpenAI's
/// completions or Anthropic's messages, 4 models × 3 projects per bucket.
fn hourly_page(provider: &str, first_hour: i64, hours: i64) -> String {
    let start = 1_767_225_600; // 2026-01-01T00:00:00Z
    let models = ["model-a", "model-b", "model-c", "model-d"];
    let projects = ["p1", "p2", "p3"];
    let mut buckets = Vec::new();
    for hour in first_hour..first_hour + hours {
        let (from, to) = (start + hour * 3600, start + (hour + 1) * 3600);
        let mut results = Vec::new();
        for (m, model) in models.iter().enumerate() {
            for (p, project) in projects.iter().enumerate() {
                let n = (hour % 97 + 1) * (m as i64 + 1) * (p as i64 + 2);
                results.push(if provider == "openai" {
                    serde_json::json!({"object": "organization.usage.completions.result",
                        "input_tokens": n * 40, "input_cached_tokens": n * 9, "output_tokens": n * 7,
                        "num_model_requests": n, "model": model, "project_id": project,
                        "api_key_id": null, "user_id": null, "batch": null})
                } else {
                    serde_json::json!({"uncached_input_tokens": n * 30,
                        "cache_creation": {"ephemeral_1h_input_tokens": n, "ephemeral_5m_input_tokens": n * 2},
                        "cache_read_input_tokens": n * 9, "output_tokens": n * 7,
                        "server_tool_use": {"web_search_requests": 1}, "api_key_id": null,
                        "workspace_id": project, "model": model})
                });
            }
        }
        buckets.push(if provider == "openai" {
            serde_json::json!({"object": "bucket", "start_time": from, "end_time": to, "results": results})
        } else {
            let time = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap().to_rfc3339();
            serde_json::json!({"starting_at": time(from), "ending_at": time(to), "results": results})
        });
    }
    serde_json::json!({"object": "page", "data": buckets, "has_more": true, "next_page": "n"})
        .to_string()
}

/// A year of hourly buckets from two providers, read through their report mappings
/// and summed; pages are made one at a time, so the heap holds one page and the sums.
fn report_aggregation() {
    use usagekit_runtime::report::{Aggregator, Dimension, Granularity, ReportQuery};
    println!("\n## Report: hourly buckets read through the mappings and summed\n");
    println!(
        "| range | by | pages | records | records/s | peak heap growth | report rows |\n|---|---|---|---|---|---|---|"
    );
    let services = [
        ("openai", &openai_usage::SERVICE, "usage-completions"),
        (
            "anthropic",
            &anthropic_usage::SERVICE,
            "get-messages-usage-report",
        ),
    ];
    let query = ReportQuery {
        since: "2026-01-01T00:00:00Z".parse().unwrap(),
        until: "2027-01-01T00:00:00Z".parse().unwrap(),
        group_by: vec![Dimension::Provider, Dimension::Model],
        hourly: false,
    };
    let now = chrono::Utc::now();
    for (label, days) in [("1 month", 31), ("3 months", 91), ("12 months", 365)] {
        for by in [Granularity::Month, Granularity::Day] {
            let hours = days * 24;
            let per_page = 168; // the APIs' maximum for hourly buckets
            let mut aggregator = Aggregator::new(by, &query.group_by);
            let (mut pages, mut records, mut busy) = (0, 0u64, Duration::ZERO);
            let baseline = LIVE.load(Ordering::Relaxed);
            PEAK.store(baseline, Ordering::Relaxed);
            for (provider, service, operation) in services {
                let spec = service
                    .reports
                    .iter()
                    .find(|spec| spec.operation == operation)
                    .unwrap();
                for first in (0..hours).step_by(per_page) {
                    let text = hourly_page(provider, first, (hours - first).min(per_page as i64));
                    let started = Instant::now();
                    let page: serde_json::Value = serde_json::from_str(&text).unwrap();
                    spec.read_page(&service.key.into(), &page, &query, now, &mut |record| {
                        records += 1;
                        aggregator.add(record);
                    })
                    .unwrap();
                    busy += started.elapsed();
                    pages += 1;
                }
            }
            let peak = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
            println!(
                "| {label} | {by:?} | {pages} | {records} | {:.0} | {} KiB | {} |",
                records as f64 / busy.as_secs_f64(),
                peak / 1024,
                aggregator.rows().count()
            );
        }
    }
}

fn main() {
    if let Ok(pages) = std::env::var(SERVE_PAGES) {
        return serve_pages(pages.parse().unwrap());
    }
    // `cargo test --benches` runs this with --bench absent; keep that fast.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    // `cargo bench -p usagekit-tests -- decoding` runs only the groups named.
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let wanted =
        |group: &str| filters.is_empty() || filters.iter().any(|f| group.contains(f.as_str()));
    println!("Machine: {}\n", machine());
    if wanted("generation") {
        generation();
        generation_at_scale();
    }
    if wanted("decoding") {
        decoding();
    }
    if wanted("report") {
        report_aggregation();
    }
    if wanted("pagination") {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(pagination());
    }
}
