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
                    ApiErrorKind::NotFound => CliError::new(Exit::NotFound, message).hint(
                        "check the id: `rescale jobs list` lists jobs, `rescale jobs files <job \
                         id>` a job's files",
                    ),
                    ApiErrorKind::Throttled => {
                        let wait = api
                            .retry_after()
                            .map(|d| format!(" (the server asks to wait {} s)", d.as_secs()))
                            .unwrap_or_default();
                        CliError::new(Exit::Api, message)
                            .hint(format!("rate limited: try again later{wait}"))
                    }
                    ApiErrorKind::Validation => CliError::new(Exit::Api, message).hint(
                        "the request was refused as invalid; `rescale analyses` and `rescale \
                         coretypes` list valid codes",
                    ),
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
