//! Property tests of everything that reads server input: no input panics, and the
//! answers keep their promises. Case counts are bounded so `cargo test` stays fast.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

use crate::error::{ErrorKind, error_response};
use crate::paginate::{Page, paginate};
use crate::retry::{RetryPolicy, retry_after};
use crate::tagged::tests::{Circle, Shape};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(future)
}

/// Any JSON value, a few levels deep, with keys that often collide with the tag.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        // Exact halves: serde_json's default float parsing is not round-trip exact.
        any::<i32>().prop_map(|n| serde_json::Value::from(f64::from(n) / 2.0)),
        "(circle|square|radius|kind|\\PC{0,8})".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::vec(("(kind|radius|label|\\PC{0,6})", inner), 0..5)
                .prop_map(|pairs| serde_json::Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn tagged_union_decoder_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = serde_json::from_slice::<Shape>(&bytes);
        let _ = serde_json::from_slice::<Vec<Shape>>(&bytes);
    }

    #[test]
    fn tagged_union_decodes_any_object_like_serde_does(value in json_value()) {
        let text = value.to_string();
        let ours = serde_json::from_str::<Shape>(&text);
        match &value {
            serde_json::Value::Object(map) => match map.get("kind").and_then(|k| k.as_str()) {
                // A known tag decodes exactly when the variant's own decoder accepts it.
                Some("circle") => prop_assert_eq!(
                    ours.ok(),
                    serde_json::from_value::<Circle>(value.clone()).ok().map(Shape::Circle)
                ),
                // Anything else is kept whole.
                _ => prop_assert_eq!(ours.unwrap(), Shape::Unknown(value.clone())),
            },
            _ => prop_assert!(ours.is_err(), "a non-object decoded: {}", text),
        }
    }

    #[test]
    fn retry_after_never_panics_and_never_exceeds_the_cap(value in "\\PC{0,40}|[0-9]{1,25}") {
        let Ok(header) = HeaderValue::from_str(&value) else { return Ok(()) };
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, header);
        let _ = retry_after(&headers);
        let policy = RetryPolicy::default();
        for retry in [0, 1, 31, u32::MAX] {
            if let Some(wait) = policy.delay(retry, Some(&headers)) {
                prop_assert!(wait <= policy.max_retry_after.max(policy.max_backoff));
            }
        }
    }

    #[test]
    fn any_error_body_gives_a_bounded_message_and_never_panics(
        status in 300u16..600,
        body in prop::collection::vec(any::<u8>(), 0..600),
        pointer in "(/[a-z0-9~]{0,6}){0,3}",
    ) {
        let response = http::Response::builder().status(status).body(body).unwrap();
        let decode: crate::__private::ErrorDecoder<serde_json::Value> = |status, body| {
            (status == 400).then(|| serde_json::from_slice(body))
        };
        let pointers = [pointer.as_str()];
        let kind = block_on(error_response(reqwest::Response::from(response), decode, &pointers));
        match kind {
            ErrorKind::Status { snippet, .. } | ErrorKind::Decode { snippet, .. } => {
                prop_assert!(snippet.chars().count() <= 201);
            }
            ErrorKind::Api(api) => prop_assert_eq!(api.status.as_u16(), 400),
            ErrorKind::Redirect { .. } | ErrorKind::Body { .. } => {}
            other => prop_assert!(false, "unexpected kind {:?}", other),
        }
    }

    /// Whatever cursors a server hands out (cycles, repeats, empty strings, flags
    /// that contradict them), a stream ends, never sends a cursor twice, and
    /// fetches at most one page more than there are distinct cursors.
    #[test]
    fn pagination_always_terminates_without_resending_a_cursor(
        script in prop::collection::vec(("[abc]{0,1}", prop::option::of(any::<bool>())), 1..12),
    ) {
        // Page `i` of the script answers the i-th distinct cursor; cursors map to pages.
        let pages: HashMap<Option<String>, (String, Option<bool>)> = std::iter::once(None)
            .chain(script.iter().map(|(cursor, _)| Some(cursor.clone())))
            .zip(script.iter().cloned())
            .collect();
        let distinct: HashSet<&String> = script.iter().map(|(cursor, _)| cursor).collect();
        let sent = std::sync::Mutex::new(Vec::new());
        let outcome: Vec<Result<u8, crate::Error<()>>> = block_on(async {
            use futures_util::StreamExt;
            paginate("listThings", None, (), |(), cursor: Option<String>| {
                sent.lock().unwrap().push(cursor.clone());
                let (next, has_more) = pages.get(&cursor).cloned().unwrap_or_default();
                async move {
                    Ok(Page {
                        items: vec![1u8],
                        next_cursor: crate::__private::Cursor::into_cursor(next),
                        has_more,
                    })
                }
            })
            .collect()
            .await
        });
        let sent = sent.into_inner().unwrap();
        prop_assert!(sent.len() <= distinct.len() + 1, "{} fetches for {:?}", sent.len(), script);
        let unique: HashSet<&Option<String>> = sent.iter().collect();
        prop_assert_eq!(unique.len(), sent.len(), "a cursor was sent twice: {:?}", sent);
        let errors = outcome.iter().filter(|item| item.is_err()).count();
        prop_assert!(errors <= 1);
        if errors == 1 {
            prop_assert!(outcome.last().unwrap().is_err(), "the error ends the stream");
        }
    }
}
