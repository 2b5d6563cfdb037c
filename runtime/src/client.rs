//! The client: configuration, credentials, and sending requests with timeouts and retries.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, USER_AGENT,
};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use crate::config::{EnvSettings, SecretString, same_origin, strip_path_prefix, validate_base_url};
#[cfg(feature = "rate-limit")]
use crate::ratelimit::RateLimit;
use crate::request::{Body, encode_cookie_value};
use crate::retry::{Decision, Outcome, decide, retry_after_from_headers};
use crate::upload::Progress;
use crate::{
    ApiInfo, ApiPolicy, AuthScheme, Error, RawResponse, Request, RetryPolicy, TimeoutError,
    TimeoutKind,
};

/// Default connect timeout.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default overall request timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default read-idle timeout of streamed response bodies.
const DEFAULT_READ_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Most redirects followed.
const MAX_REDIRECTS: usize = 10;
/// Default most requests in flight at once (see [`ClientBuilder::max_concurrent_requests`]).
const DEFAULT_MAX_CONCURRENT: usize = 32;

/// A client of one API. Cheap to clone: clones share one connection pool and configuration.
///
/// # Timeouts
///
/// * **connect** (default 10 s): setting up the TCP/TLS connection. Nothing was sent yet, so a
///   connect failure or timeout is retried even for non-idempotent requests.
/// * **request** (default 60 s, per call [`CallOptions::timeout`]): from sending until the answer
///   is in — its head, and for the buffered readers ([`RawResponse::json`], `text`, `bytes`,
///   `empty`, `into_error`) its whole body. While a request body from an [`UploadSource`] or a
///   [`Multipart`] is being sent, the clock restarts whenever a chunk of it goes out, so a large
///   upload that keeps moving is not cut off; a stalled one times out.
/// * **read idle** (default 60 s): for a streamed answer ([`RawResponse::stream`]) the request
///   timeout ends once the head arrives; after that each wait for more body data may last at
///   most this long, so a multi-gigabyte download is not limited in total but a stalled one
///   ends with [`Error::Timeout`] instead of hanging. Time the consumer spends between polls
///   does not count.
///
/// # Concurrency and rate limits
///
/// At most [`ClientBuilder::max_concurrent_requests`] requests (default 32) are in flight at
/// once; more wait their turn, so a burst of a thousand calls reuses a few dozen connections
/// instead of opening a thousand sockets. A slot is held from sending until the answer's body
/// has been read (a streamed body gives its slot back once the head is in), and the wait for a
/// slot counts towards the request timeout, so a call never hangs waiting for one.
///
/// With a [`RateLimit`] ([`ClientBuilder::rate_limit`], off by default) every try first waits
/// for a token of its scope; that wait counts towards the timeout, and one longer than the
/// timeout or [`RetryPolicy::max_wait`] fails at once. A 429 answer with a `Retry-After` (or,
/// without one, a body saying "Expected available in N seconds.") of at most `max_wait` holds
/// its whole scope for that long, so concurrent callers back off as well; a longer one is
/// handed back as the error at once.
///
/// Redirects are followed (at most 10), but never from https to http, and never to another
/// origin for a request that is not idempotent, such as creating a job.
///
/// [`CallOptions::timeout`]: crate::CallOptions::timeout
/// [`UploadSource`]: crate::UploadSource
/// [`Multipart`]: crate::Multipart
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    api: &'static ApiInfo,
    /// `api.user_agent` as a header value, built once (`None` if it is not a valid header value).
    user_agent: Option<HeaderValue>,
    base_url: Url,
    http: reqwest::Client,
    auth: Option<Auth>,
    timeout: Duration,
    read_idle_timeout: Duration,
    retry: RetryPolicy,
    #[cfg(feature = "rate-limit")]
    rate_limit: Option<RateLimit>,
    slots: Option<Arc<Semaphore>>,
    max_concurrent: usize,
}

