//! The simulator's in-memory world: files, jobs and their lifecycles, plus the clock,
//! armed faults and request counts. One `World` sits behind one mutex.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use bytes::Bytes;
use serde_json::{Value, json};

use crate::clock::Clock;
use crate::config::SimulatorConfig;
use crate::faults::{Faults, Stats};
use crate::util::{ByteStream, base64, format_timestamp, hex, md5_hex, short_id};
use crate::validate::JobSpec;

/// A command containing this marker makes the simulated run fail: the job ends
/// `Completed` with the reason `A run failed` and no result file.
pub const FAIL_MARKER: &str = "sim-fail";

/// A job whose command contains this text is cut off by the platform while executing: its
/// last status is `Force Stop` instead of `Completed` (as when an account runs out of credit),
/// and it leaves no result file.
pub const FORCE_STOP_MARKER: &str = "sim-force-stop";

/// File type ids (`typeId`).
pub(crate) mod file_type {
    /// An input file.
    pub const INPUT: u8 = 1;
    /// An output file of a run.
    pub const OUTPUT: u8 = 5;
    /// A snapshot of a running run's working directory.
    pub const SNAPSHOT: u8 = 12;
    /// Every type id Rescale documents.
    pub const ALL: [u8; 11] = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12];
}

/// A stored file and its bytes.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub id: String,
    pub seq: u64,
    pub name: String,
    pub type_id: u8,
    pub relative_path: String,
    pub storage_path: String,
    pub uploaded_at: Duration,
    pub md5: String,
    pub encryption_key: String,
    pub shared_with: Vec<String>,
    pub data: Bytes,
}

impl StoredFile {
    /// The File object.
    pub(crate) fn to_json(&self, base: &str, owner: &str, clock: &Clock) -> Value {
        json!({
            "pathParts": {"path": self.storage_path, "container": "sim-rescale-platform"},
            "typeId": self.type_id,
            "name": self.name,
            "dateUploaded": format_timestamp(clock.wall(self.uploaded_at)),
            "relativePath": self.relative_path,
            "storage": {
                "storageType": "S3Storage",
                "id": "simStg",
                "connectionSettings": {"region": "us-east-1"},
                "encryptionType": "default"
            },
            "decryptedSize": self.data.len(),
            "downloadUrl": format!("{base}/api/v2/files/{}/contents/", self.id),
            "sharedWith": self.shared_with,
            "encodedEncryptionKey": self.encryption_key,
            "owner": owner,
            "path": self.storage_path,
            "isUploaded": true,
            "viewInBrowser": false,
            "id": self.id,
            "isDeleted": false,
            "md5": self.md5,
        })
    }
}

/// The statuses of a job's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobState {
    Pending,
    Queued,
    Started,
    Validated,
    Executing,
    Stopping,
    Completed,
    ForceStop,
}

impl JobState {
    /// The status text.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "Pending",
            JobState::Queued => "Queued",
            JobState::Started => "Started",
            JobState::Validated => "Validated",
            JobState::Executing => "Executing",
            JobState::Stopping => "Stopping",
            JobState::Completed => "Completed",
            JobState::ForceStop => "Force Stop",
        }
    }
}

/// A status that has happened.
#[derive(Debug, Clone)]
pub(crate) struct StatusRecord {
    pub id: String,
    pub status: String,
    pub reason: Option<String>,
    pub at: Duration,
}

impl StatusRecord {
    fn to_json(&self, clock: &Clock) -> Value {
        json!({
            "status": self.status,
            "statusDate": format_timestamp(clock.wall(self.at)),
            "id": self.id,
            "statusReason": self.reason,
        })
    }
}

/// A status that will happen at a simulated time.
#[derive(Debug, Clone)]
struct Planned {
    at: Duration,
    state: JobState,
    reason: Option<&'static str>,
}

/// The single run of a job.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub started_at: Duration,
    pub completed_at: Option<Duration>,
}

