//! The subcommands.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use rescale::types::{
    AnalysisRef, Hardware, InputFileRef, Job, JobAnalysisRequest, JobRequest, JobState, JobStatus,
};
use rescale::{Client, WaitError};
use serde_json::{Value, json};

use crate::archive;
use crate::args::{
    Command, CoretypesArgs, DownloadArgs, JobListing, JobsCommand, JobsCreateArgs, JobsListArgs,
    LimitArgs, PollArgs, RunArgs, StateFilter, UploadArgs, WatchArgs,
};
use crate::connect::Connection;
use crate::error::{CliError, CliResult, Exit};
use crate::output::{cell, print_json, print_line, print_stream, print_table, terminal_safe};
use crate::paths::{safe_component, safe_relative};
use crate::transfer::{self, Target};

/// Largest page asked for when listing.
const PAGE_SIZE: i64 = 100;

/// Most status entries read for one job: real jobs have about ten, so a server sending more is
/// broken, and reading on would grow memory without end.
const MAX_STATUSES: usize = 10_000;

/// Most catalogue entries (analyses, core types) looked through for one code, for the same
/// reason: a catalogue that never ends must not keep `run` busy forever.
const MAX_LOOKUP: usize = 100_000;

/// What a finished command leaves: the exit code (0 or [`Exit::JobFailed`]).
pub type Outcome = CliResult<i32>;

/// Runs `command` over `conn`, printing JSON when `json` is set.
pub async fn run(command: Command, conn: &Connection, json: bool) -> Outcome {
    let client = &conn.client;
    match command {
        Command::Upload(args) => upload(client, args, json).await,
        Command::Download(args) => download(client, args, json).await,
        Command::Analyses(args) => analyses(client, args, json).await,
        Command::Coretypes(args) => coretypes(client, args, json).await,
        Command::Jobs(command) => jobs(client, conn, command, json).await,
        Command::Run(args) => walkthrough(conn, args, json).await,
        // Both run before any connection is made (see main); they need none.
        Command::Configure(_) | Command::Completions(_) => Err(CliError::usage(
            "`configure` and `completions` do not talk to the API",
        )),
    }
}

async fn upload(client: &Client, args: UploadArgs, json: bool) -> Outcome {
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| CliError::usage(format!("{} is not a file", args.file.display())))?;
    let file = transfer::upload(client, &args.file, &name).await?;
    if json {
        print_json(&file)?;
    } else {
        print_line(&format!(
            "Uploaded {} as file {} ({} bytes)",
            file.name,
            file.id,
            cell(file.decrypted_size)
        ))?;
    }
    Ok(0)
}

async fn download(client: &Client, args: DownloadArgs, json: bool) -> Outcome {
    let id = args.file_id;
    let meta = client
        .get_file(&id)
        .send()
        .await
        .map_err(|e| CliError::api(&format!("looking up file {id}"), e))?
        .into_body();
    // The server's name, as one safe file name, when it names the destination.
    let own_name = || {
        safe_component(&meta.name)
            .map(PathBuf::from)
            .map_err(|why| {
                CliError::usage(format!("file {id} has no usable name: {why}"))
                    .hint("give the destination with -o PATH")
            })
    };
    let dest = match args.output {
        Some(path) if path.as_os_str() == "-" => None,
        Some(path) if path.is_dir() => Some(path.join(own_name()?)),
        Some(path) => Some(path),
        None => Some(own_name()?),
    };
    let target = match &dest {
        Some(path) => Target::Path(path),
        None => Target::Stdout,
    };
    let bytes = transfer::download(client, &id, &meta.name, target, args.force).await?;
    let shown = dest
        .as_ref()
        .map_or("standard output".into(), |p| p.display().to_string());
    if json {
        if dest.is_some() {
            print_json(&json!({"id": id, "name": meta.name, "path": dest, "bytes": bytes}))?;
        }
    } else if dest.is_some() {
        print_line(&format!(
            "Downloaded {} ({bytes} bytes) to {shown}",
            meta.name
        ))?;
    } else {
        eprintln!(
            "note: downloaded {} ({bytes} bytes) to {shown}",
            terminal_safe(&meta.name)
        );
    }
    Ok(0)
}

