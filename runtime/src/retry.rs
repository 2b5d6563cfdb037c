//! Retry policy and the decision of whether (and when) to send a request again.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// When and how often [`Client::execute`](crate::Client::execute) sends a request again.
///
/// Retried, with exponential backoff (`initial_backoff * 2^n`, capped at `max_backoff`) and, if
/// `jitter` is on, "full jitter" (a uniformly random wait between zero and that value):
///
/// * a failure to connect — for every request, because the request provably never reached the
///   server (this is the only retry a non-idempotent request such as a job create or submit gets);
/// * for idempotent requests only: other transport failures (connection reset, …) and the
///   answers 429, 502, 503 and 504. A `Retry-After` on such an answer (seconds or an HTTP date)
///   is honoured exactly instead of the backoff; if it asks for longer than `max_wait` the
///   runtime gives up at once and hands back that answer (so a 429 becomes
///   [`ApiErrorKind::Throttled`](crate::ApiErrorKind::Throttled) with its
///   `retry_after`).
///
/// The same count covers an idempotent request whose success answer was cut off mid-body
/// (connection reset while [`RawResponse::json`](crate::RawResponse::json), `bytes` or
/// `text` read it): it is sent again, and the retries spent before count.
///
/// Never retried: timeouts of the request as a whole (the time budget is spent), requests whose
/// body is a one-shot stream ([`UploadSource::stream`](crate::UploadSource::stream)),
/// and any failure of a non-idempotent request after it may have been sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times a request is sent again after the first try. Default 3.
    pub max_retries: u32,
    /// Backoff before the first retry. Default 500 ms.
    pub initial_backoff: Duration,
    /// Upper bound of a computed backoff. Default 30 s.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the runtime waits for; a longer one ends the retries. Default 60 s.
    pub max_wait: Duration,
    /// Randomise backoffs ("full jitter") so that many clients do not retry in lockstep. Default on.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            max_wait: Duration::from_secs(60),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`RetryPolicy::max_retries`].
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets [`RetryPolicy::initial_backoff`] and [`RetryPolicy::max_backoff`].
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max;
        self
    }

    /// Sets [`RetryPolicy::max_wait`].
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    /// Sets [`RetryPolicy::jitter`].
    pub fn with_jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The backoff before retry number `retry` (0-based), before jitter.
    fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        self.initial_backoff
            .checked_mul(factor)
            .unwrap_or(self.max_backoff)
            .min(self.max_backoff)
    }

    /// The wait before retry number `retry` (0-based), with jitter if enabled: for callers that
    /// retry work of their own (such as resuming a download) on the same schedule.
    pub fn backoff(&self, retry: u32) -> Duration {
        let cap = self.backoff_cap(retry);
        if self.jitter {
            let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
            Duration::from_nanos(fastrand::u64(0..=nanos))
        } else {
            cap
        }
    }
}

/// What happened to one try, as far as the retry decision is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The connection could not be set up (incl. a connect timeout): nothing was sent.
    ConnectFailed,
    /// Another transport failure: the request may have reached the server.
    TransportFailed,
    /// The request as a whole timed out.
    TimedOut,
    /// The request could not be built; sending it again cannot help.
    Invalid,
    /// The server answered with this status and, possibly, a `Retry-After`.
    Answered(StatusCode, Option<Duration>),
}

/// What to do after a try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Wait this long, then send again.
    RetryAfter(Duration),
    /// Hand the outcome to the caller.
    Stop,
}

