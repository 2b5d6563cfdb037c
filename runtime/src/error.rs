//! The runtime's error type and the decoded form of an API error answer.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::ApiPolicy;

/// Everything that can go wrong when calling the API.
///
/// No variant's `Debug` or `Display` output ever contains the API key.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Could not connect, the connection dropped, or another transport failure.
    ///
    /// The URL kept inside the source has any query-string credential redacted.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// A connect timeout, an overall request timeout, or a stalled body read.
    #[error(transparent)]
    Timeout(TimeoutError),
    /// The server answered with a non-success status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A success answer whose body did not decode as the expected type; the raw body is kept.
    #[error("could not decode the {status} answer{}: {source}", content_type_note(.content_type))]
    Decode {
        /// Status of the answer.
        status: StatusCode,
        /// Media type of the answer, if it had one.
        content_type: Option<String>,
        /// The raw body that failed to decode.
        body: Bytes,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },
    /// A bad argument (path parameter, header value, URL) detected before sending.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A client configuration problem: missing key, bad base URL, unknown server name,
    /// plain `http` to a host that is not loopback, unreadable profile file.
    #[error("configuration error: {0}")]
    Config(String),
    /// Local file I/O failed (upload source, download target).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The server's answer broke a rule the runtime relies on, for example a pagination link to
    /// another host (refused so the key is never sent there) or a pagination link that loops.
    #[error("unexpected answer from the server: {0}")]
    Protocol(String),
    /// Data did not arrive intact: a checksum or length computed locally differs from the one
    /// the server reported (an upload whose stored `md5` is not the local file's, a download
    /// shorter than announced).
    #[error("integrity check failed: the {what} is {actual}, expected {expected}")]
    Integrity {
        /// What was compared: `"md5"` or `"length"`.
        what: &'static str,
        /// The value it should have had (from the server, or of the local file for an upload).
        expected: String,
        /// The value it had.
        actual: String,
    },
}

fn content_type_note(content_type: &Option<String>) -> String {
    match content_type {
        Some(ct) => format!(" ({ct})"),
        None => String::new(),
    }
}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Self {
        Error::Api(Box::new(err))
    }
}

impl Error {
    /// The API error, if this is an [`Error::Api`].
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(err) => Some(err),
            _ => None,
        }
    }

    /// The HTTP status of the answer, for [`Error::Api`] and [`Error::Decode`].
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(err) => Some(err.status()),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether this is a timeout of any kind.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

/// Which limit a [`TimeoutError`] hit.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutKind {
    /// The TCP/TLS connection could not be set up in time (the request was never sent).
    Connect,
    /// The request as a whole (send, answer head and, for buffered bodies, the body) took too long.
    Request,
    /// A streamed body read received no data for the read-idle timeout.
    ReadIdle,
}

/// Details of an [`Error::Timeout`].
#[derive(Debug)]
pub struct TimeoutError {
    kind: TimeoutKind,
    limit: Option<Duration>,
    source: Option<reqwest::Error>,
}

impl TimeoutError {
    pub(crate) fn new(kind: TimeoutKind, limit: Option<Duration>) -> Self {
        TimeoutError {
            kind,
            limit,
            source: None,
        }
    }

    pub(crate) fn with_source(mut self, source: reqwest::Error) -> Self {
        self.source = Some(source);
        self
    }

    /// Which limit was hit.
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The limit that was exceeded, when known.
    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connecting timed out",
            TimeoutKind::Request => "the request timed out",
            TimeoutKind::ReadIdle => "the response body stalled",
        };
        f.write_str(what)?;
        if let Some(limit) = self.limit {
            write!(f, " (limit {limit:?})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TimeoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The category of an API error answer: from its status, refined by the API's
/// [`ApiPolicy::classify_error`](crate::ApiPolicy::classify_error) (the credential kinds come only
/// from there, since only an API knows how it words them).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiErrorKind {
    /// The key was valid once but has expired (for example a key that lived as long as a job).
    KeyExpired,
    /// The key's user or account was deactivated or deleted.
    UserInactive,
    /// The key is not known to the server.
    InvalidToken,
    /// Any other 401.
    Unauthorized,
    /// 403: authenticated but not allowed.
    Forbidden,
    /// 404: not found.
    NotFound,
    /// 429: rate limited; see [`ApiError::retry_after`].
    Throttled,
    /// 400 or 422: the request was refused as invalid; see [`ApiError::field_errors`].
    Validation,
    /// 5xx.
    ServerError,
    /// Anything else.
    Other,
}

/// A non-success answer from the server.
///
/// The body is kept as received, capped at [`ApiError::BODY_LIMIT`] bytes.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    truncated: bool,
    json: Option<serde_json::Value>,
    /// The method and URL path of the request, when known (never the query: it may hold the key).
    request: Option<(reqwest::Method, String)>,
    /// The API policy's finer kind, if it gave one.
    refined_kind: Option<ApiErrorKind>,
    /// The wait the body asked for, by the API policy.
    body_retry_after: Option<Duration>,
}

