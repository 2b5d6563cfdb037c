//! The `rescale` binary end to end against a simulator started by the test: every
//! subcommand, its `--json` output, its exit code, and a quiet stderr when it is not a
//! terminal.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use rescale_simulator::{FAIL_MARKER, Simulator, SimulatorConfig};
use serde_json::{Value, json};

/// A simulator served on its own runtime, so the test thread can block on the binary.
struct Sim {
    sim: Simulator,
    _runtime: tokio::runtime::Runtime,
}

impl Sim {
    fn start(config: SimulatorConfig) -> Sim {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = runtime
            .block_on(rescale_simulator::start(config))
            .expect("simulator starts");
        Sim {
            sim,
            _runtime: runtime,
        }
    }

    /// Jobs complete as soon as they are submitted.
    fn instant() -> Sim {
        Sim::start(SimulatorConfig {
            step: Duration::ZERO,
            ..SimulatorConfig::default()
        })
    }
}

/// A clean environment for the binary: its own HOME (no profile), no `RESCALE_*` variables,
/// a scratch working directory.
struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The binary with no key anywhere.
    fn bare(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rescale"));
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("HOME", self.dir.path())
            .env("USERPROFILE", self.dir.path());
        for var in [
            "RESCALE_API_KEY",
            "RESCALE_API_BASE_URL",
            "RESCALE_REGION",
            "RESCALE_CONFIG_FILE",
            "RESCALE_PROFILE",
        ] {
            cmd.env_remove(var);
        }
        cmd
    }

    /// The binary pointed at `sim` with its valid key.
    fn cmd(&self, sim: &Sim, args: &[&str]) -> Command {
        self.with_key(sim, sim.sim.api_key(), args)
    }

    fn with_key(&self, sim: &Sim, key: &str, args: &[&str]) -> Command {
        let mut cmd = self.bare(&["--base-url", sim.sim.base_url(), "--api-key", key]);
        cmd.args(args);
        cmd
    }
}

/// Runs a command, returning (exit code, stdout, stderr).
fn run(mut cmd: Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("binary runs");
    (
        status.code().expect("exited, not killed"),
        String::from_utf8(stdout).expect("utf-8 stdout"),
        String::from_utf8(stderr).expect("utf-8 stderr"),
    )
}

/// Runs a `--json` command that must succeed quietly, returning its JSON.
fn json_ok(cmd: Command) -> Value {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    assert_eq!(err, "", "stderr must stay quiet");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {out}"))
}

fn walkthrough_job(file_id: &str, command: &str) -> Value {
    json!({
        "name": "LS-DYNA cURL API Setup",
        "billingPriorityValue": "INSTANT",
        "jobanalyses": [{
            "useRescaleLicense": true,
            "command": command,
            "analysis": {"code": "ls_dyna", "version": "9.0.0"},
            "hardware": {"coresPerSlot": 2, "slots": 1, "coreType": "hpc-3"},
            "inputFiles": [{"id": file_id}]
        }]
    })
}

/// Uploads `data` as `name` and creates a job using it; returns the job id.
fn create_job(env: &Env, sim: &Sim, command: &str) -> String {
    std::fs::write(env.path("input.zip"), b"not really a zip").expect("write");
    let file = json_ok(env.cmd(sim, &["upload", "input.zip", "--json"]));
    let file_id = file["id"].as_str().expect("file id");
    let body = walkthrough_job(file_id, command);
    std::fs::write(env.path("job.json"), body.to_string()).expect("write");
    let job = json_ok(env.cmd(sim, &["jobs", "create", "job.json", "--json"]));
    job["id"].as_str().expect("job id").to_string()
}

fn statuses_of(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array of statuses")
        .iter()
        .map(|s| s["status"].as_str().expect("status").to_string())
        .collect()
}

const LIFECYCLE: [&str; 6] = [
    "Pending",
    "Queued",
    "Started",
    "Validated",
    "Executing",
    "Completed",
];

