//! The client's `tracing` events, as a program's own subscriber sees them: one per request,
//! answer, retry, rate-limit wait and list page, with method, path, status, attempt and elapsed
//! time, and never the API key.
//!
//! One test in this file on purpose: tracing caches per call site whether anyone listens, and
//! a call site first reached on another test's thread (no subscriber there) can race the
//! thread-local subscriber set here.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::TryStreamExt;
use rescale::{Client, RateLimit, RetryPolicy};
use rescale_simulator::{FaultSpec, SimulatorConfig};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// A key no event may contain.
const KEY: &str = "k3y-TRACING-SECRET-0123456789";

/// One event: its message and its other fields, as text.
#[derive(Debug, Clone)]
struct Event {
    message: String,
    fields: BTreeMap<String, String>,
}

impl Event {
    fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// Records every event, as a user's subscriber would receive it.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<Event>>>);

struct Fields<'a>(&'a mut Event);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.0.message = text;
        } else {
            self.0.fields.insert(field.name().to_owned(), text);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0
            .fields
            .insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut recorded = Event {
            message: String::new(),
            fields: BTreeMap::new(),
        };
        event.record(&mut Fields(&mut recorded));
        if let Ok(mut events) = self.0.lock() {
            events.push(recorded);
        }
    }
}

impl Capture {
    fn events(&self) -> Vec<Event> {
        self.0.lock().map(|e| e.clone()).unwrap_or_default()
    }
}

#[tokio::test]
async fn requests_retries_waits_and_pages_are_traced_without_the_key() {
    let sim = rescale_simulator::start(SimulatorConfig {
        api_key: KEY.to_owned(),
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator");
    let capture = Capture::default();
    // This test's runtime is single-threaded, so a thread-local default sees every event.
    let _guard =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
    tracing::callsite::rebuild_interest_cache();

    // Every request in one scope of two per 400 ms, one at once: the third waits.
    let limit = RateLimit::new(|_, _| Some("all")).scope_with_burst(
        "all",
        2,
        Duration::from_millis(400),
        1,
    );
    let client = Client::builder()
        .base_url(sim.base_url())
        .api_key(KEY)
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(5)),
        )
        .rate_limit(limit)
        .build()
        .expect("client");

    // One 503, then the list, one item per page.
    sim.inject_fault(FaultSpec::new(503, 1).path_prefix("/api/v2/analyses/"))
        .expect("fault");
    let analyses: Vec<_> = client
        .list_analyses()
        .page_size(1)
        .into_stream()
        .try_collect()
        .await
        .expect("listed");
    assert!(analyses.len() >= 2, "{}", analyses.len());

    let events = capture.events();
    let named =
        |message: &str| -> Vec<&Event> { events.iter().filter(|e| e.message == message).collect() };

    let sent = named("sending request");
    assert_eq!(sent.len(), analyses.len() + 1, "{events:#?}");
    assert_eq!(sent[0].field("method"), "GET");
    assert_eq!(sent[0].field("path"), "/api/v2/analyses/");
    assert_eq!(
        (sent[0].field("attempt"), sent[1].field("attempt")),
        ("1", "2")
    );

    let answers = named("answer");
    assert_eq!(answers[0].field("status"), "503");
    assert_eq!(answers[1].field("status"), "200");
    assert!(
        answers.iter().all(|a| a
            .field("elapsed_ms")
            .parse::<f64>()
            .is_ok_and(|ms| ms >= 0.0)),
        "{answers:#?}"
    );

    let retries = named("retrying request");
    assert_eq!(retries.len(), 1, "{events:#?}");
    assert_eq!(retries[0].field("outcome"), "status 503");
    assert_eq!(retries[0].field("attempt"), "1");
    assert!(retries[0].field("wait_ms").parse::<u64>().is_ok());

    let pages = named("list page");
    assert_eq!(pages.len(), analyses.len(), "{events:#?}");
    assert_eq!(pages[0].field("page"), "1");
    assert_eq!(pages[0].field("items"), "1");
    assert_eq!(pages[0].field("more"), "true");
    assert_eq!(pages.last().map(|p| p.field("more")), Some("false"));

    let waits = named("rate limit: waiting for a token");
    assert!(!waits.is_empty(), "{events:#?}");
    assert!(
        waits[0]
            .field("wait_ms")
            .parse::<u64>()
            .is_ok_and(|ms| ms > 0)
    );

    // The key is in no event, not in any field.
    let all = format!("{events:?}");
    assert!(!all.contains(KEY), "{all}");
    assert!(!all.contains("TRACING-SECRET"), "{all}");
}
