//! Issue 12 end to end: the `rescale` binary against a hostile Rescale. A proxy on loopback sits
//! in front of a real simulator and, by rules each test sets, answers some requests itself the
//! way a compromised, buggy or spoofed server (or a proxy in between) could: ids and names that
//! are paths, truncated or wrong downloads, endless lists, escape sequences, redirects, hangs.
//! Every other request reaches the simulator. Each test rebuilds one row of the red-team report
//! (its number is in the test's name).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use rescale_simulator::{Simulator, SimulatorConfig};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request the proxy received.
#[derive(Debug, Clone)]
struct Req {
    method: String,
    /// The path without the query.
    path: String,
    head: String,
}

impl Req {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    fn query(&self) -> String {
        let target = self.head.split(' ').nth(1).unwrap_or_default();
        target
            .split_once('?')
            .map(|(_, q)| q.to_owned())
            .unwrap_or_default()
    }
}

/// What the proxy does with a request.
enum Answer {
    /// Pass it to the simulator.
    Forward,
    /// A complete JSON answer.
    Json(u16, Value),
    /// These bytes as they are, then close the connection.
    Raw(Vec<u8>),
    /// These bytes, then hold the connection open without a word more (for a while).
    RawThenHang(Vec<u8>),
}

type Rule = Arc<dyn Fn(&Req) -> Answer + Send + Sync>;

/// The simulator, the proxy in front of it, and their runtime.
struct Hostile {
    sim: Simulator,
    proxy: SocketAddr,
    seen: Arc<Mutex<Vec<Req>>>,
    /// Serves the simulator and the proxy for as long as the test holds this.
    _runtime: tokio::runtime::Runtime,
}

impl Hostile {
    fn start(rule: impl Fn(&Req) -> Answer + Send + Sync + 'static) -> Hostile {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = runtime
            .block_on(rescale_simulator::start(SimulatorConfig {
                step: Duration::ZERO,
                ..SimulatorConfig::default()
            }))
            .expect("simulator");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let proxy = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (log, upstream, rule): (_, _, Rule) = (seen.clone(), sim.addr(), Arc::new(rule));
        runtime.spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (log, rule) = (log.clone(), rule.clone());
                tokio::spawn(serve(socket, upstream, log, rule));
            }
        });
        Hostile {
            sim,
            proxy,
            seen,
            _runtime: runtime,
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}", self.proxy)
    }

    fn seen(&self) -> Vec<Req> {
        self.seen.lock().expect("lock").clone()
    }

    fn count(&self, method: &str, path_part: &str) -> usize {
        self.seen()
            .iter()
            .filter(|r| r.method == method && r.path.contains(path_part))
            .count()
    }
}