/// The credential, ready to attach.
enum Auth {
    Header(HeaderName, HeaderValue),
    Query(&'static str, SecretString),
    Cookie(&'static str, SecretString),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Header(name, _) => write!(f, "header {name}: <redacted>"),
            Auth::Query(name, _) => write!(f, "query {name}=<redacted>"),
            Auth::Cookie(name, _) => write!(f, "cookie {name}=<redacted>"),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Client");
        d.field("api", &self.inner.api.title)
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("timeout", &self.inner.timeout)
            .field("read_idle_timeout", &self.inner.read_idle_timeout)
            .field("retry", &self.inner.retry);
        #[cfg(feature = "rate-limit")]
        d.field("rate_limit", &self.inner.rate_limit);
        d.field("max_concurrent_requests", &self.inner.max_concurrent)
            .finish_non_exhaustive()
    }
}

/// Where the base URL was chosen explicitly.
#[derive(Debug, Clone)]
enum BaseChoice {
    Url(String),
    Server(String),
}

/// Builds a [`Client`], or a generated crate's own client type `C` that wraps one (a generated
/// `Client::builder()` returns a `ClientBuilder<Client>` of its crate's `Client`).
///
/// Settings come from, in order of precedence: explicit calls on the builder; environment
/// variables and then the API's profile (only if [`ClientBuilder::from_env`] was called); the
/// first of the API's servers.
pub struct ClientBuilder<C = Client> {
    api: &'static ApiInfo,
    base: Option<BaseChoice>,
    api_key: Option<SecretString>,
    env: Option<EnvSettings>,
    timeout: Duration,
    connect_timeout: Duration,
    read_idle_timeout: Duration,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    #[cfg(feature = "rate-limit")]
    rate_limit: Option<RateLimit>,
    max_concurrent: usize,
    /// What `build` makes: `fn() -> C` keeps the builder `Send + Sync` whatever `C` is.
    client_type: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ClientBuilder");
        d.field("api", &self.api.title)
            .field("base", &self.base)
            .field("api_key", &self.api_key)
            .field("env", &self.env)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_idle_timeout", &self.read_idle_timeout)
            .field("retry", &self.retry)
            .field("custom_http_client", &self.http.is_some());
        #[cfg(feature = "rate-limit")]
        d.field("rate_limit", &self.rate_limit);
        d.field("max_concurrent_requests", &self.max_concurrent)
            .finish()
    }
}

impl Client {
    /// Starts configuring a client for `api`.
    pub fn builder(api: &'static ApiInfo) -> ClientBuilder {
        ClientBuilder::new(api)
    }