#[test]
fn upload_and_download_round_trip_the_bytes() {
    let sim = Sim::instant();
    let env = Env::new();
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(env.path("model.k"), &data).expect("write");

    let file = json_ok(env.cmd(&sim, &["upload", "model.k", "--json"]));
    assert_eq!(file["name"], "model.k");
    assert_eq!(file["decryptedSize"], 200_000);
    let id = file["id"].as_str().expect("id");

    let got = json_ok(env.cmd(&sim, &["download", id, "-o", "copy.k", "--json"]));
    assert_eq!(got["bytes"], 200_000);
    assert_eq!(std::fs::read(env.path("copy.k")).expect("read"), data);

    // Without -o the file's own name is used, in the working directory.
    std::fs::remove_file(env.path("model.k")).expect("rm");
    let (code, out, err) = run(env.cmd(&sim, &["download", id]));
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(
        out.starts_with("Downloaded model.k (200000 bytes)"),
        "{out}"
    );
    assert_eq!(std::fs::read(env.path("model.k")).expect("read"), data);
    assert!(!env.path("model.k.part").exists());

    // Human upload output names the id.
    let (code, out, _) = run(env.cmd(&sim, &["upload", "copy.k"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("Uploaded copy.k as file "), "{out}");
}

#[test]
fn catalogue_commands_list_software_and_hardware() {
    let sim = Sim::instant();
    let env = Env::new();
    let analyses = json_ok(env.cmd(&sim, &["analyses", "--json"]));
    let dyna = analyses
        .as_array()
        .and_then(|a| a.iter().find(|x| x["code"] == "ls_dyna"))
        .expect("ls_dyna listed");
    assert!(
        dyna["versions"]
            .as_array()
            .is_some_and(|v| v.iter().any(|v| v["versionCode"] == "9.0.0"))
    );
    let coretypes = json_ok(env.cmd(&sim, &["coretypes", "--json"]));
    let codes: Vec<&str> = coretypes
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|c| c["code"].as_str())
        .collect();
    assert!(codes.contains(&"hpc-3"), "{codes:?}");
    // `--all` adds the deprecated ones.
    let all = json_ok(env.cmd(&sim, &["coretypes", "--all", "--json"]));
    assert!(all.as_array().expect("array").len() > codes.len());

    let (code, out, err) = run(env.cmd(&sim, &["analyses"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.starts_with("CODE"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("ls_dyna ") && l.contains("9.0.0"))
    );
    let (code, out, _) = run(env.cmd(&sim, &["coretypes"]));
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.starts_with("hpc-3 ")), "{out}");
}

#[test]
fn job_commands_follow_a_job_from_creation_to_deletion() {
    let sim = Sim::instant();
    let env = Env::new();
    let id = create_job(&env, &sim, "ls-dyna -n 2 -i neon.refined.rev01.k -p single");

    let listed = json_ok(env.cmd(&sim, &["jobs", "list", "--json"]));
    assert!(
        listed
            .as_array()
            .expect("array")
            .iter()
            .any(|j| j["id"] == id.as_str())
    );
    let job = json_ok(env.cmd(&sim, &["jobs", "get", &id, "--json"]));
    assert_eq!(job["name"], "LS-DYNA cURL API Setup");
    assert_eq!(job["jobanalyses"][0]["hardware"]["coreType"], "hpc-3");
    let (code, out, _) = run(env.cmd(&sim, &["jobs", "get", &id]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with(&format!("Job {id}: LS-DYNA cURL API Setup")),
        "{out}"
    );

    // Not submitted yet: no statuses.
    let none = json_ok(env.cmd(&sim, &["jobs", "statuses", &id, "--json"]));
    assert_eq!(none, json!([]));

    let submitted = json_ok(env.cmd(&sim, &["jobs", "submit", &id, "--json"]));
    assert_eq!(submitted, json!({"id": id, "submitted": true}));

    // With a zero step the whole lifecycle is there at once, listed oldest first.
    let statuses = json_ok(env.cmd(&sim, &["jobs", "statuses", &id, "--json"]));
    assert_eq!(statuses_of(&statuses), LIFECYCLE);
    let (code, out, _) = run(env.cmd(&sim, &["jobs", "statuses", &id]));
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.contains("Completed successfully"))
    );

    let watched = json_ok(env.cmd(&sim, &["jobs", "watch", &id, "--json"]));
    assert_eq!(watched["succeeded"], true);
    assert_eq!(watched["status"], "Completed");
    assert_eq!(watched["statusReason"], "Completed successfully");
    assert_eq!(statuses_of(&watched["statuses"]), LIFECYCLE);
    let (code, out, err) = run(env.cmd(&sim, &["jobs", "watch", &id, "--interval", "0"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out.lines().count(), 7, "six statuses and a summary: {out}");

    let files = json_ok(env.cmd(&sim, &["jobs", "files", &id, "--json"]));
    let names: Vec<&str> = files
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(names, ["log.txt", "d3plot"]);

    let listed = json_ok(env.cmd(&sim, &["jobs", "list", "--state", "completed", "--json"]));
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let listed = json_ok(env.cmd(
        &sim,
        &["jobs", "list", "--state", "not-completed", "--json"],
    ));
    assert_eq!(listed, json!([]));

    let deleted = json_ok(env.cmd(&sim, &["jobs", "delete", &id, "--json"]));
    assert_eq!(deleted, json!({"id": id, "deleted": true}));

    // Gone: exit code 4, one error line and one hint line.
    let (code, out, err) = run(env.cmd(&sim, &["jobs", "get", &id, "--json"]));
    assert_eq!(code, 4, "{err}");
    assert_eq!(out, "");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with(&format!("error: getting job {id}: 404")),
        "{err}"
    );
    assert!(lines[1].starts_with("hint: "), "{err}");
}

#[test]
fn watch_exits_non_zero_when_a_run_failed() {
    let sim = Sim::instant();
    let env = Env::new();
    let id = create_job(&env, &sim, &format!("ls-dyna -i model.k {FAIL_MARKER}"));
    json_ok(env.cmd(&sim, &["jobs", "submit", &id, "--json"]));
    let (code, out, err) = run(env.cmd(&sim, &["jobs", "watch", &id, "--json"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(err, "");
    let watched: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(watched["succeeded"], false);
    assert_eq!(watched["status"], "Completed");
    assert_eq!(watched["statusReason"], "A run failed");

    let (code, out, _) = run(env.cmd(&sim, &["jobs", "watch", &id]));
    assert_eq!(code, 1);
    assert!(
        out.lines()
            .last()
            .is_some_and(|l| l.contains("ended badly") && l.contains("A run failed")),
        "{out}"
    );
}

#[test]
fn a_stopped_job_ends_badly() {
    let step = Duration::from_secs(10);
    let sim = Sim::start(SimulatorConfig::manual(step));
    let env = Env::new();
    let id = create_job(&env, &sim, "ls-dyna -i model.k");
    json_ok(env.cmd(&sim, &["jobs", "submit", &id, "--json"]));
    sim.sim.advance(step * 4);
    assert_eq!(sim.sim.job_status(&id).as_deref(), Some("Executing"));

    let stopped = json_ok(env.cmd(&sim, &["jobs", "stop", &id, "--json"]));
    assert_eq!(stopped, json!({"id": id, "stopRequested": true}));
    assert_eq!(sim.sim.job_status(&id).as_deref(), Some("Stopping"));
    sim.sim.advance(step);

    let (code, out, _) = run(env.cmd(&sim, &["jobs", "watch", &id, "--json"]));
    assert_eq!(code, 1);
    let watched: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(watched["statusReason"], "User Terminated");
    let history = statuses_of(&watched["statuses"]);
    assert_eq!(history.last().map(String::as_str), Some("Completed"));
    assert!(history.iter().any(|s| s == "Stopping"), "{history:?}");

    // A job whose cluster has finished can be deleted; human output says so.
    let (code, out, _) = run(env.cmd(&sim, &["jobs", "delete", &id]));
    assert_eq!(code, 0);
    assert_eq!(out.trim(), format!("Deleted job {id}"));
}

/// `--timeout` ends a watch that would otherwise wait forever (here: a job never submitted, and
/// one stuck on a manual clock) with exit code 8, an error line and a hint; the job is left alone.
#[test]
fn watch_gives_up_at_the_timeout() {
    let step = Duration::from_secs(10);
    let sim = Sim::start(SimulatorConfig::manual(step));
    let env = Env::new();
    let id = create_job(&env, &sim, "ls-dyna -i model.k");
    let watch = [
        "jobs",
        "watch",
        &id,
        "--interval",
        "0.05",
        "--timeout",
        "0.2",
    ];
    let (code, out, err) = run(env.cmd(&sim, &watch));
    assert_eq!(code, 8, "{err}");
    assert_eq!(out, "");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "error: job {id} is still running after --timeout (no status yet)"
        ))),
        "{err}"
    );
    assert!(
        lines.last().is_some_and(|l| l.starts_with("hint: ")),
        "{err}"
    );

    json_ok(env.cmd(&sim, &["jobs", "submit", &id, "--json"]));
    sim.sim.advance(step * 4);
    let mut watch_json = watch.to_vec();
    watch_json.push("--json");
    let (code, out, err) = run(env.cmd(&sim, &watch_json));
    assert_eq!(code, 8, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("(last status: Executing)"), "{err}");
    // Watching does not stop the job.
    assert_eq!(sim.sim.job_status(&id).as_deref(), Some("Executing"));
}