/// Serves one connection: one request, then close.
async fn serve(mut socket: TcpStream, upstream: SocketAddr, log: Arc<Mutex<Vec<Req>>>, rule: Rule) {
    let Some((req, body)) = read_request(&mut socket).await else {
        return;
    };
    log.lock().expect("lock").push(req.clone());
    match rule(&req) {
        Answer::Forward => {
            let Ok(mut up) = TcpStream::connect(upstream).await else {
                return;
            };
            let mut head: Vec<&str> = req
                .head
                .trim_end()
                .lines()
                .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
                .collect();
            head.push("Connection: close");
            let head = format!("{}\r\n\r\n", head.join("\r\n"));
            if up.write_all(head.as_bytes()).await.is_err() || up.write_all(&body).await.is_err() {
                return;
            }
            let _ = tokio::io::copy(&mut up, &mut socket).await;
            let _ = socket.shutdown().await;
        }
        Answer::Json(status, value) => {
            let body = value.to_string();
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            );
            let _ = socket.write_all(head.as_bytes()).await;
            let _ = socket.write_all(body.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
        Answer::Raw(bytes) => {
            let _ = socket.write_all(&bytes).await;
            let _ = socket.shutdown().await;
        }
        Answer::RawThenHang(bytes) => {
            let _ = socket.write_all(&bytes).await;
            let _ = socket.flush().await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
}

/// Reads a request head and its body (by `Content-Length` or chunked).
async fn read_request(socket: &mut TcpStream) -> Option<(Req, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16384];
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
    let mut words = head.split(' ');
    let method = words.next().unwrap_or_default().to_owned();
    let target = words.next().unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let req = Req { method, path, head };
    let mut body = buf[end..].to_vec();
    if let Some(len) = req
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        while body.len() < len {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else if req
        .header("transfer-encoding")
        .is_some_and(|v| v.contains("chunked"))
    {
        while !body.ends_with(b"0\r\n\r\n") {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }
    Some((req, body))
}

// ------------------------------------------------------------------------------ helpers

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn data(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(17).wrapping_add(seed))
        .collect()
}

/// The binary under test: this build's, or `RESCALE_TEST_BIN` (to check that these tests fail
/// on a build from before issue 12).
fn binary() -> PathBuf {
    std::env::var_os("RESCALE_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_rescale")))
}

/// A scratch directory, HOME and working directory of the binary.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The binary pointed at `server` with the simulator's key, run in `cwd` (relative to the
    /// scratch directory).
    fn cmd_in(&self, server: &Hostile, cwd: &str, args: &[&str]) -> Command {
        let dir = self.path(cwd);
        std::fs::create_dir_all(&dir).expect("cwd");
        let mut cmd = Command::new(binary());
        cmd.args([
            "--base-url",
            &server.base_url(),
            "--api-key",
            server.sim.api_key(),
        ])
        .args(args)
        .current_dir(dir)
        .env("HOME", self.dir.path())
        .env("TMPDIR", self.path("tmp"));
        std::fs::create_dir_all(self.path("tmp")).expect("tmp");
        for var in [
            "RESCALE_API_KEY",
            "RESCALE_API_BASE_URL",
            "RESCALE_REGION",
            "RESCALE_CONFIG_FILE",
            "RESCALE_PROFILE",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    fn cmd(&self, server: &Hostile, args: &[&str]) -> Command {
        self.cmd_in(server, "work", args)
    }
}

fn run(mut cmd: Command) -> Output {
    let out = cmd.output().expect("binary runs");
    eprintln!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A file's metadata as the API gives it.
fn file_meta(id: &str, name: &str, content: &[u8], md5: Option<&str>) -> Value {
    let mut v = json!({"id": id, "name": name, "decryptedSize": content.len()});
    if let Some(md5) = md5 {
        v["md5"] = md5.into();
    }
    v
}

/// An answer with `Content-Length: announced` and `part` of the body.
fn head_and_part(status: &str, extra: &str, announced: usize, part: &[u8]) -> Vec<u8> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: \
         {announced}\r\nConnection: close\r\n{extra}\r\n"
    );
    [head.as_bytes(), part].concat()
}

/// Serves `content` for `/contents/`, honouring `Range: bytes=N-`.
fn contents(req: &Req, content: &[u8]) -> Answer {
    let from: usize = req
        .header("range")
        .and_then(|r| {
            r.trim_start_matches("bytes=")
                .trim_end_matches('-')
                .parse()
                .ok()
        })
        .unwrap_or(0);
    if from > 0 {
        let range = format!(
            "Content-Range: bytes {from}-{}/{}\r\n",
            content.len() - 1,
            content.len()
        );
        Answer::Raw(head_and_part(
            "206 Partial Content",
            &range,
            content.len() - from,
            &content[from..],
        ))
    } else {
        Answer::Raw(head_and_part("200 OK", "", content.len(), content))
    }
}

/// A job that the server says was created with `job_id`, completes at once, and has `files`
/// (`(id, relative path, bytes)`) as outputs. The rest goes to the simulator.
fn job_rules(
    job_id: &str,
    files: Vec<(&str, &str, Vec<u8>)>,
) -> impl Fn(&Req) -> Answer + Send + Sync + 'static {
    let job_id = job_id.to_owned();
    let files: Vec<(String, String, Vec<u8>)> = files
        .into_iter()
        .map(|(i, p, d)| (i.to_owned(), p.to_owned(), d))
        .collect();
    move |req: &Req| {
        let p = req.path.as_str();
        if req.method == "POST" && p == "/api/v2/jobs/" {
            return Answer::Json(201, json!({"id": job_id, "name": "n", "jobanalyses": []}));
        }
        if p.starts_with("/api/v2/jobs/") && p.ends_with("/submit/") {
            return Answer::Json(200, json!({}));
        }
        if p.starts_with("/api/v2/jobs/") && p.ends_with("/statuses/") {
            return Answer::Json(
                200,
                json!({"count": 1, "next": null, "previous": null, "results": [
                    {"status": "Completed", "statusDate": "2026-12-02T00:00:00Z", "statusReason": "Completed successfully"}
                ]}),
            );
        }
        if p.starts_with("/api/v2/jobs/") && p.ends_with("/files/") {
            let results: Vec<Value> = files
                .iter()
                .map(|(id, rel, data)| {
                    let mut m = file_meta(
                        id,
                        rel.rsplit('/').next().unwrap_or(rel),
                        data,
                        Some(&md5_hex(data)),
                    );
                    m["relativePath"] = rel.as_str().into();
                    m
                })
                .collect();
            return Answer::Json(
                200,
                json!({"count": results.len(), "next": null, "previous": null, "results": results}),
            );
        }
        for (id, rel, data) in &files {
            if p == format!("/api/v2/files/{id}/") {
                return Answer::Json(200, file_meta(id, rel, data, Some(&md5_hex(data))));
            }
            if p == format!("/api/v2/files/{id}/contents/") {
                return contents(req, data);
            }
        }
        Answer::Forward
    }
}

