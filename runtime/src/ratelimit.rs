//! Client-side rate limiting: token buckets per scope, so a process stays under the server's
//! per-scope limits by waiting instead of being throttled (or locked out).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::Method;

/// Picks the scope of a request from its method and path (the URL path with the base URL's path
/// prefix removed, e.g. `/api/v2/jobs/abc/submit/`). `None`: the request is not limited.
pub type Classifier = dyn Fn(&Method, &str) -> Option<&'static str> + Send + Sync;

/// Where the limiter reads the time from: a monotonic duration since some fixed start.
pub(crate) trait Clock: Send + Sync {
    fn now(&self) -> Duration;
}

/// The Tokio clock (so paused test time applies too).
struct TokioClock {
    start: tokio::time::Instant,
}

impl Clock for TokioClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }
}

/// The limit of one scope.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ScopeLimit {
    /// Most requests sent at once after an idle period.
    burst: f64,
    /// Tokens added per second.
    per_second: f64,
}

/// Client-side rate limiting by scope (off unless given to
/// [`ClientBuilder::rate_limit`](crate::ClientBuilder::rate_limit)).
///
/// Every try of a request (retries included) first takes a token from its scope's bucket; when
/// the bucket is empty the call *waits* (asynchronously) until a token is due, instead of failing.
/// Waiting for a token does not count towards the request's timeout. Waiters are served in the
/// order they arrived.
///
/// A scope of `limit` requests per `window` with burst `b` refills at `(limit - b) / window`, so
/// that in **any** window of that length at most `b + (limit - b) = limit` requests are sent —
/// what a sliding-window server limit needs (a bucket refilling at `limit / window` with a burst
/// of `limit` could send nearly twice the limit in one window).
///
/// Clones share their buckets: give clones of one `RateLimit` to every client that uses the same
/// key in a process, and together they stay under the limits.
#[derive(Clone)]
pub struct RateLimit {
    classify: Arc<Classifier>,
    limits: HashMap<&'static str, ScopeLimit>,
    state: Arc<Mutex<HashMap<&'static str, Bucket>>>,
    clock: Arc<dyn Clock>,
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut scopes: Vec<_> = self.limits.iter().collect();
        scopes.sort_by_key(|(name, _)| **name);
        let mut list = f.debug_map();
        for (name, limit) in scopes {
            list.entry(
                name,
                &format_args!("burst {}, {:.4}/s", limit.burst, limit.per_second),
            );
        }
        list.finish()
    }
}

impl RateLimit {
    /// A limiter without scopes that sorts requests with `classify`. Add limits with
    /// [`RateLimit::scope`]; a request whose scope has no limit (or is `None`) is not limited.
    pub fn new(
        classify: impl Fn(&Method, &str) -> Option<&'static str> + Send + Sync + 'static,
    ) -> Self {
        RateLimit {
            classify: Arc::new(classify),
            limits: HashMap::new(),
            state: Arc::new(Mutex::new(HashMap::new())),
            clock: Arc::new(TokioClock {
                start: tokio::time::Instant::now(),
            }),
        }
    }

    /// Limits `scope` to `limit` requests in any `window`, with a burst of a tenth of the limit
    /// (at least 1). Replaces an earlier limit of the scope. A zero limit or window is ignored.
    pub fn scope(self, scope: &'static str, limit: u32, window: Duration) -> Self {
        let burst = (limit / 10).max(1);
        self.scope_with_burst(scope, limit, window, burst)
    }

    /// Limits `scope` to `limit` requests in any `window`, up to `burst` of them at once. The
    /// bucket refills at `(limit - burst) / window`, so `burst` is clamped to `1..limit` (a burst
    /// of the whole limit would leave nothing to refill); a limit of 1 refills one per window.
    /// Replaces an earlier limit of the scope. A zero limit or window is ignored.
    pub fn scope_with_burst(
        mut self,
        scope: &'static str,
        limit: u32,
        window: Duration,
        burst: u32,
    ) -> Self {
        if limit == 0 || window.is_zero() {
            return self;
        }
        let burst = if limit > 1 {
            burst.clamp(1, limit - 1)
        } else {
            1
        };
        let refill = f64::from(limit.saturating_sub(burst).max(1));
        self.limits.insert(
            scope,
            ScopeLimit {
                burst: f64::from(burst),
                per_second: refill / window.as_secs_f64(),
            },
        );
        self
    }

