//! `coretypes/`, `analyses/`, `remote-viz-config/`, `tasks/` and `users/me/`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{ApiError, App, Ctx, json_response, paginate};
use crate::catalog::{ANALYSES, CORE_TYPES};

/// `GET coretypes/`: the catalogue; `isActive=true` leaves out deprecated core types,
/// `isActive=false` lists only them. Other values are ignored.
pub(super) async fn core_types(ctx: Ctx) -> Result<Response, ApiError> {
    let active = match ctx
        .param("isActive")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        _ => None,
    };
    let items: Vec<Value> = CORE_TYPES
        .iter()
        .enumerate()
        .filter(|(_, c)| active.is_none_or(|a| c.is_active() == a))
        .map(|(i, c)| c.to_json(i + 1))
        .collect();
    Ok(json_response(StatusCode::OK, paginate(&ctx, items)?))
}

/// `GET analyses/`: the software catalogue.
pub(super) async fn analyses(ctx: Ctx) -> Result<Response, ApiError> {
    let items: Vec<Value> = ANALYSES.iter().map(|a| a.to_json()).collect();
    Ok(json_response(StatusCode::OK, paginate(&ctx, items)?))
}

/// `GET remote-viz-config/`: remote visualisation options on the simulator's core types.
pub(super) async fn remote_viz_configs(ctx: Ctx) -> Result<Response, ApiError> {
    let items: Vec<Value> = [
        (
            "4-cores-emerald",
            "4 Cores Emerald",
            0.15,
            "emerald",
            4,
            false,
        ),
        ("8-cores-onyx", "8 Cores Onyx", 0.3, "onyx", 8, false),
        (
            "2-cores-emerald-windows",
            "2 Cores Emerald Windows",
            0.15,
            "emerald",
            2,
            true,
        ),
    ]
    .into_iter()
    .map(|(code, name, price, core, cores, windows)| {
        json!({
            "code": code,
            "displayName": name,
            "price": price,
            "coreTypeCode": core,
            "cores": cores,
            "isWindows": windows,
        })
    })
    .collect();
    Ok(json_response(StatusCode::OK, paginate(&ctx, items)?))
}

/// `GET tasks/{token}/`: no call of the simulator starts a long-running task, so every token
/// is unknown: 404.
pub(super) async fn task() -> ApiError {
    ApiError::not_found()
}

/// `GET users/me/`: the simulated user.
pub(super) async fn me(State(app): State<App>) -> Response {
    let email = app.lock().config.owner.clone();
    let username = email.split('@').next().unwrap_or("").to_string();
    json_response(
        StatusCode::OK,
        json!({
            "id": "simusr",
            "email": email,
            "username": username,
            "firstName": "Sim",
            "lastName": "User",
            "isActive": true,
            "company": null,
        }),
    )
}