/// Lists every file under `dir`, relative to it.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path.clone());
            }
            out.push(
                path.strip_prefix(dir)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
            );
        }
    }
    out.sort();
    out
}

// ------------------------------------------------------------------------------ row 1

/// Row 1: a job id from the create answer that is a path (`../../escape`, or absolute) is not
/// joined into the output path: nothing is written outside `rescale-outputs/`.
#[test]
fn row1_a_job_id_cannot_choose_where_outputs_go() {
    let env = Env::new();
    let outside = env.path("abs");
    for id in ["../../escape", outside.to_str().expect("utf-8")] {
        let server = Hostile::start(job_rules(id, vec![("F1", "log.txt", b"log".to_vec())]));
        let out = run(env.cmd_in(&server, "a/b", &["run", "--interval", "0"]));
        assert_ne!(out.status.code(), Some(0));
        assert!(
            stderr(&out).contains("cannot be a file name"),
            "{}",
            stderr(&out)
        );
        assert!(!env.path("a/escape").exists());
        assert!(!outside.exists());
        assert_eq!(tree(&env.path("a")), ["b"], "nothing written");
    }
}

// ------------------------------------------------------------------------------ row 2

/// Row 2: the CLI's downloads are checked: a body cut short (a known 300,000 bytes, 150,000
/// sent, every time) fails instead of leaving a truncated file; a wrong md5 fails; a reset is
/// resumed with `Range`. An upload whose answer reports another size or md5 fails.
#[test]
fn row2_cli_transfers_are_verified_and_resumed() {
    let content = data(300_000, 1);
    let md5 = md5_hex(&content);
    let cut = content.clone();
    let (m, c) = (md5.clone(), content.clone());
    let server = Hostile::start(move |req| match req.path.as_str() {
        "/api/v2/files/CUT/" => Answer::Json(200, file_meta("CUT", "cut.bin", &cut, Some(&m))),
        "/api/v2/files/CUT/contents/" => {
            Answer::Raw(head_and_part("200 OK", "", cut.len(), &cut[..150_000]))
        }
        "/api/v2/files/BAD/" => {
            Answer::Json(200, file_meta("BAD", "bad.bin", &c, Some(&"0".repeat(32))))
        }
        "/api/v2/files/BAD/contents/" => contents(req, &c),
        "/api/v2/files/RST/" => Answer::Json(200, file_meta("RST", "rst.bin", &c, Some(&m))),
        "/api/v2/files/RST/contents/" if req.header("range").is_none() => {
            Answer::Raw(head_and_part("200 OK", "", c.len(), &c[..100_000]))
        }
        "/api/v2/files/RST/contents/" => contents(req, &c),
        "/api/v2/files/contents/" => Answer::Json(
            201,
            json!({
                "id": "UP1", "name": "in.bin", "decryptedSize": 1, "md5": "0".repeat(32)
            }),
        ),
        _ => Answer::Forward,
    });
    let env = Env::new();

    let out = run(env.cmd(&server, &["download", "CUT"]));
    assert_eq!(out.status.code(), Some(6));
    assert!(!env.path("work/cut.bin").exists(), "no truncated file");

    let out = run(env.cmd(&server, &["download", "BAD"]));
    assert_eq!(out.status.code(), Some(6));
    assert!(stderr(&out).contains("md5"), "{}", stderr(&out));
    assert!(!env.path("work/bad.bin").exists());

    let out = run(env.cmd(&server, &["download", "RST"]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read(env.path("work/rst.bin")).expect("read"),
        content
    );
    let ranges: Vec<_> = server
        .seen()
        .iter()
        .filter(|r| r.path == "/api/v2/files/RST/contents/")
        .map(|r| r.header("range"))
        .collect();
    assert_eq!(ranges, [None, Some("bytes=100000-".to_owned())]);

    std::fs::write(env.path("work/in.bin"), b"hello").expect("write");
    let out = run(env.cmd(&server, &["upload", "in.bin"]));
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("length") || stderr(&out).contains("md5"),
        "{}",
        stderr(&out)
    );
}