    /// The client's retry policy (a call may override it).
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The client's rate limiter, if it has one.
    #[cfg(feature = "rate-limit")]
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.inner.rate_limit.as_ref()
    }

    /// The base URL requests are made against (without trailing slash).
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The API this client talks to.
    pub fn api(&self) -> &'static ApiInfo {
        self.inner.api
    }

    /// Sends `request`: adds credentials (unless [`Request::no_auth`]), applies the timeouts and
    /// retries by the [`RetryPolicy`], and returns the answer whatever its status (turn a
    /// non-success answer into an error with [`RawResponse::into_error`]).
    pub async fn execute(&self, request: Request) -> Result<RawResponse, Error> {
        self.execute_from(request, 0).await
    }

    /// The path of `url` relative to the base URL's path prefix, for the rate limit classifier.
    #[cfg(feature = "rate-limit")]
    pub(crate) fn relative_path<'u>(&self, url: &'u Url) -> &'u str {
        let prefix = self.inner.base_url.path().trim_end_matches('/');
        match url.path().strip_prefix(prefix) {
            Some(rest) if rest.starts_with('/') => rest,
            _ => url.path(),
        }
    }

    /// [`Client::execute`] with `retry` retries already spent (a replay after a body read
    /// failed continues the count).
    pub(crate) async fn execute_from(
        &self,
        request: Request,
        mut retry: u32,
    ) -> Result<RawResponse, Error> {
        let policy = request
            .options
            .retry
            .clone()
            .unwrap_or_else(|| self.inner.retry.clone());
        let timeout = request.options.timeout.unwrap_or(self.inner.timeout);
        let replayable = request.body.is_replayable();
        loop {
            // The try's clock starts before the rate limiter's wait, so that wait counts
            // against the timeout; a wait longer than `max_wait` or the timeout fails at once.
            let progress = Progress::new();
            #[cfg(feature = "rate-limit")]
            if let Some(limit) = &self.inner.rate_limit {
                let path = self.relative_path(&request.url);
                let wait = limit.reserve(&request.method, path);
                if wait > policy.max_wait.min(timeout) {
                    return Err(Error::Timeout(TimeoutError::new(
                        TimeoutKind::Request,
                        Some(timeout),
                    )));
                }
                if !wait.is_zero() {
                    tracing::debug!(
                        method = %request.method,
                        path = %path,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "rate limit: waiting for a token"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
            // The path only: the query may carry the key (an `apiKey` in query scheme).
            tracing::debug!(
                method = %request.method,
                path = %request.url.path(),
                attempt = retry + 1,
                "sending request"
            );
            let started = std::time::Instant::now();
            let http_request = self.to_http(&request, &progress).await?;
            let slots = self.inner.slots.clone();
            let http = &self.inner.http;
            let unsafe_method = !request.idempotent;
            let send = async move {
                // A closed semaphore (never closed here) would mean no limit.
                let permit = match slots {
                    Some(slots) => slots.acquire_owned().await.ok(),
                    None => None,
                };
                // The redirect policy runs inside this future and reads whether it may leave
                // the origin.
                let answer = NON_IDEMPOTENT.scope(unsafe_method, http.execute(http_request));
                (permit, answer.await)
            };
            let (permit, mut sent) = match with_timeout(send, timeout, &progress).await {
                Ok((permit, answer)) => (permit, Ok(answer)),
                Err(timeout_error) => (None, Err(timeout_error)),
            };
            let mut outcome = match &sent {
                Ok(Ok(response)) => Outcome::Answered(
                    response.status(),
                    retry_after_from_headers(response.headers(), std::time::SystemTime::now()),
                ),
                Ok(Err(e)) if e.is_connect() => Outcome::ConnectFailed,
                Ok(Err(e)) if e.is_timeout() => Outcome::TimedOut,
                Ok(Err(e)) if e.is_builder() => Outcome::Invalid,
                Ok(Err(_)) => Outcome::TransportFailed,
                Err(_) => Outcome::TimedOut,
            };
            // A 429 without `Retry-After` that would be retried: its body may say how long to
            // wait ("Expected available in 7 seconds."), which beats a blind backoff.
            let mut throttled = None;
            if matches!(
                outcome,
                Outcome::Answered(StatusCode::TOO_MANY_REQUESTS, None)
            ) && decide(&policy, retry, request.idempotent, replayable, outcome)
                != Decision::Stop
            {
                let placeholder = Err(TimeoutError::new(TimeoutKind::Request, None));
                if let Ok(Ok(response)) = std::mem::replace(&mut sent, placeholder) {
                    let deadline = progress_deadline(&progress, timeout);
                    let raw = RawResponse::new(
                        response,
                        deadline,
                        timeout,
                        self.inner.read_idle_timeout,
                        self.secret_param(),
                        &self.inner.api.policy,
                        request.method.clone(),
                    );
                    let error = raw.into_error().await;
                    let wait = match &error {
                        Error::Api(api) => api.retry_after(),
                        _ => None,
                    };
                    outcome = Outcome::Answered(StatusCode::TOO_MANY_REQUESTS, wait);
                    throttled = Some(error);
                }
            }
            // A throttled answer holds the whole scope of the rate limit, so other callers back
            // off too; a retry then waits for its token instead of sleeping here as well. A wait
            // longer than `max_wait` is not retried, and holds nothing.
            #[cfg(feature = "rate-limit")]
            let held = match (&self.inner.rate_limit, outcome) {
                (Some(limit), Outcome::Answered(StatusCode::TOO_MANY_REQUESTS, Some(wait)))
                    if wait <= policy.max_wait =>
                {
                    limit.hold(&request.method, self.relative_path(&request.url), wait)
                }
                _ => false,
            };
            #[cfg(not(feature = "rate-limit"))]
            let held = false;
            trace_outcome(&request, retry + 1, started.elapsed(), outcome);
            if let Decision::RetryAfter(wait) =
                decide(&policy, retry, request.idempotent, replayable, outcome)
            {
                tracing::info!(
                    method = %request.method,
                    path = %request.url.path(),
                    attempt = retry + 1,
                    outcome = %outcome_text(outcome),
                    wait_ms = wait.as_millis() as u64,
                    "retrying request"
                );
                drop(sent);
                drop(permit);
                if !held {
                    tokio::time::sleep(wait).await;
                }
                retry += 1;
                continue;
            }
            if let Some(error) = throttled {
                return Err(error);
            }
            return match sent {
                Ok(Ok(response)) => {
                    let deadline = progress_deadline(&progress, timeout);
                    let method = request.method.clone();
                    // The request is not needed here any more: move it into the replay handle
                    // rather than cloning it on every call.
                    let replay = (request.idempotent && replayable).then(move || Replay {
                        client: self.clone(),
                        request,
                        policy,
                        retry,
                    });
                    Ok(RawResponse::new(
                        response,
                        deadline,
                        timeout,
                        self.inner.read_idle_timeout,
                        self.secret_param(),
                        &self.inner.api.policy,
                        method,
                    )
                    .with_slot(permit)
                    .with_replay(replay))
                }
                Ok(Err(e)) => Err(self.transport_error(e, timeout)),
                Err(timeout_error) => Err(Error::Timeout(timeout_error)),
            };
        }
    }

    /// The name of a query parameter that carries the key, to redact from error URLs.
    fn secret_param(&self) -> Option<&'static str> {
        match &self.inner.auth {
            Some(Auth::Query(name, _)) => Some(name),
            _ => None,
        }
    }

    /// Maps a reqwest error, redacting any key in its URL.
    fn transport_error(&self, e: reqwest::Error, limit: Duration) -> Error {
        let e = redact_error(e, self.secret_param());
        if e.is_timeout() {
            let kind = if e.is_connect() {
                TimeoutKind::Connect
            } else {
                TimeoutKind::Request
            };
            let limit = if e.is_connect() { None } else { Some(limit) };
            Error::Timeout(TimeoutError::new(kind, limit).with_source(e))
        } else if e.is_builder() {
            Error::InvalidArgument(format!("the request could not be built: {e}"))
        } else {
            Error::Transport(e)
        }
    }

    /// Builds the wire request for one try: URL with query and credentials, headers, body.
    async fn to_http(
        &self,
        request: &Request,
        progress: &Progress,
    ) -> Result<reqwest::Request, Error> {
        let auth = if request.auth {
            self.inner.auth.as_ref()
        } else {
            None
        };
        let mut url = request.url.clone();
        let auth_query = match auth {
            Some(Auth::Query(name, key)) => Some((*name, key)),
            _ => None,
        };
        if !request.query.is_empty() || auth_query.is_some() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &request.query {
                if auth_query.is_some_and(|(secret, _)| secret == name) {
                    continue;
                }
                pairs.append_pair(name, value);
            }
            if let Some((name, key)) = auth_query {
                pairs.append_pair(name, key.expose());
            }
        }

        let mut headers = HeaderMap::new();
        for (name, value) in &request.headers {
            headers.append(name.clone(), value.clone());
        }
        if !headers.contains_key(USER_AGENT)
            && let Some(agent) = &self.inner.user_agent
        {
            headers.insert(USER_AGENT, agent.clone());
        }
        let mut cookies: Vec<String> = request
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={}", encode_cookie_value(v)))
            .collect();
        let mut cookie_secret = false;
        match auth {
            Some(Auth::Header(name, value)) => {
                headers.insert(name.clone(), value.clone());
            }
            Some(Auth::Cookie(name, key)) => {
                cookies.push(format!("{name}={}", encode_cookie_value(key.expose())));
                cookie_secret = true;
            }
            _ => {}
        }
        if !cookies.is_empty() {
            let mut value = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| {
                Error::InvalidArgument("a cookie name is not valid in a header".into())
            })?;
            value.set_sensitive(cookie_secret);
            headers.insert(COOKIE, value);
        }

        let mut builder = self.inner.http.request(request.method.clone(), url);
        match &request.body {
            Body::None => {}
            Body::Bytes {
                content_type,
                bytes,
            } => {
                set_content_type(&mut headers, content_type)?;
                builder = builder.body(bytes.clone());
            }
            Body::Upload {
                content_type,
                source,
            } => {
                set_content_type(&mut headers, content_type)?;
                let (body, length) = source.open(progress).await?;
                if let Some(length) = length {
                    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
                }
                builder = builder.body(body);
            }
            Body::Multipart(form) => {
                builder = builder.multipart(form.to_form(progress).await?);
            }
        }
        // Replaces same-named headers the body set (the multipart content type stays unless the
        // request set its own).
        builder = builder.headers(headers);
        builder
            .build()
            .map_err(|e| self.transport_error(e, Duration::ZERO))
    }
}