fn zip_names(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).expect("zip");
    let mut zip = zip::ZipArchive::new(file).expect("archive");
    (0..zip.len())
        .map(|i| zip.by_index(i).expect("entry").name().to_string())
        .collect()
}

#[test]
fn run_zips_a_directory_and_downloads_the_outputs() {
    let sim = Sim::instant();
    let env = Env::new();
    let model = env.path("model");
    std::fs::create_dir_all(model.join("includes")).expect("mkdir");
    std::fs::write(model.join("neon.refined.rev01.k"), "*KEYWORD\n*END\n").expect("write");
    std::fs::write(model.join("includes/parts.k"), "*PART\n").expect("write");

    let doc = json_ok(env.cmd(&sim, &["run", "model", "-o", "out", "--json"]));
    assert_eq!(doc["succeeded"], true);
    assert_eq!(doc["simulated"], false);
    assert_eq!(statuses_of(&doc["statuses"]), LIFECYCLE);
    assert_eq!(doc["inputFile"]["name"], "input.zip");
    let analysis = &doc["job"]["jobanalyses"][0];
    assert_eq!(
        analysis["command"],
        "ls-dyna -n 2 -i neon.refined.rev01.k -p single"
    );
    assert_eq!(analysis["analysis"]["code"], "ls_dyna");
    assert_eq!(analysis["analysis"]["version"], "9.0.0");
    assert_eq!(analysis["hardware"]["coreType"], "hpc-3");
    assert_eq!(analysis["hardware"]["coresPerSlot"], 2);

    let outputs = doc["outputs"].as_array().expect("outputs");
    assert_eq!(outputs.len(), 2);
    for o in outputs {
        let path = env.dir.path().join(o["path"].as_str().expect("path"));
        let len = std::fs::metadata(&path).expect("output exists").len();
        assert_eq!(Some(len), o["bytes"].as_u64());
        assert!(path.starts_with(env.path("out")));
    }
    let log = std::fs::read_to_string(env.path("out/log.txt")).expect("log");
    assert!(!log.is_empty());

    // The uploaded input is the zipped directory.
    let input_id = doc["inputFile"]["id"].as_str().expect("id");
    json_ok(env.cmd(
        &sim,
        &["download", input_id, "-o", "uploaded.zip", "--json"],
    ));
    assert_eq!(
        zip_names(&env.path("uploaded.zip")),
        ["model/includes/parts.k", "model/neon.refined.rev01.k"]
    );
}

