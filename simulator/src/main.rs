//! `rescale-simulator`: runs the simulator until interrupted.
//!
//! ```text
//! rescale-simulator [--host 127.0.0.1] [--port 8080] [--step-ms 1000] [--manual-clock]
//!                   [--api-key KEY] [--owner EMAIL] [--admin-token TOKEN]
//! ```

use std::net::{IpAddr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use rescale_simulator::{ClockMode, SimulatorConfig, start};

const USAGE: &str = "\
Usage: rescale-simulator [options]

A local Rescale-compatible REST API v2 server (in memory).

Options:
  --host ADDR        address to listen on (default 127.0.0.1)
  --port N           port to listen on (default 8080; 0 picks a free port)
  --step-ms N        milliseconds between job statuses (default 1000; 0 completes at once)
  --manual-clock     jobs only move on POST /_sim/clock/advance {\"ms\": N}
  --api-key KEY      the accepted API key (default sim-valid-key)
  --owner EMAIL      the simulated user's e-mail
  --admin-token T    require header X-Sim-Admin-Token: T on /_sim/ (default: loopback clients only)
  -h, --help         show this help
";

fn parse(args: &[String]) -> Result<Option<SimulatorConfig>, String> {
    let mut config = SimulatorConfig {
        step: Duration::from_millis(1000),
        ..SimulatorConfig::default()
    };
    let mut host: IpAddr = [127, 0, 0, 1].into();
    let mut port: u16 = 8080;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--host" => {
                host = value("--host")?
                    .parse()
                    .map_err(|e| format!("--host: {e}"))?;
            }
            "--port" => {
                port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?;
            }
            "--step-ms" => {
                let ms: u64 = value("--step-ms")?
                    .parse()
                    .map_err(|e| format!("--step-ms: {e}"))?;
                config.step = Duration::from_millis(ms);
            }
            "--manual-clock" => config.clock = ClockMode::Manual,
            "--api-key" => config.api_key = value("--api-key")?,
            "--owner" => config.owner = value("--owner")?,
            "--admin-token" => config.admin_token = Some(value("--admin-token")?),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    config.addr = SocketAddr::new(host, port);
    Ok(Some(config))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match parse(&args) {
        Ok(Some(config)) => config,
        Ok(None) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("rescale-simulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let step = config.step;
    let sim = match start(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("rescale-simulator: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Rescale simulator listening on {}", sim.base_url());
    // The base URL is what clients take (`--base-url`, `RESCALE_API_BASE_URL`); the API's own
    // paths (`/api/v2/...`) go after it, so printing the `/api/v2/` root as "base URL" misled.
    println!(
        "Base URL (for --base-url / RESCALE_API_BASE_URL): {}",
        sim.base_url()
    );
    println!("API root: {}", sim.api_url());
    println!("API key: {}", sim.api_key());
    println!(
        "Expired key: {}  Inactive user's key: {}",
        sim.expired_key(),
        sim.inactive_key()
    );
    println!("Step between job statuses: {} ms", step.as_millis());
    std::future::pending::<()>().await;
    ExitCode::SUCCESS
}