impl ApiError {
    /// The most body bytes kept (and read) for an error answer: 1 MiB.
    pub const BODY_LIMIT: usize = 1024 * 1024;

    /// Builds an error from an answer's parts. `truncated` says the body was cut at the cap.
    pub fn new(status: StatusCode, headers: HeaderMap, body: Bytes, truncated: bool) -> Self {
        let json = if truncated {
            None
        } else {
            serde_json::from_slice::<serde_json::Value>(&body).ok()
        };
        ApiError {
            status,
            headers,
            body,
            truncated,
            json,
            refined_kind: None,
            body_retry_after: None,
            request: None,
        }
    }

    /// Applies an API's policy: its finer kind and the wait its body asks for.
    pub fn with_policy(mut self, policy: &ApiPolicy) -> Self {
        self.refined_kind = (policy.classify_error)(&self);
        self.body_retry_after = (policy.retry_after_in_body)(&self);
        self
    }

    /// Records the method and URL path of the request this answers (shown by `Display`). Pass
    /// the path only: a query string may carry the key.
    pub fn with_request(mut self, method: reqwest::Method, path: impl Into<String>) -> Self {
        self.request = Some((method, path.into()));
        self
    }

    /// The method of the request this answers, when known.
    pub fn method(&self) -> Option<&reqwest::Method> {
        self.request.as_ref().map(|(method, _)| method)
    }

    /// The URL path of the request this answers (no query), when known.
    pub fn path(&self) -> Option<&str> {
        self.request.as_ref().map(|(_, path)| path.as_str())
    }

    /// HTTP status of the answer.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Headers of the answer.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body as received (at most [`ApiError::BODY_LIMIT`] bytes).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Whether the body was longer than [`ApiError::BODY_LIMIT`] and was cut.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// The body parsed as JSON, if it was complete, valid JSON.
    pub fn json(&self) -> Option<&serde_json::Value> {
        self.json.as_ref()
    }

    /// The `detail` message of a `{"detail": "..."}` answer.
    pub fn detail(&self) -> Option<&str> {
        self.json.as_ref()?.get("detail")?.as_str()
    }

    /// The field-name → messages map of a validation failure (400 or 422 whose body is a JSON
    /// object other than a lone `detail`). Values are lists of messages, or nested maps/lists
    /// for nested fields.
    pub fn field_errors(&self) -> Option<&serde_json::Map<String, serde_json::Value>> {
        if !matches!(self.status.as_u16(), 400 | 422) {
            return None;
        }
        let map = self.json.as_ref()?.as_object()?;
        let only_detail = map.len() == 1 && map.get("detail").is_some_and(|d| d.is_string());
        if map.is_empty() || only_detail {
            None
        } else {
            Some(map)
        }
    }

    /// How long the server asked to wait before trying again: the `Retry-After` header (seconds
    /// or an HTTP date), or else what the body says, as the API's policy reads it.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after_at(SystemTime::now())
    }

    pub(crate) fn retry_after_at(&self, now: SystemTime) -> Option<Duration> {
        if let Some(d) = crate::retry::retry_after_from_headers(&self.headers, now) {
            return Some(d);
        }
        self.body_retry_after
    }

    /// The category of this error: the API policy's, else the status's.
    pub fn kind(&self) -> ApiErrorKind {
        if let Some(kind) = self.refined_kind {
            return kind;
        }
        match self.status.as_u16() {
            401 => ApiErrorKind::Unauthorized,
            403 => ApiErrorKind::Forbidden,
            404 => ApiErrorKind::NotFound,
            429 => ApiErrorKind::Throttled,
            400 | 422 => ApiErrorKind::Validation,
            500..=599 => ApiErrorKind::ServerError,
            _ => ApiErrorKind::Other,
        }
    }

    /// A one-line summary of the body for `Display`: the detail, the field errors, or a
    /// short text excerpt.
    fn summary(&self) -> Option<String> {
        if let Some(detail) = self.detail() {
            return Some(detail.to_owned());
        }
        if let Some(fields) = self.field_errors() {
            let mut parts = Vec::new();
            for (name, value) in fields {
                flatten_messages(name, value, &mut parts);
            }
            return Some(parts.join("; "));
        }
        if self.body.is_empty() {
            return None;
        }
        let text = String::from_utf8_lossy(&self.body);
        if self.is_html(&text) {
            // A proxy's or load balancer's error page: its title says it, the markup does not.
            return Some(match (html_title(&text), html_short_text(&text)) {
                (Some(title), _) => format!("an HTML page titled {title:?}"),
                (None, Some(words)) => format!("an HTML page: {words}"),
                (None, None) => format!("an HTML page of {} bytes", self.body.len()),
            });
        }
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        const MAX: usize = 200;
        if text.chars().count() > MAX {
            let cut: String = text.chars().take(MAX).collect();
            Some(format!("{cut}…"))
        } else {
            Some(text)
        }
    }
}