/// Maps a list's items to CLI errors, naming what was listed.
fn listing<T>(
    stream: rescale::runtime::ItemStream<T>,
    what: String,
) -> impl futures::Stream<Item = CliResult<T>> {
    stream.map(move |r| r.map_err(|e| CliError::api(&what, e)))
}

async fn analyses(client: &Client, args: LimitArgs, json: bool) -> Outcome {
    let stream = client.list_analyses().page_size(PAGE_SIZE).into_stream();
    let row = |a: &rescale::types::Analysis| {
        let versions = a
            .versions
            .iter()
            .flatten()
            .filter_map(|v| v.version_code.clone().or_else(|| v.version.clone()))
            .collect::<Vec<_>>()
            .join(", ");
        vec![a.code.clone(), cell(a.name.clone()), versions]
    };
    let items = listing(stream, "listing analyses".into());
    print_stream(items, args.limit, json, &["CODE", "NAME", "VERSIONS"], row).await?;
    Ok(0)
}

async fn coretypes(client: &Client, args: CoretypesArgs, json: bool) -> Outcome {
    let mut request = client.list_core_types().page_size(PAGE_SIZE);
    if !args.all {
        request = request.is_active(true);
    }
    let row = |c: &rescale::types::CoreType| {
        let cores = c
            .cores
            .iter()
            .flatten()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        vec![
            c.code.clone(),
            cell(c.name.clone()),
            cores,
            cell(c.memory),
            cell(c.processor_info.clone().flatten()),
        ]
    };
    let items = listing(request.into_stream(), "listing core types".into());
    let header = ["CODE", "NAME", "CORES", "MEMORY/CORE (MB)", "PROCESSOR"];
    print_stream(items, args.list.limit, json, &header, row).await?;
    Ok(0)
}

async fn jobs(client: &Client, conn: &Connection, command: JobsCommand, json: bool) -> Outcome {
    match command {
        JobsCommand::List(args) => jobs_list(client, args, json).await,
        JobsCommand::Get(job) => {
            let job = get_job(client, &job.id).await?;
            if json {
                print_json(&job)?;
            } else {
                print_job(&job)?;
            }
            Ok(0)
        }
        JobsCommand::Create(args) => jobs_create(client, args, json).await,
        JobsCommand::Submit(job) => {
            submit(client, &job.id).await?;
            acknowledge(json, &job.id, "submitted", "Submitted job")
        }
        JobsCommand::Stop(job) => {
            client
                .stop_job(&job.id)
                .send()
                .await
                .map_err(|e| CliError::api(&format!("stopping job {}", job.id), e))?;
            acknowledge(json, &job.id, "stopRequested", "Asked to stop job")
        }
        JobsCommand::Delete(job) => {
            client
                .delete_job(&job.id)
                .send()
                .await
                .map_err(|e| CliError::api(&format!("deleting job {}", job.id), e))?;
            acknowledge(json, &job.id, "deleted", "Deleted job")
        }
        JobsCommand::Statuses(JobListing { id, list }) => {
            let mut statuses = statuses(client, &id, list.limit).await?;
            statuses.reverse();
            if json {
                print_json(&statuses)?;
            } else {
                let rows: Vec<Vec<String>> = statuses
                    .iter()
                    .map(|s| {
                        vec![
                            s.status_date.clone(),
                            s.status.as_str().to_string(),
                            cell(reason(s)),
                        ]
                    })
                    .collect();
                print_table(&["DATE", "STATUS", "REASON"], &rows)?;
            }
            Ok(0)
        }
        JobsCommand::Files(JobListing { id, list }) => {
            let stream = client
                .list_job_files(&id)
                .page_size(PAGE_SIZE)
                .into_stream();
            let items = listing(stream, format!("listing the files of job {id}"));
            let row = |f: &rescale::types::File| {
                vec![
                    f.id.clone(),
                    f.relative_path.clone().unwrap_or_else(|| f.name.clone()),
                    cell(f.decrypted_size),
                ]
            };
            print_stream(items, list.limit, json, &["ID", "PATH", "BYTES"], row).await?;
            Ok(0)
        }
        JobsCommand::Watch(WatchArgs { id, poll }) => {
            let end = watch(client, &id, &Polling::new(&poll, conn), !json).await?;
            if json {
                print_json(&end.to_json(&id))?;
            } else {
                print_line(&end.summary(&id))?;
            }
            Ok(end.exit_code())
        }
    }
}