/// A job: what was asked for and what has happened to it.
#[derive(Debug, Clone)]
pub(crate) struct Job {
    pub id: String,
    pub seq: u64,
    pub created_at: Duration,
    pub spec: JobSpec,
    /// The top-level fields as last sent (create body merged with patches).
    pub request: serde_json::Map<String, Value>,
    pub submitted: bool,
    planned: VecDeque<Planned>,
    /// Oldest first.
    pub statuses: Vec<StatusRecord>,
    /// Oldest first.
    pub cluster_statuses: Vec<StatusRecord>,
    pub run: Option<Run>,
    pub output_files: Vec<String>,
    /// The users the job was shared with (`share/`), in order.
    pub shared_with: Vec<String>,
    /// The snapshot files taken of the running run (`snapshot/`), oldest first.
    pub snapshots: Vec<String>,
}

impl Job {
    /// The newest status, if the job was submitted.
    pub(crate) fn latest_status(&self) -> Option<&StatusRecord> {
        self.statuses.last()
    }

    /// Whether the job has ended: `Completed`, or `Force Stop`.
    pub(crate) fn is_completed(&self) -> bool {
        self.latest_status()
            .is_some_and(|s| s.status == "Completed" || s.status == "Force Stop")
    }

    /// Whether the job's cluster is still up (submitted and not completed).
    pub(crate) fn is_running(&self) -> bool {
        self.submitted && !self.is_completed()
    }

    /// Whether a stop was asked for.
    pub(crate) fn is_stopping(&self) -> bool {
        self.statuses.iter().any(|s| s.status == "Stopping")
            || self.planned.iter().any(|p| p.state == JobState::Stopping)
    }

    /// Whether the status `state` has been reached.
    pub(crate) fn reached(&self, state: JobState) -> bool {
        self.statuses.iter().any(|s| s.status == state.as_str())
    }
}

/// Everything the simulator knows.
#[derive(Debug)]
pub(crate) struct World {
    pub config: SimulatorConfig,
    pub clock: Clock,
    pub faults: Faults,
    pub stats: Stats,
    next_seq: u64,
    pub files: BTreeMap<String, StoredFile>,
    pub jobs: BTreeMap<String, Job>,
}

/// The sequence number and id of a new object.
struct Fresh {
    seq: u64,
    id: String,
}

impl World {
    /// An empty world.
    pub(crate) fn new(config: SimulatorConfig) -> Self {
        World {
            clock: Clock::new(config.clock),
            config,
            faults: Faults::default(),
            stats: Stats::default(),
            next_seq: 1,
            files: BTreeMap::new(),
            jobs: BTreeMap::new(),
        }
    }

    fn fresh(next_seq: &mut u64) -> Fresh {
        let seq = *next_seq;
        *next_seq += 1;
        Fresh {
            seq,
            id: short_id(seq),
        }
    }

    /// Stores a file and returns its id.
    pub(crate) fn add_file(&mut self, name: &str, type_id: u8, data: Bytes) -> String {
        let now = self.clock.now();
        let file = new_file(&mut self.next_seq, name, name, type_id, data, now, None);
        let id = file.id.clone();
        self.files.insert(id.clone(), file);
        id
    }

    /// Archives the working directory of job `job_id`'s running run (its log so far) as a
    /// snapshot file (type 12) among the run's outputs. Returns the id of the snapshot taken
    /// before, if any, or `None` when the job has no run in progress.
    pub(crate) fn take_snapshot(&mut self, job_id: &str) -> Option<Option<String>> {
        self.settle();
        let now = self.clock.now();
        let job = self.jobs.get(job_id)?;
        if job.run.is_none() || job.is_completed() {
            return None;
        }
        let mut log = self.log_lines(job).join("\n");
        log.push('\n');
        let count = job.snapshots.len() + 1;
        let dir = format!("job_{}/run1", job.id);
        let name = format!("snapshot-{count}.txt");
        let file = new_file(
            &mut self.next_seq,
            &name,
            &name,
            file_type::SNAPSHOT,
            Bytes::from(log),
            now,
            Some(&dir),
        );
        let id = file.id.clone();
        self.files.insert(id.clone(), file);
        let job = self.jobs.get_mut(job_id)?;
        let previous = job.snapshots.last().cloned();
        job.snapshots.push(id.clone());
        job.output_files.push(id);
        Some(previous)
    }

