//! Errors of the CLI: one line of message, an optional hint, and an exit code.

use std::fmt;

use rescale::{ApiErrorKind, Error};

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 1: the job ended, but not successfully.
    JobFailed = 1,
    /// 2: bad usage or bad input (also clap's own usage errors).
    Usage = 2,
    /// 3: the key is missing, invalid, expired or not allowed.
    Auth = 3,
    /// 4: the job or file does not exist.
    NotFound = 4,
    /// 5: the API refused the request (validation, rate limit, server error).
    Api = 5,
    /// 6: the network failed, a request timed out, or the answer made no sense.
    Network = 6,
    /// 7: a local file could not be read or written.
    Io = 7,
    /// 8: `--timeout` ran out while the job was still running.
    StillRunning = 8,
}

/// What went wrong, for the user.
#[derive(Debug)]
pub struct CliError {
    /// The exit code.
    pub exit: Exit,
    /// One line saying what failed.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

/// Result of a command.
pub type CliResult<T> = Result<T, CliError>;

impl CliError {
    /// An error with this exit code and message, without a hint.
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: one_line(&message.into()),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Bad usage or input.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(Exit::Usage, message)
    }

    /// A local file error, naming what was being done.
    pub fn io(doing: &str, e: &std::io::Error) -> Self {
        CliError::new(Exit::Io, format!("{doing}: {e}"))
    }

    /// A client error, with `what` naming the call that failed (such as "submitting job X").
    pub fn api(what: &str, e: Error) -> Self {
        let text = one_line(&error_chain(&e));
        match &e {
            Error::Api(api) => {
                let message = format!("{what}: {text}");
                match api.kind() {
                    ApiErrorKind::KeyExpired => CliError::new(Exit::Auth, message).hint(
                        "the API key has expired: create a new key in Profile > User profile \
                         settings > API and pass it with --api-key or RESCALE_API_KEY",
                    ),
                    ApiErrorKind::UserInactive => CliError::new(Exit::Auth, message).hint(
                        "the key's user was deactivated or deleted: ask your organisation's \
                         administrator, or use a key of an active user",
                    ),
                    ApiErrorKind::InvalidToken | ApiErrorKind::Unauthorized => {
                        CliError::new(Exit::Auth, message).hint(
                            "the API key was not accepted: check it, or create a new key in \
                             Profile > User profile settings > API; the key must belong to the \
                             platform chosen with --region/--base-url",
                        )
                    }
                    ApiErrorKind::Forbidden => CliError::new(Exit::Auth, message)
                        .hint("the key's user is not allowed to do this"),
                    ApiErrorKind::NotFound => {
                        CliError::new(Exit::NotFound, message).hint(not_found_hint(api.path()))
                    }
                    ApiErrorKind::Throttled => {
                        let wait = api
                            .retry_after()
                            .map(|d| format!(" (the server asks to wait {} s)", d.as_secs()))
                            .unwrap_or_default();
                        CliError::new(Exit::Api, message)
                            .hint(format!("rate limited: try again later{wait}"))
                    }
                    ApiErrorKind::Validation => {
                        let error = CliError::new(Exit::Api, message);
                        match validation_hint(api) {
                            Some(hint) => error.hint(hint),
                            None => error,
                        }
                    }
                    ApiErrorKind::ServerError => CliError::new(Exit::Api, message)
                        .hint("the platform had a problem: try again later"),
                    _ => CliError::new(Exit::Api, message),
                }
            }
            Error::Config(_) | Error::InvalidArgument(_) => {
                CliError::new(Exit::Usage, format!("{what}: {text}"))
            }
            Error::Io(_) => CliError::new(Exit::Io, format!("{what}: {text}")),
            Error::Transport(_) | Error::Timeout(_) => {
                CliError::new(Exit::Network, format!("{what}: {text}")).hint(
                    "check the network connection and the platform address (--region, \
                     --base-url)",
                )
            }
            _ => CliError::new(Exit::Network, format!("{what}: {text}")),
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\nhint: {hint}")?;
        }
        Ok(())
    }
}