#[test]
fn run_prints_each_status_and_fails_when_the_run_fails() {
    let sim = Sim::instant();
    let env = Env::new();
    let command = format!("ls-dyna -i neon.refined.rev01.k {FAIL_MARKER}");
    let (code, out, err) = run(env.cmd(
        &sim,
        &[
            "run",
            "--command",
            &command,
            "--name",
            "failing",
            "-o",
            "out",
        ],
    ));
    assert_eq!(code, 1, "{out}\n{err}");
    // Only the note about the generated input; no progress bars off a terminal.
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("note: no input given"), "{err}");
    for status in LIFECYCLE {
        assert!(
            out.lines()
                .any(|l| l.ends_with(status) || l.contains(&format!("{status} (")))
        );
    }
    assert!(out.contains("ended badly"), "{out}");
    // The log is still downloaded.
    assert!(env.path("out/log.txt").exists());
}

#[test]
fn run_uses_an_embedded_simulator_when_no_key_is_configured() {
    let env = Env::new();
    let (code, out, err) = run(env.bare(&["run", "--sim-step-ms", "0", "--json"]));
    assert_eq!(code, 0, "{out}\n{err}");
    let notes: Vec<&str> = err.lines().collect();
    assert_eq!(notes.len(), 2, "{err}");
    assert!(
        notes[0].starts_with("note: no API key configured: using an embedded Rescale simulator"),
        "{err}"
    );
    assert!(notes[1].contains("neon.refined.rev01.k"), "{err}");
    let doc: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["simulated"], true);
    assert_eq!(doc["succeeded"], true);
    let job_id = doc["id"].as_str().expect("id");
    let outputs = env.path("rescale-outputs").join(job_id);
    assert!(outputs.join("d3plot").exists());

    // The uploaded demo input is a zip holding the placeholder keyword file.
    let input = doc["inputFile"]["name"].as_str().expect("name");
    assert_eq!(input, "input.zip");

    // Every other subcommand falls back as well.
    let (code, out, err) = run(env.bare(&["coretypes", "--json"]));
    assert_eq!(code, 0);
    assert!(err.starts_with("note: no API key configured"));
    assert!(serde_json::from_str::<Value>(&out).is_ok_and(|v| v.is_array()));
}

