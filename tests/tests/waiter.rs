//! The job waiter (`Client::wait_for_job`) against the simulator: a job that completes, one
//! whose run fails, one cut off with `Force Stop`, a job that was never submitted (timeout), a
//! job that does not exist (error), and the stream form.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use rescale::types::{JobRequest, JobStatus, JobStatusValue};
use rescale::{Client, UploadSource, WaitError};
use rescale_simulator::{FAIL_MARKER, FORCE_STOP_MARKER, Simulator, SimulatorConfig};
use serde_json::json;

/// A simulator on the real clock, 20 ms between statuses, and a client for it.
async fn simulator() -> (Simulator, Client) {
    let sim = rescale_simulator::start(SimulatorConfig {
        step: Duration::from_millis(20),
        ..SimulatorConfig::default()
    })
    .await
    .expect("simulator starts");
    let client = Client::with_key(sim.base_url(), sim.api_key()).expect("client");
    (sim, client)
}

/// Saves a job running `command`; submits it when `submit` is set.
async fn job(client: &Client, command: &str, submit: bool) -> String {
    let file = client
        .upload_file(UploadSource::bytes("input.k", &b"*KEYWORD\n*END\n"[..]))
        .send()
        .await
        .expect("upload")
        .into_body();
    let request: JobRequest = serde_json::from_value(json!({
        "name": command,
        "jobanalyses": [{
            "command": command,
            "analysis": {"code": "ls_dyna", "version": "9.0.0"},
            "hardware": {"coresPerSlot": 2, "slots": 1, "coreType": "hpc-3"},
            "inputFiles": [{"id": file.id}]
        }]
    }))
    .expect("request");
    let id = client
        .create_job(request)
        .send()
        .await
        .expect("create")
        .into_body()
        .id;
    if submit {
        client.submit_job(&id).send().await.expect("submit");
    }
    id
}

fn names(statuses: &[JobStatus]) -> Vec<&str> {
    statuses.iter().map(|s| s.status.as_str()).collect()
}

#[tokio::test]
async fn a_completed_job_succeeds_and_every_status_is_reported_once() {
    let (_sim, client) = simulator().await;
    let id = job(&client, "ls-dyna -i input.k", true).await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let end = client
        .wait_for_job(&id)
        .poll_interval(Duration::from_millis(10))
        .max_poll_interval(Duration::from_millis(40))
        .timeout(Duration::from_secs(30))
        .on_status(move |s| log.lock().unwrap().push(s.status.as_str().to_owned()))
        .wait()
        .await
        .expect("the job ends");
    assert!(end.succeeded());
    assert_eq!(end.last().status, JobStatusValue::Completed);
    assert_eq!(end.reason(), Some("Completed successfully"));
    let expected = [
        "Pending",
        "Queued",
        "Started",
        "Validated",
        "Executing",
        "Completed",
    ];
    assert_eq!(names(end.statuses()), expected);
    assert_eq!(*seen.lock().unwrap(), expected);
}

#[tokio::test]
async fn a_failed_run_and_a_force_stop_end_the_wait_as_failures() {
    let (_sim, client) = simulator().await;
    for (command, last, reason) in [
        (
            format!("ls-dyna {FAIL_MARKER}"),
            JobStatusValue::Completed,
            Some("A run failed"),
        ),
        (
            format!("ls-dyna {FORCE_STOP_MARKER}"),
            JobStatusValue::ForceStop,
            None,
        ),
    ] {
        let id = job(&client, &command, true).await;
        let end = client
            .wait_for_job(&id)
            .poll_interval(Duration::from_millis(10))
            .timeout(Duration::from_secs(30))
            .wait()
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"));
        assert_eq!(end.last().status, last, "{command}");
        assert!(end.last().is_terminal() && end.last().failed(), "{command}");
        assert!(!end.succeeded(), "{command}");
        assert_eq!(end.reason(), reason, "{command}");
    }
}

#[tokio::test]
async fn a_stopped_job_ends_user_terminated() {
    let (_sim, client) = simulator().await;
    let id = job(&client, "ls-dyna -i input.k", true).await;
    client.stop_job(&id).send().await.expect("stop");
    let end = client
        .wait_for_job(&id)
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(30))
        .wait()
        .await
        .expect("the job ends");
    assert!(!end.succeeded());
    assert_eq!(end.reason(), Some("User Terminated"));
}