fn acknowledge(json: bool, id: &str, field: &str, text: &str) -> Outcome {
    if json {
        print_json(&json!({"id": id, field: true}))?;
    } else {
        print_line(&format!("{text} {id}"))?;
    }
    Ok(0)
}

async fn jobs_list(client: &Client, args: JobsListArgs, json: bool) -> Outcome {
    let mut request = client
        .list_jobs()
        .page_size(PAGE_SIZE.min(args.limit.max(1) as i64));
    if let Some(state) = args.state {
        request = request.state(match state {
            StateFilter::Completed => JobState::Completed,
            StateFilter::NotCompleted => JobState::NotCompleted,
        });
    }
    let items = listing(request.into_stream(), "listing jobs".into());
    let row = |j: &rescale::types::JobSummary| {
        vec![
            j.id.clone(),
            cell(j.job_status.as_ref().and_then(|s| s.content.clone())),
            cell(j.date_inserted.clone()),
            cell(j.name.clone()),
        ]
    };
    let header = ["ID", "STATUS", "CREATED", "NAME"];
    print_stream(items, Some(args.limit), json, &header, row).await?;
    Ok(0)
}

async fn jobs_create(client: &Client, args: JobsCreateArgs, json: bool) -> Outcome {
    let shown = args.file.display().to_string();
    let text = if args.file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| CliError::io("reading job settings from stdin", &e))?
    } else {
        std::fs::read_to_string(&args.file)
            .map_err(|e| CliError::io(&format!("reading {shown}"), &e))?
    };
    let settings_hint = "give a JSON object with `name` and `jobanalyses` (command, analysis \
        {code, version}, hardware {coreType, coresPerSlot, slots}, inputFiles [{id}])";
    let settings: Value = serde_json::from_str(&text).map_err(|e| {
        CliError::usage(format!("{shown} is not valid job settings: {e}")).hint(settings_hint)
    })?;
    // Checked against the spec before anything is sent: a misspelt field would be dropped.
    crate::jobfile::check_job_request(&settings).map_err(|problems| {
        CliError::usage(format!("{shown}: {problems}")).hint(format!(
            "nothing was sent; the fields a job takes are those of `JobRequest` in the API \
             spec: {settings_hint}"
        ))
    })?;
    let request: JobRequest = serde_json::from_value(settings).map_err(|e| {
        CliError::usage(format!("{shown} is not valid job settings: {e}")).hint(settings_hint)
    })?;
    let job = create(client, request).await?;
    if json {
        print_json(&job)?;
    } else {
        print_line(&format!("Created job {} ({})", job.id, job.name))?;
    }
    Ok(0)
}

async fn get_job(client: &Client, id: &str) -> CliResult<Job> {
    client
        .get_job(id)
        .send()
        .await
        .map(|r| r.into_body())
        .map_err(|e| CliError::api(&format!("getting job {id}"), e))
}

async fn create(client: &Client, request: JobRequest) -> CliResult<Job> {
    client
        .create_job(request)
        .send()
        .await
        .map(|r| r.into_body())
        .map_err(|e| CliError::api("creating the job", e))
}

async fn submit(client: &Client, id: &str) -> CliResult<()> {
    client
        .submit_job(id)
        .send()
        .await
        .map(drop)
        .map_err(|e| CliError::api(&format!("submitting job {id}"), e))
}

fn print_job(job: &Job) -> CliResult<()> {
    print_line(&format!("Job {}: {}", job.id, job.name))?;
    if let Some(owner) = &job.owner {
        print_line(&format!("  owner: {owner}"))?;
    }
    for a in &job.jobanalyses {
        let software = a.analysis.as_ref().map(|r| {
            format!(
                "{} {}",
                r.name.clone().unwrap_or_else(|| r.code.clone()),
                r.version_name
                    .clone()
                    .or_else(|| r.version.clone())
                    .unwrap_or_default()
            )
        });
        print_line(&format!("  analysis: {}", cell(software)))?;
        print_line(&format!("  command: {}", cell(a.command.clone())))?;
        if let Some(h) = &a.hardware {
            print_line(&format!(
                "  hardware: {} x {} cores per slot, {} slot(s)",
                cell(h.core_type.clone()),
                cell(h.cores_per_slot),
                cell(h.slots)
            ))?;
        }
        for f in a.input_files.iter().flatten() {
            print_line(&format!("  input: {} ({})", f.name, f.id))?;
        }
    }
    Ok(())
}

