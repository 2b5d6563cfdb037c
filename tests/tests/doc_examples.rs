//! Every documented example in `spec/examples/` (the JSON bodies of Rescale's published API
//! reference, see its README) decodes into its generated type and encodes back to the same JSON:
//! every key, every `null`, integers as integers and `1.0` as a float. The Debug form of each
//! decoded value is a reviewed snapshot.

use std::path::PathBuf;

use rescale::types;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn examples_dir() -> PathBuf {
    rescale_tests::repo_root().join("spec/examples")
}

/// Decodes `file` as `T`, checks the round trip, snapshots the typed value and returns it.
fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(file: &str) -> T {
    let path = examples_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    let typed: T =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{file} does not decode: {err}"));
    let encoded = serde_json::to_value(&typed).unwrap();
    assert_eq!(encoded, original, "{file} changed in a round trip");
    insta::assert_debug_snapshot!(file, typed);
    typed
}

/// Checks one example file.
type Check = fn(&str);

/// Every example file, and the type it is an example of. A file added to `spec/examples/`
/// without a line here fails `every_example_file_is_checked`.
const EXAMPLES: &[(&str, Check)] = &[
    ("create_job.201.json", |f| drop(round_trip::<types::Job>(f))),
    ("create_job.request.json", |f| {
        drop(round_trip::<types::JobRequest>(f))
    }),
    ("get_file.200.json", |f| drop(round_trip::<types::File>(f))),
    ("get_file_lines.200.json", |f| {
        drop(round_trip::<types::FileLines>(f))
    }),
    ("get_job.200.json", |f| drop(round_trip::<types::Job>(f))),
    ("get_run.200.json", |f| drop(round_trip::<types::Run>(f))),
    ("list_analyses.200.json", |f| {
        drop(round_trip::<types::AnalysisPage>(f))
    }),
    ("list_core_types.200.json", |f| {
        drop(round_trip::<types::CoreTypePage>(f))
    }),
    ("list_files.200.json", |f| {
        drop(round_trip::<types::FilePage>(f))
    }),
    ("list_job_files.200.json", |f| {
        drop(round_trip::<types::FilePage>(f))
    }),
    ("list_jobs.200.json", |f| {
        drop(round_trip::<types::JobSummaryPage>(f))
    }),
    ("list_remote_viz_configs.200.json", |f| {
        drop(round_trip::<types::RemoteVizConfigPage>(f))
    }),
    ("list_run_directory.200.json", |f| {
        drop(round_trip::<Vec<types::DirectoryEntry>>(f))
    }),
    ("list_run_files.200.json", |f| {
        drop(round_trip::<types::FilePage>(f))
    }),
    ("list_runs.200.json", |f| {
        drop(round_trip::<types::RunPage>(f))
    }),
    ("stop_run.200.json", |f| {
        drop(round_trip::<types::RunStopResult>(f))
    }),
    ("tail_run_file.200.json", |f| {
        drop(round_trip::<types::TailLines>(f))
    }),
    ("take_run_snapshot.200.json", |f| {
        drop(round_trip::<types::RunSnapshot>(f))
    }),
    ("tutorial.analysis.json", |f| {
        drop(round_trip::<types::Analysis>(f))
    }),
    ("tutorial.create_job.201.json", |f| {
        drop(round_trip::<types::Job>(f))
    }),
    ("tutorial.create_job.request.json", |f| {
        drop(round_trip::<types::JobRequest>(f))
    }),
    ("tutorial.list_job_statuses.200.json", |f| {
        drop(round_trip::<types::JobStatusPage>(f))
    }),
    ("tutorial.list_runs.200.json", |f| {
        drop(round_trip::<types::RunPage>(f))
    }),
    ("tutorial.upload_file.201.json", |f| {
        drop(round_trip::<types::File>(f))
    }),
    ("update_file.200.json", |f| {
        drop(round_trip::<types::File>(f))
    }),
    ("update_file.request.json", |f| {
        drop(round_trip::<types::FileUpdate>(f))
    }),
    ("update_job.200.json", |f| {
        drop(round_trip::<types::JobChanges>(f))
    }),
    ("update_job.request.json", |f| {
        drop(round_trip::<types::JobUpdate>(f))
    }),
    ("upload_file.201.json", |f| {
        drop(round_trip::<types::File>(f))
    }),
];

