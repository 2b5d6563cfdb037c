//! Request bodies built at send time: upload sources and multipart forms.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures::Stream;
use tokio_util::io::ReaderStream;

use crate::runtime::Error;

type ByteSource = Pin<Box<dyn Stream<Item = Result<Bytes, io::Error>> + Send + Sync>>;

/// How much of a file is read at a time for an upload. `tokio::fs::File` hands every read to the
/// blocking thread pool and back, which costs two thread switches per chunk; on loopback those
/// switches, not copying, were most of the CPU time of an upload. 256 KiB chunks need a quarter of
/// the hand-offs of 64 KiB ones (about 30% less CPU time per GiB in `bench/transfer.sh`), and
/// larger chunks saved no more. Memory stays small: the HTTP connection buffers only a few chunks.
const READ_CHUNK: usize = 256 * 1024;

/// What a [`Tap`] sees of an upload body.
pub enum TapEvent<'a> {
    /// The source was (re)opened for a try: forget what was seen before.
    Start,
    /// These bytes are being sent.
    Chunk(&'a [u8]),
}

/// Watches the bytes of an upload as they are sent: to hash them without reading the file twice,
/// or to report progress.
pub type Tap = Arc<dyn Fn(TapEvent<'_>) + Send + Sync>;

/// Something to upload: a file on disk, bytes in memory, or a one-shot stream.
///
/// Built with [`UploadSource::path`], [`UploadSource::bytes`] or [`UploadSource::stream`]. A path
/// is opened (and its length read) only when the request is sent, and again on each retry; its
/// contents are streamed, never loaded into memory. `Debug` shows no contents.
#[derive(Clone)]
pub struct UploadSource {
    kind: SourceKind,
    mime: Option<String>,
    tap: Option<Tap>,
}

#[derive(Clone)]
enum SourceKind {
    Path(PathBuf),
    Bytes {
        file_name: String,
        bytes: Bytes,
    },
    Stream {
        file_name: String,
        length: Option<u64>,
        stream: Arc<Mutex<Option<ByteSource>>>,
    },
}

impl UploadSource {
    /// A file on disk. The part's file name is the path's file name; the length comes from the
    /// file's metadata when sent. A file that shrinks while being sent fails the upload; bytes
    /// appended meanwhile are not sent.
    pub fn path(p: impl Into<PathBuf>) -> Self {
        UploadSource {
            kind: SourceKind::Path(p.into()),
            mime: None,
            tap: None,
        }
    }

    /// Bytes in memory, sent under `file_name`.
    pub fn bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        UploadSource {
            kind: SourceKind::Bytes {
                file_name: file_name.into(),
                bytes: bytes.into(),
            },
            mime: None,
            tap: None,
        }
    }

    /// A one-shot stream, sent under `file_name`. If `length` is given exactly that many bytes
    /// are declared and sent (a shorter stream fails the upload); otherwise the body is chunked.
    /// A request with a stream body is never retried and can be sent only once.
    pub fn stream(
        file_name: impl Into<String>,
        length: Option<u64>,
        stream: impl Stream<Item = Result<Bytes, io::Error>> + Send + Sync + 'static,
    ) -> Self {
        let stream: ByteSource = Box::pin(stream);
        UploadSource {
            kind: SourceKind::Stream {
                file_name: file_name.into(),
                length,
                stream: Arc::new(Mutex::new(Some(stream))),
            },
            mime: None,
            tap: None,
        }
    }

    /// Sets the content type of the multipart part (default `application/octet-stream`).
    pub fn mime(mut self, m: impl Into<String>) -> Self {
        self.mime = Some(m.into());
        self
    }

    /// Lets `tap` see every byte sent, and each (re)opening of the source (on a retry).
    pub fn with_tap(mut self, tap: Tap) -> Self {
        self.tap = Some(tap);
        self
    }

    /// The file name sent with the part (for a path: its last component).
    pub fn file_name(&self) -> String {
        match &self.kind {
            SourceKind::Path(p) => p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            SourceKind::Bytes { file_name, .. } | SourceKind::Stream { file_name, .. } => {
                file_name.clone()
            }
        }
    }

    /// Whether the source can be produced again for a retry.
    pub(crate) fn is_replayable(&self) -> bool {
        !matches!(self.kind, SourceKind::Stream { .. })
    }

    /// Opens the source: a body that reports progress, and its length when known.
    pub(crate) async fn open(
        &self,
        progress: &Progress,
    ) -> Result<(reqwest::Body, Option<u64>), Error> {
        if let Some(tap) = &self.tap {
            tap(TapEvent::Start);
        }
        match &self.kind {
            SourceKind::Bytes { bytes, .. } => {
                progress.touch();
                if let Some(tap) = &self.tap {
                    tap(TapEvent::Chunk(bytes));
                }
                Ok((reqwest::Body::from(bytes.clone()), Some(bytes.len() as u64)))
            }
            SourceKind::Path(path) => {
                let with_path = |e: io::Error| {
                    Error::Io(io::Error::new(e.kind(), format!("{}: {e}", path.display())))
                };
                let file = tokio::fs::File::open(path).await.map_err(with_path)?;
                let meta = file.metadata().await.map_err(with_path)?;
                if !meta.is_file() {
                    return Err(Error::Io(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("{} is not a regular file", path.display()),
                    )));
                }
                let len = meta.len();
                let inner: ByteSource = Box::pin(ReaderStream::with_capacity(file, READ_CHUNK));
                let tracked =
                    Tracked::new(inner, Some(len), progress.clone()).with_tap(self.tap.clone());
                Ok((reqwest::Body::wrap_stream(tracked), Some(len)))
            }
            SourceKind::Stream { length, stream, .. } => {
                let taken = stream
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take();
                let Some(inner) = taken else {
                    return Err(Error::InvalidArgument(
                        "the upload stream was already consumed by an earlier send".into(),
                    ));
                };
                let tracked =
                    Tracked::new(inner, *length, progress.clone()).with_tap(self.tap.clone());
                Ok((reqwest::Body::wrap_stream(tracked), *length))
            }
        }
    }

    fn content_type(&self) -> &str {
        self.mime.as_deref().unwrap_or("application/octet-stream")
    }
}

