//! `rescale`: a command-line client for Rescale's REST API v2, built on the generated
//! `rescale` client.
//!
//! The key and platform come from `--api-key`, `--region` and `--base-url`, else from
//! `RESCALE_API_KEY`, `RESCALE_REGION` and `RESCALE_API_BASE_URL`, else from the `[default]`
//! profile of `~/.config/rescale/apiconfig`. When no key is configured anywhere (or with
//! `--simulate`) every command talks to an embedded Rescale simulator on loopback instead and
//! says so in one line on stderr.
//!
//! Errors are printed as one `error:` line and, where there is something to do about it, one
//! `hint:` line. Exit codes: 0 success; 1 the watched job ended badly; 2 bad usage or input;
//! 3 authentication failed; 4 not found; 5 the API refused the request; 6 network or protocol
//! failure; 7 local file error; 8 `--timeout` ran out while the job was still running; 130 and
//! 143 interrupted by SIGINT or SIGTERM. See `cli/README.md`.

mod archive;
mod args;
mod commands;
mod connect;
mod error;
mod output;
mod paths;
mod signals;
mod transfer;

use std::process::ExitCode;

use clap::Parser;

use crate::error::CliError;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&CliError::io("starting the async runtime", &e)),
    };
    let result = runtime.block_on(async {
        let work = async {
            let conn = connect::connect(&cli.global).await?;
            commands::run(cli.command, &conn, cli.global.json).await
        };
        // A signal drops the command's future, and with it what a rerun cannot use (the
        // temporary input zip, a partial download that cannot be verified); a partial download
        // that can be is kept for the rerun to resume.
        tokio::select! {
            result = work => Ok(result),
            code = signals::interrupted() => Err(code),
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

fn fail(e: &CliError) -> ExitCode {
    for line in e.to_string().lines() {
        eprintln!("{}", output::terminal_safe(line));
    }
    ExitCode::from(e.exit as u8)
}