    /// Files, newest first.
    pub(crate) fn files_newest_first(&self) -> Vec<&StoredFile> {
        let mut files: Vec<&StoredFile> = self.files.values().collect();
        files.sort_by_key(|f| std::cmp::Reverse(f.seq));
        files
    }

    /// Renders a file.
    pub(crate) fn file_json(&self, file: &StoredFile, base: &str) -> Value {
        file.to_json(base, &self.config.owner, &self.clock)
    }

    /// Saves a new job (not submitted) and returns its id.
    pub(crate) fn add_job(
        &mut self,
        spec: JobSpec,
        request: serde_json::Map<String, Value>,
    ) -> String {
        let fresh = World::fresh(&mut self.next_seq);
        let job = Job {
            id: fresh.id.clone(),
            seq: fresh.seq,
            created_at: self.clock.now(),
            spec,
            request,
            submitted: false,
            planned: VecDeque::new(),
            statuses: Vec::new(),
            cluster_statuses: Vec::new(),
            run: None,
            output_files: Vec::new(),
            shared_with: Vec::new(),
            snapshots: Vec::new(),
        };
        self.jobs.insert(fresh.id.clone(), job);
        fresh.id
    }

    /// Jobs, newest first.
    pub(crate) fn jobs_newest_first(&self) -> Vec<&Job> {
        let mut jobs: Vec<&Job> = self.jobs.values().collect();
        jobs.sort_by_key(|j| std::cmp::Reverse(j.seq));
        jobs
    }

    /// Plans the lifecycle of a saved job. `false` if it was already submitted.
    pub(crate) fn submit(&mut self, job_id: &str) -> Option<bool> {
        let now = self.clock.now();
        let step = self.config.step;
        let job = self.jobs.get_mut(job_id)?;
        if job.submitted {
            return Some(false);
        }
        job.submitted = true;
        let failing = job
            .spec
            .analyses
            .iter()
            .any(|a| a.command.contains(FAIL_MARKER));
        let force_stopped = job
            .spec
            .analyses
            .iter()
            .any(|a| a.command.contains(FORCE_STOP_MARKER));
        let last = if force_stopped {
            (JobState::ForceStop, None)
        } else if failing {
            (JobState::Completed, Some("A run failed"))
        } else {
            (JobState::Completed, Some("Completed successfully"))
        };
        let plan = [
            (JobState::Pending, None),
            (JobState::Queued, None),
            (JobState::Started, None),
            (JobState::Validated, None),
            (JobState::Executing, None),
            last,
        ];
        job.planned = plan
            .into_iter()
            .zip(0u32..)
            .map(|((state, reason), k)| Planned {
                at: now.saturating_add(step.saturating_mul(k)),
                state,
                reason,
            })
            .collect();
        self.settle();
        Some(true)
    }

    /// Asks a running job to stop: `Stopping` now, `Completed` ("User Terminated") one
    /// step later. Does nothing to a job that is not running or already stopping.
    pub(crate) fn stop(&mut self, job_id: &str) -> Option<()> {
        self.settle();
        let now = self.clock.now();
        let step = self.config.step;
        let job = self.jobs.get_mut(job_id)?;
        if job.is_running() && !job.is_stopping() {
            job.planned.clear();
            job.planned.push_back(Planned {
                at: now,
                state: JobState::Stopping,
                reason: None,
            });
            job.planned.push_back(Planned {
                at: now.saturating_add(step),
                state: JobState::Completed,
                reason: Some("User Terminated"),
            });
        }
        self.settle();
        Some(())
    }

