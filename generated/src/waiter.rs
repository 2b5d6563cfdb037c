//! Waiting for a job to end, as aws-sdk-rust has waiters: [`Client::wait_for_job`] polls a job's
//! status history until the newest status is terminal, within a timeout, reporting every new
//! status on the way (a callback, or a stream with [`JobWaiter::into_stream`]).
//!
//! The rule for how a job ended lives here, on the status types: a job has ended when its
//! newest status is `Completed` or `Force Stop` ([`JobStatusValue::is_terminal`]), and it
//! succeeded when that status is `Completed` with no reason or the reason "Completed
//! successfully" ([`JobStatus::succeeded`]). `Completed` with any other reason ("A run failed",
//! "User Terminated") and `Force Stop` are failures.
//!
//! ```no_run
//! # async fn demo(client: rescale::Client) -> Result<(), rescale::WaitError> {
//! use std::time::Duration;
//!
//! let end = client
//!     .wait_for_job("RcAFeb")
//!     .timeout(Duration::from_secs(3600))
//!     .on_status(|s| println!("{} {}", s.status_date, s.status.as_str()))
//!     .wait()
//!     .await?;
//! if !end.succeeded() {
//!     eprintln!("the job ended badly: {:?}", end.reason());
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use futures::{Stream, TryStreamExt};

use crate::Client;
use crate::runtime::Error;
use crate::types::{JobStatus, JobStatusValue};

/// The reason Rescale gives a job that ended well.
const SUCCESS_REASON: &str = "completed successfully";

impl JobStatusValue {
    /// Whether a job in this status has ended: `Completed` (successfully or not) or
    /// `Force Stop`. Every other status, including ones this client does not know, may still
    /// change.
    pub fn is_terminal(&self) -> bool {
        matches!(self, JobStatusValue::Completed | JobStatusValue::ForceStop)
    }
}

impl JobStatus {
    /// Whether the job has ended with this status (see [`JobStatusValue::is_terminal`]).
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }

    /// The reason given with the status, if it is not empty.
    pub fn reason(&self) -> Option<&str> {
        self.status_reason
            .as_ref()
            .and_then(Option::as_deref)
            .map(str::trim)
            .filter(|r| !r.is_empty())
    }

    /// Whether the job ended well: `Completed` with no reason or the reason "Completed
    /// successfully". `false` for every other status, terminal or not.
    pub fn succeeded(&self) -> bool {
        self.status == JobStatusValue::Completed
            && self
                .reason()
                .is_none_or(|r| r.eq_ignore_ascii_case(SUCCESS_REASON))
    }

    /// Whether the job ended badly: terminal and not [`succeeded`](JobStatus::succeeded)
    /// (`Force Stop`, or `Completed` with a reason such as "A run failed").
    pub fn failed(&self) -> bool {
        self.is_terminal() && !self.succeeded()
    }
}

/// How a job ended: its whole status history, oldest first; the last entry is terminal.
#[derive(Debug, Clone)]
pub struct JobEnd {
    statuses: Vec<JobStatus>,
}

impl JobEnd {
    /// The terminal status.
    pub fn last(&self) -> &JobStatus {
        // A `JobEnd` is only made from a history whose last entry is terminal.
        &self.statuses[self.statuses.len() - 1]
    }

    /// Whether the job ended well (see [`JobStatus::succeeded`]).
    pub fn succeeded(&self) -> bool {
        self.last().succeeded()
    }

    /// The reason given with the terminal status, if any.
    pub fn reason(&self) -> Option<&str> {
        self.last().reason()
    }

    /// Every status the job went through, oldest first.
    pub fn statuses(&self) -> &[JobStatus] {
        &self.statuses
    }

    /// The history, oldest first.
    pub fn into_statuses(self) -> Vec<JobStatus> {
        self.statuses
    }
}

