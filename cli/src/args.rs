//! The command line: global options and subcommands (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Command-line client for Rescale's REST API v2.
///
/// Uploads input files, looks up software (analyses) and hardware (core types), creates,
/// submits and follows jobs, and downloads their outputs. The API key comes from `--api-key`,
/// `RESCALE_API_KEY` or the apiconfig profile (`rescale configure` writes it). Without a key,
/// `rescale run` shows the walk-through on an embedded Rescale simulator; other commands need a
/// key, or `--simulator` to run against the simulator.
#[derive(Debug, Parser)]
#[command(name = "rescale", version, propagate_version = true)]
#[command(after_help = "\
Exit codes: 0 success; 1 the job ended badly (failed run, stopped, Force Stop); 2 bad usage or \
input; 3 authentication failed (missing, invalid or expired key); 4 not found; 5 the API refused \
the request (validation, rate limit, server error); 6 network or protocol failure; 7 local file \
error; 8 `jobs watch` or `run` gave up at --timeout while the job was still running.")]
pub struct Cli {
    /// Options that apply to every command.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// API key (default: $RESCALE_API_KEY, else `apikey` of the apiconfig profile). Create one
    /// in the web UI under Profile > User profile settings > API.
    #[arg(long, global = true, value_name = "KEY")]
    pub api_key: Option<String>,

    /// Platform region: north-america, europe, korea, japan, itar, itar-gov (default:
    /// $RESCALE_REGION, else the profile's `apibaseurl`, else north-america).
    #[arg(long, global = true, value_name = "NAME", conflicts_with = "base_url")]
    pub region: Option<String>,

    /// Platform base URL, such as https://platform.rescale.com (default:
    /// $RESCALE_API_BASE_URL, else the region). A trailing /api/v2/ is ignored.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Run against an embedded Rescale simulator (no account, nothing billed), even when an
    /// API key is configured.
    #[arg(
        long,
        global = true,
        alias = "simulate",
        env = "RESCALE_SIMULATOR",
        value_parser = clap::builder::FalseyValueParser::new(),
        hide_env_values = true
    )]
    pub simulator: bool,

    /// Milliseconds of simulated time between two job statuses in the embedded simulator.
    #[arg(long, global = true, value_name = "MS", default_value_t = 700)]
    pub sim_step_ms: u64,

    /// Print machine-readable JSON on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// Show each HTTP request on stderr: method, path, status, time, retries, rate-limit waits
    /// and list pages (never the key).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Upload a file (POST /api/v2/files/contents/) and print its id.
    Upload(UploadArgs),
    /// Download the contents of a file by id (GET /api/v2/files/{id}/contents/).
    Download(DownloadArgs),
    /// List the software that can be run: analysis codes and their versions.
    Analyses(LimitArgs),
    /// List the hardware that jobs can run on: core type codes, cores and memory.
    Coretypes(CoretypesArgs),
    /// Create, submit, follow, stop and delete jobs.
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// The whole walk-through in one command: zip and upload the inputs, create the job,
    /// submit it, watch its statuses until it ends, and download its output files.
    ///
    /// The defaults reproduce the LS-DYNA example of Rescale's API documentation. With no input
    /// given, a small placeholder LS-DYNA input (neon.refined.rev01.k) is generated and zipped
    /// as input.zip. Without an API key it runs on an embedded simulator; with a key and no
    /// input it asks before submitting the placeholder job to the platform (or needs --yes).
    Run(RunArgs),
    /// Store an API key (and optionally a platform) in the apiconfig profile file, readable by
    /// you only.
    ///
    /// The key comes from --api-key, else it is read from stdin (prompted on a terminal). The
    /// file is $RESCALE_CONFIG_FILE, else ~/.config/rescale/apiconfig; other profiles in it are
    /// kept.
    Configure(ConfigureArgs),
    /// Print a shell completion script, such as `rescale completions bash >
    /// ~/.local/share/bash-completion/completions/rescale`.
    Completions(CompletionsArgs),
}

/// `rescale configure`.
#[derive(Debug, Args)]
pub struct ConfigureArgs {
    /// The profile (section) to write (default: $RESCALE_PROFILE, else `default`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

/// `rescale completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `rescale upload`.
#[derive(Debug, Args)]
pub struct UploadArgs {
    /// The file to upload.
    pub file: PathBuf,
}

/// `rescale download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The file's id, as printed by `upload` or listed by `jobs files`.
    pub file_id: String,
    /// Where to write the contents (default: the file's name, in the current directory; `-`:
    /// standard output; a directory: the file's name in it; a FIFO or device: written into).
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
    /// Replace an existing file.
    #[arg(long)]
    pub force: bool,
}

/// `--limit` of the list commands, which print page by page as the pages arrive.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Show at most this many items (default: all of them).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// `rescale coretypes`.
#[derive(Debug, Args)]
pub struct CoretypesArgs {
    /// Include core types that are no longer offered.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub list: LimitArgs,
}