// ------------------------------------------------------------------------------ row 3

/// Row 3: a 2 GB answer to `jobs get` is refused at once (memory stays bounded), with a clear
/// error.
#[test]
fn row3_a_huge_answer_is_refused() {
    let server = Hostile::start(|req| {
        match req.path.as_str() {
        "/api/v2/jobs/big/" => Answer::RawThenHang(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2147483648\r\n\r\n{\"id\": \"".to_vec(),
        ),
        _ => Answer::Forward,
    }
    });
    let env = Env::new();
    let started = Instant::now();
    let out = run(env.cmd(&server, &["jobs", "get", "big"]));
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).contains("larger than 64 MiB"),
        "{}",
        stderr(&out)
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(server.count("GET", "/jobs/big/"), 1);
}

// ------------------------------------------------------------------------------ row 4

/// An endless list of analyses: every page links to a next one.
fn endless_analyses(req: &Req) -> Answer {
    if req.path != "/api/v2/analyses/" {
        return Answer::Forward;
    }
    let page: usize = req
        .query()
        .split('&')
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|p| p.parse().ok())
        .unwrap_or(1);
    let host = req.header("host").unwrap_or_default();
    let results: Vec<Value> = (0..100)
        .map(|i| json!({"code": format!("a{page}-{i}"), "name": "Endless", "versions": [{"versionCode": "1"}]}))
        .collect();
    Answer::Json(
        200,
        json!({
            "count": 1_000_000_000u64,
            "next": format!("http://{host}/api/v2/analyses/?page={}&page_size=100", page + 1),
            "previous": null,
            "results": results,
        }),
    )
}

/// Row 4: lists print page by page: against endless pages `--limit` ends the command after
/// the pages it needs, and without a limit the first rows appear at once.
#[test]
fn row4_lists_stream_and_take_a_limit() {
    let server = Hostile::start(endless_analyses);
    let env = Env::new();
    let out = run(env.cmd(&server, &["analyses", "--json", "--limit", "250"]));
    assert_eq!(out.status.code(), Some(0));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    assert_eq!(list.len(), 250);
    assert_eq!(list[249]["code"], "a3-49");
    assert_eq!(
        server.count("GET", "/analyses/"),
        3,
        "no page more than needed"
    );

    let mut child = env
        .cmd(&server, &["analyses"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let lines = BufReader::new(stdout).lines().take(1000).count();
        let _ = tx.send(lines);
    });
    let lines = rx.recv_timeout(Duration::from_secs(30));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(lines, Ok(1000), "rows appear while the list goes on");
}

// ------------------------------------------------------------------------------ rows 5, 6, 8, 12

fn one_file(
    name: &'static str,
    content: Vec<u8>,
) -> impl Fn(&Req) -> Answer + Send + Sync + 'static {
    let md5 = md5_hex(&content);
    move |req: &Req| match req.path.as_str() {
        "/api/v2/files/F1/" => Answer::Json(200, file_meta("F1", name, &content, Some(&md5))),
        "/api/v2/files/F1/contents/" => contents(req, &content),
        _ => Answer::Forward,
    }
}

