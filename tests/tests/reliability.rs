//! Reliability of the generated client against servers on loopback that misbehave on purpose:
//! the simulator's injected 429/5xx answers and request counters, and small hand-rolled TCP
//! servers for what an HTTP framework will not do (resets mid-body, truncated or invalid bodies,
//! trickles, huge error bodies, dropped downloads).
//!
//! Every test checks the typed outcome, the exact number of requests the server saw, that
//! nothing was created twice, and that the API key shows in no error. Nothing asserts on time;
//! speeds are printed.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use futures::StreamExt;
use md5::{Digest, Md5};
use rescale::policy::{SCOPE_JOB_READS, rate_limit_scope};
use rescale::runtime::{ApiErrorKind, TimeoutKind};
use rescale::{Client, Error, RateLimit, RetryPolicy, types};
use rescale_simulator::{ClockMode, FaultSpec, Simulator, SimulatorConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The key of every client here; no error may show it.
const KEY: &str = "rel-SUPERSECRET-key-0123456789abcdef";

// ------------------------------------------------------------------------------------ helpers

/// Fast retries (milliseconds) so that tests do not wait on backoffs; three retries.
fn fast() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(2), Duration::from_millis(20))
}

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .api_key(KEY)
        .retry_policy(fast())
        .build()
        .expect("client builds")
}

/// Panics if the key shows in the error's `Display`, `Debug` or any source's `Display`.
fn assert_no_key(err: &Error) {
    let mut shown = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        shown.push(s.to_string());
        shown.push(format!("{s:?}"));
        source = s.source();
    }
    for text in shown {
        assert!(!text.contains(KEY), "key leaked: {text}");
        assert!(!text.contains("SUPERSECRET"), "key leaked: {text}");
    }
}

async fn simulator(clock: ClockMode) -> Simulator {
    rescale_simulator::start(SimulatorConfig {
        api_key: KEY.to_owned(),
        clock,
        step: Duration::from_secs(10),
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator starts")
}

fn job_request(name: &str) -> types::JobRequest {
    serde_json::from_value(serde_json::json!({
        "name": name,
        "jobanalyses": [{
            "command": "ls-dyna -i model.k",
            "analysis": {"code": "ls_dyna", "version": "9.0.0"},
            "hardware": {"coreType": "hpc-3", "coresPerSlot": 2, "slots": 1},
        }]
    }))
    .expect("job request decodes")
}

/// Deterministic pseudo-random bytes.
fn data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A raw HTTP/1.1 server: for each connection it reads one request (head and body) and hands
/// the request head and the socket to `answer`, with the number of the request (from 0).
#[derive(Clone)]
struct RawServer {
    addr: SocketAddr,
    heads: Arc<Mutex<Vec<String>>>,
}

impl RawServer {
    async fn start<F, Fut>(answer: F) -> RawServer
    where
        F: Fn(usize, String, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let seen = seen.clone();
                let answer = answer.clone();
                tokio::spawn(async move {
                    let Some(head) = read_request(&mut socket).await else {
                        return;
                    };
                    let n = {
                        let mut heads = seen.lock().expect("lock");
                        heads.push(head.clone());
                        heads.len() - 1
                    };
                    answer(n, head, socket).await;
                });
            }
        });
        RawServer { addr, heads }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request heads seen so far.
    fn heads(&self) -> Vec<String> {
        self.heads.lock().expect("lock").clone()
    }

    fn requests(&self) -> usize {
        self.heads.lock().expect("lock").len()
    }

    /// The request targets (`/path?query`) seen so far.
    fn targets(&self) -> Vec<String> {
        self.heads()
            .iter()
            .map(|h| h.split(' ').nth(1).unwrap_or_default().to_owned())
            .collect()
    }
}