    /// Makes every planned status whose time has come happen, with its side effects:
    /// cluster statuses, the run, and output files at completion.
    pub(crate) fn settle(&mut self) {
        let now = self.clock.now();
        let World {
            config,
            jobs,
            files,
            next_seq,
            clock,
            ..
        } = self;
        for job in jobs.values_mut() {
            while job.planned.front().is_some_and(|p| p.at <= now) {
                let Some(p) = job.planned.pop_front() else {
                    break;
                };
                let fresh = World::fresh(next_seq);
                job.statuses.push(StatusRecord {
                    id: fresh.id,
                    status: p.state.as_str().to_string(),
                    reason: p.reason.map(str::to_string),
                    at: p.at,
                });
                let cluster = match p.state {
                    JobState::Queued => Some("Starting"),
                    JobState::Started => {
                        job.run = Some(Run {
                            started_at: p.at,
                            completed_at: None,
                        });
                        Some("Started")
                    }
                    JobState::Stopping => Some("Stopping"),
                    JobState::Completed | JobState::ForceStop => {
                        let ok = p.reason == Some("Completed successfully");
                        if let Some(run) = &mut job.run {
                            run.completed_at = Some(p.at);
                        }
                        create_outputs(job, files, next_seq, p.at, ok, config, clock);
                        Some("Stopped")
                    }
                    _ => None,
                };
                if let Some(c) = cluster {
                    let fresh = World::fresh(next_seq);
                    job.cluster_statuses.push(StatusRecord {
                        id: fresh.id,
                        status: c.to_string(),
                        reason: None,
                        at: p.at,
                    });
                }
            }
        }
    }

    /// The full Job object.
    pub(crate) fn job_json(&self, job: &Job, base: &str) -> Value {
        let spec = &job.spec;
        let analyses: Vec<Value> = spec
            .analyses
            .iter()
            .map(|a| {
                let input_files: Vec<Value> = a
                    .input_files
                    .iter()
                    .map(|r| {
                        let mut v = match self.files.get(&r.id) {
                            Some(f) => self.file_json(f, base),
                            None => json!({"id": r.id, "isDeleted": true}),
                        };
                        if let (Some(d), Value::Object(m)) = (r.decompress, &mut v) {
                            m.insert("decompress".to_string(), json!(d));
                        }
                        v
                    })
                    .collect();
                let ct = a.core_type;
                let mut v = json!({
                    "envVars": a.env_vars,
                    "preProcessScriptCommand": a.pre_process_script_command,
                    "postProcessScriptCommand": a.post_process_script_command,
                    "postProcessScript": a.post_process_script,
                    "useRescaleLicense": a.use_rescale_license,
                    "templateTasks": a.template_tasks,
                    "analysis": {
                        "version": a.version.version_code,
                        "code": a.analysis.code,
                        "name": a.analysis.name,
                        "versionName": a.version.version,
                    },
                    "hardware": {
                        "coresPerSlot": a.cores_per_slot,
                        "coreType": ct.code,
                        "coreSummary": {
                            "storagePerNode": u64::from(ct.storage_per_core) * u64::from(a.cores_per_slot) * 1000,
                            "gpusPerNode": (ct.gpus_per_core * f64::from(a.cores_per_slot)).floor() as u64,
                            "numberOfNodes": f64::from(a.slots),
                            "memoryPerNode": u64::from(ct.memory_per_core) * u64::from(a.cores_per_slot),
                        },
                        "slots": a.slots,
                        "type": "compute",
                        "walltime": a.walltime,
                    },
                    "command": a.command,
                    "preProcessScript": a.pre_process_script,
                    "flags": a.flags,
                    "inputFiles": input_files,
                });
                if let Value::Object(m) = &mut v {
                    if let Some(b) = a.use_mpi {
                        m.insert("useMpi".to_string(), json!(b));
                    }
                    if let Some(s) = &a.on_demand_license_seller {
                        m.insert("onDemandLicenseSeller".to_string(), s.clone());
                    }
                    if let Some(s) = &a.user_defined_license_settings {
                        m.insert("userDefinedLicenseSettings".to_string(), s.clone());
                    }
                }
                v
            })
            .collect();
        let mut v = json!({
            "monteCarloIterations": spec.monte_carlo_iterations,
            "paramFile": spec.param_file,
            "name": spec.name,
            "includeNominalRun": spec.include_nominal_run,
            "jobanalyses": analyses,
            "projectId": spec.project_id,
            "resourceFilters": spec.resource_filters,
            "remoteVizConfig": spec.remote_viz_config,
            "jobvariables": spec.jobvariables,
            "sshPort": 22,
            "expectedRuns": spec.expected_runs,
            "caseFile": spec.case_file,
            "isLowPriority": spec.is_low_priority,
            "owner": self.config.owner,
            "isTemplateDryRun": spec.is_template_dry_run,
            "autoTerminateCluster": spec.auto_terminate_cluster,
            "id": job.id,
            "archiveFilters": spec.archive_filters,
        });
        if let Value::Object(m) = &mut v {
            if let Some(b) = &spec.billing_priority_value {
                m.insert("billingPriorityValue".to_string(), json!(b));
            }
            if let Some(d) = &spec.description {
                m.insert("description".to_string(), json!(d));
            }
        }
        v
    }

