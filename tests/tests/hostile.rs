//! Issue 12 at the library level: loopback servers that misbehave on purpose (a hostile,
//! compromised or broken Rescale, or a proxy in between) cannot make the client read without
//! end, wait for decades, send a job elsewhere, splice two versions of a file, or write through
//! a planted link. Each test rebuilds one scenario of the red-team report; the row number of the
//! report is in its name.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use rescale::runtime::{ApiErrorKind, TimeoutKind};
use rescale::{Client, DownloadOptions, Error, RateLimit, RetryPolicy, types};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const KEY: &str = "hostile-test-key-0123456789";

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .api_key(KEY)
        .retry_policy(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(2), Duration::from_millis(20)),
        )
        .build()
        .expect("client builds")
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Seen {
    target: String,
    head: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// A raw HTTP/1.1 server: one request per connection, answered by `answer` with the request
/// and its number (from 0).
#[derive(Clone)]
struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    async fn start<F, Fut>(answer: F) -> Server
    where
        F: Fn(usize, Seen, TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let answer = Arc::new(answer);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (log, answer) = (log.clone(), answer.clone());
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut socket).await else {
                        return;
                    };
                    let n = {
                        let mut log = log.lock().expect("lock");
                        log.push(req.clone());
                        log.len() - 1
                    };
                    answer(n, req, socket).await;
                });
            }
        });
        Server { addr, seen }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    fn count(&self, path_part: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.target.contains(path_part))
            .count()
    }
}

async fn read_request(socket: &mut TcpStream) -> Option<Seen> {
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
    let target = head.split(' ').nth(1).unwrap_or_default().to_owned();
    let seen = Seen { target, head };
    if let Some(len) = seen
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        let mut body = buf.len() - end;
        while body < len {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            body += n;
        }
    }
    Some(seen)
}

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

fn file_json(id: &str, len: Option<usize>, md5: Option<&str>) -> Vec<u8> {
    let mut v = serde_json::json!({"id": id, "name": "out.bin"});
    if let Some(len) = len {
        v["decryptedSize"] = len.into();
    }
    if let Some(md5) = md5 {
        v["md5"] = md5.into();
    }
    v.to_string().into_bytes()
}

// ------------------------------------------------------------------------------ row 3

/// Row 3: a success answer announced as 2 GB is refused before its body is read, and an endless
/// chunked one is cut at the cap and not fetched again.
#[tokio::test]
async fn row3_buffered_answers_are_capped_and_not_refetched() {
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let server = Server::start(move |_, req, mut socket| {
        let sent = counter.clone();
        async move {
            if req.target.contains("/jobs/big/") {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Content-Length: 2000000000\r\n\r\n{\"id\":\"";
                let _ = socket.write_all(head.as_bytes()).await;
            } else {
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Transfer-Encoding: chunked\r\n\r\n";
                let _ = socket.write_all(head.as_bytes()).await;
            }
            // At most 200 MiB, whatever the client does (the test must end).
            let chunk = vec![b'a'; 1024 * 1024];
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk,
                b"\r\n".to_vec(),
            ]
            .concat();
            for _ in 0..200 {
                let piece: &[u8] = if req.target.contains("/jobs/big/") {
                    &framed[..1024 * 1024]
                } else {
                    &framed
                };
                if socket.write_all(piece).await.is_err() {
                    return;
                }
                sent.fetch_add(piece.len() as u64, Ordering::SeqCst);
            }
        }
    })
    .await;
    let c = client(&server.base_url());

    let err = c.get_job("big").send().await.expect_err("2 GB is refused");
    assert!(matches!(err, Error::Protocol(_)), "{err:?}");
    assert!(err.to_string().contains("larger than 64 MiB"), "{err}");
    assert_eq!(server.count("/jobs/big/"), 1);

    let err = c
        .get_job("endless")
        .send()
        .await
        .expect_err("endless is cut");
    assert!(matches!(err, Error::Protocol(_)), "{err:?}");
    assert_eq!(server.count("/jobs/endless/"), 1, "not fetched again");
    let read = sent.load(Ordering::SeqCst);
    assert!(
        read < 200 * 1024 * 1024,
        "the server sent everything: {read}"
    );
}

// ------------------------------------------------------------------------------ row 5

