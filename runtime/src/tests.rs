//! Wire tests of the runtime against local mock servers on loopback.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::test_support::{API, COOKIE_API, HEADER_API, KEY, QUERY_API, client_for, fast_retries};
use super::*;

// ---------------------------------------------------------------- helpers

fn get(client: &Client, literal: &'static str) -> Request {
    Request::new(client, Method::GET, &[PathPart::Literal(literal)]).expect("valid request")
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

fn api_error(err: Error) -> ApiError {
    match err {
        Error::Api(e) => *e,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

/// A raw HTTP server on loopback for failures wiremock cannot produce. For each connection it
/// reads the request head and hands the socket to `answer`. Counts connections; stops accepting
/// after 30 s.
async fn raw_server<F, Fut>(answer: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        let stop = tokio::time::sleep(Duration::from_secs(30));
        tokio::pin!(stop);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((mut socket, _)) = accepted else { return };
                    seen.fetch_add(1, Ordering::SeqCst);
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    tokio::spawn(answer(socket));
                }
                () = &mut stop => return,
            }
        }
    });
    (addr, count)
}

/// Sends a response head announcing `announced` body bytes, then `sent` bytes of `b'x'`, then
/// either closes (`hold` = None) or keeps the connection open silently for `hold`.
fn partial_answer(
    status: &'static str,
    announced: usize,
    sent: usize,
    hold: Option<Duration>,
) -> impl Fn(TcpStream) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync + 'static
{
    move |mut socket| {
        Box::pin(async move {
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/octet-stream\r\ncontent-length: {announced}\r\n\r\n"
            );
            if socket.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let _ = socket.write_all(&vec![b'x'; sent]).await;
            let _ = socket.flush().await;
            if let Some(hold) = hold {
                tokio::time::sleep(hold).await;
            }
        })
    }
}

fn closed_port() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

#[test]
fn public_types_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: &T) {}
    send_sync::<Client>();
    send_sync::<Request>();
    send_sync::<Error>();
    send_sync::<RawResponse>();
    send_sync::<UploadSource>();
    send_sync::<Multipart>();
    let client = client_for("https://api.example.com");
    let request = get(&client, "/x/");
    send(&client.execute(request));
    send(&paginate::<JobPage>(
        client.clone(),
        get(&client, "/x/"),
        None,
    ));
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn sends_token_auth_and_user_agent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/me/"))
        .and(header("authorization", format!("Token {KEY}").as_str()))
        .and(header("user-agent", "test-client/1.0"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"email": "a@b.c"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let resp = client
        .execute(get(&client, "/api/v2/users/me/"))
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.json::<serde_json::Value>().await.expect("decodes");
    assert_eq!(body["email"], "a@b.c");
}

#[tokio::test]
async fn jwt_looking_key_is_sent_as_bearer() {
    let server = MockServer::start().await;
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    Mock::given(header("authorization", format!("Bearer {jwt}").as_str()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(&API)
        .base_url(server.uri())
        .api_key(jwt)
        .build()
        .expect("builds");
    let resp = client.execute(get(&client, "/x/")).await.expect("sent");
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn no_auth_requests_carry_no_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut req = get(&client, "/public/");
    req.no_auth();
    client
        .execute(req)
        .await
        .expect("sent")
        .empty()
        .await
        .expect("drained");
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 1);
    assert!(seen[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn query_header_and_cookie_key_schemes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;

    let q = Client::builder(&QUERY_API)
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .expect("builds");
    let mut req = get(&q, "/q/");
    req.query("api_key", "server-echoed-value-is-replaced");
    req.query("page", "2");
    q.execute(req).await.expect("sent");

    let h = Client::builder(&HEADER_API)
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .expect("builds");
    h.execute(get(&h, "/h/")).await.expect("sent");

    let c = Client::builder(&COOKIE_API)
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .expect("builds");
    let mut req = get(&c, "/c/");
    req.cookie("theme", "dark");
    c.execute(req).await.expect("sent");

    let seen = requests(&server).await;
    assert_eq!(
        seen[0].url.query(),
        Some(format!("page=2&api_key={KEY}").as_str())
    );
    assert_eq!(
        seen[1]
            .headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok()),
        Some(KEY)
    );
    assert!(seen[1].headers.get("authorization").is_none());
    let cookie = seen[2].headers.get("cookie").and_then(|v| v.to_str().ok());
    assert_eq!(cookie, Some(format!("theme=dark; sid={KEY}").as_str()));
}

// ---------------------------------------------------------------- building requests

#[tokio::test]
async fn path_params_cannot_change_the_path_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client_for(&format!("{}/prefix/", server.uri()));
    let params = ["a/b", "../../admin", "x?y=1", "x#f", "100%", "é/€", "..."];
    for p in params {
        let req = Request::new(
            &client,
            Method::GET,
            &[
                PathPart::Literal("/api/v2/files/"),
                PathPart::Param(p),
                PathPart::Literal("/contents/"),
            ],
        )
        .expect("valid");
        client.execute(req).await.expect("sent");
    }
    let seen = requests(&server).await;
    let paths: Vec<&str> = seen.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        [
            "/prefix/api/v2/files/a%2Fb/contents/",
            "/prefix/api/v2/files/..%2F..%2Fadmin/contents/",
            "/prefix/api/v2/files/x%3Fy%3D1/contents/",
            "/prefix/api/v2/files/x%23f/contents/",
            "/prefix/api/v2/files/100%25/contents/",
            "/prefix/api/v2/files/%C3%A9%2F%E2%82%AC/contents/",
            "/prefix/api/v2/files/.../contents/",
        ]
    );
    assert!(seen.iter().all(|r| r.url.query().is_none()));
    for bad in ["..", ".", ""] {
        let r = Request::new(
            &client,
            Method::GET,
            &[PathPart::Literal("/f/"), PathPart::Param(bad)],
        );
        assert!(matches!(r, Err(Error::InvalidArgument(_))), "{bad:?}");
    }
}

#[tokio::test]
async fn query_parameters_keep_order_and_repeats() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut req = get(&client, "/api/v2/jobs/");
    req.query("state", "completed");
    req.query("tag", "a b");
    req.query("tag", "c&d=e");
    req.query("page_size", "1000");
    client.execute(req).await.expect("sent");
    let seen = requests(&server).await;
    assert_eq!(
        seen[0].url.query(),
        Some("state=completed&tag=a+b&tag=c%26d%3De&page_size=1000")
    );
    let pairs: Vec<(String, String)> = seen[0].url.query_pairs().into_owned().collect();
    assert_eq!(pairs[1], ("tag".to_owned(), "a b".to_owned()));
    assert_eq!(pairs[2], ("tag".to_owned(), "c&d=e".to_owned()));
}