    /// The JobSummary object of `GET jobs/`.
    pub(crate) fn job_summary_json(&self, job: &Job) -> Value {
        let (status, status_class) = match job.latest_status() {
            None => ("Not Submitted".to_string(), "label-default"),
            Some(s) if s.status == "Force Stop" => (s.status.clone(), "label-danger"),
            Some(s) if s.status == "Completed" => (
                s.status.clone(),
                if s.reason.as_deref() == Some("Completed successfully") {
                    "label-success"
                } else {
                    "label-danger"
                },
            ),
            Some(s) => (s.status.clone(), "label-info"),
        };
        let (cluster, cluster_class) = match job.cluster_statuses.last() {
            None => ("Not Started".to_string(), "label-default"),
            Some(c) if c.status == "Started" => ("Running".to_string(), "label-success"),
            Some(c) => (c.status.clone(), "label-default"),
        };
        let storage: usize = self
            .job_output_files(job)
            .iter()
            .map(|f| f.data.len())
            .sum();
        let analysis_names: Vec<&str> = job.spec.analyses.iter().map(|a| a.analysis.name).collect();
        json!({
            "id": job.id,
            "name": job.spec.name,
            "owner": self.config.owner,
            "dateInserted": format_timestamp(self.clock.wall(job.created_at)),
            "analysisNames": analysis_names,
            "jobStatus": {"content": status, "labelClass": status_class, "useLabel": true},
            "clusterStatusDisplay": {"content": cluster, "labelClass": cluster_class, "useLabel": true},
            "sharedWith": job.shared_with,
            "isVisible": true,
            "storage": storage,
        })
    }

    /// A job's statuses, newest first.
    pub(crate) fn statuses_json(&self, records: &[StatusRecord]) -> Vec<Value> {
        records
            .iter()
            .rev()
            .map(|r| r.to_json(&self.clock))
            .collect()
    }

    /// A job's output files that still exist, in creation order.
    pub(crate) fn job_output_files(&self, job: &Job) -> Vec<&StoredFile> {
        job.output_files
            .iter()
            .filter_map(|id| self.files.get(id))
            .collect()
    }

    /// The Run object of a job's run.
    pub(crate) fn run_json(&self, job: &Job, run: &Run) -> Value {
        let outputs = self.job_output_files(job);
        json!({
            "id": "1",
            "dateInserted": format_timestamp(self.clock.wall(run.started_at)),
            "dateCompleted": run.completed_at.map(|t| format_timestamp(self.clock.wall(t))),
            "displayOrder": 0,
            "isOptimal": false,
            "outputFileCount": outputs.len(),
            "outputFileSize": outputs.iter().map(|f| f.data.len()).sum::<usize>(),
            "parent": null,
            "type": 3,
            "variables": [],
        })
    }

    /// The lines the run's log holds so far (the whole log once the job completed).
    pub(crate) fn log_lines(&self, job: &Job) -> Vec<String> {
        log_lines(job, &self.config, &self.clock, self.clock.now())
    }
}