fn file_server_for(
    content: Arc<Vec<u8>>,
    md5: Option<String>,
) -> impl Fn(usize, Seen, TcpStream) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>
+ Send
+ Sync
+ 'static {
    move |_, req, socket| {
        let content = content.clone();
        let md5 = md5.clone();
        Box::pin(async move {
            if req.target.ends_with("/contents/") {
                respond(socket, "200 OK", "", &content).await;
            } else {
                respond(
                    socket,
                    "200 OK",
                    "",
                    &file_json("f1", Some(content.len()), md5.as_deref()),
                )
                .await;
            }
        })
    }
}

/// Row 5: a symbolic link or a hard link planted where the partial file goes is refused; the
/// file it points to keeps its bytes, and the destination does not become a link.
#[cfg(unix)]
#[tokio::test]
async fn row5_a_planted_partial_file_is_never_written_through() {
    let content = Arc::new(data(40_000, 3));
    let server = Server::start(file_server_for(content.clone(), Some(md5_hex(&content)))).await;
    let c = client(&server.base_url());
    let dir = tempfile::tempdir().expect("tempdir");
    let victim = dir.path().join("victim");
    std::fs::write(&victim, b"precious").expect("victim");
    let target = dir.path().join("out.bin");

    std::os::unix::fs::symlink(&victim, dir.path().join("out.bin.partial")).expect("symlink");
    let err = c
        .download_file_to("f1", &target)
        .await
        .expect_err("link refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read(&victim).expect("victim"), b"precious");
    assert!(!target.exists());

    std::fs::remove_file(dir.path().join("out.bin.partial")).expect("rm");
    std::fs::hard_link(&victim, dir.path().join("out.bin.partial")).expect("hard link");
    let err = c
        .download_file_to("f1", &target)
        .await
        .expect_err("hard link refused");
    assert!(err.to_string().contains("not a plain file"), "{err}");
    assert_eq!(std::fs::read(&victim).expect("victim"), b"precious");
    assert!(!target.exists());

    // Without the planted file the download works.
    std::fs::remove_file(dir.path().join("out.bin.partial")).expect("rm");
    c.download_file_to("f1", &target).await.expect("downloads");
    assert_eq!(std::fs::read(&target).expect("read"), *content);
    assert!(
        !std::fs::symlink_metadata(&target)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
}

// ------------------------------------------------------------------------------ row 6

/// Row 6: a FIFO destination is written into, not renamed over; an existing file is refused
/// unless asked; a directory is refused before anything is downloaded.
#[cfg(unix)]
#[tokio::test]
async fn row6_special_destinations_are_written_into_and_files_kept() {
    let content = Arc::new(data(100_000, 7));
    let server = Server::start(file_server_for(content.clone(), Some(md5_hex(&content)))).await;
    let c = client(&server.base_url());
    let dir = tempfile::tempdir().expect("tempdir");

    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("read fifo"))
    };
    let done = c
        .download_file_with("f1", &fifo, DownloadOptions::default())
        .await
        .expect("written into the FIFO");
    assert_eq!(done.bytes, 100_000);
    use std::os::unix::fs::FileTypeExt;
    // Checked before waiting for the reader: a FIFO renamed over would leave it blocked.
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("meta")
            .file_type()
            .is_fifo()
    );
    assert_eq!(reader.join().expect("reader"), *content);

    let existing = dir.path().join("keep.txt");
    std::fs::write(&existing, b"mine").expect("write");
    let before = server.seen().len();
    let err = c
        .download_file_with("f1", &existing, DownloadOptions::default())
        .await
        .expect_err("not replaced");
    assert!(
        matches!(&err, Error::Io(e) if e.kind() == std::io::ErrorKind::AlreadyExists),
        "{err:?}"
    );
    assert_eq!(std::fs::read(&existing).expect("read"), b"mine");
    assert_eq!(server.seen().len(), before, "nothing downloaded");
    c.download_file_with("f1", &existing, DownloadOptions::default().overwrite(true))
        .await
        .expect("replaced when asked");
    assert_eq!(std::fs::read(&existing).expect("read"), *content);

    let err = c
        .download_file_with("f1", dir.path(), DownloadOptions::default().overwrite(true))
        .await
        .expect_err("a directory");
    assert!(matches!(err, Error::InvalidArgument(_)), "{err:?}");
}