/// Row 5: links planted where the temporary file goes are not followed: the file they point to
/// keeps its bytes and the destination does not become a link.
#[cfg(unix)]
#[test]
fn row5_planted_links_are_not_followed() {
    let content = data(50_000, 2);
    let server = Hostile::start(one_file("out.bin", content.clone()));
    let env = Env::new();
    std::fs::create_dir_all(env.path("work")).expect("mkdir");
    let victim = env.path("victim");
    std::fs::write(&victim, b"precious").expect("write");
    for temp in ["out.bin.part", "out.bin.partial"] {
        std::os::unix::fs::symlink(&victim, env.path("work").join(temp)).expect("symlink");
    }
    let out = run(env.cmd(&server, &["download", "F1"]));
    assert_eq!(out.status.code(), Some(7));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&victim).expect("victim"), b"precious");
    assert!(!env.path("work/out.bin").exists());
}

/// Row 6: `-o FIFO` writes into the FIFO (it stays one) and `-o -` writes to stdout.
#[cfg(unix)]
#[test]
fn row6_special_files_and_stdout_are_written_into() {
    use std::os::unix::fs::FileTypeExt;
    let content = data(80_000, 3);
    let server = Hostile::start(one_file("out.bin", content.clone()));
    let env = Env::new();
    std::fs::create_dir_all(env.path("work")).expect("mkdir");
    let fifo = env.path("work/pipe");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).expect("read fifo"))
    };
    let out = run(env.cmd(&server, &["download", "F1", "-o", "pipe"]));
    assert_eq!(out.status.code(), Some(0));
    // Checked before waiting for the reader: a FIFO renamed over would leave it blocked.
    assert!(
        std::fs::symlink_metadata(&fifo)
            .expect("meta")
            .file_type()
            .is_fifo()
    );
    assert_eq!(reader.join().expect("reader"), content);

    let out = run(env.cmd(&server, &["download", "F1", "-o", "-"]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, content);
}

