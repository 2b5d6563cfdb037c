//! `rescale`: a command-line client for Rescale's REST API v2, built on the generated
//! `rescale` client.
//!
//! The key and platform come from `--api-key`, `--region` and `--base-url`, else from
//! `RESCALE_API_KEY`, `RESCALE_REGION` and `RESCALE_API_BASE_URL`, else from the `[default]`
//! profile of `~/.config/rescale/apiconfig` (`rescale configure` writes it). With
//! `--simulator` (or `RESCALE_SIMULATOR=1`), and for `rescale run` when no key is configured,
//! commands talk to an embedded Rescale simulator on loopback instead and say so in one line
//! on stderr; any other command without a key is an error.
//!
//! Errors are printed as one `error:` line and, where there is something to do about it, one
//! `hint:` line. Exit codes: 0 success; 1 the watched job ended badly; 2 bad usage or input;
//! 3 authentication failed; 4 not found; 5 the API refused the request; 6 network or protocol
//! failure; 7 local file error; 8 `--timeout` ran out while the job was still running; 130 and
//! 143 interrupted by SIGINT or SIGTERM. See `cli/README.md`.

mod archive;
mod args;
mod commands;
mod configure;
mod connect;
mod error;
mod jobfile;
mod output;
mod paths;
mod signals;
mod transfer;

use std::process::ExitCode;

use clap::Parser;

use crate::args::Command;
use crate::error::CliError;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    if cli.global.verbose > 0 {
        trace_requests(cli.global.verbose);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&CliError::io("starting the async runtime", &e)),
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Configure(args) => Ok(configure::configure(&args, &cli.global)),
            Command::Completions(args) => Ok(completions(&args)),
            command => {
                let demo = matches!(command, Command::Run(_));
                let work = async {
                    let conn = connect::connect(&cli.global, demo).await?;
                    commands::run(command, &conn, cli.global.json).await
                };
                // A signal drops the command's future, and with it what a rerun cannot use (the
                // temporary input zip, a partial download that cannot be verified); a partial
                // download that can be is kept for the rerun to resume.
                tokio::select! {
                    result = work => Ok(result),
                    code = signals::interrupted() => Err(code),
                }
            }
        }
    });
    match result {
        Ok(Ok(code)) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Ok(Err(e)) => fail(&e),
        Err(code) => {
            eprintln!("interrupted");
            // Not a return: dropping the runtime would wait for a zip still being written on a
            // blocking thread (its directory is already gone).
            std::process::exit(code)
        }
    }
}

/// `-v`: the client library's `tracing` events (one per request, answer, retry, rate-limit
/// wait and list page) on stderr; `-vv` adds the finer ones.
fn trace_requests(verbosity: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let level = if verbosity > 1 {
        LevelFilter::TRACE
    } else {
        LevelFilter::DEBUG
    };
    // The runtime's events come from `rescale::runtime` now, `openapi_gen_runtime` once it is
    // its own crate.
    let targets = Targets::new()
        .with_target("rescale", level)
        .with_target("openapi_gen_runtime", level);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .without_time();
    tracing_subscriber::registry()
        .with(layer.with_filter(targets))
        .init();
}

/// `rescale completions SHELL`: the completion script on stdout.
fn completions(args: &args::CompletionsArgs) -> commands::Outcome {
    use clap::CommandFactory;
    let mut command = args::Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "rescale", &mut out);
    std::io::Write::flush(&mut out).map_err(|e| CliError::io("writing to stdout", &e))?;
    Ok(0)
}

fn fail(e: &CliError) -> ExitCode {
    for line in e.to_string().lines() {
        eprintln!("{}", output::terminal_safe(line));
    }
    ExitCode::from(e.exit as u8)
}
