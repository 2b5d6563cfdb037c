//! `jobs/`: create, list, read, change, delete, submit, stop, statuses, runs, files, tail.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{ApiError, App, Ctx, PathIds, body_error, json_object, json_response, paginate};
use crate::state::{Job, JobState, World};
use crate::validate::job_spec;

/// A whole file as the answer of `tail/` without `lines`.
fn raw_file(data: Bytes) -> Response {
    let mut resp = (StatusCode::OK, data).into_response();
    resp.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/octet-stream"),
    );
    resp
}

fn find<'w>(w: &'w World, id: &str) -> Result<&'w Job, ApiError> {
    w.jobs.get(id).ok_or_else(ApiError::not_found)
}

/// `GET jobs/`: JobSummary items, newest first; `state=completed` or `not_completed`.
pub(super) async fn list(State(app): State<App>, ctx: Ctx) -> Result<Response, ApiError> {
    let w = app.world();
    let want_completed = match ctx.param("state") {
        None | Some("") => None,
        Some("completed") => Some(true),
        Some("not_completed") => Some(false),
        Some(other) => {
            return Err(ApiError::field(
                "state",
                format!("Select a valid choice. {other} is not one of the available choices."),
            ));
        }
    };
    let items: Vec<Value> = w
        .jobs_newest_first()
        .into_iter()
        .filter(|j| want_completed.is_none_or(|c| j.is_completed() == c))
        .map(|j| w.job_summary_json(j))
        .collect();
    Ok(json_response(StatusCode::OK, paginate(&ctx, items)?))
}

/// `POST jobs/`: validates and saves a job (not started). 201 with the Job.
pub(super) async fn create(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| body_error(e.status()))?;
    let obj = json_object(&headers, &body)?;
    let mut w = app.world();
    let spec = job_spec(&obj, &w.files).map_err(ApiError::validation)?;
    let id = w.add_job(spec, obj);
    let job = find(&w, &id)?;
    Ok(json_response(
        StatusCode::CREATED,
        w.job_json(job, &ctx.base),
    ))
}

/// `GET jobs/{id}/`.
pub(super) async fn get(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let job = find(&w, &id)?;
    Ok(json_response(StatusCode::OK, w.job_json(job, &ctx.base)))
}

/// `PATCH jobs/{id}/`: merges the given top-level fields into the job and validates the
/// result. Once submitted, `jobanalyses` can no longer change.
pub(super) async fn patch(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| body_error(e.status()))?;
    let changes = json_object(&headers, &body)?;
    let mut w = app.world();
    let job = find(&w, &id)?;
    if job.submitted && changes.contains_key("jobanalyses") {
        return Err(ApiError::field(
            "jobanalyses",
            "The analyses of a submitted job cannot be changed.",
        ));
    }
    let mut request = job.request.clone();
    let sent: Vec<String> = changes.keys().cloned().collect();
    for (k, v) in changes {
        if k != "id" && k != "owner" {
            request.insert(k, v);
        }
    }
    let spec = job_spec(&request, &w.files).map_err(ApiError::validation)?;
    let Some(job) = w.jobs.get_mut(&id) else {
        return Err(ApiError::not_found());
    };
    if job.submitted {
        // The analyses (and their input files) stay as they were submitted.
        let analyses = std::mem::take(&mut job.spec.analyses);
        job.spec = spec;
        job.spec.analyses = analyses;
    } else {
        job.spec = spec;
    }
    job.request = request;
    let job = find(&w, &id)?;
    // Like the platform, the answer holds the id, `isLowPriority` and the fields that were
    // sent (as stored), not the whole job.
    let full = w.job_json(job, &ctx.base);
    let mut answer = serde_json::Map::new();
    for key in ["id", "isLowPriority"]
        .into_iter()
        .chain(sent.iter().map(String::as_str))
    {
        if let Some(value) = full.get(key) {
            answer.insert(key.to_owned(), value.clone());
        }
    }
    Ok(json_response(StatusCode::OK, Value::Object(answer)))
}

/// `PUT jobs/{id}/`: replaces the job's settings with the body, validated as for `create`.
/// A submitted job cannot be replaced.
pub(super) async fn replace(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| body_error(e.status()))?;
    let request = json_object(&headers, &body)?;
    let mut w = app.world();
    if find(&w, &id)?.submitted {
        return Err(ApiError::detail(
            StatusCode::BAD_REQUEST,
            "A submitted job cannot be replaced; change it with PATCH.",
        ));
    }
    let spec = job_spec(&request, &w.files).map_err(ApiError::validation)?;
    let Some(job) = w.jobs.get_mut(&id) else {
        return Err(ApiError::not_found());
    };
    job.spec = spec;
    job.request = request;
    let job = find(&w, &id)?;
    Ok(json_response(StatusCode::OK, w.job_json(job, &ctx.base)))
}

