//! How the client reports what went wrong: one error type, `rescale::Error`, whose API errors
//! carry a `kind()` for the documented cases. The program provokes each case against the
//! server and says how it was told apart; it exits with 1 if any case came out otherwise.
//!
//! ```sh
//! export RESCALE_API_KEY=...
//! cargo run -p rescale --example error_handling
//! ```

use rescale::types::{AnalysisRef, JobAnalysisRequest, JobRequest};
use rescale::{ApiErrorKind, Client, Error};

#[tokio::main]
async fn main() {
    match run().await {
        Ok(true) => println!("every error was told apart as expected"),
        Ok(false) => std::process::exit(1),
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(1);
        }
    }
}

/// What a caller would do with each kind of error.
fn explain(err: &Error) -> String {
    match err.as_api().map(|api| (api.kind(), api)) {
        Some((ApiErrorKind::NotFound, _)) => "not found: check the id".to_owned(),
        Some((ApiErrorKind::Validation, api)) => {
            format!("refused as invalid; by field: {:?}", api.field_errors())
        }
        Some((ApiErrorKind::KeyExpired, _)) => "the key has expired: make a new one".to_owned(),
        Some((ApiErrorKind::UserInactive, _)) => "the key's user was deactivated".to_owned(),
        Some((ApiErrorKind::InvalidToken | ApiErrorKind::Unauthorized, _)) => {
            "the key was not accepted: check RESCALE_API_KEY".to_owned()
        }
        Some((ApiErrorKind::Throttled, api)) => {
            format!("rate limited; retry after {:?}", api.retry_after())
        }
        Some((kind, api)) => format!("API error {kind:?} ({})", api.status()),
        None if err.is_timeout() => "timed out".to_owned(),
        None => format!("not an API answer: {err}"),
    }
}

async fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let mut all_as_expected = true;
    let mut check =
        |case: &str, result: Result<(), Error>, expected: fn(&Error) -> bool| match result {
            Ok(()) => {
                println!("{case}: no error (unexpected)");
                all_as_expected = false;
            }
            Err(err) => {
                let ok = expected(&err);
                all_as_expected &= ok;
                println!(
                    "{case}: {}{}",
                    explain(&err),
                    if ok { "" } else { " (unexpected)" }
                );
            }
        };

    // 404: a job that does not exist.
    let missing = client.get_job("no-such-job").send().await.map(drop);
    check("get a missing job", missing, |e| {
        e.as_api().map(|a| a.kind()) == Some(ApiErrorKind::NotFound)
    });

    // 400: a job without a name, and with an analysis that has no command.
    let mut analysis = JobAnalysisRequest::new();
    analysis.analysis = Some(AnalysisRef::new("ls_dyna"));
    let invalid = JobRequest::new("", vec![analysis]);
    let refused = client.create_job(invalid).send().await.map(drop);
    check("create an invalid job", refused, |e| {
        e.as_api().is_some_and(|a| {
            a.kind() == ApiErrorKind::Validation && a.field_errors().is_some_and(|f| !f.is_empty())
        })
    });

    // 401: the same server with a key it does not know.
    let stranger = Client::builder()
        .from_env()
        .api_key("not-a-key-of-this-server")
        .build()?;
    let unknown = stranger.get_current_user().send().await.map(drop);
    check("call with an unknown key", unknown, |e| {
        matches!(
            e.as_api().map(|a| a.kind()),
            Some(ApiErrorKind::InvalidToken | ApiErrorKind::Unauthorized)
        )
    });

    // Refused before sending: a path that would climb out of the run's directory.
    let climbing = client
        .tail_run_file("some-job", "1", "../../etc/passwd")
        .send()
        .await
        .map(drop);
    check("tail a file outside the run", climbing, |e| {
        matches!(e, Error::InvalidArgument(_))
    });

    Ok(all_as_expected)
}