/// A job's status history, newest first: the `limit` newest entries, else all of them up to
/// [`MAX_STATUSES`] (more is an error: the history is held in memory to print it oldest first).
async fn statuses(client: &Client, id: &str, limit: Option<usize>) -> CliResult<Vec<JobStatus>> {
    let what = format!("reading the statuses of job {id}");
    let cap = limit.unwrap_or(MAX_STATUSES);
    let mut stream = client
        .list_job_statuses(id)
        .page_size(PAGE_SIZE)
        .into_stream();
    let mut all = Vec::new();
    while let Some(status) = stream.next().await {
        if all.len() == cap {
            if limit.is_some() {
                break;
            }
            return Err(CliError::new(
                Exit::Network,
                format!("{what}: the server sent more than {MAX_STATUSES} statuses"),
            ));
        }
        all.push(status.map_err(|e| CliError::api(&what, e))?);
    }
    Ok(all)
}

fn reason(s: &JobStatus) -> Option<String> {
    s.reason().map(str::to_owned)
}

/// How a watched job ended.
pub struct End {
    /// The whole history, oldest first.
    statuses: Vec<JobStatus>,
}

impl End {
    fn last(&self) -> Option<&JobStatus> {
        self.statuses.last()
    }

    /// Completed, with no reason or the reason "Completed successfully" (the library's rule,
    /// [`JobStatus::succeeded`]).
    fn succeeded(&self) -> bool {
        self.last().is_some_and(JobStatus::succeeded)
    }

    fn exit_code(&self) -> i32 {
        if self.succeeded() {
            0
        } else {
            Exit::JobFailed as i32
        }
    }

    fn summary(&self, id: &str) -> String {
        let (status, why) = match self.last() {
            Some(s) => (s.status.as_str().to_string(), reason(s)),
            None => ("unknown".to_string(), None),
        };
        let why = why.map(|r| format!(" ({r})")).unwrap_or_default();
        if self.succeeded() {
            format!("Job {id} completed successfully: {status}{why}")
        } else {
            format!("Job {id} ended badly: {status}{why}")
        }
    }

    fn to_json(&self, id: &str) -> Value {
        let last = self.last();
        json!({
            "id": id,
            "status": last.map(|s| s.status.as_str().to_string()),
            "statusReason": last.and_then(reason),
            "succeeded": self.succeeded(),
            "statuses": self.statuses,
        })
    }
}

/// How a job is watched: the time between polls and when to give up.
struct Polling {
    interval: Duration,
    /// When `--timeout` runs out.
    deadline: Option<tokio::time::Instant>,
}

impl Polling {
    fn new(poll: &PollArgs, conn: &Connection) -> Self {
        let default = if conn.simulated() { 0.25 } else { 5.0 };
        let seconds = |value: Option<f64>| value.filter(|s| s.is_finite() && *s >= 0.0);
        let interval = seconds(poll.interval).unwrap_or(default).min(3600.0);
        // Far-future deadlines (decades) are as good as none; the cap keeps the sum in range.
        let deadline = seconds(poll.timeout)
            .map(|timeout| tokio::time::Instant::now() + Duration::from_secs_f64(timeout.min(1e9)));
        Polling {
            interval: Duration::from_secs_f64(interval),
            deadline,
        }
    }
}

