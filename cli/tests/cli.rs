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
            "RESCALE_SIMULATOR",
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
    // A job never submitted is not "still running": the error says what it is.
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "error: job {id} has no status after --timeout: it has not been submitted"
        ))),
        "{err}"
    );
    assert!(err.contains(&format!("rescale jobs submit {id}")), "{err}");
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

    // No other command answers from a simulator unasked: a script must not take its empty
    // list or invented id for the platform's. They fail with exit 3 and say what to do.
    std::fs::write(env.path("x"), b"data").expect("write");
    for args in [
        &["coretypes", "--json"][..],
        &["jobs", "list", "--json"],
        &["upload", "x", "--json"],
    ] {
        let (code, out, err) = run(env.bare(args));
        assert_eq!(code, 3, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{err}");
        assert_eq!(lines[0], "error: no API key configured");
        for way in [
            "RESCALE_API_KEY",
            "rescale configure",
            "--api-key",
            "--simulator",
        ] {
            assert!(lines[1].contains(way), "{way} missing: {err}");
        }
    }
}

#[test]
fn the_simulator_is_used_when_asked_for() {
    let env = Env::new();
    let mut cmd = env.bare(&["--simulator", "jobs", "list", "--json"]);
    cmd.env("RESCALE_API_KEY", "a-real-looking-key");
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "[]");
    assert!(err.starts_with("note: --simulator given: using an embedded Rescale simulator"));

    // The old spelling, and the environment variable.
    let (code, _, err) = run(env.bare(&["--simulate", "analyses", "--json"]));
    assert_eq!(code, 0, "{err}");
    let mut cmd = env.bare(&["coretypes", "--json"]);
    cmd.env("RESCALE_SIMULATOR", "1");
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("note: --simulator given"), "{err}");
    assert!(serde_json::from_str::<Value>(&out).is_ok_and(|v| v.is_array()));
    // A false value is no request.
    let mut cmd = env.bare(&["coretypes", "--json"]);
    cmd.env("RESCALE_SIMULATOR", "0");
    assert_eq!(run(cmd).0, 3);
}

