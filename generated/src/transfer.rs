//! Checked file transfers: uploads whose stored `md5` is compared with the bytes sent, and
//! downloads that resume after a dropped connection and are verified before they appear.

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented
    )
)]

use std::io::{self, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use md5::{Digest, Md5};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt};

use crate::runtime::{Error, StatusCode, Tap, TapEvent, TimeoutKind, UploadSource};
use crate::{Client, types};

/// Most tries of a download in a row that receive no new bytes before it gives up.
const STALLED_TRIES: u32 = 4;
/// Most resumptions of one download overall.
const MAX_RESUMES: u32 = 100;

/// The result of [`Client::upload_file_checked`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CheckedUpload {
    /// The stored file as the server described it.
    pub file: types::File,
    /// How many bytes were sent.
    pub bytes: u64,
    /// MD5 of the bytes sent, lower-case hex.
    pub md5: String,
    /// Whether the server reported a checksum that was compared (`false`: it reported none, so
    /// nothing could be checked).
    pub verified: bool,
}

/// The result of [`Client::download_file_to`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckedDownload {
    /// Bytes written to the target.
    pub bytes: u64,
    /// MD5 of the bytes written, lower-case hex.
    pub md5: String,
    /// Whether the server's `md5` was known and compared.
    pub verified: bool,
    /// How many times the download was resumed with a `Range` request after a failure.
    pub resumes: u32,
}

impl Client {
    /// Uploads the file at `path` (streamed, never loaded into memory) and checks that the `md5`
    /// the server stored equals the MD5 of the bytes sent, computed while they were being sent
    /// (the file is read once). The server's `md5` field is used, else an `md5` entry of
    /// `fileChecksums`; `decryptedSize`, when reported, must equal the bytes sent.
    ///
    /// A mismatch is [`Error::Integrity`]; the uploaded file is left on the server for the caller
    /// to inspect or delete. Like every file upload this POST is not retried once it may have
    /// reached the server.
    pub async fn upload_file_checked(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<CheckedUpload, Error> {
        self.upload_checked(UploadSource::path(path.as_ref()), None)
            .await
    }

    /// Uploads `source` (a path, bytes or a stream, under its own name) and checks the stored
    /// file like [`Client::upload_file_checked`]. `progress`, if given, also sees every byte
    /// sent (the source's own tap is replaced).
    pub async fn upload_checked(
        &self,
        source: UploadSource,
        progress: Option<Tap>,
    ) -> Result<CheckedUpload, Error> {
        let hashing = Arc::new(Mutex::new((Md5::new(), 0u64)));
        let seen = hashing.clone();
        let tap: Tap = Arc::new(move |event: TapEvent<'_>| {
            {
                let mut state = seen.lock().unwrap_or_else(|p| p.into_inner());
                match &event {
                    TapEvent::Start => *state = (Md5::new(), 0),
                    TapEvent::Chunk(bytes) => {
                        state.0.update(bytes);
                        state.1 += bytes.len() as u64;
                    }
                }
            }
            if let Some(progress) = &progress {
                progress(event);
            }
        });
        let source = source.with_tap(tap);
        let file = self.upload_file(source).send().await?.into_body();
        let (hasher, bytes) = {
            let mut state = hashing.lock().unwrap_or_else(|p| p.into_inner());
            std::mem::replace(&mut *state, (Md5::new(), 0))
        };
        let md5 = hex(&hasher.finalize());
        if let Some(size) = file.decrypted_size
            && u64::try_from(size).ok() != Some(bytes)
        {
            return Err(Error::Integrity {
                what: "length",
                expected: bytes.to_string(),
                actual: size.to_string(),
            });
        }
        let verified = match server_md5(&file) {
            Some(stored) if !stored.eq_ignore_ascii_case(&md5) => {
                return Err(Error::Integrity {
                    what: "md5",
                    expected: md5,
                    actual: stored.to_owned(),
                });
            }
            Some(_) => true,
            None => false,
        };
        Ok(CheckedUpload {
            file,
            bytes,
            md5,
            verified,
        })
    }

