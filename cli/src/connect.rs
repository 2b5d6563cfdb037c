//! Choosing where to talk to: the real platform, or an embedded simulator when no key is
//! configured anywhere (or `--simulate`).

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
}

/// Connects as the options, the environment and the profile say; see the crate docs.
pub async fn connect(global: &Global) -> CliResult<Connection> {
    if global.simulate {
        return embedded(global, "--simulate given").await;
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
            if global.base_url.is_some() || global.region.is_some() {
                Err(CliError::new(Exit::Auth, "no API key configured").hint(
                    "pass --api-key, set RESCALE_API_KEY, or put `apikey` in \
                     ~/.config/rescale/apiconfig; without --base-url/--region the CLI uses an \
                     embedded simulator",
                ))
            } else {
                embedded(global, "no API key configured").await
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
        "note: {why}: using an embedded Rescale simulator at {} (set RESCALE_API_KEY or pass \
         --api-key to use the real platform)",
        sim.base_url()
    );
    Ok(Connection {
        client,
        simulator: Some(sim),
    })
}