#[allow(clippy::too_many_arguments)]
fn new_file(
    next_seq: &mut u64,
    name: &str,
    relative_path: &str,
    type_id: u8,
    data: Bytes,
    at: Duration,
    job_dir: Option<&str>,
) -> StoredFile {
    let fresh = World::fresh(next_seq);
    let mut random = ByteStream::new(fresh.seq);
    let uuid = hex(&random.bytes(16));
    let storage_path = match job_dir {
        Some(dir) => format!("user/user_simusr/output/{dir}/{relative_path}"),
        None => {
            let (stem, ext) = match name.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => (stem, format!(".{ext}")),
                _ => (name, String::new()),
            };
            format!(
                "user/user_simusr/{stem}-{}-{}-{}-{}-{}{ext}",
                &uuid[0..8],
                &uuid[8..12],
                &uuid[12..16],
                &uuid[16..20],
                &uuid[20..32]
            )
        }
    };
    StoredFile {
        md5: md5_hex(&data),
        id: fresh.id,
        seq: fresh.seq,
        name: name.to_string(),
        type_id,
        relative_path: relative_path.to_string(),
        storage_path,
        uploaded_at: at,
        encryption_key: base64(&random.bytes(32)),
        shared_with: Vec::new(),
        data,
    }
}

fn create_outputs(
    job: &mut Job,
    files: &mut BTreeMap<String, StoredFile>,
    next_seq: &mut u64,
    at: Duration,
    succeeded: bool,
    config: &SimulatorConfig,
    clock: &Clock,
) {
    // Outputs are made once; snapshots taken while running do not count.
    if job.output_files.len() > job.snapshots.len() {
        return;
    }
    let dir = format!("job_{}/run1", job.id);
    let mut outputs: Vec<(String, Bytes)> = Vec::new();
    let mut log = log_lines(job, config, clock, at).join("\n");
    log.push('\n');
    outputs.push(("log.txt".to_string(), Bytes::from(log)));
    if succeeded {
        for a in &job.spec.analyses {
            let name = a.analysis.result_file;
            if outputs.iter().any(|(n, _)| n == name) {
                continue;
            }
            let mut data = format!(
                "{} result file of job {} (simulated)\n",
                a.analysis.name, job.id
            )
            .into_bytes();
            data.extend(ByteStream::new(job.seq ^ 0xD3).bytes(64 * 1024 - data.len()));
            outputs.push((name.to_string(), Bytes::from(data)));
        }
    }
    for (relative_path, data) in outputs {
        let name = relative_path
            .rsplit('/')
            .next()
            .unwrap_or(&relative_path)
            .to_string();
        let file = new_file(
            next_seq,
            &name,
            &relative_path,
            file_type::OUTPUT,
            data,
            at,
            Some(&dir),
        );
        job.output_files.push(file.id.clone());
        files.insert(file.id.clone(), file);
    }
}

/// Solver progress lines written while a run executes.
const PROGRESS_LINES: u32 = 20;