    /// Downloads a file to `path`, replacing a file that is there: [`Client::download_file_with`]
    /// with [`DownloadOptions::overwrite`] on.
    pub async fn download_file_to(
        &self,
        file_id: &str,
        path: impl AsRef<Path>,
    ) -> Result<CheckedDownload, Error> {
        let options = DownloadOptions::default().overwrite(true);
        self.download_file_with(file_id, path, options).await
    }

    /// Downloads a file to `path`, safely, whatever the server sends.
    ///
    /// The destination is looked at first, before anything is downloaded: a directory is
    /// [`Error::InvalidArgument`]; an existing file is [`Error::Io`] of kind `AlreadyExists`
    /// unless [`DownloadOptions::overwrite`]; a special file (a FIFO, `/dev/null`, a terminal) is
    /// written into, never replaced.
    ///
    /// Then the file's metadata is read (for its `md5` and size) and the contents written to
    /// `path` + `.partial`, opened without following links and refused unless it is a plain file
    /// of this user. If the connection drops or stalls mid-body, the download continues with
    /// `Range: bytes=N-` (and `If-Range` with the answer's `ETag`) from the bytes already
    /// written, waiting the client's retry backoff in between; a server that answers with the
    /// whole file, or a file that changed, makes it start over. Nothing is ever spliced without a
    /// validator: when the metadata has no `md5` and the answer no strong `ETag`, a broken
    /// download starts over instead of resuming. Gives up after 4 tries in a row that bring no
    /// new bytes.
    ///
    /// The result is checked before it appears at `path`: the length against the server's
    /// `Content-Range`/`Content-Length` and the file's `decryptedSize`, and the MD5 against its
    /// `md5` when known; a mismatch is [`Error::Integrity`]. Only then is the file flushed to disk
    /// and renamed to `path`.
    ///
    /// On a failure, or if this future is dropped, a partial file that can be verified later
    /// (the server gave an `md5`) is kept, and the next call for the same `path` resumes from it
    /// (starting over if the whole then fails verification); any other partial file is removed.
    /// `path` itself is untouched.
    pub async fn download_file_with(
        &self,
        file_id: &str,
        path: impl AsRef<Path>,
        options: DownloadOptions,
    ) -> Result<CheckedDownload, Error> {
        let path = path.as_ref();
        let destination = Destination::of(path)?;
        if destination == Destination::Existing && !options.overwrite {
            return Err(Error::Io(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} already exists (not replaced unless asked to)",
                    path.display()
                ),
            )));
        }
        let meta = self.get_file(file_id).send().await?.into_body();
        let expect = Expected::of(&meta);
        let progress = options.progress.as_ref();
        if destination == Destination::Special {
            // A FIFO or a device is written into: renaming over it would replace the node.
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .await
                .map_err(|e| io_at(path, e))?;
            let mut out = Out::Stream(&mut file);
            let done = self
                .fetch(file_id, &expect, &mut out, Start::empty(), progress)
                .await?;
            out.flush().await.map_err(|e| io_at(path, e))?;
            return Ok(done);
        }

        let partial = partial_path(path)?;
        let (file, start) = open_partial(&partial, &expect).await?;
        let mut guard = Partial {
            path: Some(partial.clone()),
            keep: expect.md5.is_some(),
        };
        let mut out = Out::File(tokio::io::BufWriter::with_capacity(256 * 1024, file));
        let resumed = start.written;
        let mut result = self
            .fetch(file_id, &expect, &mut out, start, progress)
            .await;
        if resumed > 0 && matches!(result, Err(Error::Integrity { .. })) {
            // The partial file of an earlier call was of another version: once more, from 0.
            out.restart().await.map_err(|e| io_at(&partial, e))?;
            result = self
                .fetch(file_id, &expect, &mut out, Start::empty(), progress)
                .await;
        }
        let done = match result {
            Ok(done) => done,
            Err(e) => {
                if matches!(e, Error::Integrity { .. }) {
                    guard.keep = false;
                }
                return Err(e);
            }
        };
        let Out::File(mut file) = out else {
            return Err(Error::Protocol(
                "internal: the partial file was lost".into(),
            ));
        };
        file.flush().await.map_err(|e| io_at(&partial, e))?;
        let file = file.into_inner();
        file.sync_all().await.map_err(|e| io_at(&partial, e))?;
        drop(file);
        tokio::fs::rename(&partial, path)
            .await
            .map_err(|e| io_at(path, e))?;
        guard.path = None;
        Ok(done)
    }

    /// Downloads a file into `writer` (standard output, a pipe), resuming and verifying like
    /// [`Client::download_file_with`]. Bytes written cannot be taken back: a server that sends
    /// the whole file again is skipped ahead, and a failed check is reported after the bytes
    /// went out ([`Error::Integrity`]), so the reader must heed the error.
    pub async fn download_file_to_writer<W: AsyncWrite + Unpin + Send>(
        &self,
        file_id: &str,
        writer: &mut W,
        progress: Option<ProgressFn>,
    ) -> Result<CheckedDownload, Error> {
        let meta = self.get_file(file_id).send().await?.into_body();
        let expect = Expected::of(&meta);
        let mut out = Out::Stream(writer);
        let done = self
            .fetch(
                file_id,
                &expect,
                &mut out,
                Start::empty(),
                progress.as_ref(),
            )
            .await?;
        out.flush().await.map_err(Error::Io)?;
        Ok(done)
    }

    /// Fetches the contents into `out` from `start`, resuming after failures, and checks the
    /// result (see [`Client::download_file_with`]).
    async fn fetch(
        &self,
        file_id: &str,
        expect: &Expected,
        out: &mut Out<'_>,
        start: Start,
        progress: Option<&ProgressFn>,
    ) -> Result<CheckedDownload, Error> {
        let Start {
            mut written,
            mut hasher,
        } = start;
        let mut total: Option<u64> = None;
        let mut etag: Option<String> = None;
        let mut resumes: u32 = 0;
        let mut stalled: u32 = 0;
        let write_error = |e: io::Error| {
            Error::Io(io::Error::new(
                e.kind(),
                format!("writing the download: {e}"),
            ))
        };
        loop {
            let before = written;
            let mut call = self.download_file(file_id);
            if written > 0 {
                call = call.range(format!("bytes={written}-"));
                if let Some(tag) = &etag {
                    call = call.if_range(tag.clone());
                }
            }
            // Bytes of a whole-file answer that are already written (a stream cannot restart).
            let mut skip: u64 = 0;
            let failure = match call.send().await {
                Err(e) => Some(e),
                Ok(answer) => {
                    let status = answer.status();
                    let tag = strong_etag(answer.headers());
                    if status == StatusCode::PARTIAL_CONTENT {
                        let (from, size) = content_range(answer.headers()).ok_or_else(|| {
                            Error::Protocol("a 206 answer without a usable Content-Range".into())
                        })?;
                        if from != written {
                            return Err(Error::Protocol(format!(
                                "asked for bytes from {written}, the server sent from {from}"
                            )));
                        }
                        total = size.or(total);
                    } else if status == StatusCode::OK {
                        if written > 0 {
                            // The range was ignored, or the file changed (`If-Range`).
                            let changed = etag.is_some() && tag != etag;
                            if out.restart().await.map_err(write_error)? {
                                hasher = Md5::new();
                                written = 0;
                            } else if changed || expect.md5.is_none() {
                                return Err(Error::Protocol(
                                    "the file changed on the server during the download; the \
                                     bytes already written cannot be taken back"
                                        .into(),
                                ));
                            } else {
                                skip = written;
                            }
                        }
                        total = answer.body().content_length();
                    } else {
                        return Err(Error::Protocol(format!(
                            "unexpected {status} answer to a download"
                        )));
                    }
                    if tag.is_some() {
                        etag = tag;
                    }
                    let mut body = answer.into_body();
                    let mut failure = None;
                    while let Some(chunk) = body.next().await {
                        match chunk {
                            Ok(chunk) => {
                                let mut data = &chunk[..];
                                if skip > 0 {
                                    let n =
                                        usize::try_from(skip).unwrap_or(usize::MAX).min(data.len());
                                    data = &data[n..];
                                    skip -= n as u64;
                                }
                                if data.is_empty() {
                                    continue;
                                }
                                out.write_all(data).await.map_err(write_error)?;
                                hasher.update(data);
                                written += data.len() as u64;
                                if let Some(progress) = progress {
                                    progress(written, total.or(expect.len));
                                }
                            }
                            Err(e) => {
                                failure = Some(e);
                                break;
                            }
                        }
                    }
                    let expected_total = total.or(expect.len);
                    match (failure, expected_total) {
                        (None, Some(n)) if written < n || skip > 0 => Some(Error::Protocol(
                            format!("the body ended after {written} of {n} bytes"),
                        )),
                        (failure, _) => failure,
                    }
                }
            };
            let Some(failure) = failure else { break };
            // What arrived goes to disk now, so a partial file left behind holds all of it.
            out.flush().await.map_err(write_error)?;
            if !resumable(&failure) || resumes >= MAX_RESUMES {
                return Err(failure);
            }
            stalled = if written > before { 0 } else { stalled + 1 };
            if stalled >= STALLED_TRIES {
                return Err(failure);
            }
            // Without a validator (no md5 to check the whole, no ETag for `If-Range`) a resumed
            // body could splice two versions of a changed file: start over instead.
            if written > 0 && expect.md5.is_none() && etag.is_none() {
                if !out.restart().await.map_err(write_error)? {
                    return Err(failure);
                }
                hasher = Md5::new();
                written = 0;
            }
            resumes += 1;
            tokio::time::sleep(self.runtime().retry_policy().backoff(stalled)).await;
        }

        for announced in [total, expect.len].into_iter().flatten() {
            if announced != written {
                return Err(Error::Integrity {
                    what: "length",
                    expected: announced.to_string(),
                    actual: written.to_string(),
                });
            }
        }
        let md5 = hex(&hasher.finalize());
        if let Some(expected) = &expect.md5
            && *expected != md5
        {
            return Err(Error::Integrity {
                what: "md5",
                expected: expected.clone(),
                actual: md5,
            });
        }
        Ok(CheckedDownload {
            bytes: written,
            md5,
            verified: expect.md5.is_some(),
            resumes,
        })
    }
}