#[tokio::test]
async fn json_form_and_bytes_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());

    let mut req =
        Request::new(&client, Method::POST, &[PathPart::Literal("/api/v2/jobs/")]).expect("valid");
    req.json(&serde_json::json!({"name": "job", "jobanalyses": []}))
        .expect("serialises");
    client.execute(req).await.expect("sent");

    let mut req =
        Request::new(&client, Method::POST, &[PathPart::Literal("/form/")]).expect("valid");
    req.form(&[("a", "1 2"), ("b", "&")]).expect("serialises");
    client.execute(req).await.expect("sent");

    let mut req =
        Request::new(&client, Method::POST, &[PathPart::Literal("/raw/")]).expect("valid");
    req.bytes("text/plain; charset=utf-8", &b"hello"[..]);
    req.header("X-Request-Id", "abc").expect("valid header");
    client.execute(req).await.expect("sent");

    let seen = requests(&server).await;
    let ct = |r: &wiremock::Request| {
        r.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(ct(&seen[0]).as_deref(), Some("application/json"));
    assert_eq!(
        seen[0].body_json::<serde_json::Value>().expect("json body"),
        serde_json::json!({"name": "job", "jobanalyses": []})
    );
    assert_eq!(
        ct(&seen[1]).as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(seen[1].body, b"a=1+2&b=%26");
    assert_eq!(ct(&seen[2]).as_deref(), Some("text/plain; charset=utf-8"));
    assert_eq!(seen[2].body, b"hello");
    assert_eq!(
        seen[2]
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("abc")
    );
}

#[tokio::test]
async fn raw_upload_from_a_file_declares_its_length() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("data.bin");
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &content).expect("write");
    let client = client_for(&server.uri());
    let mut req =
        Request::new(&client, Method::PUT, &[PathPart::Literal("/blob/")]).expect("valid");
    req.upload("application/octet-stream", UploadSource::path(&file));
    client.execute(req).await.expect("sent");
    let seen = requests(&server).await;
    assert_eq!(
        seen[0]
            .headers
            .get("content-length")
            .and_then(|v| v.to_str().ok()),
        Some("200000")
    );
    assert!(seen[0].headers.get("transfer-encoding").is_none());
    assert_eq!(seen[0].body, content);
}

/// Splits a multipart body into (headers, content) per part.
fn multipart_parts(req: &wiremock::Request) -> Vec<(String, Vec<u8>)> {
    let ct = req
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .expect("content type");
    let boundary = ct
        .split("boundary=")
        .nth(1)
        .expect("boundary")
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let body = &req.body;
    let mut parts = Vec::new();
    let positions: Vec<usize> = body
        .windows(delimiter.len())
        .enumerate()
        .filter(|(_, w)| *w == delimiter.as_bytes())
        .map(|(i, _)| i)
        .collect();
    for pair in positions.windows(2) {
        let chunk = &body[pair[0] + delimiter.len() + 2..pair[1] - 2];
        let split = chunk
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("part head");
        parts.push((
            String::from_utf8_lossy(&chunk[..split]).into_owned(),
            chunk[split + 4..].to_vec(),
        ));
    }
    parts
}

#[tokio::test]
async fn multipart_from_a_file_and_from_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/files/contents/"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("input deck.inp");
    std::fs::write(&file, b"*NODE\n1, 0.0, 0.0\n").expect("write");
    let client = client_for(&server.uri());

    let mut req = Request::new(
        &client,
        Method::POST,
        &[PathPart::Literal("/api/v2/files/contents/")],
    )
    .expect("valid");
    req.multipart(
        Multipart::new()
            .file("file", UploadSource::path(&file))
            .text("type_id", "1"),
    );
    client.execute(req).await.expect("sent");

    let mut req = Request::new(
        &client,
        Method::POST,
        &[PathPart::Literal("/api/v2/files/contents/")],
    )
    .expect("valid");
    req.multipart(Multipart::new().file(
        "file",
        UploadSource::bytes("run.sh", &b"#!/bin/sh\n"[..]).mime("text/x-sh"),
    ));
    client.execute(req).await.expect("sent");

    let seen = requests(&server).await;
    let first = multipart_parts(&seen[0]);
    assert_eq!(first.len(), 2);
    assert!(first[0].0.contains("name=\"file\""), "{}", first[0].0);
    assert!(
        first[0].0.contains("filename=\"input%20deck.inp\"")
            || first[0].0.contains("filename=\"input deck.inp\"")
    );
    assert!(
        first[0]
            .0
            .to_ascii_lowercase()
            .contains("content-type: application/octet-stream")
    );
    assert_eq!(first[0].1, b"*NODE\n1, 0.0, 0.0\n");
    assert!(first[1].0.contains("name=\"type_id\""));
    assert_eq!(first[1].1, b"1");
    let declared: usize = seen[0]
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("multipart with known lengths declares content-length");
    assert_eq!(declared, seen[0].body.len());

    let second = multipart_parts(&seen[1]);
    assert!(second[0].0.contains("filename=\"run.sh\""));
    assert!(
        second[0]
            .0
            .to_ascii_lowercase()
            .contains("content-type: text/x-sh")
    );
    assert_eq!(second[0].1, b"#!/bin/sh\n");
}