// ------------------------------------------------------------------------------ row 7

/// Row 7: with a rate limit, a `Retry-After: 999999999` is handed back as the error at once and
/// holds nothing: the next call of the same scope goes out at once. A limiter wait longer than
/// the timeout fails at once.
#[tokio::test]
async fn row7_absurd_waits_are_refused_not_slept() {
    let server = Server::start(|n, _, socket| async move {
        if n == 0 {
            respond(
                socket,
                "429 Too Many Requests",
                "Retry-After: 999999999\r\n",
                b"{}",
            )
            .await;
        } else {
            respond(
                socket,
                "200 OK",
                "",
                br#"{"id":"j1","name":"n","jobanalyses":[]}"#,
            )
            .await;
        }
    })
    .await;
    let c = Client::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .rate_limit(rescale::policy::rate_limits())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = tokio::time::timeout(Duration::from_secs(20), c.get_job("j1").send())
        .await
        .expect("does not hang")
        .expect_err("throttled");
    match &err {
        Error::Api(api) => assert_eq!(api.kind(), ApiErrorKind::Throttled),
        other => panic!("{other:?}"),
    }
    let job = tokio::time::timeout(Duration::from_secs(20), c.get_job("j1").send())
        .await
        .expect("the scope is not held for decades")
        .expect("the next call goes out");
    assert_eq!(job.id, "j1");
    println!("two calls in {:?}", started.elapsed());

    // A limiter that would make a call wait an hour (one request per hour, burst 1).
    let slow =
        RateLimit::new(|_, _| Some("s")).scope_with_burst("s", 1, Duration::from_secs(3600), 1);
    let c = Client::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .rate_limit(slow)
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    c.get_job("j1")
        .send()
        .await
        .expect("the first token is there");
    let err = tokio::time::timeout(Duration::from_secs(20), c.get_job("j1").send())
        .await
        .expect("fails at once instead of waiting an hour")
        .expect_err("over the timeout");
    assert!(
        matches!(&err, Error::Timeout(t) if t.kind() == TimeoutKind::Request),
        "{err:?}"
    );
}

