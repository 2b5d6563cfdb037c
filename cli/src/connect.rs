//! Choosing where to talk to: the real platform, or an embedded simulator (asked for with
//! `--simulator` / `RESCALE_SIMULATOR`, or for `rescale run` when no key is configured).

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use rescale::{Client, Error};
use rescale_simulator::{Simulator, SimulatorConfig};

use crate::args::Global;
use crate::error::{CliError, CliResult, Exit};

/// A client, and the embedded simulator it talks to if there is one (kept alive with it).
pub struct Connection {
    /// The API client.
    pub client: Client,
    /// The embedded simulator, when one is used.
    pub simulator: Option<Simulator>,
}

impl Connection {
    /// Whether the client talks to an embedded simulator.
    pub fn simulated(&self) -> bool {
        self.simulator.is_some()
    }

    /// Whether the client talks to this machine (the embedded simulator, or a base URL on
    /// loopback such as a `rescale-simulator` started by hand): nothing there is billed.
    pub fn local(&self) -> bool {
        let host = self
            .client
            .runtime()
            .base_url()
            .host_str()
            .unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.simulated()
            || host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// The hint for a missing key: every way to give one, and how to ask for the simulator.
const NO_KEY_HINT: &str = "set RESCALE_API_KEY, store a key with `rescale configure`, or pass \
    --api-key (keys are created in Profile > User profile settings > API); to try the command \
    without an account, add --simulator (or set RESCALE_SIMULATOR=1)";

/// Connects as the options, the environment and the profile say; see the crate docs.
///
/// `embedded_without_key`: with no key configured anywhere (and no explicit platform), use the
/// embedded simulator instead of failing. Only `rescale run` allows it: its first use, with
/// no account, is the demonstration. Every other command without a key is an error, so a
/// script never reads a simulator's empty list or invented id as the platform's answer.
pub async fn connect(global: &Global, embedded_without_key: bool) -> CliResult<Connection> {
    if global.simulator {
        return embedded(global, "--simulator given").await;
    }
    let mut builder = Client::builder();
    if let Some(url) = &global.base_url {
        builder = builder.base_url(url);
    } else if let Some(region) = &global.region {
        builder = builder.server(region);
    }
    if let Some(key) = &global.api_key {
        builder = builder.api_key(key);
    }
    match builder.from_env().build() {
        Ok(client) => Ok(Connection {
            client,
            simulator: None,
        }),
        Err(Error::Config(message)) if message.starts_with("no API key") => {
            if embedded_without_key && global.base_url.is_none() && global.region.is_none() {
                embedded(global, "no API key configured").await
            } else {
                Err(CliError::new(Exit::Auth, "no API key configured").hint(NO_KEY_HINT))
            }
        }
        Err(e) => Err(CliError::api("setting up the client", e).hint(
            "check --api-key, --region, --base-url, RESCALE_API_KEY, RESCALE_API_BASE_URL, \
             RESCALE_REGION and ~/.config/rescale/apiconfig",
        )),
    }
}

/// Starts the embedded simulator on loopback and a client for it, saying so on stderr.
async fn embedded(global: &Global, why: &str) -> CliResult<Connection> {
    let config = SimulatorConfig {
        step: Duration::from_millis(global.sim_step_ms),
        ..SimulatorConfig::default()
    };
    let sim = rescale_simulator::start(config)
        .await
        .map_err(|e| CliError::io("starting the embedded simulator", &e))?;
    let client = Client::with_key(sim.base_url(), sim.api_key())
        .map_err(|e| CliError::api("connecting to the embedded simulator", e))?;
    eprintln!(
        "note: {why}: using an embedded Rescale simulator at {} (nothing is sent to Rescale; set \
         RESCALE_API_KEY, run `rescale configure` or pass --api-key to use the real platform)",
        sim.base_url()
    );
    Ok(Connection {
        client,
        simulator: Some(sim),
    })
}

/// Before `rescale run` submits its generated placeholder job (no input given) to a platform
/// that bills it: asks on a terminal, refuses otherwise, unless `--yes` was given.
pub fn confirm_placeholder(conn: &Connection, yes: bool) -> CliResult<()> {
    if yes || conn.local() {
        return Ok(());
    }
    let refused = || {
        CliError::usage(format!(
            "no input given: not submitting a placeholder job to {}",
            conn.client.runtime().base_url()
        ))
        .hint(
            "give your inputs (`rescale run model/` or `rescale run input.zip`), pass --yes to \
             submit the placeholder LS-DYNA job anyway (it runs and is billed), or --simulator \
             to try the walk-through without the platform",
        )
    };
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(refused());
    }
    eprint!(
        "No input given: submit a placeholder LS-DYNA job to {}? It runs on the platform and is \
         billed. [y/N] ",
        conn.client.runtime().base_url()
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::io("reading the answer", &e))?;
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(refused())
    }
}