/// The hint for a 404, from the request's path: a missing job or file when the path names one,
/// else a wrong address (a list such as `jobs/` always exists on the platform).
fn not_found_hint(path: Option<&str>) -> String {
    let prefix = format!("{}/", rescale::API.path_prefix);
    let rest = path.and_then(|p| p.find(&prefix).map(|at| &p[at + prefix.len()..]));
    let segments: Vec<&str> = rest
        .map(|r| r.split('/').filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    match segments.as_slice() {
        ["jobs", id, "files", ..] | ["jobs", id, "runs", ..] => format!(
            "no job {id}, or nothing of it there: `rescale jobs list` lists jobs, `rescale jobs \
             files {id}` the job's files"
        ),
        ["jobs", id, ..] => format!("no job {id}: `rescale jobs list` lists jobs"),
        ["files", id, ..] => format!(
            "no file {id}: `rescale jobs files <job id>` lists a job's files (the ids to download)"
        ),
        _ => "the platform has no such address: check --base-url / RESCALE_API_BASE_URL \
              (such as https://platform.rescale.com; the API paths are added to it) or --region"
            .to_owned(),
    }
}

/// The hint for a 400, from what the server said: a job already submitted, a job still running,
/// unknown codes, or other refused fields. `None` when there is nothing to add to the message.
fn validation_hint(api: &rescale::ApiError) -> Option<String> {
    let job = api.path().and_then(|p| {
        let prefix = format!("{}/jobs/", rescale::API.path_prefix);
        let at = p.find(&prefix)? + prefix.len();
        p[at..].split('/').next().filter(|id| !id.is_empty())
    });
    let job = job.unwrap_or("<id>");
    if let Some(detail) = api.detail() {
        let detail = detail.to_ascii_lowercase();
        if detail.contains("already") && detail.contains("submit") {
            return Some(format!(
                "the job was submitted before; `rescale jobs watch {job}` follows it"
            ));
        }
        if detail.contains("running") || detail.contains("stop the job") {
            return Some(format!(
                "the job is still running: `rescale jobs stop {job}`, wait until it has ended \
                 (`rescale jobs watch {job}`), then try again"
            ));
        }
        return None;
    }
    let fields = api.field_errors()?;
    let text = serde_json::Value::Object(fields.clone()).to_string();
    let about_codes = ["analysis", "coreType", "version", "hardware"]
        .iter()
        .any(|word| text.contains(word));
    Some(if about_codes {
        "the software or hardware was refused: `rescale analyses` and `rescale coretypes` list \
         the valid codes and versions"
            .to_owned()
    } else {
        "the fields named above were refused: correct them in the job settings".to_owned()
    })
}

/// The error and its sources, joined with ": ", skipping sources whose text is already there.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// Collapses line breaks and runs of white space, so an error stays on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rescale::runtime::{Bytes, HeaderMap, Method, StatusCode};

    fn api_error(status: u16, method: Method, path: &str, body: &str) -> CliError {
        let error = rescale::ApiError::new(
            StatusCode::from_u16(status).expect("status"),
            HeaderMap::new(),
            Bytes::copy_from_slice(body.as_bytes()),
            false,
        )
        .with_request(method, path);
        CliError::api("doing it", Error::from(error))
    }

    #[test]
    fn hints_follow_what_the_server_said() {
        let e = api_error(
            400,
            Method::POST,
            "/api/v2/jobs/AbC/submit/",
            r#"{"detail":"Job has already been submitted."}"#,
        );
        assert_eq!(
            e.to_string(),
            "error: doing it: 400 Bad Request: Job has already been submitted. (POST \
             /api/v2/jobs/AbC/submit/)\nhint: the job was submitted before; `rescale jobs watch \
             AbC` follows it"
        );
        let e = api_error(
            400,
            Method::DELETE,
            "/api/v2/jobs/AbC/",
            r#"{"detail":"Cannot delete a job whose cluster is still running. Stop the job first."}"#,
        );
        assert!(
            e.hint
                .as_deref()
                .is_some_and(|h| h.contains("rescale jobs stop AbC")),
            "{e}"
        );
        let e = api_error(
            400,
            Method::POST,
            "/api/v2/jobs/",
            r#"{"jobanalyses":[{"analysis":["Unknown analysis code."]}]}"#,
        );
        assert!(
            e.hint
                .as_deref()
                .is_some_and(|h| h.contains("rescale analyses")),
            "{e}"
        );
        let e = api_error(
            400,
            Method::POST,
            "/api/v2/jobs/",
            r#"{"name":["Required."]}"#,
        );
        assert!(
            e.hint.as_deref().is_some_and(|h| !h.contains("analyses")),
            "{e}"
        );
        let e = api_error(
            400,
            Method::POST,
            "/api/v2/x/",
            r#"{"detail":"Something else."}"#,
        );
        assert_eq!(e.hint, None);
        assert_eq!(e.exit, Exit::Api);
    }

    #[test]
    fn a_404_hint_names_the_missing_thing_or_the_address() {
        let hint = |path: &str| {
            api_error(404, Method::GET, path, r#"{"detail":"Not found."}"#)
                .hint
                .unwrap_or_default()
        };
        assert!(hint("/api/v2/jobs/AbC/").starts_with("no job AbC: "));
        assert!(hint("/api/v2/files/XyZ/contents/").starts_with("no file XyZ: "));
        assert!(hint("/api/v2/jobs/AbC/files/").contains("rescale jobs files AbC"));
        for list in ["/api/v2/jobs/", "/proxy/api/v2/analyses/", "/other/"] {
            let text = hint(list);
            assert!(
                text.contains("--base-url") && !text.contains("id"),
                "{list}: {text}"
            );
        }
    }

    #[test]
    fn messages_stay_on_one_line() {
        let e = CliError::usage("first\nsecond\t third");
        assert_eq!(e.message, "first second third");
        assert_eq!(e.to_string(), "error: first second third");
        assert_eq!(
            e.hint("do this").to_string(),
            "error: first second third\nhint: do this"
        );
    }
}
