//! Decoding a 1,000-job page (or one job) through the client against raw reqwest, for
//! instruction counts.
//!
//! `page <client|raw> [ITERATIONS] [page|job]` serves a 1,000-job list page and one job
//! (`tests/data/samples/jobs_create.response.curl.json`) on 127.0.0.1 (axum, same process), fetches
//! and decodes one of them ITERATIONS times (default 200) with one side, and prints the mean wall
//! time per request. Run each side under `valgrind --tool=callgrind` to compare
//! instruction counts, which the other load on a shared machine does not disturb (`bench/page.sh`).

use std::time::Instant;

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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let base = format!("http://{}", rescale_tests::serve_job_and_page().await);
        let client = rescale::Client::with_key(&base, KEY).unwrap();
        let raw = reqwest::Client::new();
        let auth = format!("Token {KEY}");
        let (job_url, page_url) = (
            format!("{base}/api/v2/jobs/RcAFeb/"),
            format!("{base}/api/v2/jobs/"),
        );
        let start = Instant::now();
        let mut jobs = 0;
        for _ in 0..iterations {
            if what == "job" {
                let job: types::Job = if side == "client" {
                    client.get_job("RcAFeb").send().await.unwrap().into_body()
                } else {
                    rescale_tests::raw_get_json(&raw, &job_url, &auth).await
                };
                jobs += usize::from(!job.name.is_empty());
                continue;
            }
            let page: types::JobSummaryPage = if side == "client" {
                client.list_jobs().send().await.unwrap().into_body()
            } else {
                rescale_tests::raw_get_json(&raw, &page_url, &auth).await
            };
            jobs += page.results.len();
        }
        let per = start.elapsed() / iterations;
        println!("{side} {what}: {iterations} requests, {jobs} jobs, {per:?} per request");
    });
}