#[tokio::test]
async fn file_upload_is_reopened_when_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("a.txt");
    std::fs::write(&file, b"same bytes twice").expect("write");
    let client = client_for(&server.uri());
    let mut req = Request::new(&client, Method::PUT, &[PathPart::Literal("/f/")]).expect("valid");
    req.multipart(Multipart::new().file("file", UploadSource::path(&file)));
    let resp = client.execute(req).await.expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 2);
    for r in &seen {
        assert_eq!(multipart_parts(r)[0].1, b"same bytes twice");
    }
}

// ---------------------------------------------------------------- decoding

#[derive(Debug, Deserialize, PartialEq)]
struct Job {
    id: String,
    name: String,
}

#[tokio::test]
async fn json_decodes_and_decode_errors_keep_the_raw_body() {
    let server = MockServer::start().await;
    Mock::given(path("/ok/"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-thing", "1")
                .set_body_raw(
                    r#"{"id":"abc","name":"n","extra":true}"#,
                    "Application/JSON; charset=utf-8",
                ),
        )
        .mount(&server)
        .await;
    Mock::given(path("/bad/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());

    let resp = client.execute(get(&client, "/ok/")).await.expect("sent");
    assert_eq!(resp.content_type(), Some("application/json"));
    let job = resp.json::<Job>().await.expect("decodes");
    assert_eq!(job.status(), StatusCode::CREATED);
    assert_eq!(
        job.headers().get("x-thing").and_then(|v| v.to_str().ok()),
        Some("1")
    );
    assert_eq!(job.name, "n");
    assert_eq!(
        job.into_body(),
        Job {
            id: "abc".into(),
            name: "n".into()
        }
    );

    let err = client
        .execute(get(&client, "/bad/"))
        .await
        .expect("sent")
        .json::<Job>()
        .await
        .expect_err("not JSON");
    match err {
        Error::Decode {
            status,
            content_type,
            body,
            ..
        } => {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(content_type.as_deref(), Some("text/html"));
            assert_eq!(&body[..], b"<html>maintenance</html>");
        }
        other => panic!("expected Decode, got {other:?}"),
    }

    let text = client
        .execute(get(&client, "/bad/"))
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    assert_eq!(text.into_body(), "<html>maintenance</html>");
    let bytes = client
        .execute(get(&client, "/ok/"))
        .await
        .expect("sent")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(bytes.len(), 36);
}

// ---------------------------------------------------------------- errors

#[tokio::test]
async fn error_answers_map_to_kinds_with_details() {
    let server = MockServer::start().await;
    let detail = |s: &str| serde_json::json!({ "detail": s });
    let routes: Vec<(&str, ResponseTemplate)> = vec![
        (
            "/expired/",
            ResponseTemplate::new(401).set_body_json(detail("API key is no longer active")),
        ),
        (
            "/inactive/",
            ResponseTemplate::new(401).set_body_json(detail("User inactive or deleted")),
        ),
        (
            "/invalid/",
            ResponseTemplate::new(401).set_body_json(detail("Invalid token.")),
        ),
        (
            "/noauth/",
            ResponseTemplate::new(401)
                .set_body_json(detail("Authentication credentials were not provided.")),
        ),
        (
            "/forbidden/",
            ResponseTemplate::new(403)
                .set_body_json(detail("You do not have permission to perform this action.")),
        ),
        (
            "/missing/",
            ResponseTemplate::new(404).set_body_json(detail("Not found.")),
        ),
        (
            "/throttled/",
            ResponseTemplate::new(429)
                .insert_header("retry-after", "17")
                .set_body_json(detail("Request was throttled.")),
        ),
        (
            "/throttled-date/",
            ResponseTemplate::new(429)
                .insert_header(
                    "retry-after",
                    httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(90)),
                )
                .set_body_json(detail("Request was throttled.")),
        ),
        (
            "/invalid-body/",
            ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "name": ["This field is required."],
                "jobanalyses": [{"command": ["This field may not be blank."]}]
            })),
        ),
        (
            "/boom/",
            ResponseTemplate::new(500).set_body_raw("<h1>Server Error</h1>", "text/html"),
        ),
    ];
    for (p, template) in routes {
        Mock::given(path(p))
            .respond_with(template)
            .mount(&server)
            .await;
    }
    let client = Client::builder(&API)
        .base_url(server.uri())
        .api_key(KEY)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let fetch = |p: &'static str| {
        let client = client.clone();
        async move {
            let resp = client.execute(get(&client, p)).await.expect("sent");
            api_error(resp.into_error().await)
        }
    };

    let e = fetch("/expired/").await;
    assert_eq!(
        (e.status(), e.kind()),
        (StatusCode::UNAUTHORIZED, ApiErrorKind::KeyExpired)
    );
    assert_eq!(e.detail(), Some("API key is no longer active"));
    assert_eq!(fetch("/inactive/").await.kind(), ApiErrorKind::UserInactive);
    assert_eq!(fetch("/invalid/").await.kind(), ApiErrorKind::InvalidToken);
    assert_eq!(fetch("/noauth/").await.kind(), ApiErrorKind::Unauthorized);
    assert_eq!(fetch("/forbidden/").await.kind(), ApiErrorKind::Forbidden);

    let e = fetch("/missing/").await;
    assert_eq!(e.kind(), ApiErrorKind::NotFound);
    // The error names the request: method and path (never the query, which may hold a key).
    assert_eq!(e.to_string(), "404 Not Found: Not found. (GET /missing/)");
    assert_eq!(
        (e.method(), e.path()),
        (Some(&Method::GET), Some("/missing/"))
    );
    assert_eq!(
        Error::from(e).to_string(),
        "404 Not Found: Not found. (GET /missing/)"
    );

    let e = fetch("/throttled/").await;
    assert_eq!(e.kind(), ApiErrorKind::Throttled);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(17)));
    let wait = fetch("/throttled-date/")
        .await
        .retry_after()
        .expect("date parsed");
    assert!(
        wait > Duration::from_secs(85) && wait <= Duration::from_secs(90),
        "{wait:?}"
    );

    let e = fetch("/invalid-body/").await;
    assert_eq!(e.kind(), ApiErrorKind::Validation);
    let fields = e.field_errors().expect("field errors");
    assert_eq!(fields["name"][0], "This field is required.");
    assert_eq!(
        fields["jobanalyses"][0]["command"][0],
        "This field may not be blank."
    );
    assert!(e.detail().is_none());

    let e = fetch("/boom/").await;
    assert_eq!(e.kind(), ApiErrorKind::ServerError);
    assert!(e.json().is_none());
    assert_eq!(&e.body()[..], b"<h1>Server Error</h1>");
    assert_eq!(
        e.to_string(),
        "500 Internal Server Error: an HTML page: Server Error (GET /boom/)"
    );
}