#[test]
fn simulate_forces_the_embedded_simulator() {
    let env = Env::new();
    let mut cmd = env.bare(&["--simulate", "jobs", "list", "--json"]);
    cmd.env("RESCALE_API_KEY", "a-real-looking-key");
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "[]");
    assert!(err.starts_with("note: --simulate given: using an embedded Rescale simulator"));
}

#[test]
fn the_key_comes_from_the_environment_and_the_profile() {
    let sim = Sim::instant();
    let env = Env::new();
    let mut cmd = env.bare(&["jobs", "list", "--json"]);
    cmd.env("RESCALE_API_KEY", sim.sim.api_key())
        .env("RESCALE_API_BASE_URL", sim.sim.base_url());
    let (code, out, err) = run(cmd);
    assert_eq!((code, err.as_str(), out.trim()), (0, "", "[]"));

    let config = env.path(".config/rescale");
    std::fs::create_dir_all(&config).expect("mkdir");
    std::fs::write(
        config.join("apiconfig"),
        format!(
            "[default]\napibaseurl = {}\napikey = {}\n",
            sim.sim.base_url(),
            sim.sim.api_key()
        ),
    )
    .expect("write");
    let (code, out, err) = run(env.bare(&["jobs", "list", "--json"]));
    assert_eq!((code, err.as_str(), out.trim()), (0, "", "[]"));
}