/// Called during a transfer with the bytes done so far and the total, when known.
pub type ProgressFn = Arc<dyn Fn(u64, Option<u64>) + Send + Sync>;

/// How [`Client::download_file_with`] treats its destination.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct DownloadOptions {
    /// Replace an existing file at the destination (off: refused before anything is downloaded).
    pub overwrite: bool,
    /// Sees the progress after every chunk written.
    pub progress: Option<ProgressFn>,
}

impl DownloadOptions {
    /// Sets [`DownloadOptions::overwrite`].
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }

    /// Sets [`DownloadOptions::progress`].
    pub fn progress(mut self, progress: ProgressFn) -> Self {
        self.progress = Some(progress);
        self
    }
}

impl std::fmt::Debug for DownloadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DownloadOptions")
            .field("overwrite", &self.overwrite)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What the metadata says the contents must be.
struct Expected {
    md5: Option<String>,
    len: Option<u64>,
}

impl Expected {
    fn of(meta: &types::File) -> Self {
        Expected {
            md5: server_md5(meta).map(str::to_ascii_lowercase),
            len: meta.decrypted_size.and_then(|n| u64::try_from(n).ok()),
        }
    }
}

/// Where a fetch starts: the bytes already written and their hash.
struct Start {
    written: u64,
    hasher: Md5,
}