#[tokio::test]
async fn huge_error_bodies_are_capped_not_buffered() {
    // The server announces 50 MB, sends 2 MiB, then stalls: only a capped read can return.
    let (addr, _) = raw_server(partial_answer(
        "502 Bad Gateway",
        50_000_000,
        2 * 1024 * 1024,
        Some(Duration::from_secs(20)),
    ))
    .await;
    let client = Client::builder(&API)
        .base_url(format!("http://{addr}"))
        .api_key(KEY)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    let resp = client
        .execute(get(&client, "/big/"))
        .await
        .expect("head received");
    let err = tokio::time::timeout(Duration::from_secs(10), resp.into_error())
        .await
        .expect("capped read returns");
    let e = api_error(err);
    assert_eq!(e.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(e.body().len(), ApiError::BODY_LIMIT);
    assert!(e.is_truncated());
    assert_eq!(e.kind(), ApiErrorKind::ServerError);
}

// ---------------------------------------------------------------- pagination

#[derive(Debug, Deserialize)]
struct JobPage {
    #[allow(dead_code)]
    count: u64,
    next: Option<String>,
    results: Vec<Job>,
}

impl Page for JobPage {
    type Item = Job;
    fn next_page(&self) -> Option<NextPage> {
        self.next.clone().map(NextPage::Url)
    }
    fn into_items(self) -> Vec<Job> {
        self.results
    }
}

fn jobs(ids: &[&str]) -> serde_json::Value {
    serde_json::Value::Array(
        ids.iter()
            .map(|id| serde_json::json!({"id": id, "name": format!("job {id}")}))
            .collect(),
    )
}

#[tokio::test]
async fn pagination_follows_absolute_next_links_and_restores_dropped_params() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(path("/api/v2/jobs/"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 5, "next": format!("{base}/api/v2/jobs/?page=2"), "previous": null, "results": jobs(&["a", "b"])
        })))
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/jobs/"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 5, "next": format!("{base}/api/v2/jobs/?page=3&state=completed"), "previous": null,
            "results": jobs(&["c", "d"])
        })))
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/jobs/"))
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 5, "next": null, "previous": "x", "results": jobs(&["e"])
        })))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut first = get(&client, "/api/v2/jobs/");
    first.query("page_size", "2");
    first.query("state", "completed");

    let stream = paginate::<JobPage>(client.clone(), first, None);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        requests(&server).await.is_empty(),
        "nothing is sent before the stream is polled"
    );

    let items: Vec<Job> = stream.map(|r| r.expect("item")).collect().await;
    let ids: Vec<&str> = items.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 3);
    for r in &seen {
        let q: HashMap<String, String> = r.url.query_pairs().into_owned().collect();
        assert_eq!(
            q.get("page_size").map(String::as_str),
            Some("2"),
            "{}",
            r.url
        );
        assert_eq!(
            q.get("state").map(String::as_str),
            Some("completed"),
            "{}",
            r.url
        );
        assert_eq!(
            r.url.query_pairs().filter(|(n, _)| n == "state").count(),
            1,
            "{}",
            r.url
        );
        assert!(r.headers.get("authorization").is_some());
    }
}

#[derive(Debug, Deserialize)]
struct TokenPage {
    items: Vec<u32>,
    next_token: Option<String>,
}

impl Page for TokenPage {
    type Item = u32;
    fn next_page(&self) -> Option<NextPage> {
        self.next_token.clone().map(NextPage::Token)
    }
    fn into_items(self) -> Vec<u32> {
        self.items
    }
}

#[tokio::test]
async fn pagination_with_continuation_tokens() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"items": [1, 2], "next_token": "t2"})),
        )
        .mount(&server)
        .await;
    Mock::given(query_param("token", "t2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"items": [], "next_token": "t3"})),
        )
        .mount(&server)
        .await;
    Mock::given(query_param("token", "t3"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"items": [3], "next_token": null})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut first = get(&client, "/things/");
    first.query("limit", "2");
    let items: Vec<u32> = paginate::<TokenPage>(client, first, Some("token"))
        .map(|r| r.expect("item"))
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3]);
    let seen = requests(&server).await;
    let queries: Vec<Option<&str>> = seen.iter().map(|r| r.url.query()).collect();
    assert_eq!(
        queries,
        [
            Some("limit=2"),
            Some("limit=2&token=t2"),
            Some("limit=2&token=t3")
        ]
    );
}

