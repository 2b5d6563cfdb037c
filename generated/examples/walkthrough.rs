//! The walk-through of Rescale's "Using Rescale's REST API" page as a program: upload the inputs,
//! look up the software and hardware, create the job, submit it and follow its status.
//!
//! ```sh
//! export RESCALE_API_KEY=...                                   # or ~/.config/rescale/apiconfig
//! export RESCALE_API_BASE_URL=https://platform.rescale.com     # optional; or RESCALE_REGION=europe
//! cargo run -p rescale --example walkthrough -- input.zip ['command']
//! ```
//!
//! Without an input file it uploads a tiny generated `input.zip` stand-in. The job is waited
//! for with the library's waiter, so it ends whichever way the job ends (Completed, or Force
//! Stop); the program exits with 1 when the job ended badly. `RESCALE_POLL_SECS` sets how often
//! the status is read (default 5 seconds).

use std::time::Duration;

use rescale::types::{AnalysisRef, Hardware, InputFileRef, JobAnalysisRequest, JobRequest};
use rescale::{Client, UploadSource};

const ANALYSIS: &str = "ls_dyna";
const CORE_TYPE: &str = "hpc-3";
const COMMAND: &str = "ls-dyna -n 2 -i neon.refined.rev01.k -p single";

#[tokio::main]
async fn main() {
    if let Err(err) = run().await {
        eprintln!("error: {err}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;

    // 1. Upload the input archive.
    let input = match std::env::args_os().nth(1).filter(|a| !a.is_empty()) {
        Some(path) => UploadSource::path(path),
        None => UploadSource::bytes("input.zip", b"*KEYWORD\n*END\n".to_vec()),
    };
    let command = std::env::args()
        .nth(2)
        .unwrap_or_else(|| COMMAND.to_owned());
    let file = client.upload_file(input).send().await?.into_body();
    println!("uploaded {} as {}", file.name, file.id);

    // 2. Choose the software: LS-DYNA, its newest listed version.
    let analyses = client
        .list_analyses()
        .page_size(1000)
        .send()
        .await?
        .into_body();
    let ls_dyna = analyses
        .results
        .iter()
        .find(|a| a.code == ANALYSIS)
        .ok_or("LS-DYNA is not offered")?;
    let version = ls_dyna
        .versions
        .iter()
        .flatten()
        .find_map(|v| v.version_code.clone().or_else(|| v.version.clone()))
        .ok_or("LS-DYNA lists no version")?;
    println!(
        "software: {} {version}",
        ls_dyna.name.as_deref().unwrap_or(ANALYSIS)
    );

    // 3. Choose the hardware.
    let core_types = client
        .list_core_types()
        .page_size(1000)
        .send()
        .await?
        .into_body();
    let core_type = core_types
        .results
        .iter()
        .find(|c| c.code == CORE_TYPE)
        .ok_or("core type hpc-3 is not offered")?;
    println!(
        "hardware: {} ({})",
        core_type.code,
        core_type.name.as_deref().unwrap_or("")
    );

    // 4. Create (save) the job.
    let analysis = JobAnalysisRequest {
        command: Some(command),
        use_rescale_license: Some(true),
        analysis: Some(AnalysisRef {
            version: Some(version),
            ..AnalysisRef::new(ANALYSIS)
        }),
        hardware: Some(Hardware {
            core_type: Some(CORE_TYPE.into()),
            cores_per_slot: Some(2),
            slots: Some(1),
            ..Default::default()
        }),
        input_files: Some(vec![InputFileRef::new(file.id.clone())]),
        ..Default::default()
    };
    let request = JobRequest {
        billing_priority_value: Some("INSTANT".into()),
        ..JobRequest::new("LS-DYNA Rust API Setup", vec![analysis])
    };
    let job = client.create_job(request).send().await?.into_body();
    println!("created job {}", job.id);

    // 5. Submit it.
    client.submit_job(&job.id).send().await?;
    println!("submitted job {}", job.id);

    // 6. Follow its status history until it ends (Completed or Force Stop), a day at most.
    let poll = std::env::var("RESCALE_POLL_SECS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .unwrap_or(5.0);
    let end = client
        .wait_for_job(&job.id)
        .poll_interval(Duration::from_secs_f64(poll))
        .timeout(Duration::from_secs(24 * 3600))
        .on_status(|status| {
            let reason = status
                .reason()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
            println!("{}  {}{reason}", status.status_date, status.status);
        })
        .wait()
        .await?;

    // 7. List the outputs.
    let outputs = client.list_job_files(&job.id).send().await?.into_body();
    for output in &outputs.results {
        println!(
            "output: {} ({} bytes)",
            output.name,
            output.decrypted_size.unwrap_or_default()
        );
    }
    if !end.succeeded() {
        let status = end.last().status.as_str();
        return Err(match end.reason() {
            Some(reason) => format!("job {} ended badly: {status} ({reason})", job.id),
            None => format!("job {} ended badly: {status}", job.id),
        }
        .into());
    }
    println!("job {} completed successfully", job.id);
    Ok(())
}
