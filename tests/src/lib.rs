//! Shared helpers for the integration tests in `tests/tests/`.

use std::path::PathBuf;

/// The repository root (the workspace directory).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `tests/data/`: the source document's sample bodies and the public specs the tests use (see its
/// README for where each came from).
pub fn data_dir() -> PathBuf {
    repo_root().join("tests/data")
}

/// Reads a file under `tests/data/`, panicking with the path if it is missing.
pub fn read_data(relative: &str) -> String {
    let path = data_dir().join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// The Rescale spec's text.
pub fn rescale_spec() -> String {
    let path = repo_root().join("spec/rescale.yaml");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// A page of 1,000 realistic job summaries, as `list_jobs` answers it: the benchmarks' decoding
/// fixture (`tests/benches/client.rs`, `bench/src/bin/page.rs`).
pub fn job_page_body() -> Vec<u8> {
    let results: Vec<serde_json::Value> = (0..1000)
        .map(|i| {
            serde_json::json!({
                "id": format!("job{i:05}"),
                "name": format!("LS-DYNA run {i}"),
                "owner": "demo@example.com",
                "dateInserted": "2016-11-15T18:40:56.465755Z",
                "analysisNames": ["LS-DYNA"],
                "jobStatus": {"content": "Completed", "labelClass": "success", "useLabel": true},
                "clusterStatusDisplay": {"content": "Stopped", "labelClass": "default", "useLabel": false},
                "sharedWith": [],
                "isVisible": true,
                "storage": 10391660 + i
            })
        })
        .collect();
    let page =
        serde_json::json!({"count": 1000, "next": null, "previous": null, "results": results});
    serde_json::to_vec(&page).expect("a JSON value always serializes")
}

/// A local server for the client benchmarks (`tests/benches/client.rs`, `bench/src/bin/page.rs`):
/// `GET /api/v2/jobs/RcAFeb/` answers the sample job, `GET /api/v2/jobs/` the 1,000-job page of
/// [`job_page_body`]. Runs on the current Tokio runtime; returns its address.
pub async fn serve_job_and_page() -> std::net::SocketAddr {
    use axum::http::header::CONTENT_TYPE;
    use axum::routing::get;
    let job = read_data("samples/jobs_create.response.curl.json").into_bytes();
    let page = job_page_body();
    let app = axum::Router::new()
        .route(
            "/api/v2/jobs/RcAFeb/",
            get(move || {
                let job = job.clone();
                async move { ([(CONTENT_TYPE, "application/json")], job) }
            }),
        )
        .route(
            "/api/v2/jobs/",
            get(move || {
                let page = page.clone();
                async move { ([(CONTENT_TYPE, "application/json")], page) }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    addr
}

/// What the benchmarks compare the client with: raw reqwest fetching `url` with the key in the
/// `Authorization` header (`auth`), then `serde_json` decoding the body into `T`.
pub async fn raw_get_json<T: serde::de::DeserializeOwned>(
    raw: &reqwest::Client,
    url: &str,
    auth: &str,
) -> T {
    let response = raw
        .get(url)
        .header("authorization", auth)
        .send()
        .await
        .expect("request");
    let bytes = response.bytes().await.expect("body");
    serde_json::from_slice(&bytes).expect("decode")
}