#[test]
fn key_problems_exit_3_with_a_hint() {
    let sim = Sim::instant();
    let env = Env::new();
    let (code, out, err) = run(env.with_key(&sim, sim.sim.expired_key(), &["jobs", "list"]));
    assert_eq!(code, 3);
    assert_eq!(out, "");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].contains("API key is no longer active"), "{err}");
    assert!(
        lines[1].contains("create a new key in Profile > User profile settings > API"),
        "{err}"
    );

    let (code, _, err) = run(env.with_key(&sim, sim.sim.inactive_key(), &["analyses"]));
    assert_eq!(code, 3);
    assert!(err.contains("User inactive or deleted") && err.contains("hint: "));

    let (code, _, err) = run(env.with_key(&sim, "not-a-key", &["analyses"]));
    assert_eq!(code, 3);
    assert!(
        err.lines().count() == 2 && !err.contains("panicked"),
        "{err}"
    );

    // An explicit platform without a key does not fall back to the simulator.
    let (code, _, err) = run(env.bare(&["--base-url", sim.sim.base_url(), "analyses"]));
    assert_eq!(code, 3);
    assert!(err.starts_with("error: no API key configured"), "{err}");
}

#[test]
fn bad_input_and_usage_have_their_exit_codes() {
    let sim = Sim::instant();
    let env = Env::new();
    // A missing local file: 7.
    let (code, _, err) = run(env.cmd(&sim, &["jobs", "create", "missing.json"]));
    assert_eq!(code, 7);
    assert!(err.starts_with("error: reading missing.json"), "{err}");
    let (code, _, _) = run(env.cmd(&sim, &["upload", "missing.bin"]));
    assert_eq!(code, 7);

    // Job settings that are not JSON: 2, with a hint.
    std::fs::write(env.path("bad.json"), "{ nope").expect("write");
    let (code, _, err) = run(env.cmd(&sim, &["jobs", "create", "bad.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("hint: "), "{err}");

    // Job settings the server refuses: 5.
    std::fs::write(env.path("empty.json"), r#"{"name": "", "jobanalyses": []}"#).expect("write");
    let (code, _, err) = run(env.cmd(&sim, &["jobs", "create", "empty.json"]));
    assert_eq!(code, 5, "{err}");
    assert!(err.starts_with("error: creating the job: 400"), "{err}");

    // An unknown analysis or core type in `run`: 2, before anything is created.
    let (code, _, err) = run(env.cmd(&sim, &["run", "--analysis", "nastran"]));
    assert_eq!(code, 2);
    assert!(err.contains("no analysis with code \"nastran\""), "{err}");
    let (code, _, err) = run(env.cmd(&sim, &["run", "--core-type", "quartz"]));
    assert_eq!(code, 2);
    assert!(err.contains("rescale coretypes"), "{err}");
    let (code, _, err) = run(env.cmd(&sim, &["run", "--analysis-version", "1.0"]));
    assert_eq!(code, 2);
    assert!(err.contains("9.0.0, 11.1.0"), "{err}");

    // clap's own usage errors: 2.
    let (code, _, _) = run(env.cmd(&sim, &["jobs", "frobnicate"]));
    assert_eq!(code, 2);
    // Nothing listening: 6.
    let (code, _, err) = run(env.bare(&[
        "--base-url",
        "http://127.0.0.1:9",
        "--api-key",
        "k",
        "analyses",
    ]));
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("hint: "), "{err}");
}

#[test]
fn help_lists_the_commands_and_exit_codes() {
    let env = Env::new();
    let (code, out, _) = run(env.bare(&["--help"]));
    assert_eq!(code, 0);
    for word in [
        "upload",
        "download",
        "analyses",
        "coretypes",
        "jobs",
        "run",
        "Exit codes",
    ] {
        assert!(out.contains(word), "{word} missing from help:\n{out}");
    }
    assert!(out.contains("--api-key") && out.contains("--json"), "{out}");
}