#[tokio::test]
async fn pagination_refuses_next_links_to_another_origin() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/api/v2/files/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 3, "next": format!("{}/api/v2/files/?page=2", elsewhere.uri()), "results": jobs(&["a"])
        })))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"count": 0, "next": null, "results": []})),
        )
        .mount(&elsewhere)
        .await;
    let client = client_for(&server.uri());
    let out: Vec<Result<Job, Error>> =
        paginate::<JobPage>(client.clone(), get(&client, "/api/v2/files/"), None)
            .collect()
            .await;
    assert_eq!(out.len(), 2);
    assert_eq!(out[0].as_ref().map(|j| j.id.as_str()).ok(), Some("a"));
    match &out[1] {
        Err(Error::Protocol(msg)) => assert!(msg.contains("another origin"), "{msg}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(
        requests(&elsewhere).await.is_empty(),
        "the key must never reach another origin"
    );
}

#[tokio::test]
async fn pagination_stops_after_the_first_error_and_detects_loops() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(path("/err/"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 9, "next": format!("{base}/err/?page=2"), "results": jobs(&["a"])
        })))
        .mount(&server)
        .await;
    Mock::given(path("/err/"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"detail": "Not found."})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/loop/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "count": 9, "next": format!("{base}/loop/"), "results": jobs(&["x"])
        })))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let out: Vec<Result<Job, Error>> =
        paginate::<JobPage>(client.clone(), get(&client, "/err/"), None)
            .collect()
            .await;
    assert_eq!(out.len(), 2);
    assert!(out[0].is_ok());
    match &out[1] {
        Err(Error::Api(e)) => assert_eq!(e.kind(), ApiErrorKind::NotFound),
        other => panic!("expected the 404, got {other:?}"),
    }
    let out: Vec<Result<Job, Error>> =
        paginate::<JobPage>(client.clone(), get(&client, "/loop/"), None)
            .collect()
            .await;
    assert_eq!(out.len(), 2);
    assert!(matches!(out[1], Err(Error::Protocol(_))));
}

// ---------------------------------------------------------------- retries

#[tokio::test]
async fn get_is_retried_after_503() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let resp = client
        .execute(get(&client, "/api/v2/jobs/1/statuses/"))
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retries_end_with_the_last_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut req = get(&client, "/slow/");
    req.options().retry = Some(fast_retries().with_max_retries(2));
    let resp = client.execute(req).await.expect("sent");
    assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(requests(&server).await.len(), 3);
    assert_eq!(
        api_error(resp.into_error().await).kind(),
        ApiErrorKind::ServerError
    );
}

#[tokio::test]
async fn throttled_get_honours_retry_after() {
    let server = MockServer::start().await;
    Mock::given(path("/zero/"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/one/"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/long/"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "3600")
                .set_body_json(serde_json::json!({"detail": "Request was throttled."})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // Backoffs far longer than the test so that only Retry-After can explain a quick retry.
    let client = Client::builder(&API)
        .base_url(server.uri())
        .api_key(KEY)
        .retry_policy(
            RetryPolicy::default().with_backoff(Duration::from_secs(60), Duration::from_secs(60)),
        )
        .build()
        .expect("builds");

    let started = Instant::now();
    assert_eq!(
        client
            .execute(get(&client, "/zero/"))
            .await
            .expect("sent")
            .status(),
        StatusCode::OK
    );
    assert!(started.elapsed() < Duration::from_secs(1));

    let started = Instant::now();
    assert_eq!(
        client
            .execute(get(&client, "/one/"))
            .await
            .expect("sent")
            .status(),
        StatusCode::OK
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(990) && took < Duration::from_secs(5),
        "{took:?}"
    );

    // Longer than max_wait (60 s): given up at once and handed back.
    let started = Instant::now();
    let resp = client.execute(get(&client, "/long/")).await.expect("sent");
    assert!(started.elapsed() < Duration::from_secs(1));
    let e = api_error(resp.into_error().await);
    assert_eq!(e.kind(), ApiErrorKind::Throttled);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(3600)));

    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/zero/", "/zero/", "/one/", "/one/", "/long/"]);
}

#[tokio::test]
async fn post_is_not_retried_after_it_reached_the_server() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v2/jobs/"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(path("/api/v2/jobs/1/submit/"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut create =
        Request::new(&client, Method::POST, &[PathPart::Literal("/api/v2/jobs/")]).expect("valid");
    create
        .json(&serde_json::json!({"name": "j"}))
        .expect("serialises");
    assert_eq!(
        client.execute(create).await.expect("sent").status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    let submit = Request::new(
        &client,
        Method::POST,
        &[PathPart::Literal("/api/v2/jobs/1/submit/")],
    )
    .expect("valid");
    assert_eq!(
        client.execute(submit).await.expect("sent").status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(requests(&server).await.len(), 2, "exactly one request each");
}

#[tokio::test]
async fn dropped_connections_retry_get_but_not_post() {
    // Accepts, reads the request, and hangs up without answering.
    let (addr, count) = raw_server(|socket| async move { drop(socket) }).await;
    let client = client_for(&format!("http://{addr}"));
    let post =
        Request::new(&client, Method::POST, &[PathPart::Literal("/api/v2/jobs/")]).expect("valid");
    let err = client.execute(post).await.expect_err("no answer");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "a POST that may have been received is not resent"
    );

    let err = client
        .execute(get(&client, "/api/v2/jobs/"))
        .await
        .expect_err("no answer");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(
        count.load(Ordering::SeqCst),
        1 + 4,
        "a GET is tried 1 + max_retries times"
    );
}

