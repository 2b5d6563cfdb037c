//! Answers: the raw answer, a decoded answer, and a streamed body.

use std::fmt;
use std::ops::Deref;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::{Stream, StreamExt};
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode};
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Instant, Sleep};

use crate::client::{Replay, redact_error};
use crate::{ApiError, ApiPolicy, Error, TimeoutError, TimeoutKind};

/// How much of a body [`RawResponse::empty`] reads so the connection can be reused; a longer
/// body is dropped unread (closing the connection).
const DRAIN_LIMIT: usize = 64 * 1024;

/// Reads a whole body of at most [`RawResponse::BODY_LIMIT`] bytes; `Err(None)` when it is
/// longer (announced or read), `Err(Some(e))` when reading fails.
async fn read_limited(mut inner: reqwest::Response) -> Result<Bytes, Option<reqwest::Error>> {
    let limit = RawResponse::BODY_LIMIT;
    let announced = inner.content_length();
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(None);
    }
    let mut buf = BytesMut::with_capacity(announced.map_or(0, |n| n as usize));
    while let Some(chunk) = inner.chunk().await.map_err(Some)? {
        if buf.len() + chunk.len() > limit {
            return Err(None);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// An answer whose body has not been read yet.
///
/// Read the body with one of the consuming methods. The buffered readers stop at the request
/// deadline (see [`Client`](crate::Client)); [`RawResponse::stream`] uses the read-idle
/// timeout instead.
pub struct RawResponse {
    inner: reqwest::Response,
    status: StatusCode,
    headers: HeaderMap,
    content_type: Option<String>,
    deadline: Instant,
    timeout: Duration,
    read_idle_timeout: Duration,
    secret_param: Option<&'static str>,
    /// The API's policy, applied to error answers.
    policy: &'static ApiPolicy,
    /// The client's concurrency slot, held until the body is read.
    slot: Option<OwnedSemaphorePermit>,
    /// How to send an idempotent request again if its buffered body cannot be read.
    replay: Option<Replay>,
    /// The request's method, for errors that name it.
    method: Method,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl RawResponse {
    /// Largest body the buffered readers ([`RawResponse::json`], `text`, `bytes`) read: 64 MiB.
    /// A longer answer (announced, or found while reading) is [`Error::Protocol`] at once and
    /// is not retried, so a broken or hostile server cannot fill the memory; large contents are
    /// read with [`RawResponse::stream`].
    pub const BODY_LIMIT: usize = 64 * 1024 * 1024;

    pub(crate) fn new(
        mut inner: reqwest::Response,
        deadline: Instant,
        timeout: Duration,
        read_idle_timeout: Duration,
        secret_param: Option<&'static str>,
        policy: &'static ApiPolicy,
        method: Method,
    ) -> Self {
        let status = inner.status();
        let headers = std::mem::take(inner.headers_mut());
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty());
        RawResponse {
            inner,
            status,
            headers,
            content_type,
            deadline,
            timeout,
            read_idle_timeout,
            secret_param,
            policy,
            slot: None,
            replay: None,
            method,
        }
    }

    /// Keeps the client's concurrency slot until the body is read.
    pub(crate) fn with_slot(mut self, slot: Option<OwnedSemaphorePermit>) -> Self {
        self.slot = slot;
        self
    }

    /// Lets the buffered readers send the request again when the body cannot be read.
    pub(crate) fn with_replay(mut self, replay: Option<Replay>) -> Self {
        self.replay = replay;
        self
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Answer headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Media type of the body without parameters, lower-case (`application/json`).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// Reads the whole body and decodes it as JSON, whatever the status. A body that does not
    /// decode is [`Error::Decode`], keeping the raw bytes.
    ///
    /// If the connection drops while a success answer's body is read and the request is
    /// idempotent, the request is sent again under the retry policy (the retries already spent
    /// count); a non-success answer to that new try is returned as its [`Error::Api`].
    pub async fn json<T: serde::de::DeserializeOwned>(self) -> Result<ApiResponse<T>, Error> {
        let (status, headers, content_type, body) = self.read_all().await?;
        match serde_json::from_slice::<T>(&body) {
            Ok(value) => Ok(ApiResponse {
                status,
                headers,
                body: value,
            }),
            Err(source) => Err(Error::Decode {
                status,
                content_type,
                body,
                source,
            }),
        }
    }

    /// Reads the whole body as text (invalid UTF-8 sequences become U+FFFD).
    pub async fn text(self) -> Result<ApiResponse<String>, Error> {
        self.bytes()
            .await
            .map(|r| r.map(|b| String::from_utf8_lossy(&b).into_owned()))
    }

    /// Reads the whole body (sent again like [`RawResponse::json`] if the connection drops).
    pub async fn bytes(self) -> Result<ApiResponse<Bytes>, Error> {
        let (status, headers, _, body) = self.read_all().await?;
        Ok(ApiResponse {
            status,
            headers,
            body,
        })
    }

    /// Ignores the body (a short one is read so the connection can be reused).
    pub async fn empty(self) -> Result<ApiResponse<()>, Error> {
        let (status, headers) = (self.status, self.headers.clone());
        // Draining is best effort: a failure to read a body nobody wants is not an error.
        let _ = self.read_capped(DRAIN_LIMIT).await;
        Ok(ApiResponse {
            status,
            headers,
            body: (),
        })
    }

    /// The body as a stream of chunks, for large downloads. The request timeout no longer
    /// applies; instead each wait for data may last at most the read-idle timeout.
    pub fn stream(mut self) -> ApiResponse<ByteStream> {
        // A long download does not keep other calls waiting for a slot.
        drop(self.slot.take());
        let content_length = self.inner.content_length();
        let secret_param = self.secret_param;
        let body = ByteStream {
            inner: Box::pin(
                self.inner
                    .bytes_stream()
                    .map(move |r| r.map_err(|e| body_error(e, secret_param, None))),
            ),
            idle: self.read_idle_timeout,
            timer: None,
            done: false,
            content_length,
        };
        ApiResponse {
            status: self.status,
            headers: self.headers,
            body,
        }
    }

    /// Turns this (non-success) answer into [`Error::Api`], reading at most
    /// [`ApiError::BODY_LIMIT`] bytes of the body (the rest is not read). If reading the body
    /// fails, the error keeps what was read and is marked truncated.
    pub async fn into_error(self) -> Error {
        let (status, headers, policy) = (self.status, self.headers.clone(), self.policy);
        let method = self.method.clone();
        // The path only: the query may hold the key.
        let path = self.inner.url().path().to_owned();
        let (body, truncated) = match self.read_capped(ApiError::BODY_LIMIT).await {
            Ok(read) => read,
            Err(partial) => (partial, true),
        };
        Error::from(
            ApiError::new(status, headers, body, truncated)
                .with_request(method, path)
                .with_policy(policy),
        )
    }

    /// Reads the whole body before the deadline: status, headers, media type and body. A
    /// success answer of an idempotent request whose connection drops mid-body is fetched again
    /// (see [`RawResponse::json`]).
    async fn read_all(self) -> Result<(StatusCode, HeaderMap, Option<String>, Bytes), Error> {
        let mut current = self;
        loop {
            let RawResponse {
                inner,
                status,
                headers,
                content_type,
                deadline,
                timeout,
                secret_param,
                slot,
                replay,
                ..
            } = current;
            let read = tokio::time::timeout_at(deadline, read_limited(inner)).await;
            drop(slot);
            let failure = match read {
                Ok(Ok(bytes)) => return Ok((status, headers, content_type, bytes)),
                Ok(Err(None)) => {
                    return Err(Error::Protocol(format!(
                        "the {status} answer is larger than {} MiB, the most a buffered answer \
                         may have",
                        RawResponse::BODY_LIMIT / (1024 * 1024)
                    )));
                }
                Ok(Err(Some(e))) => body_error(e, secret_param, Some(timeout)),
                Err(_) => {
                    return Err(Error::Timeout(TimeoutError::new(
                        TimeoutKind::Request,
                        Some(timeout),
                    )));
                }
            };
            let replay = match replay {
                Some(replay) if status.is_success() && matches!(failure, Error::Transport(_)) => {
                    replay
                }
                _ => return Err(failure),
            };
            let Some(next) = replay.again().await else {
                return Err(failure);
            };
            let next = next?;
            if !next.status.is_success() {
                return Err(next.into_error().await);
            }
            current = next;
        }
    }

    /// Reads at most `cap` bytes before the deadline: `(bytes, truncated)`, or on a read
    /// failure the bytes read so far.
    async fn read_capped(mut self, cap: usize) -> Result<(Bytes, bool), Bytes> {
        let mut buf = BytesMut::new();
        loop {
            let chunk = match tokio::time::timeout_at(self.deadline, self.inner.chunk()).await {
                Ok(Ok(Some(chunk))) => chunk,
                Ok(Ok(None)) => return Ok((buf.freeze(), false)),
                Ok(Err(_)) | Err(_) => return Err(buf.freeze()),
            };
            let room = cap - buf.len();
            if chunk.len() > room {
                buf.extend_from_slice(&chunk[..room]);
                return Ok((buf.freeze(), true));
            }
            buf.extend_from_slice(&chunk);
        }
    }
}

/// Maps a body read failure.
fn body_error(e: reqwest::Error, secret_param: Option<&str>, limit: Option<Duration>) -> Error {
    let e = redact_error(e, secret_param);
    if e.is_timeout() {
        Error::Timeout(TimeoutError::new(TimeoutKind::Request, limit).with_source(e))
    } else {
        Error::Transport(e)
    }
}

/// A decoded answer: status, headers and body. Derefs to the body.
#[derive(Debug, Clone)]
pub struct ApiResponse<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> ApiResponse<T> {
    /// Builds an answer from its parts.
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        ApiResponse {
            status,
            headers,
            body,
        }
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Answer headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The body, dropping status and headers.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Transforms the body, keeping status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ApiResponse<U> {
        ApiResponse {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }
}

impl<T> Deref for ApiResponse<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// A streamed answer body: a [`Stream`] of chunks.
///
/// A wait for the next chunk longer than the read-idle timeout ends the stream with
/// [`Error::Timeout`] ([`TimeoutKind::ReadIdle`]); only time spent waiting for the server counts,
/// not time between polls. After an error the stream ends.
pub struct ByteStream {
    inner: ChunkStream,
    idle: Duration,
    /// Measures the current wait for data; `None` when not waiting (created lazily so that
    /// building the stream needs no runtime).
    timer: Option<Pin<Box<Sleep>>>,
    done: bool,
    content_length: Option<u64>,
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_length", &self.content_length)
            .field("read_idle_timeout", &self.idle)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    /// The body length the server announced, if any.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// Reads the rest of the stream into memory.
    pub async fn collect(mut self) -> Result<Bytes, Error> {
        let mut buf = BytesMut::new();
        while let Some(chunk) = self.next().await {
            buf.extend_from_slice(&chunk?);
        }
        Ok(buf.freeze())
    }

    /// Writes the body to `path` through a temporary file in the same directory that is renamed
    /// into place only when the whole body was received and flushed to disk, so a partial file
    /// never looks complete. On failure (or if this future is dropped) the temporary file is
    /// removed and `path` is untouched. Returns the number of bytes written.
    pub async fn write_to_file(self, path: impl AsRef<std::path::Path>) -> Result<u64, Error> {
        crate::download::write_to_file(self, path.as_ref()).await
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.timer = None;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.done = true;
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => {
                let idle = this.idle;
                let timer = this
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                if timer.as_mut().poll(cx).is_ready() {
                    this.done = true;
                    return Poll::Ready(Some(Err(Error::Timeout(TimeoutError::new(
                        TimeoutKind::ReadIdle,
                        Some(idle),
                    )))));
                }
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A body whose chunks arrive after the given pauses (the clock is paused in these tests, so
    /// the pauses are virtual and the outcome does not depend on the machine's speed).
    fn body(pauses_ms: &[u64], idle: Duration) -> ByteStream {
        let pauses: Vec<u64> = pauses_ms.to_vec();
        let inner = futures::stream::unfold(pauses.into_iter(), |mut pauses| async move {
            let pause = pauses.next()?;
            tokio::time::sleep(Duration::from_millis(pause)).await;
            Some((Ok(Bytes::from_static(b"chunk")), pauses))
        });
        ByteStream {
            inner: Box::pin(inner),
            idle,
            timer: None,
            done: false,
            content_length: None,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn each_wait_is_bounded_not_the_whole_body() {
        // Ten waits of 80 ms under a 100 ms idle timeout: 800 ms in all, never idle for 100 ms.
        let body = body(&[80; 10], Duration::from_millis(100));
        assert_eq!(
            body.collect().await.expect("no wait was too long").len(),
            50
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_stall_after_data_ends_the_stream_with_read_idle() {
        let mut body = body(&[80, 80, 150, 10], Duration::from_millis(100));
        assert!(body.next().await.expect("first").is_ok());
        assert!(body.next().await.expect("second").is_ok());
        match body.next().await {
            Some(Err(Error::Timeout(t))) => assert_eq!(t.kind(), TimeoutKind::ReadIdle),
            other => panic!("expected a read-idle timeout, got {other:?}"),
        }
        assert!(
            body.next().await.is_none(),
            "the stream ends after the error"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn time_between_polls_does_not_count() {
        // The consumer takes 500 ms, five idle timeouts, before asking for more; the next chunk
        // then arrives 80 ms later, and so does the one after.
        let mut body = body(&[50, 80, 80], Duration::from_millis(100));
        assert!(body.next().await.expect("first").is_ok());
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert!(body.next().await.expect("second").is_ok());
        assert!(body.next().await.expect("third").is_ok());
        assert!(body.next().await.is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn an_unbounded_idle_timeout_does_not_overflow() {
        let body = body(&[10, 10, 10], Duration::MAX);
        assert_eq!(body.collect().await.expect("read").len(), 15);
    }
}