/// Waits for job `id` to end (the library's [`rescale::JobWaiter`], at the fixed pace of
/// `--interval`), printing each new status on stdout when `print` is set. Gives up with
/// [`Exit::StillRunning`] when the deadline would pass before the next poll.
async fn watch(client: &Client, id: &str, polling: &Polling, print: bool) -> CliResult<End> {
    let mut waiter = client
        .wait_for_job(id)
        .poll_interval(polling.interval)
        .max_poll_interval(polling.interval);
    if let Some(deadline) = polling.deadline {
        waiter = waiter.timeout(deadline.saturating_duration_since(tokio::time::Instant::now()));
    }
    // Printing happens in the waiter's callback; the first failure to print is kept for after.
    let print_error = Arc::new(Mutex::new(None));
    if print {
        let (job, failed) = (id.to_owned(), Arc::clone(&print_error));
        let mut seen = 0usize;
        let mut said_waiting = false;
        waiter = waiter.on_poll(move |history: &[JobStatus]| {
            for s in history.iter().skip(seen) {
                let why = reason(s).map(|r| format!(" ({r})")).unwrap_or_default();
                if let Err(e) =
                    print_line(&format!("{}  {}{why}", s.status_date, s.status.as_str()))
                {
                    failed
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .get_or_insert(e);
                }
            }
            seen = seen.max(history.len());
            if history.is_empty() && !said_waiting {
                eprintln!("note: job {job} has no status yet (has it been submitted?); waiting");
                said_waiting = true;
            }
        });
    }
    let outcome = waiter.wait().await;
    if let Some(e) = print_error.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    match outcome {
        Ok(end) => Ok(End {
            statuses: end.into_statuses(),
        }),
        Err(WaitError::TimedOut { statuses, .. }) => {
            let Some(last) = statuses.last() else {
                // No status at all: the job was saved but never submitted, so it is not running.
                return Err(CliError::new(
                    Exit::StillRunning,
                    format!("job {id} has no status after --timeout: it has not been submitted"),
                )
                .hint(format!(
                    "`rescale jobs submit {id}` starts it; `rescale jobs watch {id}` then follows it"
                )));
            };
            Err(CliError::new(
                Exit::StillRunning,
                format!(
                    "job {id} is still running after --timeout (last status: {})",
                    last.status.as_str()
                ),
            )
            .hint(format!(
                "the job goes on; `rescale jobs watch {id}` to keep waiting, `rescale jobs stop {id}` to stop it"
            )))
        }
        Err(WaitError::Request(e)) => Err(CliError::api(
            &format!("reading the statuses of job {id}"),
            e,
        )),
    }
}