impl ApiError {
    /// Whether the body is an HTML page (by its media type or its first tag).
    fn is_html(&self, text: &str) -> bool {
        let by_type = self
            .headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
        let start: String = text.trim_start().chars().take(14).collect();
        let start = start.to_ascii_lowercase();
        by_type || start.starts_with("<!doctype html") || start.starts_with("<html")
    }
}

/// The text of an HTML page's `<title>`, white space collapsed, at most 100 characters.
fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let title = html.get(start..end)?.split_whitespace().collect::<Vec<_>>();
    let title = title.join(" ");
    if title.is_empty() {
        return None;
    }
    Some(title.chars().take(100).collect())
}

/// The visible text of a small HTML fragment without scripts or styles (`<h1>Server
/// Error</h1>`), when it is at most 100 characters.
fn html_short_text(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    if lower.contains("<script") || lower.contains("<style") {
        return None;
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!words.is_empty() && words.chars().count() <= 100).then_some(words)
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        if let Some(summary) = self.summary() {
            write!(f, ": {summary}")?;
        }
        if let Some((method, path)) = &self.request {
            write!(f, " ({method} {path})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Appends `path: message` lines for a (possibly nested) validation value.
fn flatten_messages(path: &str, value: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match value {
        Value::String(msg) => out.push(format!("{path}: {msg}")),
        Value::Array(items) => {
            let all_strings = items.iter().all(Value::is_string);
            if all_strings {
                for item in items {
                    flatten_messages(path, item, out);
                }
            } else {
                for (i, item) in items.iter().enumerate() {
                    flatten_messages(&format!("{path}[{i}]"), item, out);
                }
            }
        }
        Value::Object(map) => {
            for (name, inner) in map {
                flatten_messages(&format!("{path}.{name}"), inner, out);
            }
        }
        other => out.push(format!("{path}: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderValue, RETRY_AFTER};

    fn err(status: u16, body: &str) -> ApiError {
        ApiError::new(
            StatusCode::from_u16(status).expect("valid status"),
            HeaderMap::new(),
            Bytes::copy_from_slice(body.as_bytes()),
            false,
        )
    }

    #[test]
    fn kinds_from_status() {
        let cases = [
            (
                401,
                r#"{"detail":"API key is no longer active"}"#,
                ApiErrorKind::Unauthorized,
            ),
            (
                403,
                r#"{"detail":"You do not have permission."}"#,
                ApiErrorKind::Forbidden,
            ),
            (404, r#"{"detail":"Not found."}"#, ApiErrorKind::NotFound),
            (
                429,
                r#"{"detail":"Request was throttled."}"#,
                ApiErrorKind::Throttled,
            ),
            (
                400,
                r#"{"name":["This field is required."]}"#,
                ApiErrorKind::Validation,
            ),
            (422, "{}", ApiErrorKind::Validation),
            (502, "<html>bad gateway</html>", ApiErrorKind::ServerError),
            (409, "", ApiErrorKind::Other),
        ];
        for (status, body, kind) in cases {
            assert_eq!(err(status, body).kind(), kind, "{status} {body}");
        }
    }

    /// A policy that calls every 401 whose detail says "expired" an expired key, and reads a wait
    /// from a `wait_seconds` field.
    const TEST_POLICY: ApiPolicy = ApiPolicy {
        classify_error: |e| {
            (e.status() == StatusCode::UNAUTHORIZED && e.detail()?.contains("expired"))
                .then_some(ApiErrorKind::KeyExpired)
        },
        retry_after_in_body: |e| {
            e.json()?
                .get("wait_seconds")?
                .as_u64()
                .map(Duration::from_secs)
        },
        ..ApiPolicy::STANDARD
    };

    #[test]
    fn the_policy_refines_kinds_and_reads_waits_from_bodies() {
        let expired = err(401, r#"{"detail":"key expired"}"#).with_policy(&TEST_POLICY);
        assert_eq!(expired.kind(), ApiErrorKind::KeyExpired);
        let other = err(401, r#"{"detail":"no"}"#).with_policy(&TEST_POLICY);
        assert_eq!(other.kind(), ApiErrorKind::Unauthorized);
        let standard = err(401, r#"{"detail":"key expired"}"#).with_policy(&ApiPolicy::STANDARD);
        assert_eq!(standard.kind(), ApiErrorKind::Unauthorized);

        let wait = err(429, r#"{"wait_seconds":12}"#).with_policy(&TEST_POLICY);
        assert_eq!(wait.retry_after(), Some(Duration::from_secs(12)));
        assert_eq!(err(429, r#"{"wait_seconds":12}"#).retry_after(), None);
        // The header wins over the body.
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        let e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            headers,
            Bytes::from_static(br#"{"wait_seconds":12}"#),
            false,
        )
        .with_policy(&TEST_POLICY);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(err(404, "{}").retry_after(), None);
    }

    #[test]
    fn display_shows_status_and_detail() {
        assert_eq!(
            err(404, r#"{"detail":"Not found."}"#).to_string(),
            "404 Not Found: Not found."
        );
        let nested = err(
            400,
            r#"{"name":["This field is required."],"jobanalyses":[{"command":["May not be blank."]}]}"#,
        );
        let shown = nested.to_string();
        assert!(shown.starts_with("400 Bad Request: "), "{shown}");
        assert!(shown.contains("name: This field is required."), "{shown}");
        assert!(
            shown.contains("jobanalyses[0].command: May not be blank."),
            "{shown}"
        );
        assert_eq!(err(503, "").to_string(), "503 Service Unavailable");
        assert_eq!(
            err(404, r#"{"detail":"Not found."}"#)
                .with_request(reqwest::Method::GET, "/api/v2/jobs/x/")
                .to_string(),
            "404 Not Found: Not found. (GET /api/v2/jobs/x/)"
        );
    }

    #[test]
    fn an_html_error_page_is_summarised_not_printed() {
        let page = "<!DOCTYPE html>\n<html><head>\n<title>503 Service\n Temporarily Unavailable</title>\
                    <style>body{}</style></head><body><h1>Down</h1><p>lots of markup</p></body></html>";
        let shown = err(503, page).to_string();
        assert_eq!(
            shown,
            "503 Service Unavailable: an HTML page titled \"503 Service Temporarily Unavailable\""
        );
        let untitled = err(502, "<html><body>bad gateway</body></html>").to_string();
        assert_eq!(untitled, "502 Bad Gateway: an HTML page: bad gateway");
        let long = format!("<html><body>{}</body></html>", "word ".repeat(40));
        assert_eq!(
            err(502, &long).to_string(),
            format!("502 Bad Gateway: an HTML page of {} bytes", long.len())
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        let typed = ApiError::new(
            StatusCode::BAD_GATEWAY,
            headers,
            Bytes::from_static(b"  <body>x</body>"),
            false,
        );
        assert!(typed.to_string().contains("an HTML page"), "{typed}");
        // Plain text still shows as text.
        assert_eq!(
            err(500, "oops").to_string(),
            "500 Internal Server Error: oops"
        );
    }

    #[test]
    fn field_errors_only_for_validation_maps() {
        let v = err(400, r#"{"jobanalyses":[{"command":["x"]}]}"#);
        let fields = v.field_errors().expect("field errors");
        assert!(fields.contains_key("jobanalyses"));
        assert!(err(400, r#"{"detail":"Bad."}"#).field_errors().is_none());
        assert!(err(404, r#"{"name":["x"]}"#).field_errors().is_none());
        assert!(err(400, "not json").field_errors().is_none());
    }

    #[test]
    fn truncated_body_is_not_parsed() {
        let e = ApiError::new(
            StatusCode::NOT_FOUND,
            HeaderMap::new(),
            Bytes::from_static(b"{}"),
            true,
        );
        assert!(e.is_truncated());
        assert!(e.json().is_none());
    }
}