/// Row 8: the server's default name does not overwrite an existing file unless `--force`;
/// a name that is a path is refused.
#[test]
fn row8_no_overwrite_without_force() {
    let content = data(1_000, 4);
    let server = Hostile::start(one_file(".bashrc", content.clone()));
    let env = Env::new();
    std::fs::create_dir_all(env.path("work")).expect("mkdir");
    std::fs::write(env.path("work/.bashrc"), b"alias ls=ls").expect("write");
    let out = run(env.cmd(&server, &["download", "F1"]));
    assert_eq!(out.status.code(), Some(7));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(env.path("work/.bashrc")).expect("read"),
        b"alias ls=ls"
    );
    let out = run(env.cmd(&server, &["download", "F1", "--force"]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read(env.path("work/.bashrc")).expect("read"),
        content
    );

    let server = Hostile::start(one_file("../escape.txt", content));
    let out = run(env.cmd(&server, &["download", "F1"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot be a file name"),
        "{}",
        stderr(&out)
    );
    assert!(!env.path("escape.txt").exists());
}

/// Row 12: `-o DIR` downloads into the directory under the file's name; in `run`, an output
/// that cannot be written (a NUL in its name, a file where a directory must go) is reported
/// and the others are still downloaded.
#[test]
fn row12_bad_outputs_do_not_stop_the_others() {
    let content = data(1_000, 5);
    let server = Hostile::start(one_file("out.bin", content.clone()));
    let env = Env::new();
    std::fs::create_dir_all(env.path("work/into")).expect("mkdir");
    let out = run(env.cmd(&server, &["download", "F1", "-o", "into"]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read(env.path("work/into/out.bin")).expect("read"),
        content
    );
    assert_eq!(
        tree(&env.path("work/into")),
        ["out.bin"],
        "no partial file left"
    );

    let server = Hostile::start(job_rules(
        "J1",
        vec![
            ("A", "a", b"first".to_vec()),
            ("AB", "a/b", b"second".to_vec()),
            ("NUL", "x\u{0}y", b"third".to_vec()),
            ("OK", "ok.txt", b"fourth".to_vec()),
        ],
    ));
    let out = run(env.cmd(&server, &["run", "--interval", "0", "-o", "outs"]));
    assert_eq!(out.status.code(), Some(7));
    let err = stderr(&out);
    assert!(
        err.contains("2 output file(s) of job J1 could not be written"),
        "{err}"
    );
    assert_eq!(std::fs::read(env.path("work/outs/a")).expect("a"), b"first");
    assert_eq!(
        std::fs::read(env.path("work/outs/ok.txt")).expect("ok"),
        b"fourth"
    );
}

// ------------------------------------------------------------------------------ row 9

/// Row 9: escape sequences in server text (an error detail, names) reach the terminal as
/// visible escapes, in text and in JSON output.
#[test]
fn row9_escape_sequences_are_shown_not_obeyed() {
    let server = Hostile::start(|req| match req.path.as_str() {
        "/api/v2/jobs/X1/" => Answer::Json(
            404,
            json!({"detail": "\u{1b}[2K\rJob X1 completed successfully\u{9b}1m"}),
        ),
        "/api/v2/analyses/" => Answer::Json(
            200,
            json!({"count": 1, "next": null, "previous": null, "results": [
                {"code": "evil\u{1b}]0;title\u{7}", "name": "Evil \u{202e}txt.exe", "versions": []}
            ]}),
        ),
        _ => Answer::Forward,
    });
    let env = Env::new();
    let unsafe_bytes = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        text.chars()
            .any(|c| c != '\n' && (c.is_control() || c == '\u{202e}'))
    };
    let out = run(env.cmd(&server, &["jobs", "get", "X1"]));
    assert_eq!(out.status.code(), Some(4));
    assert!(!unsafe_bytes(&out.stderr), "{:?}", stderr(&out));
    assert!(stderr(&out).contains("\\x1b[2K"), "{:?}", stderr(&out));
    for args in [&["analyses"][..], &["analyses", "--json"][..]] {
        let out = run(env.cmd(&server, args));
        assert_eq!(out.status.code(), Some(0));
        assert!(
            !unsafe_bytes(&out.stdout),
            "{:?}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    let out = run(env.cmd(&server, &["analyses", "--json"]));
    let list: Value = serde_json::from_slice(&out.stdout).expect("still JSON");
    assert_eq!(
        list[0]["code"], "evil\u{1b}]0;title\u{7}",
        "the data is intact"
    );
}

// ------------------------------------------------------------------------------ row 10

/// Row 10: an apiconfig that others can write is not used (its `apibaseurl` could send the key
/// anywhere), and credentials or a query in a base URL never show in errors.
#[cfg(unix)]
#[test]
fn row10_a_writable_profile_is_refused_and_urls_redacted() {
    use std::os::unix::fs::PermissionsExt;
    let server = Hostile::start(|_| Answer::Forward);
    let env = Env::new();
    let profile = env.path("apiconfig");
    std::fs::write(
        &profile,
        format!("[default]\napibaseurl = {}\n", server.base_url()),
    )
    .expect("write");
    std::fs::set_permissions(&profile, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    let mut cmd = Command::new(binary());
    cmd.args(["jobs", "list"])
        .current_dir(env.dir.path())
        .env("HOME", env.dir.path())
        .env("RESCALE_API_KEY", "KEY-FROM-ENV")
        .env("RESCALE_CONFIG_FILE", &profile)
        .env_remove("RESCALE_API_BASE_URL")
        .env_remove("RESCALE_REGION");
    let out = run(cmd);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("writable by other users"),
        "{}",
        stderr(&out)
    );
    assert!(server.seen().is_empty(), "the key went nowhere");

    for url in [
        "http://user:SECRET@example.com/",
        "https://example.com/api?token=SECRET",
    ] {
        let mut cmd = Command::new(binary());
        cmd.args(["--base-url", url, "--api-key", "k", "jobs", "list"])
            .env("HOME", env.dir.path());
        let out = run(cmd);
        assert_ne!(out.status.code(), Some(0));
        assert!(!stderr(&out).contains("SECRET"), "{}", stderr(&out));
    }
}

// ------------------------------------------------------------------------------ row 11

fn signal(child: &std::process::Child, sig: &str) {
    let status = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
}

/// Waits (at most 20 s) until `ready` holds.
fn wait_for(ready: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(20);
    while !ready() {
        assert!(Instant::now() < until, "timed out waiting");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Row 11: SIGINT during a download keeps a partial file that can be verified, and the rerun
/// resumes it; SIGTERM during `run` removes the temporary input zip.
#[cfg(unix)]
#[test]
fn row11_signals_leave_what_a_rerun_can_use_and_nothing_else() {
    let content = data(1_000_000, 6);
    let md5 = md5_hex(&content);
    let stall = Arc::new(AtomicBool::new(true));
    let (c, s) = (content.clone(), stall.clone());
    let server = Hostile::start(move |req| match req.path.as_str() {
        "/api/v2/files/F1/" => Answer::Json(200, file_meta("F1", "out.bin", &c, Some(&md5))),
        "/api/v2/files/F1/contents/" if s.load(Ordering::SeqCst) => {
            Answer::RawThenHang(head_and_part("200 OK", "", c.len(), &c[..600_000]))
        }
        "/api/v2/files/F1/contents/" => contents(req, &c),
        "/api/v2/files/contents/" => Answer::RawThenHang(Vec::new()),
        _ => Answer::Forward,
    });
    let env = Env::new();
    let mut child = env
        .cmd(&server, &["download", "F1"])
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // The partial file is written through a buffer: what reached it is a prefix of the file.
    let partial = env.path("work/out.bin.partial");
    wait_for(|| std::fs::metadata(&partial).is_ok_and(|m| m.len() > 0));
    signal(&child, "-INT");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(130));
    let kept = std::fs::read(&partial).expect("kept");
    assert!(!kept.is_empty() && kept.len() <= 600_000, "{}", kept.len());
    assert_eq!(kept[..], content[..kept.len()]);

    stall.store(false, Ordering::SeqCst);
    let out = run(env.cmd(&server, &["download", "F1"]));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read(env.path("work/out.bin")).expect("read"),
        content
    );
    assert!(!partial.exists());
    let last = server
        .seen()
        .into_iter()
        .rfind(|r| r.path == "/api/v2/files/F1/contents/");
    assert_eq!(
        last.and_then(|r| r.header("range")),
        Some(format!("bytes={}-", kept.len()))
    );

    // `run` with a directory input: killed while its zip is being uploaded.
    std::fs::create_dir_all(env.path("work/model")).expect("mkdir");
    std::fs::write(env.path("work/model/main.k"), vec![b'x'; 100_000]).expect("write");
    let mut child = env
        .cmd(&server, &["run", "model"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    wait_for(|| server.count("POST", "/files/contents/") == 1);
    assert_eq!(
        tree(&env.path("tmp")).len(),
        2,
        "the zip and its directory exist"
    );
    signal(&child, "-TERM");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(143));
    assert!(
        tree(&env.path("tmp")).is_empty(),
        "{:?}",
        tree(&env.path("tmp"))
    );
}

// ------------------------------------------------------------------------------ row 13

/// Row 13: `run dir/` does not follow links inside the directory (an outside file would be
/// uploaded) and says so; a FIFO as the input is refused instead of hanging.
#[cfg(unix)]
#[test]
fn row13_links_and_special_files_in_inputs_are_refused() {
    let server = Hostile::start(|_| Answer::Forward);
    let env = Env::new();
    std::fs::create_dir_all(env.path("work/model")).expect("mkdir");
    std::fs::write(env.path("work/model/main.k"), b"*KEYWORD\n").expect("write");
    std::fs::write(env.path("secret"), b"outside").expect("write");
    std::os::unix::fs::symlink(env.path("secret"), env.path("work/model/link.k")).expect("symlink");
    let out = run(env.cmd(&server, &["run", "model"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(
        server.count("POST", "/files/contents/"),
        0,
        "nothing uploaded"
    );

    assert!(
        Command::new("mkfifo")
            .arg(env.path("work/fifo.k"))
            .status()
            .expect("mkfifo")
            .success()
    );
    let started = Instant::now();
    let out = run(env.cmd(&server, &["run", "fifo.k"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    let out = run(env.cmd(&server, &["upload", "fifo.k"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed() < Duration::from_secs(20));
}