/// `rescale run`: the walk-through.
async fn walkthrough(conn: &Connection, args: RunArgs, json: bool) -> Outcome {
    let client = &conn.client;
    let say = |text: String| -> CliResult<()> { if json { Ok(()) } else { print_line(&text) } };
    if args.inputs.is_empty() {
        crate::connect::confirm_placeholder(conn, args.yes)?;
    }

    // 1. Look up the software and the hardware.
    let (analysis_name, version_name) =
        check_analysis(client, &args.analysis, &args.analysis_version).await?;
    let core_name = check_core_type(client, &args.core_type).await?;
    say(format!(
        "Software: {analysis_name} {version_name} ({} {}); hardware: {core_name} ({}), {} cores x {} slot(s)",
        args.analysis, args.analysis_version, args.core_type, args.cores, args.slots
    ))?;

    // 2. Zip (or take) the inputs and upload them.
    if args.inputs.is_empty() {
        eprintln!(
            "note: no input given: generated a placeholder LS-DYNA input {} zipped as input.zip",
            archive::DEMO_INPUT_NAME
        );
    }
    // Zipped on a blocking thread, so that a signal can end the command meanwhile: the
    // temporary directory belongs to this future and goes when it is dropped.
    let (input, upload_name) = match archive::existing_zip(&args.inputs) {
        Some((path, name)) => (archive::Input::Existing(path), name),
        None => {
            let dir = archive::temp_dir()?;
            let path = dir.path().join("input.zip");
            let (inputs, target) = (args.inputs.clone(), path.clone());
            tokio::task::spawn_blocking(move || archive::zip_inputs(&inputs, &target))
                .await
                .map_err(|e| CliError::new(Exit::Io, format!("zipping the inputs: {e}")))??;
            let made = archive::Input::Made { path, _dir: dir };
            (made, "input.zip".to_string())
        }
    };
    let file = transfer::upload(client, input.path(), &upload_name).await?;
    drop(input);
    say(format!(
        "Uploaded {} as file {} ({} bytes)",
        file.name,
        file.id,
        cell(file.decrypted_size)
    ))?;

    // 3. Create and submit the job.
    let mut hardware = Hardware::new();
    hardware.core_type = Some(args.core_type.clone());
    hardware.cores_per_slot = Some(args.cores);
    hardware.slots = Some(args.slots);
    let mut analysis = AnalysisRef::new(args.analysis.clone());
    analysis.version = Some(args.analysis_version.clone());
    let mut request_analysis = JobAnalysisRequest::new();
    request_analysis.command = Some(args.command.clone());
    request_analysis.analysis = Some(analysis);
    request_analysis.hardware = Some(hardware);
    request_analysis.input_files = Some(vec![InputFileRef::new(file.id.clone())]);
    request_analysis.use_rescale_license = Some(true);
    let mut request = JobRequest::new(args.name.clone(), vec![request_analysis]);
    request.billing_priority_value = Some(args.billing_priority.clone());
    let job = create(client, request).await?;
    say(format!("Created job {} ({})", job.id, job.name))?;
    submit(client, &job.id).await?;
    say(format!("Submitted job {}", job.id))?;

    // 4. Watch it.
    let end = watch(client, &job.id, &Polling::new(&args.poll, conn), !json).await?;
    say(end.summary(&job.id))?;

    // 5. Download the outputs. The job id names the default directory: it must be one safe
    // file name. A file that cannot be written is reported and the others still downloaded.
    let mut outputs = Vec::new();
    let mut failed = 0usize;
    let out_dir = match &args.output_dir {
        Some(dir) => dir.clone(),
        None if args.no_download => PathBuf::new(),
        None => {
            let id = safe_component(&job.id).map_err(|why| {
                CliError::new(
                    Exit::Network,
                    format!("the created job has an unusable id: {why}"),
                )
                .hint("give the output directory with --output-dir")
            })?;
            Path::new("rescale-outputs").join(id)
        }
    };
    if !args.no_download {
        let mut files = client
            .list_job_files(&job.id)
            .page_size(PAGE_SIZE)
            .into_stream();
        while let Some(f) = files.next().await {
            let f =
                f.map_err(|e| CliError::api(&format!("listing the files of job {}", job.id), e))?;
            let relative = f.relative_path.as_deref().unwrap_or(&f.name);
            let rel = match safe_relative(relative) {
                Ok(rel) => rel,
                Err(why) => {
                    eprintln!(
                        "error: skipped output file {}: {}",
                        terminal_safe(&f.id),
                        terminal_safe(&why)
                    );
                    failed += 1;
                    continue;
                }
            };
            let dest = out_dir.join(rel);
            match transfer::download(client, &f.id, relative, Target::Path(&dest), args.force).await
            {
                Ok(bytes) => {
                    outputs.push(json!({"id": f.id, "name": f.name, "path": dest, "bytes": bytes}))
                }
                Err(e) if e.exit == Exit::Io => {
                    eprintln!("{}", terminal_safe(&e.to_string().replace('\n', " ")));
                    failed += 1;
                }
                Err(e) => return Err(e),
            }
        }
        let total: u64 = outputs.iter().filter_map(|o| o["bytes"].as_u64()).sum();
        say(format!(
            "Downloaded {} output file(s), {total} bytes, to {}",
            outputs.len(),
            out_dir.display()
        ))?;
    }

    if json {
        let mut doc = end.to_json(&job.id);
        if let Value::Object(map) = &mut doc {
            map.insert("simulated".into(), json!(conn.simulated()));
            map.insert("inputFile".into(), json!(file));
            map.insert("job".into(), json!(job));
            if !args.no_download {
                map.insert("outputDir".into(), json!(out_dir));
            }
            map.insert("outputs".into(), Value::Array(outputs));
        }
        print_json(&doc)?;
    }
    if failed > 0 {
        return Err(CliError::new(
            Exit::Io,
            format!(
                "{failed} output file(s) of job {} could not be written",
                job.id
            ),
        )
        .hint("the messages above say why; the other outputs were downloaded"));
    }
    Ok(end.exit_code())
}