impl fmt::Debug for UploadSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("UploadSource");
        match &self.kind {
            SourceKind::Path(p) => d.field("path", p),
            SourceKind::Bytes { file_name, bytes } => {
                d.field("file_name", file_name).field("len", &bytes.len())
            }
            SourceKind::Stream {
                file_name, length, ..
            } => d.field("file_name", file_name).field("stream_len", length),
        };
        d.field("mime", &self.mime).finish()
    }
}

/// A multipart/form-data body. Parts are built at send time, so a file path is reopened on
/// retry and a large file is streamed, never loaded into memory.
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<(&'static str, PartValue)>,
}

#[derive(Clone, Debug)]
enum PartValue {
    Text(String),
    File(UploadSource),
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.parts.push((name, PartValue::Text(value.into())));
        self
    }

    /// Adds a file field.
    pub fn file(mut self, name: &'static str, file: UploadSource) -> Self {
        self.parts.push((name, PartValue::File(file)));
        self
    }

    pub(crate) fn is_replayable(&self) -> bool {
        self.parts.iter().all(|(_, p)| match p {
            PartValue::Text(_) => true,
            PartValue::File(f) => f.is_replayable(),
        })
    }

    /// Builds the reqwest form, opening every file part.
    pub(crate) async fn to_form(
        &self,
        progress: &Progress,
    ) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in &self.parts {
            form = match value {
                PartValue::Text(text) => form.text(*name, text.clone()),
                PartValue::File(source) => {
                    let (body, len) = source.open(progress).await?;
                    let part = match len {
                        Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
                        None => reqwest::multipart::Part::stream(body),
                    };
                    let part = part
                        .file_name(source.file_name())
                        .mime_str(source.content_type())
                        .map_err(|_| {
                            Error::InvalidArgument(format!(
                                "part {name:?}: {:?} is not a valid media type",
                                source.content_type()
                            ))
                        })?;
                    form.part(*name, part)
                }
            };
        }
        Ok(form)
    }
}

/// The time of the latest upload activity of one try, used so that a long upload that keeps
/// moving is not cut off by the request timeout.
#[derive(Clone, Debug)]
pub(crate) struct Progress {
    start: Instant,
    last_ms: Arc<AtomicU64>,
}

impl Progress {
    pub(crate) fn new() -> Self {
        Progress {
            start: Instant::now(),
            last_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Records activity now.
    pub(crate) fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.fetch_max(ms, Ordering::Relaxed);
    }

    /// The latest activity (the start if there was none).
    pub(crate) fn last(&self) -> Instant {
        self.start + std::time::Duration::from_millis(self.last_ms.load(Ordering::Relaxed))
    }
}

/// Wraps an upload stream: records progress and makes the body exactly `expected` bytes long
/// (extra bytes are not sent; a short source ends with an error instead of a truncated upload).
struct Tracked {
    inner: ByteSource,
    expected: Option<u64>,
    seen: u64,
    progress: Progress,
    done: bool,
    tap: Option<Tap>,
}

impl Tracked {
    fn new(inner: ByteSource, expected: Option<u64>, progress: Progress) -> Self {
        Tracked {
            inner,
            expected,
            seen: 0,
            progress,
            done: false,
            tap: None,
        }
    }

