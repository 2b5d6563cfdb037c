//! 1 GiB streamed upload and download on loopback: the generated client against raw reqwest.
//!
//! `transfer <upload|download|download-file> <client|raw> [--mib N] [--runs N] [--file PATH]
//! [--chunk-kib N]`
//!
//! One process measures one side, so its peak RSS (`VmHWM`, printed at the end) belongs to that
//! side alone. The process serves itself on 127.0.0.1 with axum: uploads are read and discarded,
//! downloads are generated 64 KiB chunks (nothing on disk). The upload source is `--file` (made
//! once by `bench/transfer.sh` and read once before the runs, so that both sides read it from the
//! page cache), or else a sparse temp file made with `set_len` and removed on exit (then the first
//! run also pays the kernel's zero-filling of the page cache). `download` drops the received chunks;
//! `download-file` writes them to a temp file (the client through `ByteStream::write_to_file`,
//! raw reqwest through a `tokio::fs::File` and `sync_all`, as the client does). `--chunk-kib` is
//! the read buffer of the raw side's upload `ReaderStream` (default 64 KiB; the client picks its
//! own).
//!
//! Prints one line per run (to stderr) and a summary:
//! `side mode MiB/s(median) vmhwm_kib cpu_ms_per_gib`, the last being the process's user + system
//! CPU time over all runs (server included, the same for both sides) per GiB moved.
//! `bench/transfer.sh` runs both sides alternately and prints the ratio.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Path as UrlPath;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::routing::{get, post};
use bytes::Bytes;
use futures::StreamExt;
use tokio::io::AsyncWriteExt;

const KEY: &str = "bench-key";
const CHUNK: usize = 64 * 1024;
const STORED_FILE: &str = r#"{"id":"bench01","name":"big.bin"}"#;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Upload,
    Download,
    DownloadFile,
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Client,
    Raw,
}

struct Args {
    mode: Mode,
    side: Side,
    bytes: u64,
    runs: usize,
    file: Option<std::path::PathBuf>,
    chunk: usize,
}

fn parse_args() -> Result<Args, String> {
    let usage = "usage: transfer <upload|download|download-file> <client|raw> [--mib N] [--runs N] \
                 [--file PATH] [--chunk-kib N]";
    let mut args = std::env::args().skip(1);
    let mode = match args.next().as_deref() {
        Some("upload") => Mode::Upload,
        Some("download") => Mode::Download,
        Some("download-file") => Mode::DownloadFile,
        _ => return Err(usage.into()),
    };
    let side = match args.next().as_deref() {
        Some("client") => Side::Client,
        Some("raw") => Side::Raw,
        _ => return Err(usage.into()),
    };
    let mut bytes = 1024 * 1024 * 1024;
    let mut runs = 3;
    let mut file = None;
    let mut chunk = CHUNK;
    while let Some(flag) = args.next() {
        if flag == "--file" {
            file = Some(args.next().ok_or_else(|| usage.to_string())?.into());
            continue;
        }
        let value: u64 = args
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("{flag} needs a number\n{usage}"))?;
        match flag.as_str() {
            "--mib" => bytes = value * 1024 * 1024,
            "--runs" => runs = value.max(1) as usize,
            "--chunk-kib" => chunk = value.max(1) as usize * 1024,
            _ => return Err(usage.into()),
        }
    }
    Ok(Args {
        mode,
        side,
        bytes,
        runs,
        file,
        chunk,
    })
}

