//! `cargo bench -p usagekit-tests`: generation, decoding and pagination, printed as
//! the tables in BENCHMARKS.md. Medians of repeated runs after a warm-up.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use openai_usage::TryStreamExt;
use wiremock::matchers::{path, query_param};
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

fn time(runs: usize, mut work: impl FnMut()) -> Duration {
    work();
    median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                work();
                started.elapsed()
            })
            .collect(),
    )
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
    println!("## Generation (spec text → crate files, in-process)\n\n| spec | median |\n|---|---|");
    for (provider, (path, text)) in providers.iter().zip(&specs) {
        let t = time(20, || {
            usagekit_codegen::generate_crate(path, text, provider).unwrap();
        });
        println!("| {path} | {:.1} ms |", t.as_secs_f64() * 1e3);
    }
    let all = time(20, || {
        for (provider, (path, text)) in providers.iter().zip(&specs) {
            usagekit_codegen::generate_crate(path, text, provider).unwrap();
        }
    });
    println!("| all four | {:.1} ms |\n", all.as_secs_f64() * 1e3);
}

/// A realistic month: 31 daily buckets, each with many grouped results of mixed kinds.
fn big_page() -> String {
    let kinds = [
        r#"{"object":"organization.usage.completions.result","input_tokens":51234,"output_tokens":10321,"input_cached_tokens":4000,"input_audio_tokens":0,"output_audio_tokens":0,"num_model_requests":512,"project_id":"proj_abc123","user_id":"user-abc","api_key_id":"key_abc","model":"gpt-4o-mini-2024-07-18","batch":false}"#,
        r#"{"object":"organization.usage.embeddings.result","input_tokens":2048,"num_model_requests":12,"project_id":"proj_abc123","user_id":null,"api_key_id":"key_def","model":"text-embedding-3-small"}"#,
        r#"{"object":"organization.usage.images.result","images":4,"num_model_requests":4,"size":"1024x1024","source":"image.generation","project_id":"proj_img","user_id":null,"api_key_id":null,"model":"dall-e-3"}"#,
        r#"{"object":"organization.costs.result","amount":{"value":12.3456,"currency":"usd"},"line_item":"gpt-4o-mini, input","project_id":"proj_abc123"}"#,
        r#"{"object":"organization.usage.audio_speeches.result","characters":4500,"num_model_requests":3,"project_id":null,"user_id":null,"api_key_id":null,"model":"tts-1"}"#,
    ];
    let per_bucket = 220;
    let buckets: Vec<String> = (0..31)
        .map(|day| {
            let results: Vec<&str> = (0..per_bucket)
                .map(|i| kinds[(i + day) % kinds.len()])
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

fn decoding() {
    let body = big_page();
    let mb = body.len() as f64 / 1e6;
    let runs = 15;
    let generated = time(runs, || {
        let page: openai_usage::types::UsageResponse = serde_json::from_str(&body).unwrap();
        assert_eq!(page.data.len(), 31);
    });
    let value = time(runs, || {
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(page["data"].as_array().unwrap().len(), 31);
    });
    let hand = time(runs, || {
        let page: minimal::Page = serde_json::from_str(&body).unwrap();
        assert_eq!(page.data.len(), 31);
    });
    let rate = |t: Duration| mb / t.as_secs_f64();
    println!("## Decoding a {mb:.1} MB page (31 buckets, 6820 mixed results)\n");
    println!("| target | median | MB/s | vs hand-written |\n|---|---|---|---|");
    for (name, t) in [
        ("generated types", generated),
        ("serde_json::Value", value),
        ("minimal hand-written structs", hand),
    ] {
        println!(
            "| {name} | {:.1} ms | {:.0} | {:.2}× |",
            t.as_secs_f64() * 1e3,
            rate(t),
            rate(t) / rate(hand)
        );
    }
    println!();
}

async fn pages_server(pages: usize) -> MockServer {
    let server = MockServer::start().await;
    let bucket = r#"{"object":"bucket","start_time":1,"end_time":2,"results":[{"object":"organization.costs.result","amount":{"value":1.5,"currency":"usd"},"line_item":"x","project_id":"p"}]}"#;
    for n in 0..pages {
        let next = if n + 1 < pages {
            format!("\"p{}\"", n + 1)
        } else {
            "null".into()
        };
        let body = format!(
            r#"{{"object":"page","data":[{}],"has_more":{},"next_page":{next}}}"#,
            [bucket; 7].join(","),
            n + 1 < pages
        );
        let mock = Mock::given(path("/organization/costs"));
        let mock = if n == 0 {
            mock.and(wiremock::matchers::query_param_is_missing("page"))
        } else {
            mock.and(query_param("page", format!("p{n}")))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&server)
            .await;
    }
    server
}

async fn pagination() {
    println!("## Pagination over loopback (wiremock server, 7 buckets per page)\n");
    println!("| pages | client | median | pages/s | peak heap growth |\n|---|---|---|---|---|");
    for pages in [50usize, 200] {
        let server = pages_server(pages).await;
        let client = openai_usage::Client::builder()
            .base_url(server.uri())
            .api_key("k")
            .build()
            .unwrap();
        let http = reqwest::Client::new();
        let mut generated = Vec::new();
        let mut plain = Vec::new();
        let mut generated_peak = 0;
        let mut plain_peak = 0;
        for _ in 0..5 {
            let base = LIVE.load(Ordering::Relaxed);
            PEAK.store(base, Ordering::Relaxed);
            let started = Instant::now();
            let mut stream = client.usage_costs().start_time(0).stream();
            let mut count = 0;
            while let Some(_bucket) = stream.try_next().await.unwrap() {
                count += 1;
            }
            assert_eq!(count, pages * 7);
            generated.push(started.elapsed());
            generated_peak = generated_peak.max(PEAK.load(Ordering::Relaxed) - base);

            let base = LIVE.load(Ordering::Relaxed);
            PEAK.store(base, Ordering::Relaxed);
            let started = Instant::now();
            let mut cursor: Option<String> = None;
            let mut count = 0;
            loop {
                let mut request = http
                    .get(format!("{}/organization/costs?start_time=0", server.uri()))
                    .header("authorization", "Bearer k");
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
            assert_eq!(count, pages * 7);
            plain.push(started.elapsed());
            plain_peak = plain_peak.max(PEAK.load(Ordering::Relaxed) - base);
        }
        for (name, t, peak) in [
            ("generated .stream()", median(generated), generated_peak),
            ("plain reqwest loop", median(plain), plain_peak),
        ] {
            println!(
                "| {pages} | {name} | {:.1} ms | {:.0} | {:.0} KiB |",
                t.as_secs_f64() * 1e3,
                pages as f64 / t.as_secs_f64(),
                peak as f64 / 1024.0
            );
        }
    }
}

fn main() {
    // `cargo test --benches` runs this with --bench absent; keep that fast.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    generation();
    decoding();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(pagination());
}