    fn with_tap(mut self, tap: Option<Tap>) -> Self {
        self.tap = tap;
        self
    }
}

impl Stream for Tracked {
    type Item = Result<Bytes, io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if this.expected.is_some_and(|e| this.seen >= e) {
            this.done = true;
            return Poll::Ready(None);
        }
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(mut chunk))) => {
                if let Some(expected) = this.expected {
                    let left = expected - this.seen;
                    if chunk.len() as u64 > left {
                        chunk.truncate(usize::try_from(left).unwrap_or(usize::MAX));
                    }
                }
                this.seen += chunk.len() as u64;
                this.progress.touch();
                if let Some(tap) = &this.tap {
                    tap(TapEvent::Chunk(&chunk));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                this.done = true;
                match this.expected {
                    Some(expected) if this.seen < expected => {
                        Poll::Ready(Some(Err(io::Error::new(
                            io::ErrorKind::UnexpectedEof,
                            format!(
                                "upload source ended after {} of {expected} bytes",
                                this.seen
                            ),
                        ))))
                    }
                    _ => Poll::Ready(None),
                }
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;

    fn chunks(parts: &[&'static [u8]]) -> ByteSource {
        let items: Vec<Result<Bytes, io::Error>> =
            parts.iter().map(|p| Ok(Bytes::from_static(p))).collect();
        Box::pin(futures::stream::iter(items))
    }

    #[tokio::test]
    async fn tracked_enforces_exact_length() {
        let progress = Progress::new();
        let out: Vec<_> = Tracked::new(chunks(&[b"abc", b"defg"]), Some(5), progress.clone())
            .collect()
            .await;
        let bytes: Vec<u8> = out
            .into_iter()
            .flat_map(|r| r.expect("ok").to_vec())
            .collect();
        assert_eq!(bytes, b"abcde");

        let out: Vec<_> = Tracked::new(chunks(&[b"abc"]), Some(5), progress.clone())
            .collect()
            .await;
        assert_eq!(out.len(), 2);
        assert!(matches!(&out[1], Err(e) if e.kind() == io::ErrorKind::UnexpectedEof));

        let out: Vec<_> = Tracked::new(chunks(&[b"abc", b"d"]), None, progress)
            .collect()
            .await;
        assert_eq!(out.len(), 2);
    }

    #[tokio::test]
    async fn tap_sees_exactly_the_bytes_sent_and_each_reopening() {
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let log = seen.clone();
        let tap: Tap = Arc::new(move |event: TapEvent<'_>| {
            let entry = match event {
                TapEvent::Start => "start".to_owned(),
                TapEvent::Chunk(bytes) => String::from_utf8_lossy(bytes).into_owned(),
            };
            log.lock().expect("lock").push(entry);
        });
        // The tracked body is cut at the declared length; the tap sees what is sent.
        let _: Vec<_> = Tracked::new(chunks(&[b"abc", b"defg"]), Some(5), Progress::new())
            .with_tap(Some(tap.clone()))
            .collect()
            .await;
        assert_eq!(*seen.lock().expect("lock"), ["abc", "de"]);
        // Opening a source (again, for a retry) announces a fresh start.
        let src = UploadSource::bytes("a.txt", &b"xyz"[..]).with_tap(tap);
        seen.lock().expect("lock").clear();
        for _ in 0..2 {
            assert!(src.open(&Progress::new()).await.is_ok());
        }
        assert_eq!(
            *seen.lock().expect("lock"),
            ["start", "xyz", "start", "xyz"]
        );
    }

    #[tokio::test]
    async fn stream_source_is_one_shot() {
        let src = UploadSource::stream("s.bin", None, futures::stream::empty());
        assert!(!src.is_replayable());
        let copy = src.clone();
        let progress = Progress::new();
        assert!(src.open(&progress).await.is_ok());
        assert!(matches!(
            copy.open(&progress).await,
            Err(Error::InvalidArgument(_))
        ));
    }

    #[tokio::test]
    async fn missing_path_is_io_error_naming_the_file() {
        let src = UploadSource::path("/definitely/not/here.bin");
        assert_eq!(src.file_name(), "here.bin");
        match src.open(&Progress::new()).await {
            Err(Error::Io(e)) => assert!(e.to_string().contains("/definitely/not/here.bin")),
            other => panic!("expected Io error, got {other:?}"),
        }
    }

    #[test]
    fn debug_shows_no_contents() {
        let src = UploadSource::bytes("a.txt", &b"TOPSECRETCONTENT"[..]).mime("text/plain");
        let shown = format!("{src:?}");
        assert!(!shown.contains("TOPSECRETCONTENT"), "{shown}");
        assert!(shown.contains("a.txt"));
    }
}