/// Why [`JobWaiter::wait`] returned without the job having ended.
#[derive(Debug)]
pub enum WaitError {
    /// The timeout ran out first; the job goes on. `statuses` is the history seen so far,
    /// oldest first (empty when the job has no status yet, for example when it was never
    /// submitted).
    TimedOut {
        /// The job that was waited for.
        job_id: String,
        /// Its history so far, oldest first.
        statuses: Vec<JobStatus>,
    },
    /// Reading the statuses failed (after the client's retries).
    Request(Error),
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::TimedOut { job_id, statuses } => match statuses.last() {
                Some(s) => write!(
                    f,
                    "job {job_id} had not ended when the wait timed out (last status: {})",
                    s.status.as_str()
                ),
                None => write!(
                    f,
                    "job {job_id} had not ended when the wait timed out (no status yet)"
                ),
            },
            WaitError::Request(e) => write!(f, "reading the job's statuses failed: {e}"),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::TimedOut { .. } => None,
            WaitError::Request(e) => Some(e),
        }
    }
}

impl From<Error> for WaitError {
    fn from(e: Error) -> Self {
        WaitError::Request(e)
    }
}

type StatusCallback = Box<dyn FnMut(&JobStatus) + Send>;
type PollCallback = Box<dyn FnMut(&[JobStatus]) + Send>;

/// Waits for a job to end; made by [`Client::wait_for_job`].
///
/// Each poll reads the job's whole status history (`list_job_statuses`, through the client, so
/// its retries, timeouts and rate limit apply). The first poll is immediate; after a poll that
/// brought nothing new the pause grows by half, from [`poll_interval`](JobWaiter::poll_interval)
/// up to [`max_poll_interval`](JobWaiter::max_poll_interval), and a new status brings it back
/// down.
#[must_use = "a waiter does nothing until `wait()` is awaited or its stream is polled"]
pub struct JobWaiter {
    client: Client,
    job_id: String,
    interval: Duration,
    max_interval: Duration,
    timeout: Option<Duration>,
    on_status: Option<StatusCallback>,
    on_poll: Option<PollCallback>,
}

impl fmt::Debug for JobWaiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobWaiter")
            .field("job_id", &self.job_id)
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl JobWaiter {
    /// The pause after the first poll, 5 seconds unless set.
    pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
    /// The longest pause between polls, a minute unless set.
    pub const DEFAULT_MAX_INTERVAL: Duration = Duration::from_secs(60);
    /// The shortest pause allowed (meant for local simulators; the platform needs no more
    /// than a poll every few seconds).
    pub const MIN_INTERVAL: Duration = Duration::from_millis(10);
    /// The longest pause allowed.
    pub const MAX_INTERVAL: Duration = Duration::from_secs(3600);

    fn new(client: Client, job_id: String) -> Self {
        JobWaiter {
            client,
            job_id,
            interval: Self::DEFAULT_INTERVAL,
            max_interval: Self::DEFAULT_MAX_INTERVAL,
            timeout: None,
            on_status: None,
            on_poll: None,
        }
    }

    /// The pause after a poll that brought a new status (and the first pause), kept between
    /// [`MIN_INTERVAL`](Self::MIN_INTERVAL) and [`MAX_INTERVAL`](Self::MAX_INTERVAL). Also
    /// raises the longest pause to it if that was shorter.
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.interval = interval.clamp(Self::MIN_INTERVAL, Self::MAX_INTERVAL);
        self.max_interval = self.max_interval.max(self.interval);
        self
    }

    /// The longest pause between polls (kept between the poll interval and
    /// [`MAX_INTERVAL`](Self::MAX_INTERVAL)); set it to the poll interval for a fixed pace.
    pub fn max_poll_interval(mut self, max: Duration) -> Self {
        self.max_interval = max.clamp(self.interval, Self::MAX_INTERVAL);
        self
    }

    /// Gives up with [`WaitError::TimedOut`] when the job has not ended this long after the
    /// wait started. No timeout unless set: a job that is never submitted is waited for
    /// forever.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Called with every new status, oldest first, the terminal one included.
    pub fn on_status(mut self, f: impl FnMut(&JobStatus) + Send + 'static) -> Self {
        self.on_status = Some(Box::new(f));
        self
    }

    /// Called after every poll with the whole history so far, oldest first (empty while the
    /// job has no status), before the new statuses are reported.
    pub fn on_poll(mut self, f: impl FnMut(&[JobStatus]) + Send + 'static) -> Self {
        self.on_poll = Some(Box::new(f));
        self
    }

    /// Waits until the job's newest status is terminal and returns its history.
    ///
    /// # Errors
    ///
    /// [`WaitError::TimedOut`] when the timeout runs out first, [`WaitError::Request`] when a
    /// poll fails (after the client's retries; for example the job does not exist).
    pub async fn wait(self) -> Result<JobEnd, WaitError> {
        let mut state = self.into_state();
        loop {
            if let Some(end) = state.step().await? {
                return Ok(end);
            }
            // Nothing is queued for a stream here; drop what the step noted.
            state.fresh.clear();
        }
    }

    /// The new statuses as they come, oldest first; the stream ends after the terminal one,
    /// or with an error ([`WaitError::TimedOut`] or [`WaitError::Request`]) after which it
    /// ends. The callbacks, if set, are called too.
    pub fn into_stream(self) -> impl Stream<Item = Result<JobStatus, WaitError>> + Send {
        futures::stream::unfold(Some(self.into_state()), |state| async move {
            let mut state = state?;
            loop {
                if let Some(next) = state.fresh.pop_front() {
                    return Some((Ok(next), Some(state)));
                }
                if state.ended {
                    return None;
                }
                match state.step().await {
                    Ok(_) => continue,
                    Err(e) => return Some((Err(e), None)),
                }
            }
        })
    }

    fn into_state(self) -> State {
        let deadline = self
            .timeout
            .map(|t| tokio::time::Instant::now() + t.min(Duration::from_secs(100 * 365 * 86400)));
        State {
            pause: self.interval,
            waiter: self,
            deadline,
            seen: 0,
            polled: false,
            ended: false,
            fresh: VecDeque::new(),
            last: Vec::new(),
        }
    }
}