/// Reads a request head and its body (by `Content-Length` or chunked); returns the head.
async fn read_request(socket: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let lower = head.to_ascii_lowercase();
    let mut body = buf[end..].to_vec();
    if let Some(len) = header(&lower, "content-length").and_then(|v| v.parse::<usize>().ok()) {
        while body.len() < len {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if header(&lower, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        while !body.ends_with(b"0\r\n\r\n") {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    Some(head)
}

/// The value of a header in a (lower-cased) head.
fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// Writes a complete answer and closes the connection.
async fn respond(mut socket: TcpStream, status: &str, extra: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n{extra}\r\n",
        body.len()
    );
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(body).await;
    let _ = socket.shutdown().await;
}

/// Writes a head announcing `announced` bytes and `part` of the body, waits until the client
/// has read them, then resets the connection.
async fn reset_after(
    mut socket: TcpStream,
    status: &str,
    extra: &str,
    announced: usize,
    part: &[u8],
) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: \
         {announced}\r\n{extra}\r\n"
    );
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(part).await;
    let _ = socket.flush().await;
    tokio::time::sleep(Duration::from_millis(150)).await;
    let _ = socket.set_zero_linger();
    drop(socket);
}

const JOB_JSON: &str = r#"{"id":"j1","name":"n","jobanalyses":[]}"#;

// --------------------------------------------------------------- faults of the connection and body

#[tokio::test]
async fn reset_mid_body_get_is_fetched_again_but_a_create_is_not() {
    let server = RawServer::start(|n, _, socket| async move {
        if n == 0 {
            reset_after(
                socket,
                "200 OK",
                "",
                JOB_JSON.len(),
                &JOB_JSON.as_bytes()[..10],
            )
            .await;
        } else {
            respond(socket, "200 OK", "", JOB_JSON.as_bytes()).await;
        }
    })
    .await;
    let c = client(&server.base_url());
    let job = c.get_job("j1").send().await.expect("fetched again");
    assert_eq!(job.id, "j1");
    assert_eq!(server.requests(), 2, "one reset, one complete");

    // A job create whose answer is cut off may have created the job: never sent again.
    let always_reset = RawServer::start(|_, _, socket| async move {
        reset_after(
            socket,
            "201 Created",
            "",
            JOB_JSON.len(),
            &JOB_JSON.as_bytes()[..10],
        )
        .await;
    })
    .await;
    let c = client(&always_reset.base_url());
    let err = c
        .create_job(job_request("once"))
        .send()
        .await
        .expect_err("cut off");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_no_key(&err);
    assert_eq!(always_reset.requests(), 1, "a create is sent once");

    // With retries off, the GET is not fetched again either.
    let off = RawServer::start(|_, _, socket| async move {
        reset_after(
            socket,
            "200 OK",
            "",
            JOB_JSON.len(),
            &JOB_JSON.as_bytes()[..10],
        )
        .await;
    })
    .await;
    let c = client(&off.base_url());
    let err = c
        .get_job("j1")
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .expect_err("reset");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(off.requests(), 1);
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_keeping_the_body() {
    let cut = &JOB_JSON[..20];
    let server = RawServer::start(move |_, _, socket| async move {
        respond(socket, "200 OK", "", cut.as_bytes()).await;
    })
    .await;
    let err = client(&server.base_url())
        .get_job("j1")
        .send()
        .await
        .expect_err("truncated");
    match &err {
        Error::Decode { status, body, .. } => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(body.as_ref(), cut.as_bytes());
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_no_key(&err);
    assert_eq!(server.requests(), 1, "a complete answer is not asked again");

    // JSON cut short by a connection closed (cleanly) before the announced length: the GET is
    // sent again and the second, complete answer decodes.
    let closed = RawServer::start(|n, _, mut socket| async move {
        if n == 0 {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                JOB_JSON.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&JOB_JSON.as_bytes()[..20]).await;
            let _ = socket.shutdown().await;
        } else {
            respond(socket, "200 OK", "", JOB_JSON.as_bytes()).await;
        }
    })
    .await;
    let job = client(&closed.base_url())
        .get_job("j1")
        .send()
        .await
        .expect("fetched again");
    assert_eq!(job.id, "j1");
    assert_eq!(closed.requests(), 2);
}

#[tokio::test]
async fn invalid_utf8_is_a_decode_error() {
    let bad: &[u8] = b"{\"id\":\"j1\",\"name\":\"\xff\xfe\",\"jobanalyses\":[]}";
    let server = RawServer::start(move |_, _, socket| async move {
        respond(socket, "200 OK", "", bad).await;
    })
    .await;
    let err = client(&server.base_url())
        .get_job("j1")
        .send()
        .await
        .expect_err("invalid UTF-8");
    match &err {
        Error::Decode { body, .. } => assert_eq!(body.as_ref(), bad),
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_no_key(&err);
    assert_eq!(server.requests(), 1);
}

/// Announces 1000 bytes and sends one every `gap` until the client goes away (at most 1000).
async fn trickle(mut socket: TcpStream, gap: Duration, sent: Arc<AtomicU64>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for _ in 0..1000 {
        if socket.write_all(b" ").await.is_err() {
            return;
        }
        sent.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(gap).await;
    }
}

#[tokio::test]
async fn a_slow_trickle_ends_with_a_timeout_not_a_hang() {
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let server = RawServer::start(move |_, _, socket| {
        let counter = counter.clone();
        async move { trickle(socket, Duration::from_millis(50), counter).await }
    })
    .await;
    let c = client(&server.base_url());
    // Buffered answer: the call's overall timeout covers the body.
    let err = c
        .get_job("j1")
        .timeout(Duration::from_millis(400))
        .send()
        .await
        .expect_err("times out");
    match &err {
        Error::Timeout(t) => assert_eq!(t.kind(), TimeoutKind::Request),
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert_no_key(&err);
    assert_eq!(server.requests(), 1, "a timed-out call is not sent again");
    println!(
        "trickle: {} bytes arrived before the timeout",
        sent.load(Ordering::Relaxed)
    );

    // Streamed answer: each wait for data is bounded by the read-idle timeout.
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let stalled = RawServer::start(move |_, _, socket| {
        let counter = counter.clone();
        async move { trickle(socket, Duration::from_secs(5), counter).await }
    })
    .await;
    let c = Client::builder()
        .base_url(stalled.base_url())
        .api_key(KEY)
        .read_idle_timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let body = c.download_file("f1").send().await.expect("head arrives");
    let err = body.into_body().collect().await.expect_err("stalls");
    match &err {
        Error::Timeout(t) => assert_eq!(t.kind(), TimeoutKind::ReadIdle),
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert_eq!(stalled.requests(), 1);
}

const ANNOUNCED: usize = 50 * 1024 * 1024;

/// A server whose every answer is `status` with a 50 MB body; counts the bytes it wrote.
async fn huge_error_server(status: &'static str) -> (RawServer, Arc<AtomicU64>) {
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let server = RawServer::start(move |_, _, mut socket| {
        let counter = counter.clone();
        async move {
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/html\r\n\
                 Content-Length: {ANNOUNCED}\r\n\r\n"
            );
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let block = vec![b'x'; 64 * 1024];
            for _ in 0..ANNOUNCED / block.len() {
                if socket.write_all(&block).await.is_err() {
                    return;
                }
                counter.fetch_add(block.len() as u64, Ordering::Relaxed);
            }
        }
    })
    .await;
    (server, written)
}

#[tokio::test]
async fn a_50_mb_error_body_is_capped_at_1_mib() {
    let (server, written) = huge_error_server("500 Internal Server Error").await;
    let err = client(&server.base_url())
        .get_job("j1")
        .send()
        .await
        .expect_err("500");
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status().as_u16(), 500);
    assert_eq!(api.kind(), ApiErrorKind::ServerError);
    assert!(api.is_truncated());
    assert_eq!(api.body().len(), rescale::ApiError::BODY_LIMIT);
    assert!(err.to_string().chars().count() < 400, "Display stays short");
    assert_no_key(&err);
    assert_eq!(server.requests(), 1, "500 is not retried");
    // Give the server a moment to notice the closed connection, then report.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = written.load(Ordering::Relaxed);
    println!("50 MB error body: the server managed to write {sent} bytes before the client left");
    assert!(sent < ANNOUNCED as u64, "the client stopped reading");

    // A 503 with a 50 MB body is retried; the bodies of the retried answers are not read.
    let (server, written) = huge_error_server("503 Service Unavailable").await;
    let err = client(&server.base_url())
        .get_job("j1")
        .send()
        .await
        .expect_err("503");
    let api = err.as_api().expect("an API error");
    assert_eq!(api.status().as_u16(), 503);
    assert!(api.is_truncated());
    assert_eq!(server.requests(), 4, "1 try + 3 retries");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = written.load(Ordering::Relaxed);
    println!("4 × 503 with 50 MB bodies: the server wrote {sent} bytes in all");
    assert!(sent < ANNOUNCED as u64);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let server = RawServer::start(|n, _, socket| async move {
        if n == 0 {
            let when = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(1));
            let extra = format!("Retry-After: {when}\r\n");
            respond(
                socket,
                "429 Too Many Requests",
                &extra,
                br#"{"detail":"slow down"}"#,
            )
            .await;
        } else {
            respond(socket, "200 OK", "", JOB_JSON.as_bytes()).await;
        }
    })
    .await;
    let started = Instant::now();
    let job = client(&server.base_url())
        .get_job("j1")
        .send()
        .await
        .expect("retried after the date");
    assert_eq!(job.id, "j1");
    assert_eq!(server.requests(), 2);
    println!(
        "429 with an HTTP-date Retry-After: done after {:?}",
        started.elapsed()
    );
}

// --------------------------------------------------------------- injected answers (simulator)

#[tokio::test]
async fn a_burst_of_429s_then_success() {
    let sim = simulator(ClockMode::Manual).await;
    let c = client(sim.base_url());
    let job = c
        .create_job(job_request("t"))
        .send()
        .await
        .expect("created");
    let statuses = format!("/api/v2/jobs/{}/statuses/", job.id);

    sim.inject_fault(FaultSpec::new(429, 3).path_prefix(&statuses).retry_after(0))
        .expect("fault");
    let page = c
        .list_job_statuses(&job.id)
        .send()
        .await
        .expect("after the burst");
    assert_eq!(page.count, 0);
    assert_eq!(
        sim.requests_seen("GET", &statuses),
        4,
        "three throttled, one served"
    );

    // A burst longer than the retries: the last 429 comes back, typed, with its wait.
    sim.reset_request_counts();
    sim.inject_fault(
        FaultSpec::new(429, 10)
            .path_prefix(&statuses)
            .retry_after(0),
    )
    .expect("fault");
    let err = c
        .list_job_statuses(&job.id)
        .send()
        .await
        .expect_err("throttled");
    let api = err.as_api().expect("API error");
    assert_eq!(api.kind(), ApiErrorKind::Throttled);
    assert_eq!(api.retry_after(), Some(Duration::ZERO));
    assert_no_key(&err);
    assert_eq!(sim.requests_seen("GET", &statuses), 4, "1 try + 3 retries");

    // Opting out per call: one request.
    sim.reset_request_counts();
    let err = c
        .list_job_statuses(&job.id)
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(sim.requests_seen("GET", &statuses), 1);
    sim.clear_faults();
}

#[tokio::test]
async fn a_503_then_success() {
    let sim = simulator(ClockMode::Manual).await;
    let c = client(sim.base_url());
    let job = c
        .create_job(job_request("t"))
        .send()
        .await
        .expect("created");
    let path = format!("/api/v2/jobs/{}/", job.id);
    sim.inject_fault(FaultSpec::new(503, 1).path_prefix(&path).method("GET"))
        .expect("fault");
    let got = c.get_job(&job.id).send().await.expect("after one 503");
    assert_eq!(got.id, job.id);
    assert_eq!(sim.requests_seen("GET", &path), 2);
}

#[tokio::test]
async fn job_creates_and_submits_are_never_sent_twice() {
    let sim = simulator(ClockMode::Manual).await;
    let c = client(sim.base_url());
    for status in [503u16, 502, 504, 429, 500] {
        sim.reset_request_counts();
        sim.inject_fault(
            FaultSpec::new(status, 1)
                .path_prefix("/api/v2/jobs/")
                .method("POST"),
        )
        .expect("fault");
        let err = c
            .create_job(job_request("dup?"))
            .send()
            .await
            .expect_err("fault comes back");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_no_key(&err);
        assert_eq!(sim.requests_seen("POST", "jobs/"), 1, "{status}: sent once");
    }
    let jobs = c.list_jobs().send().await.expect("list");
    assert_eq!(jobs.count, 0, "no job was created by the failed calls");

    let job = c
        .create_job(job_request("real"))
        .send()
        .await
        .expect("created");
    let submit = format!("jobs/{}/submit/", job.id);
    for status in [503u16, 502, 504] {
        sim.reset_request_counts();
        sim.inject_fault(
            FaultSpec::new(status, 1)
                .path_prefix("/api/v2/jobs/")
                .method("POST"),
        )
        .expect("fault");
        let err = c.submit_job(&job.id).send().await.expect_err("fault");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(sim.requests_seen("POST", &submit), 1, "{status}: sent once");
        assert_eq!(sim.job_status(&job.id), None, "not submitted");
    }
    c.submit_job(&job.id).send().await.expect("submitted");
    assert_eq!(sim.job_status(&job.id).as_deref(), Some("Pending"));
    let jobs = c.list_jobs().send().await.expect("list");
    assert_eq!(jobs.count, 1, "exactly one job exists");
}

#[tokio::test]
async fn a_504_during_status_polling_is_retried() {
    let sim = simulator(ClockMode::Manual).await;
    let c = client(sim.base_url());
    let job = c
        .create_job(job_request("poll"))
        .send()
        .await
        .expect("created");
    c.submit_job(&job.id).send().await.expect("submitted");
    let statuses = format!("/api/v2/jobs/{}/statuses/", job.id);

    let mut polls = 0;
    let mut completed = false;
    for _ in 0..10 {
        sim.reset_request_counts();
        sim.inject_fault(FaultSpec::new(504, 1).path_prefix(&statuses))
            .expect("fault");
        let page = c.list_job_statuses(&job.id).send().await.expect("poll");
        assert_eq!(
            sim.requests_seen("GET", &statuses),
            2,
            "one 504, one answer"
        );
        polls += 1;
        if page
            .results
            .first()
            .is_some_and(|s| s.status.as_str() == "Completed")
        {
            completed = true;
            break;
        }
        sim.advance(Duration::from_secs(10));
    }
    assert!(completed, "the job completed while every poll met a 504");
    assert_eq!(
        polls, 6,
        "Pending, Queued, Started, Validated, Executing, Completed"
    );

    // The stream of every status retries too.
    sim.reset_request_counts();
    sim.inject_fault(FaultSpec::new(504, 2).path_prefix(&statuses))
        .expect("fault");
    let all: Vec<_> = c.list_job_statuses(&job.id).into_stream().collect().await;
    assert_eq!(all.len(), 6);
    assert!(all.iter().all(Result::is_ok));
    assert_eq!(sim.requests_seen("GET", &statuses), 3);
}

// --------------------------------------------------------------- checked transfers

#[tokio::test]
async fn checked_upload_matches_the_server_md5() {
    let sim = simulator(ClockMode::Manual).await;
    let c = client(sim.base_url());
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("model.bin");
    let bytes = data(3 * 1024 * 1024 + 17, 7);
    std::fs::write(&path, &bytes).expect("write");
    let up = c.upload_file_checked(&path).await.expect("uploaded");
    assert!(up.verified);
    assert_eq!(up.bytes, bytes.len() as u64);
    assert_eq!(up.md5, md5_hex(&bytes));
    assert_eq!(up.file.md5.as_deref(), Some(up.md5.as_str()));
    assert_eq!(sim.requests_seen("POST", "files/contents/"), 1);
}

#[tokio::test]
async fn checked_upload_reports_a_mismatch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("model.bin");
    let bytes = data(200_000, 3);
    std::fs::write(&path, &bytes).expect("write");
    let len = bytes.len();
    let server = RawServer::start(move |_, _, socket| async move {
        let file = serde_json::json!({
            "id": "f1", "name": "model.bin", "decryptedSize": len,
            "md5": "00000000000000000000000000000000",
        });
        respond(socket, "201 Created", "", file.to_string().as_bytes()).await;
    })
    .await;
    let err = client(&server.base_url())
        .upload_file_checked(&path)
        .await
        .expect_err("mismatch");
    match &err {
        Error::Integrity {
            what,
            expected,
            actual,
        } => {
            assert_eq!(*what, "md5");
            assert_eq!(*expected, md5_hex(&bytes));
            assert_eq!(actual, "00000000000000000000000000000000");
        }
        other => panic!("expected Integrity, got {other:?}"),
    }
    assert_no_key(&err);
    assert_eq!(server.requests(), 1);
}

/// A file server: metadata at `/api/v2/files/f1/`, contents at `.../contents/` honouring
/// `Range: bytes=N-` (unless `ignore_range`), and cutting the first `drops` content answers off
/// after `cut` bytes with a reset.
async fn file_server(
    content: Arc<Vec<u8>>,
    md5: String,
    drops: usize,
    cut: usize,
    ignore_range: bool,
) -> (RawServer, Arc<AtomicUsize>) {
    let content_requests = Arc::new(AtomicUsize::new(0));
    let counter = content_requests.clone();
    let server = RawServer::start(move |_, head, socket| {
        let content = content.clone();
        let md5 = md5.clone();
        let counter = counter.clone();
        async move {
            let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
            if target == "/api/v2/files/f1/" {
                let meta = serde_json::json!({
                    "id": "f1", "name": "out.bin", "decryptedSize": content.len(), "md5": md5,
                });
                respond(socket, "200 OK", "", meta.to_string().as_bytes()).await;
                return;
            }
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let lower = head.to_ascii_lowercase();
            let start = header(&lower, "range")
                .filter(|_| !ignore_range)
                .and_then(|r| r.strip_prefix("bytes="))
                .and_then(|r| r.strip_suffix('-'))
                .and_then(|s| s.parse::<usize>().ok())
                .unwrap_or(0);
            let (status, extra) = if start > 0 {
                (
                    "206 Partial Content",
                    format!(
                        "Content-Range: bytes {start}-{}/{}\r\n",
                        content.len() - 1,
                        content.len()
                    ),
                )
            } else {
                ("200 OK", String::new())
            };
            let rest = &content[start..];
            if n < drops {
                let part = &rest[..cut.min(rest.len())];
                reset_after(socket, status, &extra, rest.len(), part).await;
            } else {
                let mut socket = socket;
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
                    rest.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(rest).await;
                let _ = socket.shutdown().await;
            }
        }
    })
    .await;
    (server, content_requests)
}

fn ranges(server: &RawServer) -> Vec<Option<String>> {
    server
        .heads()
        .iter()
        .filter(|h| h.contains("/contents/"))
        .map(|h| header(&h.to_ascii_lowercase(), "range").map(str::to_owned))
        .collect()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn downloads_resume_with_range_after_dropped_connections() {
    let content = Arc::new(data(300_000, 11));
    let md5 = md5_hex(&content);
    let (server, _) = file_server(content.clone(), md5.clone(), 2, 100_000, false).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("out.bin");
    let done = client(&server.base_url())
        .download_file_to("f1", &target)
        .await
        .expect("downloaded");
    assert_eq!(done.bytes, 300_000);
    assert_eq!(done.md5, md5);
    assert!(done.verified);
    assert_eq!(done.resumes, 2);
    assert_eq!(std::fs::read(&target).expect("read"), *content);
    assert_eq!(
        ranges(&server),
        vec![
            None,
            Some("bytes=100000-".to_owned()),
            Some("bytes=200000-".to_owned())
        ]
    );
    assert_eq!(server.requests(), 4, "metadata + three content requests");
    assert_eq!(leftovers(dir.path()), vec!["out.bin".to_owned()]);
}

#[tokio::test]
async fn a_server_ignoring_range_makes_the_download_start_over() {
    let content = Arc::new(data(150_000, 5));
    let (server, _) = file_server(content.clone(), md5_hex(&content), 1, 60_000, true).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("out.bin");
    let done = client(&server.base_url())
        .download_file_to("f1", &target)
        .await
        .expect("downloaded");
    assert_eq!(done.resumes, 1);
    assert_eq!(std::fs::read(&target).expect("read"), *content);
    assert_eq!(ranges(&server)[1].as_deref(), Some("bytes=60000-"));
}

#[tokio::test]
async fn a_download_that_fails_verification_leaves_no_file() {
    let content = Arc::new(data(50_000, 9));
    let wrong = md5_hex(b"something else");
    let (server, _) = file_server(content, wrong.clone(), 0, 0, false).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("out.bin");
    let err = client(&server.base_url())
        .download_file_to("f1", &target)
        .await
        .expect_err("md5 differs");
    match &err {
        Error::Integrity { what, expected, .. } => {
            assert_eq!(*what, "md5");
            assert_eq!(*expected, wrong);
        }
        other => panic!("expected Integrity, got {other:?}"),
    }
    assert_no_key(&err);
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );

    // A server that keeps dropping without progress: typed error, nothing left behind.
    let content = Arc::new(data(50_000, 9));
    let (server, content_requests) =
        file_server(content.clone(), md5_hex(&content), usize::MAX, 0, false).await;
    let err = client(&server.base_url())
        .download_file_to("f1", &target)
        .await
        .expect_err("never completes");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        content_requests.load(Ordering::SeqCst),
        4,
        "gives up after 4 stalled tries"
    );
    assert!(leftovers(dir.path()).is_empty());
}

