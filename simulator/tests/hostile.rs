//! Issue 12, row 16: the simulator facing hostile clients. Unauthenticated requests do not
//! grow its counters, a half-sent request head does not hold a connection open, stored uploads
//! have a total cap, and the `/_sim/` control endpoints are not open to anyone.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use rescale_simulator::{SimulatorConfig, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test]
async fn unauthenticated_requests_are_not_counted_per_path() {
    let sim = start(SimulatorConfig::default()).await.expect("starts");
    let http = reqwest::Client::new();
    for i in 0..300 {
        let url = format!("{}/api/v2/jobs/nope-{i}/", sim.base_url());
        let resp = http.get(url).send().await.expect("answer");
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        sim.total_requests(),
        0,
        "nothing kept for unauthenticated paths"
    );
    let stats: serde_json::Value = http
        .get(format!("{}/_sim/stats", sim.base_url()))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["requests"].as_array().map(Vec::len), Some(0));

    let key = format!("Token {}", sim.api_key());
    let resp = http
        .get(format!("{}/api/v2/jobs/", sim.base_url()))
        .header("Authorization", key)
        .send()
        .await
        .expect("answer");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(sim.requests_seen("GET", "jobs/"), 1);
}

#[tokio::test]
async fn a_half_sent_head_is_dropped_after_the_header_timeout() {
    let sim = start(SimulatorConfig {
        header_read_timeout: Duration::from_millis(300),
        ..SimulatorConfig::default()
    })
    .await
    .expect("starts");
    let mut socket = TcpStream::connect(sim.addr()).await.expect("connect");
    socket
        .write_all(b"GET /api/v2/jobs/ HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("half a head");
    let started = Instant::now();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the connection was held open");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn stored_uploads_have_a_total_cap() {
    let sim = start(SimulatorConfig {
        max_stored_bytes: 1000,
        ..SimulatorConfig::default()
    })
    .await
    .expect("starts");
    let http = reqwest::Client::new();
    let upload = |n: usize| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(vec![b'x'; n]).file_name("f.bin"),
        );
        http.post(format!("{}/api/v2/files/contents/", sim.base_url()))
            .header("Authorization", format!("Token {}", sim.api_key()))
            .multipart(form)
            .send()
    };
    assert_eq!(
        upload(600).await.expect("first").status(),
        StatusCode::CREATED
    );
    let second = upload(600).await.expect("second");
    assert_eq!(second.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        upload(300).await.expect("third").status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn control_endpoints_need_the_admin_token_when_one_is_set() {
    let sim = start(SimulatorConfig {
        admin_token: Some("t0ken".into()),
        ..SimulatorConfig::default()
    })
    .await
    .expect("starts");
    let http = reqwest::Client::new();
    let url = format!("{}/_sim/faults", sim.base_url());
    let body = serde_json::json!({"status": 503, "count": 1});
    let refused = http.post(&url).json(&body).send().await.expect("answer");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(sim.armed_faults().is_empty());
    let allowed = http
        .post(&url)
        .header("X-Sim-Admin-Token", "t0ken")
        .json(&body)
        .send()
        .await
        .expect("answer");
    assert_eq!(allowed.status(), StatusCode::CREATED);
    assert_eq!(sim.armed_faults().len(), 1);
}
