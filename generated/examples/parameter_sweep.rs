//! A parameter sweep: one job per value, created and submitted within Rescale's rate limits,
//! then all waited for at once; prints how each ended and exits with 1 if any ended badly.
//!
//! ```sh
//! export RESCALE_API_KEY=...
//! cargo run -p rescale --example parameter_sweep -- [jobs] [command-template]
//! ```
//!
//! `jobs` (default 4) is how many values to run; in the command template (default
//! `ls-dyna -i input.k -p single -PARAM {}`) `{}` is replaced by each value. The software and
//! hardware are `RESCALE_ANALYSIS` (default `ls_dyna`), `RESCALE_ANALYSIS_VERSION` (`9.0.0`) and
//! `RESCALE_CORE_TYPE` (`hpc-3`); `RESCALE_POLL_SECS` sets how often each job's status is read.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use rescale::types::{AnalysisRef, Hardware, InputFileRef, JobAnalysisRequest, JobRequest};
use rescale::{Client, UploadSource};

/// Jobs created or waited for at the same time.
const CONCURRENCY: usize = 4;

#[tokio::main]
async fn main() {
    match run().await {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    // The limiter keeps this process under Rescale's hourly limits per scope (submissions,
    // job reads, the rest): calls wait for their turn instead of being refused with 429.
    let client = Client::builder()
        .from_env()
        .rate_limit(rescale::policy::rate_limits())
        .build()?;
    let count: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(4);
    let template = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "ls-dyna -i input.k -p single -PARAM {}".to_owned());
    let poll: f64 = env_or("RESCALE_POLL_SECS", "5").parse()?;

    // One input shared by every job.
    let input = client
        .upload_file(UploadSource::bytes("input.k", &b"*KEYWORD\n*END\n"[..]))
        .send()
        .await?
        .into_body();

    // Create and submit one job per value, a few at a time.
    let values: Vec<usize> = (1..=count).collect();
    let jobs: Vec<(usize, String)> = futures::stream::iter(values)
        .map(|value| {
            let client = &client;
            let command = template.replace("{}", &value.to_string());
            let input_id = input.id.clone();
            async move {
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
                    input_files: Some(vec![InputFileRef::new(input_id)]),
                    ..Default::default()
                };
                let request = JobRequest::new(format!("sweep value {value}"), vec![analysis]);
                let job = client.create_job(request).send().await?.into_body();
                client.submit_job(&job.id).send().await?;
                println!("value {value}: submitted job {}", job.id);
                Ok::<_, rescale::Error>((value, job.id))
            }
        })
        .buffered(CONCURRENCY)
        .try_collect()
        .await?;

    // Wait for all of them; each waiter polls politely (its pause grows while nothing changes).
    let ends: Vec<_> = futures::stream::iter(jobs)
        .map(|(value, id)| {
            let waiter = client
                .wait_for_job(&id)
                .poll_interval(Duration::from_secs_f64(poll))
                .timeout(Duration::from_secs(24 * 3600));
            async move { (value, id, waiter.wait().await) }
        })
        .buffer_unordered(count.max(1))
        .collect()
        .await;

    let mut all_good = true;
    let mut ends = ends;
    ends.sort_by_key(|(value, _, _)| *value);
    for (value, id, end) in ends {
        match end {
            Ok(end) if end.succeeded() => println!("value {value}: job {id} completed"),
            Ok(end) => {
                all_good = false;
                println!(
                    "value {value}: job {id} ended badly: {} {}",
                    end.last().status.as_str(),
                    end.reason().unwrap_or("")
                );
            }
            Err(e) => {
                all_good = false;
                println!("value {value}: job {id}: {e}");
            }
        }
    }
    Ok(all_good)
}