/// `POST jobs/{id}/share/`: `{"email": ...}` adds a user to the job's `sharedWith`; 200 with
/// no body. Sharing twice with the same user changes nothing.
pub(super) async fn share(
    State(app): State<App>,
    PathIds(id): PathIds<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| body_error(e.status()))?;
    let request = json_object(&headers, &body)?;
    let mut w = app.world();
    find(&w, &id)?;
    let email = match request.get("email") {
        None | Some(Value::Null) => {
            return Err(ApiError::field("email", crate::validate::REQUIRED));
        }
        Some(Value::String(e)) if looks_like_email(e) => e.trim().to_owned(),
        Some(_) => return Err(ApiError::field("email", "Enter a valid email address.")),
    };
    let Some(job) = w.jobs.get_mut(&id) else {
        return Err(ApiError::not_found());
    };
    if !job.shared_with.contains(&email) {
        job.shared_with.push(email);
    }
    Ok(StatusCode::OK.into_response())
}

/// One `@` with text on both sides and a dot in the domain, no spaces.
fn looks_like_email(text: &str) -> bool {
    let text = text.trim();
    match text.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// `DELETE jobs/{id}/`: 204, or 400 while the job's cluster still runs.
pub(super) async fn delete(
    State(app): State<App>,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let mut w = app.world();
    if find(&w, &id)?.is_running() {
        return Err(ApiError::detail(
            StatusCode::BAD_REQUEST,
            "Cannot delete a job whose cluster is still running. Stop the job first.",
        ));
    }
    w.jobs.remove(&id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST jobs/{id}/submit/`: 200 with an empty body; starts the lifecycle. 400 if it was
/// already submitted.
pub(super) async fn submit(
    State(app): State<App>,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let mut w = app.world();
    match w.submit(&id) {
        None => Err(ApiError::not_found()),
        Some(false) => Err(ApiError::detail(
            StatusCode::BAD_REQUEST,
            "Job has already been submitted.",
        )),
        Some(true) => Ok(StatusCode::OK.into_response()),
    }
}

/// `POST jobs/{id}/stop/`: 202. A running job goes to `Stopping`, then `Completed` with
/// the reason `User Terminated`; stopping any other job changes nothing.
pub(super) async fn stop(
    State(app): State<App>,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let mut w = app.world();
    w.stop(&id).ok_or_else(ApiError::not_found)?;
    Ok(StatusCode::ACCEPTED.into_response())
}

/// `GET jobs/{id}/statuses/`: newest first.
pub(super) async fn statuses(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let job = find(&w, &id)?;
    let items = w.statuses_json(&job.statuses);
    Ok(json_response(StatusCode::OK, paginate(&ctx, items)?))
}

/// `GET jobs/{id}/cluster_statuses/`: newest first (`Starting`, `Started`, `Stopping`,
/// `Stopped`).
pub(super) async fn cluster_statuses(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let job = find(&w, &id)?;
    let items = w.statuses_json(&job.cluster_statuses);
    Ok(json_response(StatusCode::OK, paginate(&ctx, items)?))
}

fn output_files_page(w: &World, job: &Job, ctx: &Ctx) -> Result<Response, ApiError> {
    let search = ctx.param("search").map(str::to_lowercase);
    let items: Vec<Value> = w
        .job_output_files(job)
        .into_iter()
        .filter(|f| {
            search
                .as_deref()
                .is_none_or(|s| f.name.to_lowercase().contains(s))
        })
        .map(|f| w.file_json(f, &ctx.base))
        .collect();
    Ok(json_response(StatusCode::OK, paginate(ctx, items)?))
}

/// `GET jobs/{id}/files/`: output files (there once the job completed); `search`.
pub(super) async fn files(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let job = find(&w, &id)?;
    output_files_page(&w, job, &ctx)
}

/// `GET jobs/{id}/runs/`: the job's single run (id `"1"`) once its cluster started.
pub(super) async fn runs(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let job = find(&w, &id)?;
    let items: Vec<Value> = job.run.iter().map(|r| w.run_json(job, r)).collect();
    Ok(json_response(StatusCode::OK, paginate(&ctx, items)?))
}

fn find_run<'w>(w: &'w World, id: &str, run_id: &str) -> Result<&'w Job, ApiError> {
    let job = find(w, id)?;
    if run_id == "1" && job.run.is_some() {
        Ok(job)
    } else {
        Err(ApiError::not_found())
    }
}

/// `GET jobs/{id}/runs/{run_id}/`.
pub(super) async fn run(
    State(app): State<App>,
    PathIds((id, run_id)): PathIds<(String, String)>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let job = find_run(&w, &id, &run_id)?;
    let body = job.run.as_ref().map_or(Value::Null, |r| w.run_json(job, r));
    Ok(json_response(StatusCode::OK, body))
}

/// `POST jobs/{id}/runs/{run_id}/stop/`: stops the run (the job's only one, so the job stops
/// as with `jobs/{id}/stop/`); answers `{}` as the reference shows.
pub(super) async fn stop_run(
    State(app): State<App>,
    PathIds((id, run_id)): PathIds<(String, String)>,
) -> Result<Response, ApiError> {
    let mut w = app.world();
    find_run(&w, &id, &run_id)?;
    w.stop(&id).ok_or_else(ApiError::not_found)?;
    Ok(json_response(StatusCode::OK, json!({})))
}

/// `POST jobs/{id}/runs/{run_id}/snapshot/`: archives the working directory of a run in
/// progress as an output file (type 12); 400 once the run has ended.
pub(super) async fn snapshot(
    State(app): State<App>,
    PathIds((id, run_id)): PathIds<(String, String)>,
) -> Result<Response, ApiError> {
    let mut w = app.world();
    find_run(&w, &id, &run_id)?;
    let Some(previous) = w.take_snapshot(&id) else {
        return Err(ApiError::detail(
            StatusCode::BAD_REQUEST,
            "Snapshots can only be taken of runs in progress.",
        ));
    };
    Ok(json_response(
        StatusCode::OK,
        json!({
            "data": "",
            "exitcode": 0,
            "lastSnapshotID": previous,
            "reason": "Generating snapshot.",
        }),
    ))
}

/// `GET jobs/{id}/runs/{run_id}/directory-contents/`: the files in the working directory of a
/// run in progress (its `log.txt`), each with the `tail/` address that reads it; an empty list
/// once the run has ended (its files are output files then). Not paginated.
pub(super) async fn directory_contents(
    State(app): State<App>,
    PathIds((id, run_id)): PathIds<(String, String)>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let job = find_run(&w, &id, &run_id)?;
    let entries: Vec<Value> = if job.is_completed() {
        Vec::new()
    } else {
        ["log.txt"]
            .iter()
            .map(|path| {
                json!({
                    "path": path,
                    "resource": format!("/api/v2/jobs/{id}/runs/{run_id}/tail/{path}/"),
                })
            })
            .collect()
    };
    Ok(json_response(StatusCode::OK, Value::Array(entries)))
}

/// `GET jobs/{id}/runs/{run_id}/files/`: the run's output files; `search`.
pub(super) async fn run_files(
    State(app): State<App>,
    ctx: Ctx,
    PathIds((id, run_id)): PathIds<(String, String)>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let job = find_run(&w, &id, &run_id)?;
    output_files_page(&w, job, &ctx)
}

/// `GET jobs/{id}/runs/{run_id}/tail/{path}/`: with `lines`, the last `lines` lines of a file
/// of the run as `{"fileType": "text", "lines": [...]}`; without it, the whole file as raw
/// bytes (`application/octet-stream`), as the reference says. `log.txt` grows while the run
/// executes; once the job completed its output files can be read too. The path may span
/// directories (`a/b/c`), sent with raw slashes or `%2F`.
pub(super) async fn tail(
    State(app): State<App>,
    ctx: Ctx,
    PathIds((id, run_id, path)): PathIds<(String, String, String)>,
) -> Result<Response, ApiError> {
    let count = match ctx.param("lines") {
        None | Some("") => None,
        Some(s) => Some(
            s.trim()
                .parse::<usize>()
                .map_err(|_| ApiError::field("lines", "A valid integer is required."))?,
        ),
    };
    let w = app.world();
    let job = find_run(&w, &id, &run_id)?;
    let path = path.trim_end_matches('/');
    let all: Vec<String> = if path == "log.txt" && !job.is_completed() {
        if !job.reached(JobState::Started) {
            return Err(ApiError::not_found());
        }
        w.log_lines(job)
    } else {
        let file = w
            .job_output_files(job)
            .into_iter()
            .find(|f| f.relative_path == path)
            .ok_or_else(ApiError::not_found)?;
        if count.is_none() {
            return Ok(raw_file(file.data.clone()));
        }
        String::from_utf8_lossy(&file.data)
            .lines()
            .map(str::to_string)
            .collect()
    };
    let Some(count) = count else {
        let mut text = all.join("\n");
        text.push('\n');
        return Ok(raw_file(Bytes::from(text)));
    };
    let lines = &all[all.len().saturating_sub(count)..];
    Ok(json_response(
        StatusCode::OK,
        json!({"fileType": "text", "lines": lines}),
    ))
}