fn log_lines(job: &Job, config: &SimulatorConfig, clock: &Clock, now: Duration) -> Vec<String> {
    let stamp = |t: Duration| format_timestamp(clock.wall(t));
    let mut lines = Vec::new();
    for s in &job.statuses {
        let at = stamp(s.at);
        match s.status.as_str() {
            "Started" => {
                for a in &job.spec.analyses {
                    lines.push(format!(
                        "[{at}] Cluster started: {} x {} ({} cores per node)",
                        a.slots, a.core_type.code, a.cores_per_slot
                    ));
                }
            }
            "Validated" => {
                for a in &job.spec.analyses {
                    lines.push(format!(
                        "[{at}] {} {} ready; {} input file(s) staged",
                        a.analysis.name,
                        a.version.version,
                        a.input_files.len()
                    ));
                }
            }
            "Executing" => {
                for a in &job.spec.analyses {
                    lines.push(format!("[{at}] $ {}", a.command));
                }
                let executing_for = now.saturating_sub(s.at);
                let shown = if job.is_completed() || config.step.is_zero() {
                    PROGRESS_LINES
                } else {
                    let per_line = config.step / PROGRESS_LINES;
                    let n = executing_for.as_nanos() / per_line.as_nanos().max(1) + 1;
                    u32::try_from(n)
                        .unwrap_or(PROGRESS_LINES)
                        .min(PROGRESS_LINES)
                };
                for cycle in 1..=shown {
                    lines.push(format!(
                        " cycle {:>6}  t = {:.4E}  dt = 1.0000E-06",
                        cycle * 500,
                        f64::from(cycle * 500) * 1.0e-6
                    ));
                }
            }
            "Stopping" => lines.push(format!("[{at}] Stop requested by user")),
            "Force Stop" => lines.push(format!("[{at}] Run cut off by the platform (Force Stop)")),
            "Completed" => {
                let reason = s.reason.as_deref().unwrap_or("");
                match reason {
                    "Completed successfully" => {
                        lines.push(format!("[{at}] Normal termination"));
                    }
                    other => lines.push(format!("[{at}] Run ended: {other}")),
                }
            }
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClockMode;
    use crate::validate::job_spec;

    fn world(step_ms: u64) -> World {
        World::new(SimulatorConfig {
            step: Duration::from_millis(step_ms),
            clock: ClockMode::Manual,
            ..SimulatorConfig::default()
        })
    }

    fn saved_job(w: &mut World, command: &str) -> String {
        let body = json!({
            "name": "j",
            "jobanalyses": [{"command": command, "analysis": {"code": "ls_dyna", "version": "9.0.0"},
                             "hardware": {"coreType": "hpc-3", "coresPerSlot": 2}}]
        });
        let Value::Object(body) = body else {
            unreachable!()
        };
        let spec = job_spec(&body, &w.files).expect("valid job");
        w.add_job(spec, body)
    }

    fn statuses(w: &World, id: &str) -> Vec<String> {
        w.jobs[id]
            .statuses
            .iter()
            .map(|s| s.status.clone())
            .collect()
    }

    #[test]
    fn lifecycle_follows_the_clock() {
        let mut w = world(100);
        let id = saved_job(&mut w, "ls-dyna -i a.k");
        assert_eq!(w.submit(&id), Some(true));
        assert_eq!(statuses(&w, &id), ["Pending"]);
        assert_eq!(w.submit(&id), Some(false));
        w.clock.advance(Duration::from_millis(250));
        w.settle();
        assert_eq!(statuses(&w, &id), ["Pending", "Queued", "Started"]);
        assert!(w.jobs[&id].run.is_some());
        assert!(w.jobs[&id].output_files.is_empty());
        w.clock.advance(Duration::from_secs(1));
        w.settle();
        assert_eq!(
            statuses(&w, &id),
            [
                "Pending",
                "Queued",
                "Started",
                "Validated",
                "Executing",
                "Completed"
            ]
        );
        let job = &w.jobs[&id];
        let names: Vec<&str> = w
            .job_output_files(job)
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["log.txt", "d3plot"]);
        let cluster: Vec<&str> = job
            .cluster_statuses
            .iter()
            .map(|s| s.status.as_str())
            .collect();
        assert_eq!(cluster, ["Starting", "Started", "Stopped"]);
    }

    #[test]
    fn stop_ends_with_user_terminated() {
        let mut w = world(100);
        let id = saved_job(&mut w, "run");
        w.submit(&id);
        w.clock.advance(Duration::from_millis(150));
        w.stop(&id);
        assert_eq!(statuses(&w, &id), ["Pending", "Queued", "Stopping"]);
        assert!(w.jobs[&id].is_running());
        w.clock.advance(Duration::from_millis(100));
        w.settle();
        let last = w.jobs[&id].latest_status().cloned().expect("status");
        assert_eq!(last.status, "Completed");
        assert_eq!(last.reason.as_deref(), Some("User Terminated"));
        let job = &w.jobs[&id];
        let names: Vec<&str> = w
            .job_output_files(job)
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["log.txt"]);
    }

    #[test]
    fn failing_command_completes_with_a_failed_run() {
        let mut w = world(0);
        let id = saved_job(&mut w, &format!("run {FAIL_MARKER}"));
        w.submit(&id);
        let last = w.jobs[&id].latest_status().cloned().expect("status");
        assert_eq!(last.reason.as_deref(), Some("A run failed"));
    }

    #[test]
    fn uploaded_files_get_md5_and_storage_path() {
        let mut w = world(0);
        let id = w.add_file("input.zip", file_type::INPUT, Bytes::from_static(b"abc"));
        let f = &w.files[&id];
        assert_eq!(f.md5, "900150983cd24fb0d6963f7d28e17f72");
        assert!(f.storage_path.starts_with("user/user_simusr/input-"));
        assert!(f.storage_path.ends_with(".zip"));
        assert_eq!(f.encryption_key.len(), 44);
    }
}