/// With a key for a real platform and no input, `run` does not submit its placeholder job
/// without asking: off a terminal it refuses (before any request), and `--yes` is the way on.
#[test]
fn run_with_a_real_key_and_no_input_does_not_submit_a_placeholder_unasked() {
    let env = Env::new();
    let (code, out, err) = run(env.bare(&[
        "--base-url",
        "https://platform.rescale.com",
        "--api-key",
        "not-a-key",
        "run",
    ]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(out, "");
    assert!(
        err.starts_with(
            "error: no input given: not submitting a placeholder job to https://platform.rescale.com/"
        ),
        "{err}"
    );
    assert!(
        err.contains("--yes") && err.contains("--simulator"),
        "{err}"
    );
    // Nothing was generated either.
    assert!(!env.path("rescale-outputs").exists());

    // A platform on this machine (a simulator started by hand) costs nothing: no question.
    let sim = Sim::instant();
    let (code, out, err) = run(env.cmd(&sim, &["run", "--no-download", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("note: no input given"), "{err}");
    let doc: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["succeeded"], true);
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
    assert!(
        out.contains("8 `jobs watch` or `run` gave up at --timeout"),
        "{out}"
    );

    // The help of `jobs statuses` says the order it prints in.
    let (_, out, _) = run(env.bare(&["jobs", "statuses", "--help"]));
    assert!(out.contains("oldest first"), "{out}");
}

#[test]
fn shell_completions_are_printed() {
    let env = Env::new();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(env.bare(&["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(
            out.contains("rescale") && out.contains("coretypes"),
            "{shell}"
        );
    }
    let (code, out, err) = run(env.bare(&["completions", "bash"]));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.contains("--simulator") && out.contains("watch"),
        "{out}"
    );
    assert_eq!(run(env.bare(&["completions", "tcsh"])).0, 2);
}

/// A misspelt field in a job file is refused before anything is sent, with the field's place
/// and the name it probably meant; nothing is created.
#[test]
fn job_files_with_unknown_fields_are_refused_with_a_suggestion() {
    let sim = Sim::instant();
    let env = Env::new();
    let mut job = walkthrough_job("AbCdE", "ls-dyna -i model.k");
    let hardware = job["jobanalyses"][0]["hardware"]
        .as_object_mut()
        .expect("hardware");
    hardware.remove("coresPerSlot");
    hardware.insert("coresPerslot".into(), json!(8));
    std::fs::write(env.path("job.json"), job.to_string()).expect("write");
    let (code, out, err) = run(env.cmd(&sim, &["jobs", "create", "job.json", "--json"]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(out, "");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0],
        "error: job.json: jobanalyses[0].hardware: unknown field `coresPerslot` (did you mean \
         `coresPerSlot`?)"
    );
    assert!(lines[1].starts_with("hint: nothing was sent"), "{err}");
    assert_eq!(sim.sim.requests_seen("POST", "jobs/"), 0);

    // At the top level, and a value of the wrong type.
    std::fs::write(
        env.path("top.json"),
        r#"{"nmae": "x", "jobanalyses": [{"hardware": {"slots": "2"}}]}"#,
    )
    .expect("write");
    let (code, _, err) = run(env.cmd(&sim, &["jobs", "create", "top.json"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("unknown field `nmae` (did you mean `name`?)"),
        "{err}"
    );
    assert!(
        err.contains(
            "jobanalyses[0].hardware.slots: the string \"2\" where an integer is expected"
        ),
        "{err}"
    );
    assert_eq!(sim.sim.requests_seen("POST", "jobs/"), 0);

    // The documented settings still go through.
    let ok = walkthrough_job("AbCdE", "ls-dyna -i model.k");
    std::fs::write(env.path("ok.json"), ok.to_string()).expect("write");
    let (code, _, err) = run(env.cmd(&sim, &["jobs", "create", "ok.json", "--json"]));
    assert_ne!(code, 2, "{err}");
}

/// Hints follow what went wrong: a job already submitted, a job still running, a job that does
/// not exist, an address with no API; errors name the method and the path.
#[test]
fn error_hints_follow_the_answer() {
    let sim = Sim::start(SimulatorConfig::manual(Duration::from_secs(10)));
    let env = Env::new();
    let id = create_job(&env, &sim, "ls-dyna -i model.k");
    json_ok(env.cmd(&sim, &["jobs", "submit", &id, "--json"]));

    let (code, _, err) = run(env.cmd(&sim, &["jobs", "submit", &id]));
    assert_eq!(code, 5, "{err}");
    assert_eq!(
        err,
        format!(
            "error: submitting job {id}: 400 Bad Request: Job has already been submitted. (POST \
             /api/v2/jobs/{id}/submit/)\nhint: the job was submitted before; `rescale jobs watch \
             {id}` follows it\n"
        )
    );
    sim.sim.advance(Duration::from_secs(40));
    let (code, _, err) = run(env.cmd(&sim, &["jobs", "delete", &id]));
    assert_eq!(code, 5, "{err}");
    assert!(
        err.contains(&format!("(DELETE /api/v2/jobs/{id}/)")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "hint: the job is still running: `rescale jobs stop {id}`"
        )),
        "{err}"
    );
    assert!(!err.contains("coretypes"), "{err}");

    let (code, _, err) = run(env.cmd(&sim, &["jobs", "get", "NoSuch"]));
    assert_eq!(code, 4);
    assert!(err.contains("(GET /api/v2/jobs/NoSuch/)"), "{err}");
    assert!(
        err.contains("hint: no job NoSuch: `rescale jobs list` lists jobs"),
        "{err}"
    );

    // A list always exists: a 404 there is a wrong address, not a wrong id.
    let wrong = format!("{}/not-the-api", sim.sim.base_url());
    let (code, _, err) = run(env.bare(&[
        "--base-url",
        &wrong,
        "--api-key",
        sim.sim.api_key(),
        "jobs",
        "list",
    ]));
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("(GET /not-the-api/api/v2/jobs/)"), "{err}");
    assert!(
        err.contains("hint: the platform has no such address: check --base-url"),
        "{err}"
    );
    assert!(!err.contains("check the id"), "{err}");
}

/// The URL the simulator prints as the API root (ending in /api/v2/) works as a base URL.
#[test]
fn a_base_url_ending_in_api_v2_is_accepted() {
    let sim = Sim::instant();
    let env = Env::new();
    for url in [sim.sim.api_url(), format!("{}/api/v2", sim.sim.base_url())] {
        let (code, out, err) = run(env.bare(&[
            "--base-url",
            &url,
            "--api-key",
            sim.sim.api_key(),
            "analyses",
            "--json",
        ]));
        assert_eq!((code, err.as_str()), (0, ""), "{url}");
        assert!(out.contains("ls_dyna"), "{out}");
    }
    let mut cmd = env.bare(&["coretypes", "--json"]);
    cmd.env("RESCALE_API_BASE_URL", sim.sim.api_url())
        .env("RESCALE_API_KEY", sim.sim.api_key());
    assert_eq!(run(cmd).0, 0);
}

/// `-v` shows each request on stderr (method, path, status, attempt, time), never the key;
/// stdout keeps only the JSON.
#[test]
fn verbose_shows_each_request_without_the_key() {
    let sim = Sim::instant();
    let env = Env::new();
    let (code, out, err) = run(env.cmd(&sim, &["-v", "analyses", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert!(serde_json::from_str::<Value>(&out).is_ok(), "{out}");
    let request = err
        .lines()
        .find(|l| l.contains("sending request"))
        .unwrap_or_else(|| panic!("no request line: {err}"));
    assert!(
        request.contains("method=GET") && request.contains("path=/api/v2/analyses/"),
        "{err}"
    );
    let answer = err
        .lines()
        .find(|l| l.contains("answer"))
        .unwrap_or_else(|| panic!("no answer line: {err}"));
    assert!(
        answer.contains("status=200") && answer.contains("elapsed_ms="),
        "{err}"
    );
    assert!(err.contains("list page"), "{err}");
    assert!(!err.contains(sim.sim.api_key()), "{err}");
    // Without -v, nothing.
    let (_, _, err) = run(env.cmd(&sim, &["analyses", "--json"]));
    assert_eq!(err, "");
}

/// `rescale configure` stores the key (and platform) in the profile the CLI then reads, with
/// permissions for the user only, keeping other profiles.
#[test]
fn configure_writes_a_private_profile() {
    let sim = Sim::instant();
    let env = Env::new();
    let file = env.path(".config/rescale/apiconfig");
    std::fs::create_dir_all(file.parent().expect("dir")).expect("mkdir");
    std::fs::write(&file, "[other]\napikey = keep-me\n").expect("write");

    let mut cmd = env.bare(&["configure", "--base-url", sim.sim.base_url()]);
    cmd.stdin(std::process::Stdio::piped());
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawns");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "{}", sim.sim.api_key()).expect("key written");
    }
    let output = child.wait_with_output().expect("runs");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("readable by you only"));

    let text = std::fs::read_to_string(&file).expect("profile");
    assert!(text.starts_with("[other]\napikey = keep-me\n"), "{text}");
    assert!(
        text.contains(&format!(
            "[default]\napikey = {}\napibaseurl = {}\n",
            sim.sim.api_key(),
            sim.sim.base_url()
        )),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    // The CLI now works with no flag and no variable.
    let (code, out, err) = run(env.bare(&["jobs", "list", "--json"]));
    assert_eq!((code, err.as_str(), out.trim()), (0, "", "[]"));

    // From --api-key, into another profile, with --json.
    let doc = json_ok(env.bare(&[
        "configure",
        "--api-key",
        "k2",
        "--profile",
        "work",
        "--json",
    ]));
    assert_eq!(doc["profile"], "work");
    let text = std::fs::read_to_string(&file).expect("profile");
    assert!(text.ends_with("[work]\napikey = k2\n"), "{text}");
    // A bad platform is refused and nothing is written.
    let (code, _, _) = run(env.bare(&[
        "configure",
        "--api-key",
        "k3",
        "--base-url",
        "http://example.com",
    ]));
    assert_eq!(code, 2);
    assert!(
        !std::fs::read_to_string(&file)
            .expect("profile")
            .contains("k3")
    );
}