/// What is needed to send an idempotent request again when its buffered body could not be read
/// (the connection dropped mid-body).
pub(crate) struct Replay {
    client: Client,
    request: Request,
    policy: RetryPolicy,
    /// Retries already spent.
    retry: u32,
}

impl Replay {
    /// Sends the request again after the policy's backoff, if the policy allows another retry.
    pub(crate) async fn again(self) -> Option<Result<RawResponse, Error>> {
        let wait = match decide(
            &self.policy,
            self.retry,
            true,
            true,
            Outcome::TransportFailed,
        ) {
            Decision::RetryAfter(wait) => wait,
            Decision::Stop => return None,
        };
        tracing::info!(
            method = %self.request.method,
            path = %self.request.url.path(),
            attempt = self.retry + 1,
            outcome = "body read failed",
            wait_ms = wait.as_millis() as u64,
            "retrying request"
        );
        tokio::time::sleep(wait).await;
        Some(self.client.execute_from(self.request, self.retry + 1).await)
    }
}

/// One debug event per try: what came back and how long it took (the key is never a field).
fn trace_outcome(request: &Request, attempt: u32, elapsed: Duration, outcome: Outcome) {
    let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
    match outcome {
        Outcome::Answered(status, _) => tracing::debug!(
            method = %request.method,
            path = %request.url.path(),
            status = status.as_u16(),
            attempt,
            elapsed_ms,
            "answer"
        ),
        other => tracing::debug!(
            method = %request.method,
            path = %request.url.path(),
            outcome = %outcome_text(other),
            attempt,
            elapsed_ms,
            "request failed"
        ),
    }
}