#[tokio::test]
async fn post_is_retried_when_the_connection_was_refused() {
    let addr = closed_port();
    let policy = RetryPolicy::default()
        .with_backoff(Duration::from_millis(400), Duration::from_millis(400))
        .with_jitter(false);
    let client = Client::builder(&API)
        .base_url(format!("http://{addr}"))
        .api_key(KEY)
        .retry_policy(policy)
        .build()
        .expect("builds");
    // The server appears only after the first try was refused.
    let late_server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let listener = std::net::TcpListener::bind(addr).expect("rebind the port");
        let server = MockServer::builder().listener(listener).start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(serde_json::json!({"id": "j1", "name": "n"})),
            )
            .mount(&server)
            .await;
        server
    });
    let mut create =
        Request::new(&client, Method::POST, &[PathPart::Literal("/api/v2/jobs/")]).expect("valid");
    create
        .json(&serde_json::json!({"name": "n"}))
        .expect("serialises");
    let resp = client
        .execute(create)
        .await
        .expect("retried after the refusal");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let server = late_server.await.expect("server task");
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn streamed_upload_bodies_are_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"abc")),
        Ok(Bytes::from_static(b"def")),
    ];
    let mut req = Request::new(&client, Method::PUT, &[PathPart::Literal("/f/")]).expect("valid");
    req.upload(
        "application/octet-stream",
        UploadSource::stream("s", Some(6), futures::stream::iter(chunks)),
    );
    let resp = client.execute(req).await.expect("sent");
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    let seen = requests(&server).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body, b"abcdef");
}

// ---------------------------------------------------------------- timeouts

#[tokio::test]
async fn slow_answers_time_out_and_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut req = get(&client, "/slow/");
    req.options().timeout = Some(Duration::from_millis(200));
    let started = Instant::now();
    let err = client.execute(req).await.expect_err("times out");
    assert!(started.elapsed() < Duration::from_secs(2));
    match err {
        Error::Timeout(t) => assert_eq!(t.kind(), TimeoutKind::Request),
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn unbounded_timeouts_do_not_overflow() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("fine"))
        .mount(&server)
        .await;
    let client = Client::builder(&API)
        .base_url(server.uri())
        .api_key(KEY)
        .timeout(Duration::MAX)
        .read_idle_timeout(Duration::MAX)
        .build()
        .expect("builds");
    let resp = client.execute(get(&client, "/x/")).await.expect("sent");
    assert_eq!(resp.text().await.expect("read").into_body(), "fine");
    let resp = client.execute(get(&client, "/x/")).await.expect("sent");
    let body = resp.stream().into_body().collect().await.expect("read");
    assert_eq!(&body[..], b"fine");
}

#[tokio::test]
async fn a_moving_upload_outlives_the_request_timeout_but_a_stalled_one_does_not() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = Client::builder(&API)
        .base_url(server.uri())
        .api_key(KEY)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("builds");

    // Ten chunks 100 ms apart: about 1 s in total, each gap well under the 300 ms timeout.
    let slow = futures::stream::iter(0..10u8).then(|i| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<Bytes, std::io::Error>(Bytes::from(vec![i; 10]))
    });
    let (tx, rx) = futures::channel::mpsc::unbounded::<Result<Bytes, std::io::Error>>();
    tokio::spawn(async move {
        let mut slow = std::pin::pin!(slow);
        while let Some(chunk) = slow.next().await {
            if tx.unbounded_send(chunk).is_err() {
                return;
            }
        }
    });
    let mut req =
        Request::new(&client, Method::PUT, &[PathPart::Literal("/slow-upload/")]).expect("valid");
    req.upload(
        "application/octet-stream",
        UploadSource::stream("s", None, rx),
    );
    let started = Instant::now();
    let resp = client.execute(req).await.expect("upload finishes");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(requests(&server).await[0].body.len(), 100);

    let (_keep_open, stalled) =
        futures::channel::mpsc::unbounded::<Result<Bytes, std::io::Error>>();
    let mut req =
        Request::new(&client, Method::PUT, &[PathPart::Literal("/stalled/")]).expect("valid");
    req.upload(
        "application/octet-stream",
        UploadSource::stream("s", None, stalled),
    );
    let err = client
        .execute(req)
        .await
        .expect_err("stalled upload times out");
    assert!(
        matches!(err, Error::Timeout(ref t) if t.kind() == TimeoutKind::Request),
        "{err:?}"
    );
}

// ---------------------------------------------------------------- downloads

#[tokio::test]
async fn download_writes_the_served_bytes_atomically() {
    let server = MockServer::start().await;
    let content: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    Mock::given(path("/api/v2/files/f1/contents/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(content.clone(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("out.bin");
    let resp = client
        .execute(get(&client, "/api/v2/files/f1/contents/"))
        .await
        .expect("sent");
    let stream = resp.stream();
    assert_eq!(stream.status(), StatusCode::OK);
    let body = stream.into_body();
    assert_eq!(body.content_length(), Some(300_000));
    let written = body.write_to_file(&target).await.expect("written");
    assert_eq!(written, 300_000);
    assert_eq!(std::fs::read(&target).expect("read back"), content);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        names,
        [std::ffi::OsString::from("out.bin")],
        "no temporary file left"
    );

    let resp = client
        .execute(get(&client, "/api/v2/files/f1/contents/"))
        .await
        .expect("sent");
    assert_eq!(
        resp.stream()
            .into_body()
            .collect()
            .await
            .expect("collected"),
        content
    );
}

#[tokio::test]
async fn failed_download_leaves_no_file() {
    // Announces 100 000 bytes, sends 1 000, hangs up.
    let (addr, _) = raw_server(partial_answer("200 OK", 100_000, 1_000, None)).await;
    let client = client_for(&format!("http://{addr}"));
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("result.dat");
    std::fs::write(dir.path().join("keep.txt"), b"unrelated").expect("write");
    let resp = client
        .execute(get(&client, "/file/"))
        .await
        .expect("head received");
    let err = resp
        .stream()
        .into_body()
        .write_to_file(&target)
        .await
        .expect_err("cut short");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!target.exists());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(
        names,
        [std::ffi::OsString::from("keep.txt")],
        "no partial file left"
    );
}