#[tokio::test]
async fn downloads_from_the_simulator_are_verified() {
    let sim = simulator(ClockMode::Manual).await;
    let bytes = data(1_000_000, 21);
    let id = sim.add_file("in.bin", bytes.clone());
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("in.bin");
    let done = client(sim.base_url())
        .download_file_to(&id, &target)
        .await
        .expect("downloaded");
    assert!(done.verified);
    assert_eq!(done.resumes, 0);
    assert_eq!(std::fs::read(&target).expect("read"), bytes);
}

// --------------------------------------------------------------- security

#[tokio::test]
async fn path_parameters_cannot_change_the_request_path() {
    let server = RawServer::start(|_, _, socket| async move {
        respond(socket, "404 Not Found", "", br#"{"detail":"Not found."}"#).await;
    })
    .await;
    let c = client(&server.base_url());
    let cases = [
        ("../files", "/api/v2/jobs/..%2Ffiles/"),
        ("../../users/me", "/api/v2/jobs/..%2F..%2Fusers%2Fme/"),
        ("a/b", "/api/v2/jobs/a%2Fb/"),
        ("x?page=2", "/api/v2/jobs/x%3Fpage%3D2/"),
        ("x#frag", "/api/v2/jobs/x%23frag/"),
        ("100%", "/api/v2/jobs/100%25/"),
        ("%2e%2e", "/api/v2/jobs/%252e%252e/"),
        ("jöb ü", "/api/v2/jobs/j%C3%B6b%20%C3%BC/"),
        ("...", "/api/v2/jobs/.../"),
    ];
    for (param, _) in cases {
        let err = c.get_job(param).send().await.expect_err("404");
        assert_eq!(err.as_api().map(|e| e.kind()), Some(ApiErrorKind::NotFound));
    }
    let want: Vec<String> = cases.iter().map(|(_, t)| (*t).to_owned()).collect();
    assert_eq!(server.targets(), want);

    // Several parameters, and a nested operation.
    c.list_job_statuses("../../files")
        .send()
        .await
        .expect_err("404");
    c.get_run("a/b", "../1").send().await.expect_err("404");
    let targets = server.targets();
    assert_eq!(
        targets[cases.len()],
        "/api/v2/jobs/..%2F..%2Ffiles/statuses/"
    );
    assert_eq!(targets[cases.len() + 1], "/api/v2/jobs/a%2Fb/runs/..%2F1/");

    // Dot segments and empty values would be normalised away: refused before sending.
    let before = server.requests();
    for bad in ["..", ".", ""] {
        let err = c.get_job(bad).send().await.expect_err("refused");
        assert!(matches!(err, Error::InvalidArgument(_)), "{bad:?}: {err:?}");
        let err = c
            .download_file_to(bad, "/nonexistent/x")
            .await
            .expect_err("refused");
        assert!(matches!(err, Error::InvalidArgument(_)), "{bad:?}: {err:?}");
    }
    assert_eq!(server.requests(), before, "nothing was sent");
}

#[tokio::test]
async fn next_links_to_another_origin_are_refused() {
    let elsewhere = RawServer::start(|_, _, socket| async move {
        respond(socket, "200 OK", "", br#"{"count":0,"results":[]}"#).await;
    })
    .await;
    for next in [
        format!("http://{}/api/v2/jobs/?page=2", elsewhere.addr),
        format!(
            "http://localhost:{}/api/v2/jobs/?page=2",
            elsewhere.addr.port()
        ),
        "https://evil.example.com/api/v2/jobs/?page=2".to_owned(),
    ] {
        let page = serde_json::json!({
            "count": 2, "next": next, "previous": null, "results": [{"id": "j1"}],
        })
        .to_string();
        let home = RawServer::start(move |_, _, socket| {
            let page = page.clone();
            async move { respond(socket, "200 OK", "", page.as_bytes()).await }
        })
        .await;
        let items: Vec<_> = client(&home.base_url())
            .list_jobs()
            .page_size(1)
            .into_stream()
            .collect()
            .await;
        assert_eq!(items.len(), 2, "{next}");
        assert_eq!(items[0].as_ref().map(|j| j.id.as_str()).ok(), Some("j1"));
        match &items[1] {
            Err(err @ Error::Protocol(_)) => assert_no_key(err),
            other => panic!("expected Protocol, got {other:?}"),
        }
        assert_eq!(home.requests(), 1);
    }
    assert_eq!(elsewhere.requests(), 0, "the key was never sent elsewhere");
}

#[tokio::test]
async fn the_key_never_shows() {
    let builder = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key(KEY)
        .rate_limit(rescale::policy::rate_limits());
    assert!(!format!("{builder:?}").contains(KEY));
    let c = builder
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    let shown = format!("{c:?}");
    assert!(
        !shown.contains(KEY) && shown.contains("127.0.0.1"),
        "{shown}"
    );

    // Transport error (nothing listens on port 9).
    let err = c.get_job("j1").send().await.expect_err("refused");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_no_key(&err);

    // Plain http to a host that is not loopback is refused, without echoing the key.
    for base in ["http://platform.rescale.com", "http://10.1.2.3:8080"] {
        let err = Client::with_key(base, KEY).expect_err("plain http");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert_no_key(&err);
    }
    // A key that cannot be sent in a header is refused without echoing it.
    let err = Client::with_key("https://platform.rescale.com", format!("a\u{7f}{KEY}"))
        .expect_err("bad key");
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_no_key(&err);

    // API errors that echo the request (a 401 from the simulator for a wrong key).
    let sim = simulator(ClockMode::Manual).await;
    let wrong = Client::with_key(sim.base_url(), format!("{KEY}-wrong")).expect("client");
    let err = wrong.list_jobs().send().await.expect_err("401");
    assert_eq!(
        err.as_api().map(|e| e.kind()),
        Some(ApiErrorKind::InvalidToken)
    );
    assert_no_key(&err);
}

// --------------------------------------------------------------- rate limits and load

#[tokio::test]
async fn a_rate_limited_client_waits_instead_of_failing() {
    let sim = simulator(ClockMode::Manual).await;
    let limit = RateLimit::new(rate_limit_scope).scope_with_burst(
        SCOPE_JOB_READS,
        21,
        Duration::from_secs(1),
        1,
    );
    let c = Client::builder()
        .base_url(sim.base_url())
        .api_key(KEY)
        .rate_limit(limit)
        .build()
        .expect("client");
    let job = c
        .create_job(job_request("rl"))
        .send()
        .await
        .expect("created");
    let started = Instant::now();
    let reads = futures::future::join_all((0..30).map(|_| c.get_job(&job.id).send())).await;
    assert!(reads.iter().all(Result::is_ok));
    assert_eq!(sim.requests_seen("GET", &format!("jobs/{}/", job.id)), 30);
    println!(
        "rate limit 1 + 20/s: 30 job reads took {:?} (about 1.45 s expected)",
        started.elapsed()
    );
}

/// A TCP proxy that counts the connections it accepts.
async fn counting_proxy(upstream: SocketAddr) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (addr, accepted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_status_reads_reuse_connections() {
    let sim = simulator(ClockMode::Manual).await;
    let (proxy, sockets) = counting_proxy(sim.addr()).await;
    let c = client(&format!("http://{proxy}"));
    let job = c
        .create_job(job_request("load"))
        .send()
        .await
        .expect("created");
    c.submit_job(&job.id).send().await.expect("submitted");
    sim.reset_request_counts();
    let before = sockets.load(Ordering::SeqCst);

    let started = Instant::now();
    let answers =
        futures::future::join_all((0..1000).map(|_| c.list_job_statuses(&job.id).send())).await;
    let elapsed = started.elapsed();

    let errors: Vec<_> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    assert!(
        answers
            .iter()
            .all(|a| a.as_ref().is_ok_and(|p| p.count == 1))
    );
    let statuses = format!("jobs/{}/statuses/", job.id);
    assert_eq!(
        sim.requests_seen("GET", &statuses),
        1000,
        "no retries were needed"
    );
    let opened = sockets.load(Ordering::SeqCst) - before;
    println!(
        "load: 1000 concurrent list_job_statuses in {elapsed:?} = {:.0} requests/s over {opened} \
         new sockets (limit {} in flight)",
        1000.0 / elapsed.as_secs_f64(),
        32
    );
    // At most 32 requests are in flight, but hyper's pool races a new connection against the
    // wait for an idle one, so a few more sockets than slots may open; far below 1000 either way.
    assert!(opened <= 100, "{opened} sockets for 1000 requests");
}

#[tokio::test]
async fn waiting_for_a_request_slot_times_out_instead_of_hanging() {
    let server = RawServer::start(|_, _, socket| async move {
        respond(socket, "200 OK", "", JOB_JSON.as_bytes()).await;
    })
    .await;
    let c = Client::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .max_concurrent_requests(1)
        .build()
        .expect("client");
    // An answer whose body is never read keeps the only slot.
    let request = rescale::runtime::Request::new(
        c.runtime(),
        rescale::runtime::Method::GET,
        &[rescale::runtime::PathPart::Literal("/api/v2/jobs/j1/")],
    )
    .expect("request");
    let held = c.runtime().execute(request).await.expect("answer");
    let err = c
        .get_job("j1")
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("no slot");
    match &err {
        Error::Timeout(t) => assert_eq!(t.kind(), TimeoutKind::Request),
        other => panic!("expected Timeout, got {other:?}"),
    }
    assert_eq!(server.requests(), 1, "the waiting call was never sent");
    // Reading the held answer gives the slot back.
    assert_eq!(held.json::<types::Job>().await.expect("job").id, "j1");
    let job = c.get_job("j1").send().await.expect("slot free again");
    assert_eq!(job.id, "j1");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn connect_timeouts_are_typed_and_retried_even_for_a_create() {
    // A listener that never accepts, with its backlog filled: new connections get no answer.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let addr = socket.local_addr().expect("addr");
    let _listener = socket.listen(1).expect("listen");
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(Ok(s)) =
            tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await
        {
            fillers.push(s);
        }
    }
    let c = Client::builder()
        .base_url(format!("http://{addr}"))
        .api_key(KEY)
        .connect_timeout(Duration::from_millis(200))
        .timeout(Duration::from_secs(30))
        .retry_policy(fast())
        .build()
        .expect("client");
    for err in [
        c.get_job("j1").send().await.expect_err("no connection"),
        c.create_job(job_request("c"))
            .send()
            .await
            .expect_err("no connection"),
    ] {
        match &err {
            Error::Timeout(t) => assert_eq!(t.kind(), TimeoutKind::Connect, "{err:?}"),
            other => panic!("expected a connect timeout, got {other:?}"),
        }
        assert_no_key(&err);
    }
    drop(fillers);
}

#[tokio::test]
async fn a_429_holds_the_rate_limited_scope_and_the_retry_waits_for_its_token() {
    let sim = simulator(ClockMode::Manual).await;
    let c = Client::builder()
        .base_url(sim.base_url())
        .api_key(KEY)
        .retry_policy(fast())
        .rate_limit(rescale::policy::rate_limits())
        .build()
        .expect("client");
    let job = c
        .create_job(job_request("held"))
        .send()
        .await
        .expect("created");
    let path = format!("/api/v2/jobs/{}/", job.id);
    sim.inject_fault(FaultSpec::new(429, 1).path_prefix(&path).retry_after(1))
        .expect("fault");
    let started = Instant::now();
    let order = AtomicUsize::new(0);
    let (first, second) = tokio::join!(
        async {
            let answer = c.get_job(&job.id).send().await;
            (answer, order.fetch_add(1, Ordering::SeqCst))
        },
        async {
            // Sent while the scope is held: it queues behind the throttled call's retry instead
            // of going out at once.
            tokio::time::sleep(Duration::from_millis(100)).await;
            let answer = c.get_job(&job.id).send().await;
            (answer, order.fetch_add(1, Ordering::SeqCst))
        }
    );
    assert_eq!(first.0.expect("retried").id, job.id);
    assert_eq!(second.0.expect("waited").id, job.id);
    assert_eq!(
        (first.1, second.1),
        (0, 1),
        "the later call waited behind the retry"
    );
    assert_eq!(sim.requests_seen("GET", &path), 3, "one 429, two answers");
    println!(
        "429 with Retry-After: 1 under rescale::policy::rate_limits(): both reads done after {:?}",
        started.elapsed()
    );
}