/// A short text for a try's outcome, for the trace events.
fn outcome_text(outcome: Outcome) -> std::borrow::Cow<'static, str> {
    match outcome {
        Outcome::ConnectFailed => "connect failed".into(),
        Outcome::TransportFailed => "transport failed".into(),
        Outcome::TimedOut => "timed out".into(),
        Outcome::Invalid => "invalid request".into(),
        Outcome::Answered(status, _) => format!("status {}", status.as_u16()).into(),
    }
}

/// Sets `Content-Type` unless the request set one.
fn set_content_type(headers: &mut HeaderMap, content_type: &str) -> Result<(), Error> {
    if !headers.contains_key(CONTENT_TYPE) {
        let value = HeaderValue::from_str(content_type).map_err(|_| {
            Error::InvalidArgument(format!("{content_type:?} is not a valid content type"))
        })?;
        headers.insert(CONTENT_TYPE, value);
    }
    Ok(())
}

/// The deadline of a try: the latest upload activity (or the start) plus the timeout.
/// A timeout too large to represent (e.g. `Duration::MAX` meaning "none") ends in ~30 years.
fn progress_deadline(progress: &Progress, timeout: Duration) -> Instant {
    let last = Instant::from_std(progress.last());
    last.checked_add(timeout)
        .unwrap_or_else(|| last + Duration::from_secs(30 * 365 * 24 * 3600))
}

