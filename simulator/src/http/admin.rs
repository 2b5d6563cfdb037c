//! `/_sim/`: control endpoints outside the API (no key needed).

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{ApiError, App, json_response};
use crate::faults::FaultSpec;

fn faults_json(app: &App) -> Value {
    json!({ "faults": app.lock().faults.armed() })
}

/// `GET /_sim/faults`: `{"faults": [FaultSpec...]}`, what is still armed.
pub(super) async fn faults(State(app): State<App>) -> Response {
    json_response(StatusCode::OK, faults_json(&app))
}

/// `POST /_sim/faults` with a [`FaultSpec`] in camelCase: arms it. 201 with the armed list.
pub(super) async fn add_fault(State(app): State<App>, body: Bytes) -> Result<Response, ApiError> {
    let spec: FaultSpec = serde_json::from_slice(&body)
        .map_err(|e| ApiError::detail(StatusCode::BAD_REQUEST, format!("Invalid fault: {e}")))?;
    spec.validate()
        .map_err(|e| ApiError::detail(StatusCode::BAD_REQUEST, e))?;
    app.lock().faults.add(spec);
    Ok(json_response(StatusCode::CREATED, faults_json(&app)))
}

/// `DELETE /_sim/faults`: disarms every fault. 204.
pub(super) async fn clear_faults(State(app): State<App>) -> Response {
    app.lock().faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /_sim/stats`: `{"total": n, "requests": [{"method", "path", "count"}...]}`.
pub(super) async fn stats(State(app): State<App>) -> Response {
    let w = app.lock();
    let requests: Vec<Value> = w
        .stats
        .all()
        .into_iter()
        .map(|(method, path, count)| json!({"method": method, "path": path, "count": count}))
        .collect();
    json_response(
        StatusCode::OK,
        json!({"total": w.stats.total(), "requests": requests}),
    )
}

/// `DELETE /_sim/stats`: forgets every count. 204.
pub(super) async fn reset_stats(State(app): State<App>) -> Response {
    app.lock().stats.reset();
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /_sim/clock/advance` with `{"ms": n}`: moves simulated time forward.
/// Answers `{"nowMs": simulated milliseconds since start}`.
pub(super) async fn advance_clock(
    State(app): State<App>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let ms = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("ms").and_then(Value::as_u64))
        .ok_or_else(|| ApiError::field("ms", "A valid non-negative integer is required."))?;
    let mut w = app.lock();
    w.clock.advance(Duration::from_millis(ms));
    w.settle();
    let now = u64::try_from(w.clock.now().as_millis()).unwrap_or(u64::MAX);
    Ok(json_response(StatusCode::OK, json!({"nowMs": now})))
}
