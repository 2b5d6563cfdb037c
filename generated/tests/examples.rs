//! Runs every program in `examples/` against an in-process simulator, as a user would run them
//! against Rescale: the key and the base URL come from the environment (`RESCALE_API_KEY`,
//! `RESCALE_API_BASE_URL`).
//!
//! The example binaries are the ones `cargo test` builds beside this test (in
//! `target/<profile>/examples/`); `cargo test -p rescale --test examples` alone does not build
//! them, so run `cargo build -p rescale --examples` first in that case.

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use rescale_simulator::{FORCE_STOP_MARKER, Simulator, SimulatorConfig};

/// Where cargo put the example `name` for this build.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/examples-<hash> -> target/<profile>/examples/<name>
    let dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target directory")
        .join("examples");
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p rescale --examples` (or the whole `cargo test`)",
        path.display()
    );
    path
}

async fn simulator() -> Simulator {
    rescale_simulator::start(SimulatorConfig {
        step: Duration::from_millis(20),
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator starts")
}

/// Runs example `name` with `args` against `sim`, in a scratch directory.
async fn run(sim: &Simulator, name: &str, args: &[&str]) -> Output {
    let scratch = tempfile::tempdir().expect("scratch directory");
    let mut command = std::process::Command::new(example(name));
    command
        .args(args)
        .current_dir(scratch.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", scratch.path())
        .env("TMPDIR", scratch.path())
        .env("RESCALE_API_KEY", sim.api_key())
        .env("RESCALE_API_BASE_URL", sim.base_url())
        .env("RESCALE_POLL_SECS", "0.02");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("joins")
        .expect("the example starts");
    drop(scratch);
    output
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_success(name: &str, output: &Output) -> String {
    let (stdout, stderr) = text(output);
    assert!(
        output.status.success(),
        "{name} failed: {}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walkthrough_ends_on_completed_and_on_force_stop() {
    let sim = simulator().await;
    let out = run(&sim, "walkthrough", &[]).await;
    let stdout = assert_success("walkthrough", &out);
    assert!(
        stdout.contains("Completed (Completed successfully)"),
        "{stdout}"
    );
    assert!(stdout.contains("completed successfully"), "{stdout}");

    // A job cut off with Force Stop used to keep the walk-through polling forever.
    let command = format!("ls-dyna -i input.k {FORCE_STOP_MARKER}");
    let out = run(&sim, "walkthrough", &["", &command]).await;
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("Force Stop"), "{stdout}");
    assert!(stderr.contains("ended badly: Force Stop"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_download_round_trips_a_file() {
    let sim = simulator().await;
    let stdout = assert_success("upload_download", &run(&sim, "upload_download", &[]).await);
    assert!(
        stdout.contains("checked against the server: true"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the copy is identical to the original"),
        "{stdout}"
    );
    assert!(stdout.contains("1048576 bytes"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_and_filter_pages_and_streams() {
    let sim = simulator().await;
    let stdout = assert_success("list_and_filter", &run(&sim, "list_and_filter", &[]).await);
    assert!(stdout.contains("0 unfinished job(s)"), "{stdout}");
    assert!(
        stdout.contains("active core types (first three):"),
        "{stdout}"
    );
    // The simulator's catalogue: ls_dyna 2 versions, openfoam 2, abaqus 1, user_included 1.
    assert!(stdout.contains("6 software version(s)"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parameter_sweep_runs_every_value() {
    let sim = simulator().await;
    let stdout = assert_success(
        "parameter_sweep",
        &run(&sim, "parameter_sweep", &["5"]).await,
    );
    for value in 1..=5 {
        assert!(
            stdout.contains(&format!("value {value}: submitted job")),
            "{stdout}"
        );
        assert!(stdout.contains(&format!("value {value}: job ")), "{stdout}");
    }
    assert_eq!(stdout.matches(" completed").count(), 5, "{stdout}");
    assert_eq!(
        sim.requests_seen("POST", "jobs/"),
        5,
        "one job per value, none duplicated"
    );

    // A sweep where every job is cut off exits with 1 and says so for each.
    let out = run(&sim, "parameter_sweep", &["2", "ls-dyna sim-force-stop {}"]).await;
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout.matches("ended badly: Force Stop").count(),
        2,
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_handling_tells_every_case_apart() {
    let sim = simulator().await;
    let stdout = assert_success("error_handling", &run(&sim, "error_handling", &[]).await);
    assert!(stdout.contains("get a missing job: not found"), "{stdout}");
    assert!(
        stdout.contains("create an invalid job: refused as invalid"),
        "{stdout}"
    );
    assert!(
        stdout.contains("call with an unknown key: the key was not accepted"),
        "{stdout}"
    );
    assert!(
        stdout.contains("every error was told apart as expected"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inside_a_job_uses_the_job_key_and_chains_a_job() {
    let sim = simulator().await;
    let stdout = assert_success("inside_a_job", &run(&sim, "inside_a_job", &[]).await);
    assert!(stdout.contains("the job's key works"), "{stdout}");
    assert!(stdout.contains("follow-up: Completed"), "{stdout}");

    // The key of a job that has completed is refused with "API key is no longer active".
    let scratch = tempfile::tempdir().expect("scratch");
    let out = tokio::task::spawn_blocking({
        let (exe, key, url, dir) = (
            example("inside_a_job"),
            sim.expired_key().to_owned(),
            sim.base_url().to_owned(),
            scratch.path().to_owned(),
        );
        move || {
            std::process::Command::new(exe)
                .current_dir(&dir)
                .env_clear()
                .env("HOME", &dir)
                .env("RESCALE_API_KEY", key)
                .env("RESCALE_API_BASE_URL", url)
                .output()
        }
    })
    .await
    .expect("joins")
    .expect("starts");
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("the key has expired"), "{stderr}");
}