/// Runs `fut` until done or until `timeout` has passed since the latest upload progress.
async fn with_timeout<F: Future>(
    fut: F,
    timeout: Duration,
    progress: &Progress,
) -> Result<F::Output, TimeoutError> {
    tokio::pin!(fut);
    loop {
        let deadline = progress_deadline(progress, timeout);
        tokio::select! {
            out = &mut fut => return Ok(out),
            () = tokio::time::sleep_until(deadline) => {
                if progress_deadline(progress, timeout) <= Instant::now() {
                    return Err(TimeoutError::new(TimeoutKind::Request, Some(timeout)));
                }
            }
        }
    }
}

/// Replaces the value of the query parameter `secret` and any user name or password (a
/// redirect's `Location` may carry them) in the error's URL.
pub(crate) fn redact_error(e: reqwest::Error, secret: Option<&str>) -> reqwest::Error {
    let Some(url) = e.url() else { return e };
    let mut redacted = url.clone();
    if !url.username().is_empty() || url.password().is_some() {
        // Cannot fail: the URL has a host, since it has credentials.
        let _ = redacted.set_username("REDACTED");
        let _ = redacted.set_password(None);
    }
    let Some(secret) = secret.filter(|s| url.query_pairs().any(|(n, _)| n == *s)) else {
        return if redacted == *url {
            e
        } else {
            e.with_url(redacted)
        };
    };
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(n, v)| {
            let v = if n == secret {
                "REDACTED".to_owned()
            } else {
                v.into_owned()
            };
            (n.into_owned(), v)
        })
        .collect();
    redacted.query_pairs_mut().clear().extend_pairs(pairs);
    e.with_url(redacted)
}

impl<C> ClientBuilder<C> {
    /// Starts configuring a client for `api` (what generated `Client::builder()` functions call).
    pub fn new(api: &'static ApiInfo) -> Self {
        ClientBuilder {
            api,
            base: None,
            api_key: None,
            env: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_idle_timeout: DEFAULT_READ_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
            http: None,
            #[cfg(feature = "rate-limit")]
            rate_limit: None,
            max_concurrent: DEFAULT_MAX_CONCURRENT,
            client_type: PhantomData,
        }
    }

    /// Uses this base URL (validated at [`ClientBuilder::build`]: `https`, or `http` only to a
    /// loopback host; a path prefix is kept, except the API's own [`ApiInfo::path_prefix`] at
    /// its end: `https://host/api/v2/` is taken as `https://host`). Overrides an earlier
    /// [`ClientBuilder::server`].
    pub fn base_url(mut self, url: impl AsRef<str>) -> Self {
        self.base = Some(BaseChoice::Url(url.as_ref().to_owned()));
        self
    }

    /// Uses the API's server of this name (case-insensitive); an unknown name fails
    /// [`ClientBuilder::build`]. Overrides an earlier [`ClientBuilder::base_url`].
    pub fn server(mut self, name: &str) -> Self {
        self.base = Some(BaseChoice::Server(name.to_owned()));
        self
    }

