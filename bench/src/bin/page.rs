//! Decoding a 1,000-job page (or one job) through the client against raw reqwest, for
//! instruction counts.
//!
//! `page <client|raw> [ITERATIONS] [page|job]` serves a 1,000-job list page and one job
//! (`shared/samples/jobs_create.response.curl.json`) on 127.0.0.1 (axum, same process), fetches
//! and decodes one of them ITERATIONS times (default 200) with one side, and prints the mean wall
//! time per request. Run each side under `valgrind --tool=callgrind` to compare
//! instruction counts, which the other load on a shared machine does not disturb (`bench/page.sh`).

use std::time::Instant;

use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use rescale::types;

const KEY: &str = "bench-key";

fn main() {
    let mut args = std::env::args().skip(1);
    let side = args.next().unwrap_or_default();
    let iterations: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(200);
    let what = args.next().unwrap_or_else(|| "page".into());
    if (side != "client" && side != "raw") || (what != "page" && what != "job") {
        eprintln!("usage: page <client|raw> [ITERATIONS] [page|job]");
        std::process::exit(2);
    }
    let job_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/samples/jobs_create.response.curl.json"
    );
    let job = std::fs::read(job_path).unwrap_or_else(|e| panic!("cannot read {job_path}: {e}"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let page = rescale_tests::job_page_body();
        let app = Router::new()
            .route(
                "/api/v2/jobs/",
                get(move || {
                    let page = page.clone();
                    async move { ([(CONTENT_TYPE, "application/json")], page) }
                }),
            )
            .route(
                "/api/v2/jobs/RcAFeb/",
                get(move || {
                    let job = job.clone();
                    async move { ([(CONTENT_TYPE, "application/json")], job) }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = rescale::Client::with_key(&base, KEY).unwrap();
        let raw = reqwest::Client::new();
        let auth = format!("Token {KEY}");
        let start = Instant::now();
        let mut jobs = 0;
        for _ in 0..iterations {
            if what == "job" {
                let job: types::Job = if side == "client" {
                    client.get_job("RcAFeb").send().await.unwrap().into_body()
                } else {
                    let response = raw
                        .get(format!("{base}/api/v2/jobs/RcAFeb/"))
                        .header("authorization", &auth)
                        .send()
                        .await
                        .unwrap();
                    let bytes = response.bytes().await.unwrap();
                    serde_json::from_slice(&bytes).unwrap()
                };
                jobs += usize::from(!job.name.is_empty());
                continue;
            }
            let page: types::JobSummaryPage = if side == "client" {
                client.list_jobs().send().await.unwrap().into_body()
            } else {
                let response = raw
                    .get(format!("{base}/api/v2/jobs/"))
                    .header("authorization", &auth)
                    .send()
                    .await
                    .unwrap();
                let bytes = response.bytes().await.unwrap();
                serde_json::from_slice(&bytes).unwrap()
            };
            jobs += page.results.len();
        }
        let per = start.elapsed() / iterations;
        println!("{side} {what}: {iterations} requests, {jobs} jobs, {per:?} per request");
    });
}