    /// Uses `clock` instead of Tokio's (for tests).
    #[cfg(test)]
    pub(crate) fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The scope of a request, if it is limited.
    pub fn scope_of(&self, method: &Method, path: &str) -> Option<&'static str> {
        let scope = (self.classify)(method, path)?;
        self.limits.contains_key(scope).then_some(scope)
    }

    /// Reserves a token for a request and returns how long to wait before sending it (zero when a
    /// token is there). The reservation is made at once, so concurrent callers queue in order.
    pub(crate) fn reserve(&self, method: &Method, path: &str) -> Duration {
        self.with_bucket(method, path, |bucket, limit, now| {
            bucket.reserve(limit, now)
        })
        .unwrap_or(Duration::ZERO)
    }

    /// After the server throttled a request (429 with `Retry-After: wait`), makes the next token
    /// of its scope due no earlier than `wait` from now, so that every caller of the scope backs
    /// off, not just the one that was refused. Returns whether the scope is limited (and so held).
    pub(crate) fn hold(&self, method: &Method, path: &str, wait: Duration) -> bool {
        self.with_bucket(method, path, |bucket, limit, now| {
            bucket.hold(limit, now, wait)
        })
        .is_some()
    }

    /// Runs `f` on the token bucket of the request's scope (created full on first use), with
    /// the scope's limit and the current time; `None` when the request is not limited.
    fn with_bucket<R>(
        &self,
        method: &Method,
        path: &str,
        f: impl FnOnce(&mut Bucket, ScopeLimit, Duration) -> R,
    ) -> Option<R> {
        let scope = self.scope_of(method, path)?;
        let limit = self.limits.get(scope).copied()?;
        let now = self.clock.now();
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let bucket = state
            .entry(scope)
            .or_insert_with(|| Bucket::full(limit, now));
        Some(f(bucket, limit, now))
    }

    /// Waits until the request may be sent (see [`RateLimit::reserve`]).
    pub(crate) async fn acquire(&self, method: &Method, path: &str) {
        let wait = self.reserve(method, path);
        if !wait.is_zero() {
            tracing::debug!(
                method = %method,
                path = %path,
                wait_ms = wait.as_millis() as u64,
                "rate limit: waiting for a token"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

/// A token bucket that can go into debt: a reservation always succeeds and says how long until
/// its token is due.
#[derive(Debug, Clone, PartialEq)]
struct Bucket {
    /// Tokens available at `at` (negative: reserved ahead).
    tokens: f64,
    at: Duration,
}

impl Bucket {
    fn full(limit: ScopeLimit, now: Duration) -> Self {
        Bucket {
            tokens: limit.burst,
            at: now,
        }
    }

    /// Adds the tokens due between the last update and `now`.
    fn refill(&mut self, limit: ScopeLimit, now: Duration) {
        let elapsed = now.saturating_sub(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * limit.per_second).min(limit.burst);
        self.at = self.at.max(now);
    }

    /// Takes one token at `now`; returns the wait until that token is due.
    fn reserve(&mut self, limit: ScopeLimit, now: Duration) -> Duration {
        self.refill(limit, now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            let secs = -self.tokens / limit.per_second;
            Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX)
        }
    }
}

impl Bucket {
    /// Makes the next token due no earlier than `wait` after `now` (tokens already reserved
    /// further ahead stay where they are).
    fn hold(&mut self, limit: ScopeLimit, now: Duration, wait: Duration) {
        self.refill(limit, now);
        let at_most = 1.0 - wait.as_secs_f64() * limit.per_second;
        self.tokens = self.tokens.min(at_most);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// A clock that moves only when told.
    #[derive(Default)]
    struct FakeClock(AtomicU64);

    impl FakeClock {
        fn advance(&self, d: Duration) {
            let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
            self.0.fetch_add(nanos, Ordering::SeqCst);
        }
    }

    impl Clock for FakeClock {
        fn now(&self) -> Duration {
            Duration::from_nanos(self.0.load(Ordering::SeqCst))
        }
    }

    fn limiter(limit: u32, window: Duration, burst: u32) -> (RateLimit, Arc<FakeClock>) {
        let clock = Arc::new(FakeClock::default());
        let rl = RateLimit::new(|_, _| Some("s"))
            .scope_with_burst("s", limit, window, burst)
            .with_clock(clock.clone());
        (rl, clock)
    }

    fn close(a: Duration, b: Duration) -> bool {
        a.abs_diff(b) < Duration::from_micros(10)
    }

    #[test]
    fn burst_is_free_then_waits_follow_the_refill_rate() {
        // 11 per 10 s with burst 1: refill 10 per 10 s = one per second.
        let (rl, clock) = limiter(11, Duration::from_secs(10), 1);
        let get = Method::GET;
        assert_eq!(rl.reserve(&get, "/x/"), Duration::ZERO);
        // The next ones queue: 1 s, 2 s, 3 s from now.
        for n in 1..=3u64 {
            let wait = rl.reserve(&get, "/x/");
            assert!(close(wait, Duration::from_secs(n)), "{n}: {wait:?}");
        }
        // After 3 s the queue is served; one more waits a second.
        clock.advance(Duration::from_secs(3));
        assert!(close(rl.reserve(&get, "/x/"), Duration::from_secs(1)));
        // A long idle period refills only up to the burst.
        clock.advance(Duration::from_secs(1000));
        assert_eq!(rl.reserve(&get, "/x/"), Duration::ZERO);
        assert!(close(rl.reserve(&get, "/x/"), Duration::from_secs(1)));
    }

    #[test]
    fn no_window_ever_sees_more_than_the_limit() {
        // Send as fast as allowed for three windows and count, for every window start, how many
        // sends fall inside it.
        let window = Duration::from_secs(60);
        let (rl, clock) = limiter(100, window, 30);
        let mut sends = Vec::new();
        let end = window * 3;
        loop {
            let wait = rl.reserve(&Method::GET, "/x/");
            clock.advance(wait);
            let now = clock.now();
            if now > end {
                break;
            }
            sends.push(now);
        }
        // The burst of 30, then 70 per window: the limiter lets through all it may.
        assert!(sends.len() >= 239, "{}", sends.len());
        for (i, start) in sends.iter().enumerate() {
            let inside = sends[i..]
                .iter()
                .take_while(|t| **t < *start + window)
                .count();
            assert!(inside <= 100, "window from {start:?} holds {inside}");
        }
    }

    #[test]
    fn scopes_are_independent_and_unknown_scopes_unlimited() {
        let clock = Arc::new(FakeClock::default());
        let rl = RateLimit::new(|m, p| {
            if p.starts_with("/a") {
                Some("a")
            } else if *m == Method::POST {
                Some("unlisted")
            } else {
                None
            }
        })
        .scope_with_burst("a", 2, Duration::from_secs(1), 1)
        .with_clock(clock);
        assert_eq!(rl.reserve(&Method::GET, "/a/"), Duration::ZERO);
        assert!(rl.reserve(&Method::GET, "/a/") > Duration::ZERO);
        for _ in 0..100 {
            assert_eq!(rl.reserve(&Method::GET, "/b/"), Duration::ZERO);
            assert_eq!(rl.reserve(&Method::POST, "/b/"), Duration::ZERO);
        }
        assert_eq!(rl.scope_of(&Method::POST, "/b/"), None);
    }

    #[test]
    fn a_throttled_answer_holds_the_whole_scope() {
        // 11 per 10 s, burst 5: plenty of tokens, until the server says "wait 30 s".
        let (rl, clock) = limiter(11, Duration::from_secs(10), 5);
        assert_eq!(rl.reserve(&Method::GET, "/x/"), Duration::ZERO);
        assert!(rl.hold(&Method::GET, "/x/", Duration::from_secs(30)));
        assert!(close(
            rl.reserve(&Method::GET, "/x/"),
            Duration::from_secs(30)
        ));
        // Later callers queue behind it at the refill rate (6 per 10 s).
        let next = rl.reserve(&Method::GET, "/x/");
        assert!(
            close(next, Duration::from_secs(30) + Duration::from_secs(10) / 6),
            "{next:?}"
        );
        // Once the hold is over, the bucket refills as usual.
        clock.advance(Duration::from_secs(1000));
        assert_eq!(rl.reserve(&Method::GET, "/x/"), Duration::ZERO);
        // A hold shorter than the queue already waiting changes nothing.
        let (rl, _) = limiter(2, Duration::from_secs(10), 1);
        assert_eq!(rl.reserve(&Method::GET, "/x/"), Duration::ZERO);
        assert!(close(
            rl.reserve(&Method::GET, "/x/"),
            Duration::from_secs(10)
        ));
        rl.hold(&Method::GET, "/x/", Duration::from_secs(1));
        assert!(close(
            rl.reserve(&Method::GET, "/x/"),
            Duration::from_secs(20)
        ));
        // Unlimited requests are not held.
        let free = RateLimit::new(|_, _| None);
        assert!(!free.hold(&Method::GET, "/x/", Duration::from_secs(5)));
    }

    #[test]
    fn clones_share_buckets() {
        let (rl, _clock) = limiter(2, Duration::from_secs(100), 1);
        let other = rl.clone();
        assert_eq!(rl.reserve(&Method::GET, "/x/"), Duration::ZERO);
        assert!(other.reserve(&Method::GET, "/x/") > Duration::ZERO);
    }

    #[test]
    fn degenerate_limits() {
        let (rl, _) = limiter(1, Duration::from_secs(10), 5);
        assert_eq!(rl.reserve(&Method::GET, "/x/"), Duration::ZERO);
        assert!(close(
            rl.reserve(&Method::GET, "/x/"),
            Duration::from_secs(10)
        ));
        let ignored = RateLimit::new(|_, _| Some("s")).scope("s", 0, Duration::from_secs(1));
        assert_eq!(ignored.scope_of(&Method::GET, "/"), None);
        let ignored = RateLimit::new(|_, _| Some("s")).scope("s", 5, Duration::ZERO);
        assert_eq!(ignored.scope_of(&Method::GET, "/"), None);
    }
}