    /// Uses this API key. It is kept secret: never shown by `Debug`/`Display`.
    ///
    /// With an [`AuthScheme::Http`] scheme the key goes in `Authorization: <word> <key>`, the
    /// word being the scheme's unless the API's [`ApiPolicy::http_auth_word`] picks another.
    ///
    /// [`ApiPolicy::http_auth_word`]: crate::ApiPolicy::http_auth_word
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::new(key.into()));
        self
    }

    /// Fills in settings not set explicitly, from the environment and the API's profile.
    ///
    /// With `P` the API's `env_prefix`: the key from `{P}_API_KEY`, the base URL from
    /// `{P}_API_BASE_URL` or else the server named by `{P}_REGION`; then, for what is still
    /// missing, the profile that the API's [`ApiPolicy::profile`] reads (none by default).
    /// Explicit settings always win.
    ///
    /// [`ApiPolicy::profile`]: crate::ApiPolicy::profile
    pub fn from_env(self) -> Self {
        self.from_env_with(|name| std::env::var(name).ok())
    }

    /// [`ClientBuilder::from_env`] with another variable lookup than the process environment
    /// (a test's, or a program's own settings).
    pub fn from_env_with(mut self, var: impl Fn(&str) -> Option<String>) -> Self {
        self.env = Some(EnvSettings::load(
            self.api.env_prefix,
            &self.api.policy,
            &var,
        ));
        self
    }

    /// Overall request timeout (default 60 s); see [`Client`] for what it covers.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Connect timeout (default 10 s). Not applied to a client given with
    /// [`ClientBuilder::http_client`], which keeps its own.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    /// Longest wait for more data of a streamed answer body (default 60 s).
    pub fn read_idle_timeout(mut self, d: Duration) -> Self {
        self.read_idle_timeout = d;
        self
    }

    /// Retry policy for all calls (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }

    /// Waits for a token of the request's scope before every try (off by default); see
    /// [`RateLimit`]. A generated crate may offer its API's limits as a ready `RateLimit`.
    /// (Feature `rate-limit`, on by default.)
    #[cfg(feature = "rate-limit")]
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Most requests in flight at once (default 32; `0`: no limit). Calls beyond it wait for a
    /// slot (within their timeout), which keeps the number of connections bounded: with
    /// HTTP/1.1 each request in flight needs its own connection.
    pub fn max_concurrent_requests(mut self, n: usize) -> Self {
        self.max_concurrent = n;
        self
    }

    /// Uses this reqwest client (its own connect timeout, proxy, TLS and redirect settings
    /// apply). The default client follows up to 10 redirects, never from https to http, and,
    /// when the key travels in a custom header, never to another origin.
    pub fn http_client(mut self, c: reqwest::Client) -> Self {
        self.http = Some(c);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, Error>
    where
        C: From<Client>,
    {
        let api = self.api;
        let env = self.env.unwrap_or_default();
        let key_known = self.api_key.is_some() || env.api_key.is_some();
        let base_known = self.base.is_some() || env.base_url.is_some() || env.region.is_some();
        let profile = match env.profile {
            Some(Err(e)) if !(key_known && base_known) => return Err(Error::Config(e)),
            Some(Ok(p)) => Some(p),
            _ => None,
        };
        let (profile_key, profile_base) = match profile {
            Some(p) => (p.api_key, p.base_url),
            None => (None, None),
        };

        let base = match self.base {
            Some(choice) => Some(choice),
            None => env
                .base_url
                .map(BaseChoice::Url)
                .or(env.region.map(BaseChoice::Server))
                .or(profile_base.map(BaseChoice::Url)),
        };
        let base_url = match base {
            Some(BaseChoice::Url(url)) => validate_base_url(&url)?,
            Some(BaseChoice::Server(name)) => {
                let server = api
                    .servers
                    .iter()
                    .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
                    .ok_or_else(|| {
                        let known: Vec<&str> = api.servers.iter().map(|s| s.name).collect();
                        Error::Config(format!(
                            "unknown server {name:?}; known: {}",
                            known.join(", ")
                        ))
                    })?;
                validate_base_url(server.url)?
            }
            None => match api.servers.first() {
                Some(server) => validate_base_url(server.url)?,
                None => return Err(Error::Config("no base URL: set one with base_url()".into())),
            },
        };
        let base_url = strip_path_prefix(base_url, api.path_prefix);
        // Without a TLS feature reqwest would fail every call; say why once, here.
        #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
        if base_url.scheme() == "https" && self.http.is_none() {
            return Err(Error::Config(format!(
                "{base_url} needs TLS, but this build has none: enable the `rustls` or \
                 `native-tls` feature"
            )));
        }

        let key = self
            .api_key
            .or(env.api_key)
            .or(profile_key.map(SecretString::new));
        let auth = match api.auth.first() {
            None => None,
            Some(scheme) => {
                let Some(key) = key else {
                    let p = api.env_prefix;
                    return Err(Error::Config(format!(
                        "no API key: set it with api_key(), or {p}_API_KEY with from_env()"
                    )));
                };
                Some(make_auth(scheme, key, &api.policy)?)
            }
        };

        let header_auth = matches!(auth, Some(Auth::Header(ref name, _)) if name != reqwest::header::AUTHORIZATION);
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(redirect_policy(header_auth))
                .tcp_keepalive(Duration::from_secs(60))
                .build()
                .map_err(|e| Error::Config(format!("cannot set up the HTTP client: {e}")))?,
        };
        Ok(C::from(Client {
            inner: Arc::new(Inner {
                api,
                user_agent: HeaderValue::from_str(api.user_agent).ok(),
                base_url,
                http,
                auth,
                timeout: self.timeout,
                read_idle_timeout: self.read_idle_timeout,
                retry: self.retry,
                #[cfg(feature = "rate-limit")]
                rate_limit: self.rate_limit,
                slots: (self.max_concurrent > 0).then(|| {
                    Arc::new(Semaphore::new(
                        self.max_concurrent.min(Semaphore::MAX_PERMITS),
                    ))
                }),
                max_concurrent: self.max_concurrent,
            }),
        }))
    }
}