#[test]
fn every_documented_example_round_trips() {
    for (file, check) in EXAMPLES {
        check(file);
    }
}

#[test]
fn every_example_file_is_checked() {
    let mut on_disk: Vec<String> = std::fs::read_dir(examples_dir())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = EXAMPLES.iter().map(|(file, _)| *file).collect();
    assert_eq!(on_disk, listed, "spec/examples/ and EXAMPLES disagree");
    // 29 bodies are documented: 7 of jobs, 6 of files, 3 informational, 6 in the tutorial and
    // 7 of runs.
    assert_eq!(listed.len(), 29);
}

fn read<T: DeserializeOwned>(file: &str) -> T {
    let text = std::fs::read_to_string(examples_dir().join(file)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The defects the reference's examples showed, each pinned on the typed value.
#[test]
fn the_answers_the_client_could_not_take_now_decode() {
    // PATCH answers only the changed fields.
    let changes: types::JobChanges = read("update_job.200.json");
    assert_eq!(changes.id.as_deref(), Some("LeeKa"));
    assert_eq!(changes.name.as_deref(), Some("Jobster"));
    assert!(changes.jobanalyses.is_none());

    // `numberOfNodes` keeps its form: `1` in the tutorial, `1.0` in the reference.
    let tutorial: types::Job = read("tutorial.create_job.201.json");
    let hardware = tutorial.jobanalyses[0].hardware.as_ref().unwrap();
    let nodes = hardware
        .core_summary
        .as_ref()
        .unwrap()
        .number_of_nodes
        .as_ref();
    assert!(matches!(
        nodes,
        Some(types::CoreSummaryNumberOfNodes::Integer(1))
    ));
    // ... and `envVars: null` stays null.
    assert_eq!(tutorial.jobanalyses[0].env_vars, Some(None));
    let created: types::Job = read("create_job.201.json");
    let hardware = created.jobanalyses[0].hardware.as_ref().unwrap();
    assert_eq!(hardware.walltime, Some(None));
    assert!(matches!(
        hardware.core_summary.as_ref().unwrap().number_of_nodes,
        Some(types::CoreSummaryNumberOfNodes::Number(n)) if n == 1.0
    ));
    assert_eq!(created.optimizer, Some(None));

    // A run not yet finished: `outputFileSize: null`, `dateStarted` declared.
    let runs: types::RunPage = read("tutorial.list_runs.200.json");
    assert_eq!(runs.results[0].output_file_size, Some(None));
    assert_eq!(
        runs.results[0].date_started,
        Some(Some("2014-11-12T22:55:56.659000Z".to_owned()))
    );
    assert!(runs.results[0].extra.is_empty());

    // A core type without a display order.
    let cores: types::CoreTypePage = read("list_core_types.200.json");
    assert_eq!(cores.results[1].display_order, Some(None));

    // Fields that were undeclared are typed now, not left in `extra`.
    let analysis: types::Analysis = read("tutorial.analysis.json");
    assert_eq!(analysis.has_rescale_license, Some(false));
    assert!(analysis.extra.is_empty());
    let version = &analysis.versions.as_ref().unwrap()[0];
    assert_eq!(version.eula, Some(serde_json::Value::Null));
    assert!(version.extra.is_empty());
    let job: types::Job = read("get_job.200.json");
    assert!(job.extra.is_empty());
    let variables = job.jobvariables.as_ref().unwrap();
    assert_eq!(variables[1].name.as_deref(), Some("Yvelocity"));
    assert!(variables[1].extra.is_empty());
    let template = &job.jobanalyses[0].template_tasks.as_ref().unwrap()[0];
    assert_eq!(
        template.processed_filename.as_deref(),
        Some("airFoil2D_DOE/0/U")
    );
}
