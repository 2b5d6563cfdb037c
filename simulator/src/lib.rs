//! A local Rescale-compatible HTTP server.
//!
//! `rescale-simulator` answers Rescale's REST API v2 (`/api/v2/...`) from memory: uploaded
//! files keep their bytes, jobs are validated against a small software and hardware
//! catalogue, and submitted jobs go through Pending → Queued → Started → Validated →
//! Executing → Completed on a configurable clock, leaving downloadable output files.
//! It lets the project's walk-through, CLI and tests run without a Rescale account.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use rescale_simulator::{FaultSpec, SimulatorConfig, start};
//!
//! let sim = start(SimulatorConfig::default()).await?;
//! println!("{} with key {}", sim.base_url(), sim.api_key());
//! sim.inject_fault(FaultSpec::new(429, 1).path_prefix("/api/v2/jobs/")).ok();
//! // ... run a client against sim.base_url() ...
//! assert_eq!(sim.requests_seen("POST", "/api/v2/jobs/"), 1);
//! sim.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Control endpoints outside the API, without a key: `GET/POST/DELETE /_sim/faults`,
//! `GET/DELETE /_sim/stats`, `POST /_sim/clock/advance`.

#![warn(missing_docs)]

mod catalog;
mod clock;
mod config;
mod faults;
mod http;
mod state;
mod util;
mod validate;

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{ClockMode, SimulatorConfig};
pub use faults::{FaultSpec, INJECTABLE_STATUSES};
pub use state::{FAIL_MARKER, FORCE_STOP_MARKER};

use http::App;
use state::World;

/// A running simulator. Dropping it stops the server (in-flight requests finish first);
/// [`Simulator::shutdown`] does the same and waits for it.
pub struct Simulator {
    app: App,
    addr: SocketAddr,
    api_key: String,
    expired_key: String,
    inactive_key: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Starts a simulator on `config.addr` (by default `127.0.0.1:0`, a free port) and serves
/// it on the current Tokio runtime until the returned handle is dropped.
pub async fn start(config: SimulatorConfig) -> Result<Simulator, std::io::Error> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let mut addr = listener.local_addr()?;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let base_url = format!("http://{addr}");
    let (api_key, expired_key, inactive_key) = (
        config.api_key.clone(),
        config.expired_key.clone(),
        config.inactive_key.clone(),
    );
    let max_body = config.max_body_bytes;
    let app = App::new(World::new(config), base_url);
    let router = http::router(app.clone(), max_body);
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let shutdown = async {
            // Either an explicit stop or the handle being dropped ends the server.
            let _ = stopped.await;
        };
        // An accept loop error ends the server; there is no one to report it to.
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await;
    });
    Ok(Simulator {
        app,
        addr,
        api_key,
        expired_key,
        inactive_key,
        stop: Some(stop),
        task: Some(task),
    })
}

impl std::fmt::Debug for Simulator {
    // Only the address: the world holds every stored file's bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// `http://127.0.0.1:PORT`, without a trailing slash; API paths go after it
    /// (`{base_url}/api/v2/jobs/`).
    pub fn base_url(&self) -> &str {
        self.app.base_url()
    }

    /// `{base_url}/api/v2/`.
    pub fn api_url(&self) -> String {
        format!("{}/api/v2/", self.base_url())
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The valid API key.
    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    /// The expired key (401 `API key is no longer active`).
    pub fn expired_key(&self) -> &str {
        &self.expired_key
    }

    /// The deactivated user's key (401 `User inactive or deleted`).
    pub fn inactive_key(&self) -> &str {
        &self.inactive_key
    }

    /// Arms a fault: the next `spec.count` matching requests get `spec.status`. Faults
    /// are checked in the order they were armed, before authentication.
    pub fn inject_fault(&self, spec: FaultSpec) -> Result<(), String> {
        spec.validate()?;
        self.app.lock().faults.add(spec);
        Ok(())
    }

    /// The faults still armed, with the count each has left.
    pub fn armed_faults(&self) -> Vec<FaultSpec> {
        self.app.lock().faults.armed().to_vec()
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        self.app.lock().faults.clear();
    }

    /// How many requests came with this method and exact path (no query), faulted ones
    /// included. A path without a leading `/` is taken as relative to `/api/v2/`:
    /// `requests_seen("POST", "jobs/")` is `requests_seen("POST", "/api/v2/jobs/")`.
    pub fn requests_seen(&self, method: &str, path: &str) -> u64 {
        let path = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/api/v2/{path}")
        };
        self.app.lock().stats.seen(method, &path)
    }

    /// Every request counted so far (not `/_sim/` ones).
    pub fn total_requests(&self) -> u64 {
        self.app.lock().stats.total()
    }

    /// Forgets every request count.
    pub fn reset_request_counts(&self) {
        self.app.lock().stats.reset();
    }

    /// Moves simulated time forward, letting jobs progress (works with both clock modes).
    pub fn advance(&self, by: Duration) {
        let mut w = self.app.lock();
        w.clock.advance(by);
        w.settle();
    }

    /// The newest status of a job (`None` if the job does not exist or was not
    /// submitted).
    pub fn job_status(&self, job_id: &str) -> Option<String> {
        let w = self.app.world();
        w.jobs
            .get(job_id)
            .and_then(|j| j.latest_status())
            .map(|s| s.status.clone())
    }

    /// Stores a file as if it had been uploaded (type 1, input) and returns its id.
    pub fn add_file(&self, name: &str, data: impl Into<Bytes>) -> String {
        self.app
            .lock()
            .add_file(name, state::file_type::INPUT, data.into())
    }

    /// Stops the server and waits until it has stopped.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