/// A wait in progress.
struct State {
    waiter: JobWaiter,
    deadline: Option<tokio::time::Instant>,
    /// The pause before the next poll.
    pause: Duration,
    /// How many statuses have been reported.
    seen: usize,
    polled: bool,
    ended: bool,
    /// New statuses not yet taken by the stream.
    fresh: VecDeque<JobStatus>,
    /// The history as of the last poll, oldest first.
    last: Vec<JobStatus>,
}

impl State {
    /// Sleeps if a poll was made before (unless that would pass the deadline), polls once,
    /// reports the new statuses and returns the end once the newest status is terminal.
    async fn step(&mut self) -> Result<Option<JobEnd>, WaitError> {
        if self.polled {
            let wake = tokio::time::Instant::now() + self.pause;
            if let Some(deadline) = self.deadline
                && wake > deadline
            {
                return Err(WaitError::TimedOut {
                    job_id: self.waiter.job_id.clone(),
                    statuses: std::mem::take(&mut self.last),
                });
            }
            tokio::time::sleep_until(wake).await;
        }
        self.polled = true;
        let history = history(&self.waiter.client, &self.waiter.job_id).await?;
        if let Some(on_poll) = &mut self.waiter.on_poll {
            on_poll(&history);
        }
        let new = history.len().saturating_sub(self.seen);
        for status in history.iter().skip(self.seen) {
            if let Some(on_status) = &mut self.waiter.on_status {
                on_status(status);
            }
            self.fresh.push_back(status.clone());
        }
        self.seen = self.seen.max(history.len());
        self.last.clone_from(&history);
        self.pause = if new > 0 {
            self.waiter.interval
        } else {
            self.pause
                .mul_f64(1.5)
                .clamp(self.waiter.interval, self.waiter.max_interval)
        };
        if history.last().is_some_and(JobStatus::is_terminal) {
            self.ended = true;
            return Ok(Some(JobEnd { statuses: history }));
        }
        Ok(None)
    }
}

/// The whole history of job `job_id`, oldest first. (Takes the client alone, so a wait stays
/// `Send` while its callbacks are only `Send`.)
async fn history(client: &Client, job_id: &str) -> Result<Vec<JobStatus>, Error> {
    let mut history: Vec<JobStatus> = client
        .list_job_statuses(job_id)
        .page_size(100)
        .into_stream()
        .try_collect()
        .await?;
    history.reverse();
    Ok(history)
}

impl Client {
    /// A waiter for job `job_id` to end (see [`JobWaiter`]): `.wait().await` returns its
    /// history once its newest status is terminal.
    pub fn wait_for_job(&self, job_id: impl Into<String>) -> JobWaiter {
        JobWaiter::new(self.clone(), job_id.into())
    }
}