impl Start {
    fn empty() -> Self {
        Start {
            written: 0,
            hasher: Md5::new(),
        }
    }
}

/// What a destination path is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Destination {
    /// Nothing there.
    New,
    /// A file (or a link to one, or a dangling link): replaced only when asked.
    Existing,
    /// A FIFO, a device or a socket: written into.
    Special,
}

impl Destination {
    fn of(path: &Path) -> Result<Self, Error> {
        match std::fs::symlink_metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Destination::New),
            Err(e) => return Err(io_at(path, e)),
            Ok(_) => {}
        }
        // What a link points to decides; a dangling link is replaced like a file.
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Err(Error::InvalidArgument(format!(
                "{} is a directory",
                path.display()
            ))),
            Ok(m) if !m.is_file() => Ok(Destination::Special),
            _ => Ok(Destination::Existing),
        }
    }
}

/// Where the bytes go.
enum Out<'w> {
    /// The partial file: can start over.
    File(tokio::io::BufWriter<tokio::fs::File>),
    /// A stream or a special file: bytes written stay written.
    Stream(&'w mut (dyn AsyncWrite + Unpin + Send)),
}

impl Out<'_> {
    async fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        match self {
            Out::File(f) => f.write_all(data).await,
            Out::Stream(w) => w.write_all(data).await,
        }
    }

    async fn flush(&mut self) -> io::Result<()> {
        match self {
            Out::File(f) => f.flush().await,
            Out::Stream(w) => w.flush().await,
        }
    }

    /// Empties the output to start over; `false` when it cannot be (a stream).
    async fn restart(&mut self) -> io::Result<bool> {
        match self {
            Out::File(f) => {
                f.flush().await?;
                let inner = f.get_mut();
                inner.set_len(0).await?;
                inner.seek(SeekFrom::Start(0)).await?;
                Ok(true)
            }
            Out::Stream(_) => Ok(false),
        }
    }
}

