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
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

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
        let hashing = Arc::new(Mutex::new((Md5::new(), 0u64)));
        let seen = hashing.clone();
        let tap: Tap = Arc::new(move |event: TapEvent<'_>| {
            let mut state = seen.lock().unwrap_or_else(|p| p.into_inner());
            match event {
                TapEvent::Start => *state = (Md5::new(), 0),
                TapEvent::Chunk(bytes) => {
                    state.0.update(bytes);
                    state.1 += bytes.len() as u64;
                }
            }
        });
        let source = UploadSource::path(path.as_ref()).with_tap(tap);
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

    /// Downloads a file to `path`, safely.
    ///
    /// Reads the file's metadata first (for its `md5` and size), then writes the contents to
    /// `path` + `.partial`. If the connection drops or stalls mid-body, the download continues
    /// with `Range: bytes=N-` from the bytes already on disk (a server that answers such a
    /// request with the whole file is handled by starting over), waiting the client's retry
    /// backoff in between. Gives up after 4 tries in a row that bring no new bytes.
    ///
    /// The result is checked before it appears at `path`: the length against the server's
    /// `Content-Range`/`Content-Length` and the file's `decryptedSize`, and the MD5 against its
    /// `md5` when known; a mismatch is [`Error::Integrity`]. Only then is the file flushed to disk
    /// and renamed to `path`. On any failure (or if this future is dropped) the `.partial` file is
    /// removed and `path` is untouched.
    pub async fn download_file_to(
        &self,
        file_id: &str,
        path: impl AsRef<Path>,
    ) -> Result<CheckedDownload, Error> {
        let path = path.as_ref();
        let meta = self.get_file(file_id).send().await?.into_body();
        let expected_md5 = server_md5(&meta).map(str::to_ascii_lowercase);
        let expected_len = meta.decrypted_size.and_then(|n| u64::try_from(n).ok());

        let partial = partial_path(path)?;
        let with_path = |p: &Path, e: io::Error| {
            Error::Io(io::Error::new(e.kind(), format!("{}: {e}", p.display())))
        };
        let file = tokio::fs::File::create(&partial)
            .await
            .map_err(|e| with_path(&partial, e))?;
        let mut guard = RemoveOnDrop(Some(partial.clone()));
        let mut file = tokio::io::BufWriter::with_capacity(256 * 1024, file);

        let mut hasher = Md5::new();
        let mut written: u64 = 0;
        let mut total: Option<u64> = None;
        let mut resumes: u32 = 0;
        let mut stalled: u32 = 0;
        loop {
            let before = written;
            let mut call = self.download_file(file_id);
            if written > 0 {
                call = call.range(format!("bytes={written}-"));
            }
            let failure = match call.send().await {
                Err(e) => Some(e),
                Ok(answer) => {
                    let status = answer.status();
                    if status == StatusCode::PARTIAL_CONTENT {
                        let (start, size) = content_range(answer.headers()).ok_or_else(|| {
                            Error::Protocol("a 206 answer without a usable Content-Range".into())
                        })?;
                        if start != written {
                            return Err(Error::Protocol(format!(
                                "asked for bytes from {written}, the server sent from {start}"
                            )));
                        }
                        total = size.or(total);
                    } else if status == StatusCode::OK {
                        if written > 0 {
                            // The range was ignored: the whole file comes again.
                            file.flush().await.map_err(|e| with_path(&partial, e))?;
                            let inner = file.get_mut();
                            inner.set_len(0).await.map_err(|e| with_path(&partial, e))?;
                            inner
                                .seek(SeekFrom::Start(0))
                                .await
                                .map_err(|e| with_path(&partial, e))?;
                            hasher = Md5::new();
                            written = 0;
                        }
                        total = answer.body().content_length();
                    } else {
                        return Err(Error::Protocol(format!(
                            "unexpected {status} answer to a download"
                        )));
                    }
                    let mut body = answer.into_body();
                    let mut failure = None;
                    while let Some(chunk) = body.next().await {
                        match chunk {
                            Ok(chunk) => {
                                file.write_all(&chunk)
                                    .await
                                    .map_err(|e| with_path(&partial, e))?;
                                hasher.update(&chunk);
                                written += chunk.len() as u64;
                            }
                            Err(e) => {
                                failure = Some(e);
                                break;
                            }
                        }
                    }
                    match (failure, total) {
                        (None, Some(total)) if written < total => Some(Error::Protocol(format!(
                            "the body ended after {written} of {total} bytes"
                        ))),
                        (failure, _) => failure,
                    }
                }
            };
            let Some(failure) = failure else { break };
            if !resumable(&failure) || resumes >= MAX_RESUMES {
                return Err(failure);
            }
            stalled = if written > before { 0 } else { stalled + 1 };
            if stalled >= STALLED_TRIES {
                return Err(failure);
            }
            resumes += 1;
            tokio::time::sleep(self.runtime().retry_policy().backoff(stalled)).await;
        }

        for announced in [total, expected_len].into_iter().flatten() {
            if announced != written {
                return Err(Error::Integrity {
                    what: "length",
                    expected: announced.to_string(),
                    actual: written.to_string(),
                });
            }
        }
        let md5 = hex(&hasher.finalize());
        if let Some(expected) = &expected_md5
            && *expected != md5
        {
            return Err(Error::Integrity {
                what: "md5",
                expected: expected.clone(),
                actual: md5,
            });
        }
        file.flush().await.map_err(|e| with_path(&partial, e))?;
        let file = file.into_inner();
        file.sync_all().await.map_err(|e| with_path(&partial, e))?;
        drop(file);
        tokio::fs::rename(&partial, path)
            .await
            .map_err(|e| with_path(path, e))?;
        guard.0 = None;
        Ok(CheckedDownload {
            bytes: written,
            md5,
            verified: expected_md5.is_some(),
            resumes,
        })
    }
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

/// Removes a file when dropped, unless disarmed.
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            // Best effort: the file may already be gone.
            let _ = std::fs::remove_file(path);
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
