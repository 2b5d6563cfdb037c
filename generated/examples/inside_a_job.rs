//! Using the client from inside a running Rescale job, to chain or fan out work. Rescale sets
//! `RESCALE_API_KEY` in a job's environment: a short-lived key for that job, which expires when
//! the job completes. This program checks the key, lists the account's unfinished jobs (the
//! running job among them), starts a follow-up job with the given command and waits for it.
//!
//! ```sh
//! # in a job's command line on Rescale (the platform sets RESCALE_API_KEY):
//! ./inside_a_job 'ls-dyna -i input.k -p single'
//! ```
//!
//! Outside Rescale, set `RESCALE_API_KEY` (and `RESCALE_API_BASE_URL`) yourself. The follow-up
//! job runs `RESCALE_ANALYSIS` (default `ls_dyna`) `RESCALE_ANALYSIS_VERSION` (`9.0.0`) on
//! `RESCALE_CORE_TYPE` (`hpc-3`); `RESCALE_POLL_SECS` sets how often its status is read.

use std::time::Duration;

use rescale::types::{
    AnalysisRef, Hardware, InputFileRef, JobAnalysisRequest, JobRequest, JobState,
};
use rescale::{ApiErrorKind, Client, UploadSource};

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var_os("RESCALE_API_KEY").is_none() {
        return Err("RESCALE_API_KEY is not set: run this inside a Rescale job, or set it".into());
    }
    // The key comes from RESCALE_API_KEY; the platform from RESCALE_API_BASE_URL or
    // RESCALE_REGION (a job's environment names its own platform).
    let client = Client::from_env()?;

    // Check the key first: inside a job it dies with the job.
    match client.get_current_user().send().await {
        Ok(_) => println!("the job's key works"),
        Err(e) if e.as_api().map(|a| a.kind()) == Some(ApiErrorKind::KeyExpired) => {
            return Err("the key has expired: the job that owned it has completed".into());
        }
        Err(e) => return Err(e.into()),
    }

    let running = client
        .list_jobs()
        .state(JobState::NotCompleted)
        .send()
        .await?
        .into_body();
    println!("{} unfinished job(s) in the account", running.count);

    // Fan out: a follow-up job with the command given, on an input made here.
    let command = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "ls-dyna -i input.k -p single".to_owned());
    let input = client
        .upload_file(UploadSource::bytes("input.k", &b"*KEYWORD\n*END\n"[..]))
        .send()
        .await?
        .into_body();
    let analysis = JobAnalysisRequest {
        command: Some(command),
        analysis: Some(AnalysisRef {
            version: Some(env_or("RESCALE_ANALYSIS_VERSION", "9.0.0")),
            ..AnalysisRef::new(env_or("RESCALE_ANALYSIS", "ls_dyna"))
        }),
        hardware: Some(Hardware {
            core_type: Some(env_or("RESCALE_CORE_TYPE", "hpc-3")),
            cores_per_slot: Some(1),
            slots: Some(1),
            ..Default::default()
        }),
        input_files: Some(vec![InputFileRef::new(input.id)]),
        ..Default::default()
    };
    let job = client
        .create_job(JobRequest::new("follow-up", vec![analysis]))
        .send()
        .await?
        .into_body();
    client.submit_job(&job.id).send().await?;
    println!("started follow-up job {}", job.id);

    let poll: f64 = env_or("RESCALE_POLL_SECS", "5").parse()?;
    let end = client
        .wait_for_job(&job.id)
        .poll_interval(Duration::from_secs_f64(poll))
        .timeout(Duration::from_secs(12 * 3600))
        .on_status(|s| println!("follow-up: {}", s.status.as_str()))
        .wait()
        .await?;
    if end.succeeded() {
        println!("follow-up job {} completed", job.id);
        Ok(())
    } else {
        Err(format!(
            "follow-up job {} ended badly: {} {}",
            job.id,
            end.last().status.as_str(),
            end.reason().unwrap_or("")
        )
        .into())
    }
}