/// Opens (or creates) the partial file without following a link, checks it is a plain file of
/// this user, and hashes what it holds when that can be resumed (the metadata has an `md5` to
/// check the whole against, and it is not longer than the file); otherwise empties it.
async fn open_partial(
    partial: &Path,
    expect: &Expected,
) -> Result<(tokio::fs::File, Start), Error> {
    let mut options = tokio::fs::OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    options.custom_flags(libc::O_NOFOLLOW);
    let mut file = options.open(partial).await.map_err(|e| {
        if is_link_refusal(&e) {
            Error::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                format!(
                    "{} is a symbolic link: not followed; remove it and try again",
                    partial.display()
                ),
            ))
        } else {
            io_at(partial, e)
        }
    })?;
    let meta = file.metadata().await.map_err(|e| io_at(partial, e))?;
    if !plain_file_of_ours(&meta) {
        return Err(Error::Io(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "{} is not a plain file of this user (a hard link, a device or someone else's): \
                 refusing to write to it; remove it and try again",
                partial.display()
            ),
        )));
    }
    let len = meta.len();
    let usable = len > 0 && expect.md5.is_some() && expect.len.is_none_or(|n| len <= n);
    let mut start = Start::empty();
    if usable {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf).await.map_err(|e| io_at(partial, e))?;
            if n == 0 {
                break;
            }
            start.hasher.update(&buf[..n]);
            start.written += n as u64;
        }
    } else if len > 0 {
        file.set_len(0).await.map_err(|e| io_at(partial, e))?;
    }
    Ok((file, start))
}