#[tokio::test]
async fn stalled_download_times_out_instead_of_hanging() {
    let (addr, _) = raw_server(partial_answer(
        "200 OK",
        100_000,
        1_000,
        Some(Duration::from_secs(20)),
    ))
    .await;
    let client = Client::builder(&API)
        .base_url(format!("http://{addr}"))
        .api_key(KEY)
        .read_idle_timeout(Duration::from_millis(300))
        .build()
        .expect("builds");
    let resp = client
        .execute(get(&client, "/file/"))
        .await
        .expect("head received");
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("x.bin");
    let started = Instant::now();
    let err = resp
        .stream()
        .into_body()
        .write_to_file(&target)
        .await
        .expect_err("stalls");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(
        matches!(err, Error::Timeout(ref t) if t.kind() == TimeoutKind::ReadIdle),
        "{err:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0);
}

// ---------------------------------------------------------------- configuration and secrets

#[tokio::test]
async fn redirects_to_another_origin_keep_a_custom_key_header_home() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/stolen", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&elsewhere)
        .await;
    let client = Client::builder(&HEADER_API)
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .expect("builds");
    let resp = client.execute(get(&client, "/x/")).await.expect("sent");
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert!(requests(&elsewhere).await.is_empty());
}

#[test]
fn base_url_and_server_selection() {
    let plain = Client::builder(&API)
        .base_url("http://platform.example.com")
        .api_key(KEY)
        .build();
    assert!(
        matches!(plain, Err(Error::Config(_))),
        "plain http off loopback is refused"
    );
    assert!(
        Client::builder(&API)
            .base_url("http://127.0.0.1:9")
            .api_key(KEY)
            .build()
            .is_ok()
    );
    assert!(
        Client::builder(&API)
            .base_url("http://[::1]:9")
            .api_key(KEY)
            .build()
            .is_ok()
    );

    let default = Client::builder(&API).api_key(KEY).build().expect("builds");
    assert_eq!(default.base_url().as_str(), "https://api.example.com/");
    let eu = Client::builder(&API)
        .server("EU")
        .api_key(KEY)
        .build()
        .expect("builds");
    assert_eq!(eu.base_url().as_str(), "https://eu.example.com/base");
    let req =
        Request::new(&eu, Method::GET, &[PathPart::Literal("/api/v2/files/")]).expect("valid");
    assert_eq!(
        req.url().as_str(),
        "https://eu.example.com/base/api/v2/files/"
    );
    let unknown = Client::builder(&API).server("mars").api_key(KEY).build();
    assert!(matches!(unknown, Err(Error::Config(ref m)) if m.contains("mars") && m.contains("eu")));

    let missing = Client::builder(&API).build();
    assert!(matches!(missing, Err(Error::Config(ref m)) if m.contains("TESTAPI_API_KEY")));
    let empty = Client::builder(&API).api_key("  ").build();
    assert!(matches!(empty, Err(Error::Config(_))));
    let bad = Client::builder(&API).api_key("abc\ndef").build();
    assert!(matches!(bad, Err(Error::Config(_))));
}

#[test]
fn explicit_settings_beat_env_which_beats_the_profile() {
    let vars = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let profile = [
        ("TESTAPI_PROFILE_KEY", "profile-key"),
        ("TESTAPI_PROFILE_URL", "https://profile.example.com"),
    ];

    let only_profile = vars(&profile);
    let c = Client::builder(&API)
        .from_env_with(|k| only_profile.get(k).cloned())
        .build()
        .expect("builds");
    assert_eq!(c.base_url().as_str(), "https://profile.example.com/");
    assert!(format!("{c:?}").contains("authorization"));

    let mut env = profile.to_vec();
    env.extend([("TESTAPI_API_KEY", "env-key"), ("TESTAPI_REGION", "eu")]);
    let env = vars(&env);
    let c = Client::builder(&API)
        .from_env_with(|k| env.get(k).cloned())
        .build()
        .expect("builds");
    assert_eq!(c.base_url().as_str(), "https://eu.example.com/base");

    // Explicit settings win whatever the call order.
    let c = Client::builder(&API)
        .base_url("https://explicit.example.com")
        .from_env_with(|k| env.get(k).cloned())
        .build()
        .expect("builds");
    assert_eq!(c.base_url().as_str(), "https://explicit.example.com/");

    // A broken profile fails the build only when something is still missing.
    let broken = vars(&[("TESTAPI_PROFILE_URL", "broken")]);
    let r = Client::builder(&API)
        .from_env_with(|k| broken.get(k).cloned())
        .build();
    assert!(matches!(r, Err(Error::Config(ref m)) if m.contains("broken")));
    let r = Client::builder(&API)
        .base_url("https://explicit.example.com")
        .api_key(KEY)
        .from_env_with(|k| broken.get(k).cloned())
        .build();
    assert!(r.is_ok());

    // An API without a profile hook reads none.
    let c = Client::builder(&QUERY_API)
        .base_url("https://q.example.com")
        .from_env_with(|k| vars(&[("QUERYAPI_PROFILE_KEY", "k")]).get(k).cloned())
        .build();
    assert!(matches!(c, Err(Error::Config(ref m)) if m.contains("no API key")));
}