/// Checks that analysis `code` exists with version `version` (its version code or version);
/// returns the display names of both.
async fn check_analysis(client: &Client, code: &str, version: &str) -> CliResult<(String, String)> {
    let stream = client.list_analyses().page_size(PAGE_SIZE).into_stream();
    let found = find(stream, "listing analyses", |a| a.code == code).await?;
    let Some(analysis) = found else {
        return Err(
            CliError::new(Exit::Usage, format!("no analysis with code {code:?}"))
                .hint("`rescale analyses` lists the analysis codes; choose one with --analysis"),
        );
    };
    let versions: Vec<_> = analysis.versions.iter().flatten().collect();
    let found = versions.iter().find(|v| {
        v.version_code.as_deref() == Some(version) || v.version.as_deref() == Some(version)
    });
    let Some(found) = found else {
        let known: Vec<&str> = versions
            .iter()
            .filter_map(|v| v.version_code.as_deref().or(v.version.as_deref()))
            .collect();
        return Err(CliError::new(
            Exit::Usage,
            format!("analysis {code} has no version {version:?}"),
        )
        .hint(format!(
            "choose one with --analysis-version: {}",
            known.join(", ")
        )));
    };
    Ok((
        analysis.name.clone().unwrap_or_else(|| code.to_string()),
        found.version.clone().unwrap_or_else(|| version.to_string()),
    ))
}

/// Checks that core type `code` exists; returns its display name.
async fn check_core_type(client: &Client, code: &str) -> CliResult<String> {
    let stream = client.list_core_types().page_size(PAGE_SIZE).into_stream();
    find(stream, "listing core types", |c| c.code == code)
        .await?
        .map(|c| c.name.clone().unwrap_or_else(|| code.to_string()))
        .ok_or_else(|| {
            CliError::new(Exit::Usage, format!("no core type with code {code:?}"))
                .hint("`rescale coretypes` lists the core type codes; choose one with --core-type")
        })
}

/// The first item of a list that `wanted`, reading page by page and at most [`MAX_LOOKUP`]
/// items.
async fn find<T>(
    mut stream: rescale::runtime::ItemStream<T>,
    what: &str,
    wanted: impl Fn(&T) -> bool,
) -> CliResult<Option<T>> {
    let mut seen = 0usize;
    while let Some(item) = stream.next().await {
        let item = item.map_err(|e| CliError::api(what, e))?;
        if wanted(&item) {
            return Ok(Some(item));
        }
        seen += 1;
        if seen >= MAX_LOOKUP {
            return Err(CliError::new(
                Exit::Network,
                format!("{what}: more than {MAX_LOOKUP} entries; the list does not end"),
            ));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rescale::types::JobStatusValue;

    fn end(history: &[(&str, Option<&str>)]) -> End {
        let statuses = history
            .iter()
            .map(|(status, why)| {
                let mut s = JobStatus::new(JobStatusValue::from(*status), "2026-01-01");
                s.status_reason = Some(why.map(str::to_string));
                s
            })
            .collect();
        End { statuses }
    }

    #[test]
    fn success_is_completed_without_a_bad_reason() {
        assert!(
            end(&[
                ("Executing", None),
                ("Completed", Some("Completed successfully"))
            ])
            .succeeded()
        );
        assert!(end(&[("Completed", None)]).succeeded());
        assert!(end(&[("Completed", Some("  "))]).succeeded());
        assert_eq!(end(&[("Completed", None)]).exit_code(), 0);
        for bad in [
            end(&[("Completed", Some("A run failed"))]),
            end(&[("Stopping", None), ("Completed", Some("User Terminated"))]),
            end(&[("Force Stop", None)]),
            end(&[]),
        ] {
            assert!(!bad.succeeded());
            assert_eq!(bad.exit_code(), 1);
        }
        let doc = end(&[("Force Stop", Some("Out of credit"))]).to_json("J");
        assert_eq!(doc["status"], "Force Stop");
        assert_eq!(doc["statusReason"], "Out of credit");
        assert_eq!(doc["succeeded"], false);
    }

    #[test]
    fn completed_and_force_stop_end_a_watch() {
        let terminal = |s: &str| JobStatus::new(JobStatusValue::from(s), "d").is_terminal();
        assert!(terminal("Completed") && terminal("Force Stop"));
        for running in [
            "Pending",
            "Queued",
            "Executing",
            "Stopping",
            "Waiting for Cluster",
            "Some new status",
        ] {
            assert!(!terminal(running), "{running}");
        }
    }
}