/// Decides whether to retry after try number `retry` (0 = the first try failed).
///
/// `idempotent`: the request may be sent twice without harm. `replayable`: its body can be
/// produced again.
pub(crate) fn decide(
    policy: &RetryPolicy,
    retry: u32,
    idempotent: bool,
    replayable: bool,
    outcome: Outcome,
) -> Decision {
    if retry >= policy.max_retries || !replayable {
        return Decision::Stop;
    }
    match outcome {
        Outcome::ConnectFailed => Decision::RetryAfter(policy.backoff(retry)),
        Outcome::TransportFailed if idempotent => Decision::RetryAfter(policy.backoff(retry)),
        Outcome::TransportFailed | Outcome::TimedOut | Outcome::Invalid => Decision::Stop,
        Outcome::Answered(status, retry_after) => {
            let transient = matches!(status.as_u16(), 429 | 502 | 503 | 504);
            if !transient || !idempotent {
                return Decision::Stop;
            }
            match retry_after {
                Some(wait) if wait > policy.max_wait => Decision::Stop,
                Some(wait) => Decision::RetryAfter(wait),
                None => Decision::RetryAfter(policy.backoff(retry)),
            }
        }
    }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (a date in the past means zero).
pub(crate) fn retry_after_from_headers(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn fixed() -> RetryPolicy {
        RetryPolicy::default().with_jitter(false)
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let p = fixed().with_backoff(Duration::from_millis(100), Duration::from_millis(350));
        assert_eq!(p.backoff(0), Duration::from_millis(100));
        assert_eq!(p.backoff(1), Duration::from_millis(200));
        assert_eq!(p.backoff(2), Duration::from_millis(350));
        assert_eq!(p.backoff(40), Duration::from_millis(350));
        let j = p.clone().with_jitter(true);
        for n in 0..50 {
            assert!(j.backoff(n % 4) <= Duration::from_millis(350));
        }
    }

    #[test]
    fn idempotent_requests_retry_transient_answers() {
        let p = fixed();
        for code in [429u16, 502, 503, 504] {
            let status = StatusCode::from_u16(code).expect("status");
            assert_eq!(
                decide(&p, 0, true, true, Outcome::Answered(status, None)),
                Decision::RetryAfter(Duration::from_millis(500)),
                "{code}"
            );
        }
        for code in [400u16, 401, 404, 500, 501] {
            let status = StatusCode::from_u16(code).expect("status");
            assert_eq!(
                decide(&p, 0, true, true, Outcome::Answered(status, None)),
                Decision::Stop
            );
        }
        assert!(matches!(
            decide(&p, 0, true, true, Outcome::TransportFailed),
            Decision::RetryAfter(_)
        ));
        assert_eq!(decide(&p, 0, true, true, Outcome::TimedOut), Decision::Stop);
        assert_eq!(decide(&p, 0, true, true, Outcome::Invalid), Decision::Stop);
    }

    #[test]
    fn non_idempotent_requests_retry_only_connect_failures() {
        let p = fixed();
        assert!(matches!(
            decide(&p, 0, false, true, Outcome::ConnectFailed),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            decide(&p, 0, false, true, Outcome::TransportFailed),
            Decision::Stop
        );
        assert_eq!(
            decide(&p, 0, false, true, Outcome::TimedOut),
            Decision::Stop
        );
        for code in [429u16, 502, 503, 504] {
            let status = StatusCode::from_u16(code).expect("status");
            let outcome = Outcome::Answered(status, Some(Duration::ZERO));
            assert_eq!(
                decide(&p, 0, false, true, outcome),
                Decision::Stop,
                "{code}"
            );
        }
    }

    #[test]
    fn limits_stream_bodies_and_retry_after() {
        let p = fixed();
        assert_eq!(
            decide(&p, 0, true, false, Outcome::ConnectFailed),
            Decision::Stop
        );
        assert_eq!(
            decide(&p, 3, true, true, Outcome::ConnectFailed),
            Decision::Stop
        );
        assert_eq!(
            decide(&RetryPolicy::none(), 0, true, true, Outcome::ConnectFailed),
            Decision::Stop
        );
        let throttled = |secs| {
            Outcome::Answered(
                StatusCode::TOO_MANY_REQUESTS,
                Some(Duration::from_secs(secs)),
            )
        };
        assert_eq!(
            decide(&p, 0, true, true, throttled(45)),
            Decision::RetryAfter(Duration::from_secs(45))
        );
        assert_eq!(decide(&p, 0, true, true, throttled(61)), Decision::Stop);
    }

    #[test]
    fn parses_retry_after_seconds_and_dates() {
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").expect("date");
        let mut h = HeaderMap::new();
        assert_eq!(retry_after_from_headers(&h, now), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static(" 120 "));
        assert_eq!(
            retry_after_from_headers(&h, now),
            Some(Duration::from_secs(120))
        );
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:30 GMT"),
        );
        assert_eq!(
            retry_after_from_headers(&h, now),
            Some(Duration::from_secs(30))
        );
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:00:00 GMT"),
        );
        assert_eq!(retry_after_from_headers(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after_from_headers(&h, now), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("-5"));
        assert_eq!(retry_after_from_headers(&h, now), None);
    }
}
