//! Request bodies built at send time: upload sources and multipart forms.

use std::fmt;
use std::future::Future;
use std::io::{self, Read};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use futures::Stream;
use tokio::task::JoinHandle;

use crate::Error;

type ByteSource = Pin<Box<dyn Stream<Item = Result<Bytes, io::Error>> + Send + Sync>>;

/// How much of a file is read at a time for an upload. Every read is handed to the blocking
/// thread pool and back, which costs thread switches per chunk; on loopback those switches, not
/// copying, were most of the CPU time of an upload. 256 KiB chunks need a quarter of the
/// hand-offs of 64 KiB ones (about 30% less CPU time per GiB in `bench/transfer.sh`), and larger
/// chunks saved no more. Memory stays small: one chunk is read ahead, and the HTTP connection
/// buffers only a few.
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
                let file = file.into_std().await;
                if !meta.is_file() {
                    return Err(Error::Io(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("{} is not a regular file", path.display()),
                    )));
                }
                let len = meta.len();
                let inner: ByteSource = Box::pin(FileChunks::new(file, len));
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

/// Streams a file's first `len` bytes (fewer if it is shorter) in chunks of [`READ_CHUNK`],
/// read on the blocking thread pool straight into the buffer that is sent (no copy between
/// buffers), one chunk ahead of the sender so that reading the file overlaps with sending.
struct FileChunks {
    state: ReadState,
    /// Bytes still to be read.
    left: u64,
}

enum ReadState {
    /// Not reading: the next read starts at the next poll.
    Idle(std::fs::File),
    /// A read is running on the blocking pool; it owns the file until it is done.
    Reading(JoinHandle<(std::fs::File, io::Result<Bytes>)>),
    /// The end of the file (or of `len`), or an error, was reached.
    Done,
}

impl FileChunks {
    fn new(file: std::fs::File, len: u64) -> Self {
        FileChunks {
            state: ReadState::Idle(file),
            left: len,
        }
    }

    /// Starts reading the next chunk of at most `left` bytes.
    fn start(&mut self, mut file: std::fs::File) {
        let want = usize::try_from(self.left).map_or(READ_CHUNK, |left| left.min(READ_CHUNK));
        self.state = ReadState::Reading(tokio::task::spawn_blocking(move || {
            // `read_to_end` fills the spare capacity without zeroing it first (its reads start at
            // 8 KiB and double: six `read` calls per 256 KiB chunk); `take` stops it at `want`
            // bytes. Zeroing the buffer to read it in one call measured no faster (1.00 of the
            // wall time, 1.05 of the CPU time).
            let mut buf = Vec::with_capacity(want);
            let read = (&mut file)
                .take(want as u64)
                .read_to_end(&mut buf)
                .map(|_| Bytes::from(buf));
            (file, read)
        }));
    }
}

impl Stream for FileChunks {
    type Item = Result<Bytes, io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.left == 0 {
            this.state = ReadState::Done;
        }
        if let ReadState::Idle(_) = this.state
            && let ReadState::Idle(file) = std::mem::replace(&mut this.state, ReadState::Done)
        {
            this.start(file);
        }
        let ReadState::Reading(read) = &mut this.state else {
            return Poll::Ready(None);
        };
        let (file, read) = match Pin::new(read).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(done)) => done,
            Poll::Ready(Err(join)) => {
                this.state = ReadState::Done;
                return Poll::Ready(Some(Err(io::Error::other(join))));
            }
        };
        this.state = ReadState::Done;
        match read {
            Ok(chunk) if chunk.is_empty() => Poll::Ready(None),
            Ok(chunk) => {
                let full = chunk.len() == READ_CHUNK;
                this.left = this.left.saturating_sub(chunk.len() as u64);
                // A short chunk is the end of the file; after a full one, read the next now.
                if full && this.left > 0 {
                    this.start(file);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Err(e) => Poll::Ready(Some(Err(e))),
        }
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

    /// A temp file holding `len` bytes that count up (so a chunk out of place would show).
    fn numbered_file(len: usize) -> (tempfile::TempDir, PathBuf, Vec<u8>) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("numbered.bin");
        let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).expect("write");
        (dir, path, bytes)
    }

    async fn read_all(path: &std::path::Path, len: u64) -> (Vec<Bytes>, Option<io::Error>) {
        let file = std::fs::File::open(path).expect("open");
        let mut chunks = Vec::new();
        let mut stream = FileChunks::new(file, len);
        while let Some(item) = stream.next().await {
            match item {
                Ok(chunk) => chunks.push(chunk),
                Err(e) => return (chunks, Some(e)),
            }
        }
        (chunks, None)
    }

    #[tokio::test]
    async fn file_chunks_read_the_whole_file_in_order() {
        for len in [
            0,
            1,
            READ_CHUNK - 1,
            READ_CHUNK,
            READ_CHUNK + 1,
            3 * READ_CHUNK + 7,
        ] {
            let (_dir, path, bytes) = numbered_file(len);
            let (chunks, error) = read_all(&path, len as u64).await;
            assert!(error.is_none(), "{len}: {error:?}");
            assert!(
                chunks
                    .iter()
                    .all(|c| !c.is_empty() && c.len() <= READ_CHUNK)
            );
            assert_eq!(chunks.concat(), bytes, "{len}");
        }
    }

    #[tokio::test]
    async fn file_chunks_stop_at_the_length_or_at_the_end_of_the_file() {
        let len = 2 * READ_CHUNK + 100;
        let (_dir, path, bytes) = numbered_file(len);
        // Bytes beyond the length read when the upload began (appended since) are not read.
        let (chunks, _) = read_all(&path, READ_CHUNK as u64 + 10).await;
        assert_eq!(chunks.concat(), &bytes[..READ_CHUNK + 10]);
        // A file shorter than the length (it shrank) just ends; `Tracked` reports the shortfall.
        let (chunks, error) = read_all(&path, len as u64 + 5000).await;
        assert!(error.is_none());
        assert_eq!(chunks.concat(), bytes);
        let out: Vec<_> = Tracked::new(
            Box::pin(FileChunks::new(
                std::fs::File::open(&path).expect("open"),
                len as u64 + 5000,
            )),
            Some(len as u64 + 5000),
            Progress::new(),
        )
        .collect()
        .await;
        assert!(matches!(out.last(), Some(Err(e)) if e.kind() == io::ErrorKind::UnexpectedEof));
    }

    #[tokio::test]
    async fn a_path_source_streams_the_file_and_can_be_opened_again() {
        let (_dir, path, _) = numbered_file(READ_CHUNK + 3);
        let src = UploadSource::path(&path);
        for _ in 0..2 {
            let (_, len) = src.open(&Progress::new()).await.expect("opens");
            assert_eq!(len, Some(READ_CHUNK as u64 + 3));
        }
        // Dropping a body while a read is in flight leaves nothing behind to fail.
        let mut stream = FileChunks::new(std::fs::File::open(&path).expect("open"), 1 << 20);
        assert!(stream.next().await.is_some());
        drop(stream);
    }

    #[test]
    fn debug_shows_no_contents() {
        let src = UploadSource::bytes("a.txt", &b"TOPSECRETCONTENT"[..]).mime("text/plain");
        let shown = format!("{src:?}");
        assert!(!shown.contains("TOPSECRETCONTENT"), "{shown}");
        assert!(shown.contains("a.txt"));
    }
}