#[tokio::test]
async fn env_and_profile_keys_reach_the_wire_in_precedence_order() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let uri = server.uri();
    let lookups: [HashMap<&str, &str>; 3] = [
        [
            ("TESTAPI_PROFILE_KEY", "work-key"),
            ("TESTAPI_PROFILE_URL", uri.as_str()),
        ]
        .into(),
        [
            ("TESTAPI_PROFILE_KEY", "work-key"),
            ("TESTAPI_PROFILE_URL", uri.as_str()),
            ("TESTAPI_API_KEY", "env-key"),
        ]
        .into(),
        [
            ("TESTAPI_PROFILE_KEY", "work-key"),
            ("TESTAPI_PROFILE_URL", uri.as_str()),
            ("TESTAPI_API_KEY", "env-key"),
        ]
        .into(),
    ];
    for (i, vars) in lookups.iter().enumerate() {
        let mut builder =
            Client::builder(&API).from_env_with(|k| vars.get(k).map(|v| (*v).to_owned()));
        if i == 2 {
            builder = builder.api_key("explicit-key");
        }
        let client = builder.build().expect("builds");
        client.execute(get(&client, "/me/")).await.expect("sent");
    }
    let auths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(
        auths,
        ["Token work-key", "Token env-key", "Token explicit-key"]
    );
}

#[tokio::test]
async fn the_key_never_shows_in_debug_or_display() {
    let jwt = "eyJhbGciOiJub25lIn0.eyJTRUNSRVQiOjF9.U0VDUkVUU0lH";
    let mut shown = Vec::new();

    for key in [KEY, jwt] {
        let builder = Client::builder(&API)
            .base_url("http://127.0.0.1:9")
            .api_key(key);
        shown.push(format!("{builder:?}"));
        let client = builder.build().expect("builds");
        shown.push(format!("{client:?}"));
        let mut req = get(&client, "/x/");
        req.json(&serde_json::json!({"a": 1})).expect("serialises");
        shown.push(format!("{req:?}"));
    }
    let env: HashMap<&str, &str> = [("TESTAPI_API_KEY", KEY)].into();
    let builder = Client::builder(&API).from_env_with(|k| env.get(k).map(|v| (*v).to_owned()));
    shown.push(format!("{builder:?}"));

    // A transport error whose URL carries the key as a query parameter.
    let addr = closed_port();
    let q = Client::builder(&QUERY_API)
        .base_url(format!("http://{addr}"))
        .api_key(KEY)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("builds");
    shown.push(format!("{q:?}"));
    let err = q.execute(get(&q, "/x/")).await.expect_err("refused");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    shown.push(format!("{err:?}"));
    shown.push(format!("{err}"));
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        shown.push(format!("{s}"));
        source = s.source();
    }

    // Configuration and API errors.
    let bad = Client::builder(&API)
        .api_key(format!("{KEY}\n"))
        .base_url("http://example.com")
        .build()
        .expect_err("refused");
    shown.push(format!("{bad:?}"));
    shown.push(format!("{bad}"));
    let bad_key = Client::builder(&API)
        .api_key(format!("{KEY}\u{7f}"))
        .build()
        .expect_err("refused");
    shown.push(format!("{bad_key:?} {bad_key}"));
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(serde_json::json!({"detail": "Invalid token."})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let resp = client.execute(get(&client, "/x/")).await.expect("sent");
    shown.push(format!("{resp:?}"));
    let err = resp.into_error().await;
    shown.push(format!("{err:?}"));
    shown.push(format!("{err}"));

    for text in &shown {
        assert!(!text.contains(KEY), "key leaked: {text}");
        assert!(!text.contains("SUPERSECRET"), "key leaked: {text}");
        assert!(
            !text.contains(jwt) && !text.contains("U0VDUkVUU0lH"),
            "token leaked: {text}"
        );
    }
    assert!(
        shown.iter().any(|t| t.contains("REDACTED")),
        "the query credential is redacted, not dropped silently"
    );
}

// ---------------------------------------------------------------- rate limits

#[test]
fn rate_limit_paths_are_relative_to_the_base_prefix() {
    let c = client_for("https://api.example.com/prefix/");
    let inside =
        url::Url::parse("https://api.example.com/prefix/api/v2/jobs/x/submit/").expect("url");
    assert_eq!(c.relative_path(&inside), "/api/v2/jobs/x/submit/");
    let outside = url::Url::parse("https://api.example.com/prefixed/a/").expect("url");
    assert_eq!(c.relative_path(&outside), "/prefixed/a/");
    let root = client_for("https://api.example.com");
    let u = url::Url::parse("https://api.example.com/api/v2/files/").expect("url");
    assert_eq!(root.relative_path(&u), "/api/v2/files/");
}

#[tokio::test]
async fn every_try_takes_a_rate_limit_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = asked.clone();
    let limit = RateLimit::new(move |m, p| {
        log.lock().expect("lock").push(format!("{m} {p}"));
        Some("all")
    })
    .scope("all", 1000, Duration::from_secs(1));
    let client = Client::builder(&API)
        .base_url(format!("{}/prefix", server.uri()))
        .api_key(KEY)
        .retry_policy(fast_retries())
        .rate_limit(limit)
        .build()
        .expect("client");
    let resp = client
        .execute(get(&client, "/api/v2/jobs/1/statuses/"))
        .await
        .expect("sent");
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(requests(&server).await.len(), 3);
    let asked = asked.lock().expect("lock").clone();
    assert_eq!(asked, vec!["GET /api/v2/jobs/1/statuses/"; 3]);
    let shown = format!("{client:?}");
    assert!(shown.contains("all") && !shown.contains(KEY), "{shown}");
}