#[tokio::test]
async fn a_job_never_submitted_times_out_with_an_empty_history() {
    let (sim, client) = simulator().await;
    let id = job(&client, "ls-dyna -i input.k", false).await;
    sim.reset_request_counts();
    let started = std::time::Instant::now();
    let err = client
        .wait_for_job(&id)
        .poll_interval(Duration::from_millis(20))
        .max_poll_interval(Duration::from_millis(20))
        .timeout(Duration::from_millis(300))
        .wait()
        .await
        .expect_err("it never ends");
    let elapsed = started.elapsed();
    match &err {
        WaitError::TimedOut { job_id, statuses } => {
            assert_eq!(job_id, &id);
            assert!(statuses.is_empty());
        }
        other => panic!("expected a timeout, got {other}"),
    }
    assert!(err.to_string().contains("no status yet"), "{err}");
    // It gave up before the timeout rather than sleep past it, and polled at a bounded pace:
    // 300 ms at one poll per 20 ms is at most 16 polls.
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    let polls = sim.requests_seen("GET", &format!("jobs/{id}/statuses/"));
    assert!((2..=16).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn the_pause_grows_while_nothing_changes() {
    let (sim, client) = simulator().await;
    let id = job(&client, "ls-dyna -i input.k", false).await;
    sim.reset_request_counts();
    let _ = client
        .wait_for_job(&id)
        .poll_interval(Duration::from_millis(10))
        .max_poll_interval(Duration::from_millis(200))
        .timeout(Duration::from_millis(600))
        .wait()
        .await;
    // At a fixed 10 ms that would be about 60 polls; growing by half up to 200 ms it is 10 to
    // 12 (10, 15, 22, 33, 50, 75, 113, 170, 200 ms...).
    let polls = sim.requests_seen("GET", &format!("jobs/{id}/statuses/"));
    assert!((5..=14).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn an_unknown_job_is_an_error_not_a_wait() {
    let (_sim, client) = simulator().await;
    let err = client
        .wait_for_job("no-such-job")
        .poll_interval(Duration::from_millis(10))
        .wait()
        .await
        .expect_err("not found");
    match err {
        WaitError::Request(e) => assert_eq!(
            e.as_api().map(rescale::ApiError::kind),
            Some(rescale::ApiErrorKind::NotFound)
        ),
        other => panic!("expected the API's 404, got {other}"),
    }
}

#[tokio::test]
async fn the_stream_yields_each_status_and_ends_after_the_terminal_one() {
    let (_sim, client) = simulator().await;
    let id = job(&client, &format!("ls-dyna {FORCE_STOP_MARKER}"), true).await;
    let polls = Arc::new(Mutex::new(0usize));
    let counter = Arc::clone(&polls);
    let statuses: Vec<JobStatus> = client
        .wait_for_job(&id)
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_secs(30))
        .on_poll(move |_| *counter.lock().unwrap() += 1)
        .into_stream()
        .map(|s| s.expect("no error"))
        .collect()
        .await;
    assert_eq!(
        names(&statuses),
        [
            "Pending",
            "Queued",
            "Started",
            "Validated",
            "Executing",
            "Force Stop"
        ]
    );
    assert!(*polls.lock().unwrap() >= 1);
}

#[test]
fn the_rule_for_success_lives_on_the_status_type() {
    let status = |value: &str, reason: Option<&str>| {
        let mut s = JobStatus::new(JobStatusValue::from(value), "2026-01-01T00:00:00Z");
        s.status_reason = Some(reason.map(str::to_owned));
        s
    };
    assert!(status("Completed", None).succeeded());
    assert!(status("Completed", Some("Completed successfully")).succeeded());
    assert!(status("Completed", Some(" completed SUCCESSFULLY ")).succeeded());
    assert!(status("Completed", Some("")).succeeded());
    assert!(status("Completed", Some("A run failed")).failed());
    assert!(status("Completed", Some("User Terminated")).failed());
    assert!(status("Force Stop", None).failed());
    for running in ["Pending", "Executing", "Stopping", "Waiting for Licenses"] {
        let s = status(running, None);
        assert!(
            !s.is_terminal() && !s.succeeded() && !s.failed(),
            "{running}"
        );
    }
}