/// Whether opening failed because the path is a symbolic link (`O_NOFOLLOW`).
fn is_link_refusal(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// A regular file with one link, owned by the effective user.
fn plain_file_of_ours(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let euid = unsafe { libc::geteuid() };
        meta.is_file() && meta.nlink() == 1 && meta.uid() == euid
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// An I/O error naming the path.
fn io_at(path: &Path, e: io::Error) -> Error {
    Error::Io(io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

/// A strong `ETag` (weak ones cannot validate byte ranges).
fn strong_etag(headers: &crate::runtime::HeaderMap) -> Option<String> {
    let value = headers.get("etag")?.to_str().ok()?.trim();
    (!value.is_empty() && !value.starts_with("W/")).then(|| value.to_owned())
}

/// Whether a failed download try may be continued with a `Range` request: a dropped connection,
/// a stalled body, a body shorter than announced.
fn resumable(e: &Error) -> bool {
    match e {
        Error::Transport(_) | Error::Protocol(_) => true,
        Error::Timeout(t) => t.kind() == TimeoutKind::ReadIdle,
        _ => false,
    }
}

/// `path` with `.partial` appended to its file name.
fn partial_path(path: &Path) -> Result<PathBuf, Error> {
    let Some(name) = path.file_name() else {
        return Err(Error::InvalidArgument(format!(
            "{} does not name a file",
            path.display()
        )));
    };
    let mut name = name.to_os_string();
    name.push(".partial");
    Ok(path.with_file_name(name))
}

/// The partial file of a download: removed when dropped (an error, a cancellation) unless it was
/// renamed into place, or it can be resumed later (`keep`, and it holds something).
struct Partial {
    path: Option<PathBuf>,
    keep: bool,
}

impl Drop for Partial {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let worth_keeping = self.keep && std::fs::metadata(&path).is_ok_and(|m| m.len() > 0);
            if !worth_keeping {
                // Best effort: the file may already be gone.
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// The MD5 the server reports for a file: `md5`, else an `md5` entry of `fileChecksums`.
fn server_md5(file: &types::File) -> Option<&str> {
    let direct = file.md5.as_deref().map(str::trim).filter(|m| !m.is_empty());
    direct.or_else(|| {
        file.file_checksums.as_ref()?.iter().find_map(|c| {
            let function = c.hash_function.as_deref()?;
            let hash = c.file_hash.as_deref()?.trim();
            (function.eq_ignore_ascii_case("md5") && !hash.is_empty()).then_some(hash)
        })
    })
}

/// Parses `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`): `(START, TOTAL)`.
fn content_range(headers: &crate::runtime::HeaderMap) -> Option<(u64, Option<u64>)> {
    let value = headers.get("content-range")?.to_str().ok()?;
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (span, size) = rest.split_once('/')?;
    let (start, _end) = span.trim().split_once('-')?;
    let start = start.trim().parse().ok()?;
    let size = match size.trim() {
        "*" => None,
        n => Some(n.parse().ok()?),
    };
    Some((start, size))
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{CONTENT_RANGE, HeaderMap, HeaderValue};

    #[test]
    fn content_range_parsing() {
        let mut h = HeaderMap::new();
        assert_eq!(content_range(&h), None);
        for (value, want) in [
            ("bytes 100-199/200", Some((100, Some(200)))),
            ("bytes 0-0/*", Some((0, None))),
            ("bytes  7-9/10", Some((7, Some(10)))),
            ("items 0-1/2", None),
            ("bytes x-1/2", None),
            ("bytes 1-2/z", None),
        ] {
            h.insert(CONTENT_RANGE, HeaderValue::from_static(value));
            assert_eq!(content_range(&h), want, "{value}");
        }
    }

    #[test]
    fn md5_hex_and_partial_names() {
        assert_eq!(
            hex(&Md5::digest(b"abc")),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            partial_path(Path::new("/tmp/out.bin")).ok(),
            Some(PathBuf::from("/tmp/out.bin.partial"))
        );
        assert!(partial_path(Path::new("/")).is_err());
    }

    #[test]
    fn server_md5_prefers_the_field_then_checksums() {
        let mut f = types::File::new("id", "n");
        assert_eq!(server_md5(&f), None);
        let mut c = types::FileChecksum::new();
        c.hash_function = Some("MD5".into());
        c.file_hash = Some("abc".into());
        f.file_checksums = Some(vec![c]);
        assert_eq!(server_md5(&f), Some("abc"));
        f.md5 = Some("def".into());
        assert_eq!(server_md5(&f), Some("def"));
    }
}