async fn serve(download_len: u64) -> SocketAddr {
    let chunk = Bytes::from(vec![0xA5u8; CHUNK]);
    let app = Router::new()
        .route(
            "/api/v2/files/contents/",
            post(|body: Body| async move {
                let mut stream = body.into_data_stream();
                let mut received = 0u64;
                while let Some(chunk) = stream.next().await {
                    match chunk {
                        Ok(chunk) => received += chunk.len() as u64,
                        Err(_) => {
                            return json(StatusCode::BAD_REQUEST, r#"{"detail":"broken upload"}"#);
                        }
                    }
                }
                let _ = received;
                json(StatusCode::CREATED, STORED_FILE)
            }),
        )
        .route(
            "/api/v2/files/{id}/contents/",
            get(move |UrlPath(_id): UrlPath<String>| {
                let chunk = chunk.clone();
                async move {
                    let full = download_len / CHUNK as u64;
                    let rest = (download_len % CHUNK as u64) as usize;
                    let tail = chunk.slice(..rest);
                    let chunks = futures::stream::iter(
                        std::iter::repeat_n(chunk, full as usize)
                            .chain((rest > 0).then_some(tail))
                            .map(Ok::<_, std::io::Error>),
                    );
                    (
                        [
                            (CONTENT_TYPE, "application/octet-stream".to_string()),
                            (CONTENT_LENGTH, download_len.to_string()),
                        ],
                        Body::from_stream(chunks),
                    )
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// A JSON answer with its status.
fn json(status: StatusCode, body: &'static str) -> axum::response::Response {
    use axum::response::IntoResponse;
    (status, [(CONTENT_TYPE, "application/json")], body).into_response()
}

async fn upload_client(client: &rescale::Client, file: &Path) -> u64 {
    let stored = client
        .upload_file(rescale::UploadSource::path(file))
        .send()
        .await
        .expect("client upload");
    assert_eq!(stored.id, "bench01");
    std::fs::metadata(file).unwrap().len()
}

async fn upload_raw(raw: &reqwest::Client, base: &str, file: &Path, chunk: usize) -> u64 {
    let handle = tokio::fs::File::open(file).await.unwrap();
    let len = handle.metadata().await.unwrap().len();
    let body =
        reqwest::Body::wrap_stream(tokio_util::io::ReaderStream::with_capacity(handle, chunk));
    let part = reqwest::multipart::Part::stream_with_length(body, len)
        .file_name("big.bin")
        .mime_str("application/octet-stream")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = raw
        .post(format!("{base}/api/v2/files/contents/"))
        .header("authorization", format!("Token {KEY}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let bytes = response.bytes().await.unwrap();
    let stored: rescale::types::File = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(stored.id, "bench01");
    len
}

async fn download_client(client: &rescale::Client, target: Option<&Path>) -> u64 {
    let response = client
        .download_file("bench01")
        .send()
        .await
        .expect("client download");
    let mut stream = response.into_body();
    match target {
        Some(path) => stream.write_to_file(path).await.unwrap(),
        None => {
            let mut n = 0u64;
            while let Some(chunk) = stream.next().await {
                n += chunk.unwrap().len() as u64;
            }
            n
        }
    }
}

async fn download_raw(raw: &reqwest::Client, base: &str, target: Option<&Path>) -> u64 {
    let response = raw
        .get(format!("{base}/api/v2/files/bench01/contents/"))
        .header("authorization", format!("Token {KEY}"))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let mut stream = response.bytes_stream();
    let mut file = match target {
        Some(path) => Some(tokio::io::BufWriter::with_capacity(
            256 * 1024,
            tokio::fs::File::create(path).await.unwrap(),
        )),
        None => None,
    };
    let mut n = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        if let Some(file) = file.as_mut() {
            file.write_all(&chunk).await.unwrap();
        }
        n += chunk.len() as u64;
    }
    if let Some(mut file) = file {
        file.flush().await.unwrap();
        file.into_inner().sync_all().await.unwrap();
    }
    n
}

/// User + system CPU time of this process so far, in milliseconds, from `/proc/self/stat`
/// (clock ticks of 10 ms: `USER_HZ` is 100 on Linux).
fn cpu_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces); utime and
    // stime are fields 14 and 15 of the whole line, so 12 and 13 after the name.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse::<u64>().ok())
        .sum();
    ticks * 10
}

/// Peak resident set size of this process in KiB, from `/proc/self/status`.
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = args
        .file
        .clone()
        .unwrap_or_else(|| dir.path().join("big.bin"));
    if args.mode == Mode::Upload && args.file.is_none() {
        // Sparse: reads back as zeros without touching the disk.
        std::fs::File::create(&source)
            .unwrap()
            .set_len(args.bytes)
            .unwrap();
    }
    let target = dir.path().join("downloaded.bin");
    let mode_name = match args.mode {
        Mode::Upload => "upload",
        Mode::Download => "download",
        Mode::DownloadFile => "download-file",
    };
    let side_name = match args.side {
        Side::Client => "client",
        Side::Raw => "raw",
    };

    let (mut rates, cpu_used) = runtime.block_on(async {
        let addr = serve(args.bytes).await;
        let base = format!("http://{addr}");
        let client = rescale::Client::with_key(&base, KEY).unwrap();
        let raw = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let mut rates = Vec::with_capacity(args.runs);
        let cpu_before = cpu_ms();
        for run in 0..args.runs {
            let file_target = (args.mode == Mode::DownloadFile).then_some(target.as_path());
            let start = Instant::now();
            let moved = match (args.mode, args.side) {
                (Mode::Upload, _) if std::fs::metadata(&source).unwrap().len() != args.bytes => {
                    panic!("{} is not {} bytes long", source.display(), args.bytes)
                }
                (Mode::Upload, Side::Client) => upload_client(&client, &source).await,
                (Mode::Upload, Side::Raw) => upload_raw(&raw, &base, &source, args.chunk).await,
                (_, Side::Client) => download_client(&client, file_target).await,
                (_, Side::Raw) => download_raw(&raw, &base, file_target).await,
            };
            let secs = start.elapsed().as_secs_f64();
            assert_eq!(moved, args.bytes, "moved a different number of bytes");
            let rate = moved as f64 / (1024.0 * 1024.0) / secs;
            eprintln!("{side_name} {mode_name} run {run}: {secs:.3} s, {rate:.0} MiB/s");
            let _ = std::fs::remove_file(&target);
            rates.push(rate);
        }
        (rates, cpu_ms() - cpu_before)
    });
    let gib = (args.bytes * args.runs as u64) as f64 / (1024.0 * 1024.0 * 1024.0);
    let cpu_per_gib = cpu_used as f64 / gib;
    rates.sort_by(f64::total_cmp);
    let median = rates[rates.len() / 2];
    println!(
        "{side_name} {mode_name} {median:.0} {} {cpu_per_gib:.0}",
        vm_hwm_kib()
    );
    ExitCode::SUCCESS
}
