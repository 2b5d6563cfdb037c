//! How a simulator is set up: address, keys, lifecycle timing and limits.

use std::net::SocketAddr;
use std::time::Duration;

/// Where the simulated time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockMode {
    /// Simulated time follows the wall clock (plus whatever [`crate::Simulator::advance`]
    /// added). Jobs move on by themselves.
    #[default]
    Real,
    /// Simulated time stands still except when [`crate::Simulator::advance`] (or
    /// `POST /_sim/clock/advance`) moves it. Tests see exactly the statuses they asked for.
    Manual,
}

/// Everything that can be chosen about a simulator before it starts.
///
/// `SimulatorConfig::default()` binds `127.0.0.1:0` (a free port), uses the real clock with
/// 200 ms between statuses, and the keys `sim-valid-key`, `sim-expired-key` and
/// `sim-inactive-key`.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    /// Address to listen on. Port 0 picks a free port.
    pub addr: SocketAddr,
    /// Simulated time between two job statuses (Pending → Queued → Started → Validated →
    /// Executing → Completed), and between Stopping and Completed after a stop.
    /// `Duration::ZERO` makes a submitted job complete at once: every status is there on the
    /// first read after the submit.
    pub step: Duration,
    /// Where simulated time comes from.
    pub clock: ClockMode,
    /// The key that is accepted (`Authorization: Token <key>` or `Bearer <key>`).
    pub api_key: String,
    /// A key that is known but expired: 401 `{"detail": "API key is no longer active"}`.
    pub expired_key: String,
    /// A key of a deactivated user: 401 `{"detail": "User inactive or deleted"}`.
    pub inactive_key: String,
    /// E-mail address of the simulated user; shown as `owner` of files and jobs.
    pub owner: String,
    /// Largest accepted request body (uploads included), in bytes. Larger: 413.
    pub max_body_bytes: usize,
    /// Most bytes of file contents stored at once (uploads and job outputs); an upload past it
    /// is refused with 413. Default 1 GiB.
    pub max_stored_bytes: usize,
    /// Longest time a client may take to send a request's head; the connection is closed
    /// after it. Default 10 s.
    pub header_read_timeout: Duration,
    /// The token the `/_sim/` control endpoints require (header `X-Sim-Admin-Token`). Without
    /// one (the default) they answer only clients on a loopback address.
    pub admin_token: Option<String>,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            step: Duration::from_millis(200),
            clock: ClockMode::Real,
            api_key: "sim-valid-key".to_string(),
            expired_key: "sim-expired-key".to_string(),
            inactive_key: "sim-inactive-key".to_string(),
            owner: "sim-user@example.com".to_string(),
            max_body_bytes: 256 * 1024 * 1024,
            max_stored_bytes: 1024 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            admin_token: None,
        }
    }
}

impl SimulatorConfig {
    /// A configuration for deterministic tests: manual clock, `step` between statuses.
    /// Nothing moves until [`crate::Simulator::advance`] is called.
    pub fn manual(step: Duration) -> Self {
        SimulatorConfig {
            step,
            clock: ClockMode::Manual,
            ..SimulatorConfig::default()
        }
    }
}