/// The 429 body: "Expected available in N seconds." without `Retry-After` is the wait; one
/// longer than `max_wait` ends the retries at once (it was retried three times within 1.2 s).
#[tokio::test]
async fn a_429_body_gives_the_wait_when_the_header_is_missing() {
    let body = br#"{"detail": "Request was throttled. Expected available in 7 seconds."}"#;
    let server = Server::start(move |_, _, socket| async move {
        respond(socket, "429 Too Many Requests", "", body).await;
    })
    .await;
    let c = Client::builder()
        .base_url(server.base_url())
        .api_key(KEY)
        .retry_policy(RetryPolicy::default().with_max_wait(Duration::from_secs(5)))
        .build()
        .expect("client");
    let err = c.get_job("j1").send().await.expect_err("throttled");
    match &err {
        Error::Api(api) => {
            assert_eq!(api.kind(), ApiErrorKind::Throttled);
            assert_eq!(api.retry_after(), Some(Duration::from_secs(7)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.seen().len(), 1, "7 s is over max_wait: no retry");

    // One second: retried after (at least) that second.
    let body = br#"{"detail": "Request was throttled. Expected available in 1 second."}"#;
    let server = Server::start(move |n, _, socket| async move {
        if n == 0 {
            respond(socket, "429 Too Many Requests", "", body).await;
        } else {
            respond(
                socket,
                "200 OK",
                "",
                br#"{"id":"j1","name":"n","jobanalyses":[]}"#,
            )
            .await;
        }
    })
    .await;
    let started = Instant::now();
    client(&server.base_url())
        .get_job("j1")
        .send()
        .await
        .expect("retried");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.seen().len(), 2);
}

// ------------------------------------------------------------------------------ row 14

/// Row 14: a 307 on `POST /jobs/` pointing to another origin is not followed: the job JSON is
/// not sent there and its answer is not taken as the created job.
#[tokio::test]
async fn row14_a_create_is_not_redirected_to_another_origin() {
    let elsewhere = Server::start(|_, _, socket| async move {
        respond(
            socket,
            "201 Created",
            "",
            br#"{"id":"EVIL","name":"n","jobanalyses":[]}"#,
        )
        .await;
    })
    .await;
    let location = format!("{}/api/v2/jobs/", elsewhere.base_url());
    let server = Server::start(move |_, _, socket| {
        let location = location.clone();
        async move {
            respond(
                socket,
                "307 Temporary Redirect",
                &format!("Location: {location}\r\n"),
                b"",
            )
            .await;
        }
    })
    .await;
    let request: types::JobRequest = serde_json::from_value(serde_json::json!({
        "name": "n",
        "jobanalyses": [{"analysis": {"code": "ls_dyna", "version": "9.0.0"},
                          "hardware": {"coreType": "hpc-3", "coresPerSlot": 1, "slots": 1}}]
    }))
    .expect("request");
    let err = client(&server.base_url())
        .create_job(request)
        .send()
        .await
        .expect_err("not followed");
    match &err {
        Error::Api(api) => assert_eq!(api.status().as_u16(), 307),
        other => panic!("{other:?}"),
    }
    assert!(elsewhere.seen().is_empty(), "{:?}", elsewhere.seen());
    assert_eq!(server.seen().len(), 1);
}

// ------------------------------------------------------------------------------ row 15

/// Row 15, without md5 or size in the metadata and without an ETag: a cut download starts over
/// (no `Range`), so two versions of a file that changed in between are never spliced.
#[tokio::test]
async fn row15_no_validator_no_splice() {
    let old = Arc::new(data(120_000, 1));
    let new = Arc::new(data(120_000, 2));
    let (o, n) = (old.clone(), new.clone());
    let server = Server::start(move |i, req, mut socket| {
        let (old, new) = (o.clone(), n.clone());
        async move {
            if !req.target.ends_with("/contents/") {
                return respond(socket, "200 OK", "", &file_json("f1", None, None)).await;
            }
            // The first try sends half of the old version and drops; then the file changed.
            let body: &[u8] = if i == 1 { &old } else { &new };
            let (status, extra, part) = match req.header("range") {
                Some(r) => {
                    let from: usize = r
                        .trim_start_matches("bytes=")
                        .trim_end_matches('-')
                        .parse()
                        .unwrap_or(0);
                    (
                        "206 Partial Content",
                        format!(
                            "Content-Range: bytes {from}-{}/{}\r\n",
                            body.len() - 1,
                            body.len()
                        ),
                        &body[from..],
                    )
                }
                None => ("200 OK", String::new(), body),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{extra}\r\n",
                part.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            if i == 1 {
                let _ = socket.write_all(&part[..60_000]).await;
                let _ = socket.flush().await;
                tokio::time::sleep(Duration::from_millis(100)).await;
                let _ = socket.set_zero_linger();
                return;
            }
            let _ = socket.write_all(part).await;
        }
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("out.bin");
    let done = client(&server.base_url())
        .download_file_to("f1", &target)
        .await
        .expect("downloaded");
    assert!(!done.verified);
    assert_eq!(
        std::fs::read(&target).expect("read"),
        *new,
        "one version, whole"
    );
    let ranges: Vec<_> = server
        .seen()
        .iter()
        .filter(|s| s.target.ends_with("/contents/"))
        .map(|s| s.header("range"))
        .collect();
    assert_eq!(ranges, vec![None, None], "started over instead of resuming");
}

/// Row 15, with an ETag: the resume sends `If-Range`, and a server that says the file changed
/// (a 200 with another ETag) makes the download start over with the new version.
#[tokio::test]
async fn row15_resume_sends_if_range_and_a_changed_file_starts_over() {
    let old = Arc::new(data(120_000, 1));
    let new = Arc::new(data(120_000, 2));
    let (o, n) = (old.clone(), new.clone());
    let server = Server::start(move |i, req, mut socket| {
        let (old, new) = (o.clone(), n.clone());
        async move {
            if !req.target.ends_with("/contents/") {
                return respond(socket, "200 OK", "", &file_json("f1", None, None)).await;
            }
            if i == 1 {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: \"v1\"\r\n\r\n",
                    old.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&old[..60_000]).await;
                let _ = socket.flush().await;
                tokio::time::sleep(Duration::from_millis(100)).await;
                let _ = socket.set_zero_linger();
                return;
            }
            // The file changed: If-Range "v1" does not match, so the whole new version.
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nETag: \"v2\"\r\n\r\n",
                new.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&new).await;
        }
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("out.bin");
    client(&server.base_url())
        .download_file_to("f1", &target)
        .await
        .expect("downloaded");
    assert_eq!(std::fs::read(&target).expect("read"), *new);
    let second = server.seen()[2].clone();
    assert_eq!(second.header("range").as_deref(), Some("bytes=60000-"));
    assert_eq!(second.header("if-range").as_deref(), Some("\"v1\""));
}

/// A rerun resumes a partial file an interrupted download left, and starts over when the
/// partial file turns out to be of another version (the md5 of the whole says so).
#[tokio::test]
async fn partial_downloads_are_resumed_by_the_next_call_and_verified() {
    let content = Arc::new(data(90_000, 5));
    let server = Server::start(file_server_for_ranges(content.clone())).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("out.bin");
    let partial = dir.path().join("out.bin.partial");
    std::fs::write(&partial, &content[..30_000]).expect("partial");
    let c = client(&server.base_url());
    c.download_file_to("f1", &target).await.expect("resumed");
    assert_eq!(std::fs::read(&target).expect("read"), *content);
    let last = server.seen().last().cloned().expect("requests");
    assert_eq!(last.header("range").as_deref(), Some("bytes=30000-"));
    assert!(!partial.exists());

    // A stale partial file of another version: verified, found wrong, downloaded again.
    std::fs::remove_file(&target).expect("rm");
    std::fs::write(&partial, vec![0u8; 30_000]).expect("stale partial");
    c.download_file_to("f1", &target)
        .await
        .expect("started over");
    assert_eq!(std::fs::read(&target).expect("read"), *content);
}

fn file_server_for_ranges(
    content: Arc<Vec<u8>>,
) -> impl Fn(usize, Seen, TcpStream) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>>
+ Send
+ Sync
+ 'static {
    move |_, req, mut socket| {
        let content = content.clone();
        Box::pin(async move {
            if !req.target.ends_with("/contents/") {
                let md5 = md5_hex(&content);
                return respond(
                    socket,
                    "200 OK",
                    "",
                    &file_json("f1", Some(content.len()), Some(&md5)),
                )
                .await;
            }
            let from: usize = req
                .header("range")
                .and_then(|r| {
                    r.trim_start_matches("bytes=")
                        .trim_end_matches('-')
                        .parse()
                        .ok()
                })
                .unwrap_or(0);
            let (status, extra) = if from > 0 {
                (
                    "206 Partial Content",
                    format!(
                        "Content-Range: bytes {from}-{}/{}\r\n",
                        content.len() - 1,
                        content.len()
                    ),
                )
            } else {
                ("200 OK", String::new())
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\n{extra}\r\n",
                content.len() - from
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(&content[from..]).await;
        })
    }
}

/// Row 4, the polls of `run` and `jobs watch`: a status list whose pages never end is an error
/// after 10,000 statuses instead of growing the memory for ever.
#[tokio::test]
async fn row4_an_endless_status_history_ends_the_wait() {
    let server = Server::start(|_, req, socket| async move {
        let page: usize = req
            .target
            .split_once("page=")
            .and_then(|(_, rest)| rest.split('&').next()?.parse().ok())
            .unwrap_or(1);
        let host = req.header("host").unwrap_or_default();
        let results: Vec<_> = (0..100)
            .map(|_| serde_json::json!({"status": "Executing", "statusDate": "2026-12-02T00:00:00Z"}))
            .collect();
        let body = serde_json::json!({
            "count": 1_000_000_000u64,
            "next": format!("http://{host}/api/v2/jobs/j1/statuses/?page={}&page_size=100", page + 1),
            "previous": null,
            "results": results,
        });
        respond(socket, "200 OK", "", body.to_string().as_bytes()).await;
    })
    .await;
    let err = tokio::time::timeout(
        Duration::from_secs(60),
        client(&server.base_url()).wait_for_job("j1").wait(),
    )
    .await
    .expect("ends")
    .expect_err("an endless history");
    assert!(
        err.to_string().contains("more than 10000 statuses"),
        "{err}"
    );
    assert_eq!(
        server.seen().len(),
        101,
        "100 pages, and one more to see it goes on"
    );
}
