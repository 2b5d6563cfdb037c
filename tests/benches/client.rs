//! Client overhead on loopback: the generated client against raw reqwest doing the same request,
//! and decoding a 1,000-job list page through the client against `serde_json` into the same type.
//!
//! Run with `cargo bench -p rescale-tests --bench client`. Compare the pairs' ratios (both sides
//! run in the same process against the same local server), not absolute times.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use rescale::types;

const KEY: &str = "bench-key";

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(rescale_tests::serve_job_and_page());
    let base = format!("http://{addr}");
    let client = rescale::Client::with_key(&base, KEY).unwrap();
    let raw = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let auth = format!("Token {KEY}");

    let mut group = c.benchmark_group("get_job");
    group.bench_function("raw_reqwest", |b| {
        let url = format!("{base}/api/v2/jobs/RcAFeb/");
        b.to_async(&runtime)
            .iter(|| rescale_tests::raw_get_json::<types::Job>(&raw, &url, &auth))
    });
    group.bench_function("generated_client", |b| {
        b.to_async(&runtime)
            .iter(|| async { client.get_job("RcAFeb").send().await.unwrap().into_body() })
    });
    group.finish();

    let page = rescale_tests::job_page_body();
    let mut group = c.benchmark_group("page_of_1000_jobs");
    group.bench_function("serde_json_from_slice", |b| {
        b.iter(|| serde_json::from_slice::<types::JobSummaryPage>(&page).unwrap())
    });
    group.bench_function("raw_reqwest_loopback", |b| {
        let url = format!("{base}/api/v2/jobs/");
        b.to_async(&runtime)
            .iter(|| rescale_tests::raw_get_json::<types::JobSummaryPage>(&raw, &url, &auth))
    });
    group.bench_function("generated_client_loopback", |b| {
        b.to_async(&runtime)
            .iter(|| async { client.list_jobs().send().await.unwrap().into_body() })
    });
    group.finish();
}

criterion_group! {
    name = client;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(4)).warm_up_time(Duration::from_secs(1));
    targets = benches
}
criterion_main!(client);