/// Prepares the credential for `scheme`. The key is never put in an error message.
fn make_auth(scheme: &AuthScheme, key: SecretString, policy: &ApiPolicy) -> Result<Auth, Error> {
    let raw = key.expose().trim();
    if raw.is_empty() {
        return Err(Error::Config("the API key is empty".into()));
    }
    let bad_key =
        || Error::Config("the API key contains characters that cannot be sent in a header".into());
    match scheme {
        AuthScheme::Http { scheme } => {
            let word = (policy.http_auth_word)(scheme, raw);
            let mut value =
                HeaderValue::from_str(&format!("{word} {raw}")).map_err(|_| bad_key())?;
            value.set_sensitive(true);
            Ok(Auth::Header(reqwest::header::AUTHORIZATION, value))
        }
        AuthScheme::ApiKeyHeader { name } => {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("{name:?} is not a valid header name")))?;
            let mut value = HeaderValue::from_str(raw).map_err(|_| bad_key())?;
            value.set_sensitive(true);
            Ok(Auth::Header(header, value))
        }
        AuthScheme::ApiKeyQuery { name } => {
            Ok(Auth::Query(name, SecretString::new(raw.to_owned())))
        }
        AuthScheme::ApiKeyCookie { name } => {
            HeaderValue::from_str(&format!("{name}={raw}")).map_err(|_| bad_key())?;
            Ok(Auth::Cookie(name, SecretString::new(raw.to_owned())))
        }
    }
}

tokio::task_local! {
    /// Set while a request that is not idempotent (a job create, an upload) is being sent, for
    /// the redirect policy, which sees no method.
    static NON_IDEMPOTENT: bool;
}

/// Follows redirects, but never from https to http, at most [`MAX_REDIRECTS`], never to another
/// origin for a request that is not idempotent (its body would go to, and its answer come from,
/// a server it was not meant for), and (when the key is in a custom header, which reqwest does
/// not strip) never to another origin at all. A refused redirect hands the 3xx answer back to
/// the caller.
fn redirect_policy(header_auth: bool) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        let previous = attempt.previous();
        if previous.len() > MAX_REDIRECTS {
            return attempt.error("too many redirects");
        }
        let downgrade =
            previous.iter().any(|u| u.scheme() == "https") && attempt.url().scheme() != "https";
        let cross_origin = previous
            .first()
            .is_some_and(|first| !same_origin(first, attempt.url()));
        let unsafe_method = NON_IDEMPOTENT.try_with(|v| *v).unwrap_or(false);
        if downgrade || (cross_origin && (header_auth || unsafe_method)) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}
