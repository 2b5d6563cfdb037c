//! Injected failures and request counting.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Status codes that can be injected.
pub const INJECTABLE_STATUSES: [u16; 5] = [429, 500, 502, 503, 504];

/// A failure to inject: the next `count` matching requests are answered with `status`
/// instead of being served.
///
/// Over HTTP (`POST /_sim/faults`) the same object is written in camelCase:
/// `{"status": 429, "count": 2, "pathPrefix": "/api/v2/jobs/", "method": "POST", "retryAfter": 1}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// One of [`INJECTABLE_STATUSES`]: 429, 500, 502, 503 or 504.
    pub status: u16,
    /// How many requests to fail (at least 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Only requests whose path starts with this (e.g. `/api/v2/jobs/`); `None`: every
    /// request under `/api/v2/`.
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only requests with this method (e.g. `POST`, case-insensitive); `None`: any method.
    #[serde(default)]
    pub method: Option<String>,
    /// Value of the `Retry-After` header, in seconds. `None` gives `1` for a 429 and no
    /// header for the others.
    #[serde(default)]
    pub retry_after: Option<u32>,
}

fn one() -> u32 {
    1
}

impl FaultSpec {
    /// The next `count` requests (any path, any method) answer `status`.
    pub fn new(status: u16, count: u32) -> Self {
        FaultSpec {
            status,
            count,
            path_prefix: None,
            method: None,
            retry_after: None,
        }
    }

    /// Restricts the fault to paths starting with `prefix`.
    pub fn path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.path_prefix = Some(prefix.into());
        self
    }

    /// Restricts the fault to one method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Sets the `Retry-After` header, in seconds.
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Checks that the status can be injected and the count is positive.
    pub fn validate(&self) -> Result<(), String> {
        if !INJECTABLE_STATUSES.contains(&self.status) {
            return Err(format!(
                "status {} cannot be injected; use one of 429, 500, 502, 503, 504",
                self.status
            ));
        }
        if self.count == 0 {
            return Err("count must be at least 1".to_string());
        }
        Ok(())
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.path_prefix
            .as_deref()
            .is_none_or(|prefix| path.starts_with(prefix))
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// The faults still armed, in the order they were added, and how many requests each
/// still fails.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    armed: Vec<FaultSpec>,
}

impl Faults {
    /// Arms a fault (after [`FaultSpec::validate`]).
    pub(crate) fn add(&mut self, spec: FaultSpec) {
        self.armed.push(spec);
    }

    /// Disarms every fault.
    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }

    /// The armed faults; `count` is what is left of each.
    pub(crate) fn armed(&self) -> &[FaultSpec] {
        &self.armed
    }

    /// If a fault applies to this request, uses one of its count and returns it.
    pub(crate) fn take(&mut self, method: &str, path: &str) -> Option<FaultSpec> {
        let index = self.armed.iter().position(|f| f.matches(method, path))?;
        let fault = &mut self.armed[index];
        let fired = fault.clone();
        fault.count -= 1;
        if fault.count == 0 {
            self.armed.remove(index);
        }
        Some(fired)
    }
}

/// How many requests were seen, per (method, path).
#[derive(Debug, Default)]
pub(crate) struct Stats {
    counts: BTreeMap<(String, String), u64>,
    /// Requests counted in no entry, once [`MAX_STATS_ENTRIES`] distinct ones exist.
    overflow: u64,
}

/// Most distinct (method, path) counters kept: a client sending endless distinct paths must
/// not grow the memory without end.
pub(crate) const MAX_STATS_ENTRIES: usize = 10_000;

impl Stats {
    /// Counts one (authenticated) request.
    pub(crate) fn record(&mut self, method: &str, path: &str) {
        let key = (method.to_ascii_uppercase(), path.to_string());
        if let Some(n) = self.counts.get_mut(&key) {
            *n += 1;
        } else if self.counts.len() < MAX_STATS_ENTRIES {
            self.counts.insert(key, 1);
        } else {
            self.overflow += 1;
        }
    }

    /// Requests seen with this method and exact path.
    pub(crate) fn seen(&self, method: &str, path: &str) -> u64 {
        self.counts
            .get(&(method.to_ascii_uppercase(), path.to_string()))
            .copied()
            .unwrap_or(0)
    }

    /// Every request seen.
    pub(crate) fn total(&self) -> u64 {
        self.counts.values().sum::<u64>() + self.overflow
    }

    /// All counts, sorted by path then method.
    pub(crate) fn all(&self) -> Vec<(String, String, u64)> {
        let mut all: Vec<_> = self
            .counts
            .iter()
            .map(|((m, p), n)| (m.clone(), p.clone(), *n))
            .collect();
        all.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        all
    }

    /// Forgets every count.
    pub(crate) fn reset(&mut self) {
        self.counts.clear();
        self.overflow = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_fire_count_times_and_respect_filters() {
        let mut faults = Faults::default();
        faults.add(
            FaultSpec::new(503, 2)
                .path_prefix("/api/v2/jobs/")
                .method("post"),
        );
        assert!(faults.take("GET", "/api/v2/jobs/").is_none());
        assert!(faults.take("POST", "/api/v2/files/contents/").is_none());
        assert_eq!(
            faults.take("POST", "/api/v2/jobs/").map(|f| f.status),
            Some(503)
        );
        assert_eq!(faults.armed()[0].count, 1);
        assert!(faults.take("POST", "/api/v2/jobs/abc/submit/").is_some());
        assert!(faults.take("POST", "/api/v2/jobs/").is_none());
        assert!(faults.armed().is_empty());
    }

    #[test]
    fn invalid_specs_are_refused() {
        assert!(FaultSpec::new(404, 1).validate().is_err());
        assert!(FaultSpec::new(429, 0).validate().is_err());
        assert!(FaultSpec::new(429, 1).validate().is_ok());
    }

    #[test]
    fn stats_count_per_method_and_path() {
        let mut stats = Stats::default();
        stats.record("post", "/api/v2/jobs/");
        stats.record("POST", "/api/v2/jobs/");
        stats.record("GET", "/api/v2/jobs/");
        assert_eq!(stats.seen("POST", "/api/v2/jobs/"), 2);
        assert_eq!(stats.seen("get", "/api/v2/jobs/"), 1);
        assert_eq!(stats.seen("DELETE", "/api/v2/jobs/"), 0);
        assert_eq!(stats.total(), 3);
        stats.reset();
        assert_eq!(stats.total(), 0);
    }
}