/// `rescale jobs ...`.
#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List jobs, in the order the API gives them.
    List(JobsListArgs),
    /// Show the full settings of a job.
    Get(JobId),
    /// Create (save) a job from a JSON file of job settings (`-` reads stdin); it does not
    /// start until submitted.
    Create(JobsCreateArgs),
    /// Submit a saved job.
    Submit(JobId),
    /// Ask a running job to stop.
    Stop(JobId),
    /// Delete a job (refused while its cluster still runs).
    Delete(JobId),
    /// Show a job's status history, oldest first.
    Statuses(JobListing),
    /// List a job's output files.
    Files(JobListing),
    /// Follow a job's status until it ends; exit 0 if it completed successfully, 1 if not.
    Watch(WatchArgs),
}

/// A job id argument.
#[derive(Debug, Args)]
pub struct JobId {
    /// The job's id, such as RcAFeb.
    pub id: String,
}

/// A job id and `--limit`.
#[derive(Debug, Args)]
pub struct JobListing {
    /// The job's id, such as RcAFeb.
    pub id: String,
    #[command(flatten)]
    pub list: LimitArgs,
}

/// Which jobs `jobs list` shows.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StateFilter {
    /// Only finished jobs.
    Completed,
    /// Only jobs that are saved, queued or running.
    NotCompleted,
}

/// `rescale jobs list`.
#[derive(Debug, Args)]
pub struct JobsListArgs {
    /// Show only finished or only unfinished jobs.
    #[arg(long, value_enum)]
    pub state: Option<StateFilter>,
    /// Show at most this many jobs.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
}

/// `rescale jobs create`.
#[derive(Debug, Args)]
pub struct JobsCreateArgs {
    /// JSON job settings (`name` and `jobanalyses`, as in Rescale's documentation), or `-`.
    pub file: PathBuf,
}

/// `rescale jobs watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The job's id.
    pub id: String,
    /// Options of the polling.
    #[command(flatten)]
    pub poll: PollArgs,
}

/// How often statuses are polled.
#[derive(Debug, Args)]
pub struct PollArgs {
    /// Seconds between two status polls (default 5; 0.25 with the embedded simulator).
    #[arg(long, value_name = "SECONDS")]
    pub interval: Option<f64>,
    /// Stop waiting after this many seconds, with exit code 8; the job keeps running (default:
    /// wait until it ends).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
}

/// `rescale run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input files or directories, zipped together as input.zip; a single .zip is uploaded as
    /// it is. Without inputs a demo LS-DYNA input is generated.
    pub inputs: Vec<PathBuf>,
    /// Name of the job.
    #[arg(long, default_value = "LS-DYNA CLI walk-through")]
    pub name: String,
    /// Analysis (software) code; see `rescale analyses`.
    #[arg(long, value_name = "CODE", default_value = "ls_dyna")]
    pub analysis: String,
    /// Analysis version code.
    #[arg(long, value_name = "VERSION", default_value = "9.0.0")]
    pub analysis_version: String,
    /// Core type (hardware) code; see `rescale coretypes`.
    #[arg(long, value_name = "CODE", default_value = "hpc-3")]
    pub core_type: String,
    /// Cores per slot.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub cores: i64,
    /// Number of slots (parallel tasks).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub slots: i64,
    /// The command line to run on the cluster.
    #[arg(long, default_value = "ls-dyna -n 2 -i neon.refined.rev01.k -p single")]
    pub command: String,
    /// Billing priority.
    #[arg(long, value_name = "VALUE", default_value = "INSTANT")]
    pub billing_priority: String,
    /// Directory for the output files (default: rescale-outputs/<job id>).
    #[arg(short, long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Do not download the output files.
    #[arg(long)]
    pub no_download: bool,
    /// Replace output files that already exist (otherwise each is reported and left as it is;
    /// a download left partial by an interrupted run is resumed).
    #[arg(long)]
    pub force: bool,
    /// With no input and a real platform: submit the placeholder job without asking.
    #[arg(long)]
    pub yes: bool,
    /// Options of the polling.
    #[command(flatten)]
    pub poll: PollArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn run_defaults_reproduce_the_ls_dyna_example() {
        let cli = Cli::try_parse_from(["rescale", "run"]).expect("parses");
        let Command::Run(run) = cli.command else {
            panic!("not run");
        };
        assert_eq!(run.analysis, "ls_dyna");
        assert_eq!(run.analysis_version, "9.0.0");
        assert_eq!(run.core_type, "hpc-3");
        assert_eq!((run.cores, run.slots), (2, 1));
        assert_eq!(
            run.command,
            "ls-dyna -n 2 -i neon.refined.rev01.k -p single"
        );
        assert!(run.inputs.is_empty());
    }
}
