//! The HTTP side: routes, the request guard (counting, faults, authentication), error
//! bodies, pagination and request helpers.

mod admin;
mod catalog;
mod files;
mod jobs;

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::faults::FaultSpec;
use crate::state::World;
use crate::util::{build_query, parse_query};
use crate::validate::not_a_dict;

/// Default `page_size`.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 25;
/// Largest `page_size`; larger values are cut down to it.
pub(crate) const MAX_PAGE_SIZE: usize = 1000;

/// What every handler shares.
#[derive(Debug)]
pub(crate) struct Shared {
    world: Mutex<World>,
    /// `http://host:port`, used when a request has no usable `Host` header.
    pub base_url: String,
}

/// Handle on the shared state, cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct App(Arc<Shared>);

impl App {
    /// Wraps a world.
    pub(crate) fn new(world: World, base_url: String) -> Self {
        App(Arc::new(Shared {
            world: Mutex::new(world),
            base_url,
        }))
    }

    /// Locks the world without moving jobs on (a poisoned lock is taken over: the world
    /// is plain data and stays consistent between statements).
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.0.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the world and lets every job catch up with the clock.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        let mut w = self.lock();
        w.settle();
        w
    }

    /// The base URL the server was started with.
    pub(crate) fn base_url(&self) -> &str {
        &self.0.base_url
    }
}

/// Builds the whole application.
pub(crate) fn router(app: App, max_body_bytes: usize) -> Router {
    const API: &str = "/api/v2";
    let r = |path: &str| format!("{API}{path}");
    Router::new()
        .route(&r("/files/"), get(files::list))
        .route(
            &r("/files/contents/"),
            post(files::upload).put(files::upload),
        )
        .route(
            &r("/files/{file_id}/"),
            get(files::get).patch(files::patch).delete(files::delete),
        )
        .route(&r("/files/{file_id}/contents/"), get(files::download))
        .route(&r("/files/{file_id}/lines/"), get(files::lines))
        .route(&r("/coretypes/"), get(catalog::core_types))
        .route(&r("/analyses/"), get(catalog::analyses))
        .route(&r("/users/me/"), get(catalog::me))
        .route(&r("/remote-viz-config/"), get(catalog::remote_viz_configs))
        .route(&r("/tasks/{token}/"), get(catalog::task))
        .route(&r("/jobs/"), get(jobs::list).post(jobs::create))
        .route(
            &r("/jobs/{job_id}/"),
            get(jobs::get)
                .put(jobs::replace)
                .patch(jobs::patch)
                .delete(jobs::delete),
        )
        .route(&r("/jobs/{job_id}/submit/"), post(jobs::submit))
        .route(&r("/jobs/{job_id}/share/"), post(jobs::share))
        .route(&r("/jobs/{job_id}/stop/"), post(jobs::stop))
        .route(&r("/jobs/{job_id}/statuses/"), get(jobs::statuses))
        .route(
            &r("/jobs/{job_id}/cluster_statuses/"),
            get(jobs::cluster_statuses),
        )
        .route(&r("/jobs/{job_id}/files/"), get(jobs::files))
        .route(&r("/jobs/{job_id}/runs/"), get(jobs::runs))
        .route(&r("/jobs/{job_id}/runs/{run_id}/"), get(jobs::run))
        .route(
            &r("/jobs/{job_id}/runs/{run_id}/files/"),
            get(jobs::run_files),
        )
        .route(
            &r("/jobs/{job_id}/runs/{run_id}/stop/"),
            post(jobs::stop_run),
        )
        .route(
            &r("/jobs/{job_id}/runs/{run_id}/snapshot/"),
            post(jobs::snapshot),
        )
        .route(
            &r("/jobs/{job_id}/runs/{run_id}/directory-contents/"),
            get(jobs::directory_contents),
        )
        .route(
            &r("/jobs/{job_id}/runs/{run_id}/tail/{*path}"),
            get(jobs::tail),
        )
        .route(
            "/_sim/faults",
            get(admin::faults)
                .post(admin::add_fault)
                .delete(admin::clear_faults),
        )
        .route("/_sim/stats", get(admin::stats).delete(admin::reset_stats))
        .route("/_sim/clock/advance", post(admin::advance_clock))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(app)
}

/// Runs before every request outside `/_sim/`: counts it, answers an armed fault, then
/// checks the API key.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_sim/") {
        return next.run(req).await;
    }
    let fault = {
        let mut w = app.lock();
        w.stats.record(req.method().as_str(), &path);
        w.faults.take(req.method().as_str(), &path)
    };
    if let Some(fault) = fault {
        return fault_response(&fault);
    }
    let verdict = {
        let w = app.lock();
        authenticate(&w.config, req.headers())
    };
    if let Err(message) = verdict {
        let mut resp = ApiError::detail(StatusCode::UNAUTHORIZED, message).into_response();
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Token"));
        return resp;
    }
    next.run(req).await
}

/// Checks `Authorization: Token <key>` (or `Bearer <key>`); `Err` holds the 401 detail.
fn authenticate(config: &crate::SimulatorConfig, headers: &HeaderMap) -> Result<(), &'static str> {
    const NOT_PROVIDED: &str = "Authentication credentials were not provided.";
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(NOT_PROVIDED);
    };
    let Ok(value) = value.to_str() else {
        return Err("Invalid token header. Token string should not contain invalid characters.");
    };
    let mut parts = value.split_whitespace();
    let scheme = parts.next().unwrap_or("");
    if !scheme.eq_ignore_ascii_case("token") && !scheme.eq_ignore_ascii_case("bearer") {
        return Err(NOT_PROVIDED);
    }
    let Some(key) = parts.next() else {
        return Err("Invalid token header. No credentials provided.");
    };
    if parts.next().is_some() {
        return Err("Invalid token header. Token string should not contain spaces.");
    }
    if key == config.api_key {
        Ok(())
    } else if key == config.expired_key {
        Err("API key is no longer active")
    } else if key == config.inactive_key {
        Err("User inactive or deleted")
    } else {
        Err("Invalid token.")
    }
}

/// The answer to a request that an injected fault hits.
fn fault_response(fault: &FaultSpec) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let retry_after = fault
        .retry_after
        .or(if fault.status == 429 { Some(1) } else { None });
    let mut resp = match fault.status {
        429 => {
            let secs = retry_after.unwrap_or(1);
            let unit = if secs == 1 { "second" } else { "seconds" };
            ApiError::detail(
                status,
                format!("Request was throttled. Expected available in {secs} {unit}."),
            )
            .into_response()
        }
        500 => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<h1>Server Error (500)</h1>",
        )
            .into_response(),
        code => {
            let reason = status.canonical_reason().unwrap_or("Error");
            (
                status,
                [(header::CONTENT_TYPE, "text/html")],
                format!(
                    "<html><head><title>{code} {reason}</title></head><body><center><h1>{code} {reason}</h1></center></body></html>"
                ),
            )
                .into_response()
        }
    };
    if let Some(secs) = retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp.headers_mut()
        .insert("x-sim-fault", HeaderValue::from_static("injected"));
    resp
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}

async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::detail(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("Method \"{method}\" not allowed."),
    )
}

/// An error answer: a status and a JSON body.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    body: Value,
}

impl ApiError {
    /// `{"detail": message}` with `status`.
    pub(crate) fn detail(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: json!({"detail": message.into()}),
        }
    }

    /// 404 `{"detail": "Not found."}`.
    pub(crate) fn not_found() -> Self {
        ApiError::detail(StatusCode::NOT_FOUND, "Not found.")
    }

    /// 400 with a field → messages body.
    pub(crate) fn validation(body: Value) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body,
        }
    }

    /// 400 `{field: [message]}`.
    pub(crate) fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::validation(json!({ field: [message.into()] }))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

/// A JSON answer with a status.
pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

/// Where a request came in: the base URL to build links with, its path and its query.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// `http://host:port` as the client addressed this server.
    pub base: String,
    /// The path, still percent-encoded.
    pub path: String,
    /// Decoded query pairs, in order.
    pub query: Vec<(String, String)>,
}

impl Ctx {
    /// The first value of a query parameter.
    pub(crate) fn param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn link_to_page(&self, page: usize) -> String {
        let mut pairs: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| k != "page")
            .cloned()
            .collect();
        if page > 1 {
            pairs.push(("page".to_string(), page.to_string()));
        }
        if pairs.is_empty() {
            format!("{}{}", self.base, self.path)
        } else {
            format!("{}{}?{}", self.base, self.path, build_query(&pairs))
        }
    }
}

impl FromRequestParts<App> for Ctx {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
            });
        let base = match host {
            Some(h) => format!("http://{h}"),
            None => app.base_url().to_string(),
        };
        Ok(Ctx {
            base,
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(parse_query).unwrap_or_default(),
        })
    }
}

/// Path parameters; a path that cannot be decoded answers 404 `{"detail": "Not found."}`
/// (rather than axum's plain-text 400), like any unknown object.
#[derive(Debug)]
pub(crate) struct PathIds<T>(pub T);

impl<T> FromRequestParts<App> for PathIds<T>
where
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, app)
            .await
            .map(|axum::extract::Path(v)| PathIds(v))
            .map_err(|_| ApiError::not_found())
    }
}

/// One page of `items` as `{"count", "next", "previous", "results"}`, following `page`
/// and `page_size` of the request. Links keep every other query parameter.
pub(crate) fn paginate(ctx: &Ctx, items: Vec<Value>) -> Result<Value, ApiError> {
    let page_size = ctx
        .param("page_size")
        .and_then(|s| s.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .map_or(DEFAULT_PAGE_SIZE, |n| n.min(MAX_PAGE_SIZE));
    let count = items.len();
    let pages = count.div_ceil(page_size).max(1);
    let page = match ctx.param("page") {
        None => 1,
        Some("last") => pages,
        Some(s) => match s.trim().parse::<usize>() {
            Ok(n) if (1..=pages).contains(&n) => n,
            _ => return Err(ApiError::detail(StatusCode::NOT_FOUND, "Invalid page.")),
        },
    };
    let results: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * page_size)
        .take(page_size)
        .collect();
    let next = (page < pages).then(|| ctx.link_to_page(page + 1));
    let previous = (page > 1).then(|| ctx.link_to_page(page - 1));
    Ok(json!({
        "count": count,
        "next": next,
        "previous": previous,
        "results": results,
    }))
}

/// Reads a JSON object body as DRF would: another content type is 415, malformed JSON
/// a 400 parse error, a non-object a 400 `non_field_errors`. An empty body is `{}`.
pub(crate) fn json_object(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, ApiError> {
    if let Some(ct) = headers.get(header::CONTENT_TYPE) {
        let ct = ct.to_str().unwrap_or("");
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            return Err(ApiError::detail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("Unsupported media type \"{ct}\" in request."),
            ));
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Err(e) => Err(ApiError::detail(
            StatusCode::BAD_REQUEST,
            format!("JSON parse error - {e}"),
        )),
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(ApiError::validation(not_a_dict(&other))),
    }
}

/// Maps a failure to read the body (too large, broken connection) to an error answer.
pub(crate) fn body_error(status: StatusCode) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::detail(status, "Request body is too large.")
    } else {
        ApiError::detail(StatusCode::BAD_REQUEST, "Could not read the request body.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(query: &str) -> Ctx {
        Ctx {
            base: "http://h:1".to_string(),
            path: "/api/v2/files/".to_string(),
            query: parse_query(query),
        }
    }

    #[test]
    fn pagination_links_keep_filters() {
        let items: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let p = paginate(&ctx("search=a&page_size=2&page=2"), items.clone()).expect("page");
        assert_eq!(p["count"], 5);
        assert_eq!(p["results"], json!([2, 3]));
        assert_eq!(
            p["next"],
            "http://h:1/api/v2/files/?search=a&page_size=2&page=3"
        );
        assert_eq!(
            p["previous"],
            "http://h:1/api/v2/files/?search=a&page_size=2"
        );
        let last = paginate(&ctx("page_size=2&page=last"), items.clone()).expect("page");
        assert_eq!(last["results"], json!([4]));
        assert_eq!(last["next"], Value::Null);
        assert!(paginate(&ctx("page=4&page_size=2"), items.clone()).is_err());
        assert!(paginate(&ctx("page=0"), items.clone()).is_err());
        assert!(paginate(&ctx("page=x"), items).is_err());
        let empty = paginate(&ctx(""), Vec::new()).expect("empty first page");
        assert_eq!(empty["count"], 0);
    }

    #[test]
    fn page_size_is_defaulted_and_capped() {
        let items: Vec<Value> = (0..1200).map(|i| json!(i)).collect();
        let p = paginate(&ctx(""), items.clone()).expect("page");
        assert_eq!(p["results"].as_array().map(Vec::len), Some(25));
        let p = paginate(&ctx("page_size=5000"), items.clone()).expect("page");
        assert_eq!(p["results"].as_array().map(Vec::len), Some(1000));
        let p = paginate(&ctx("page_size=-3"), items).expect("page");
        assert_eq!(p["results"].as_array().map(Vec::len), Some(25));
    }

    #[test]
    fn auth_header_forms() {
        let config = crate::SimulatorConfig::default();
        let check = |v: Option<&str>| {
            let mut h = HeaderMap::new();
            if let Some(v) = v {
                h.insert(
                    header::AUTHORIZATION,
                    HeaderValue::from_str(v).expect("header"),
                );
            }
            authenticate(&config, &h)
        };
        assert_eq!(check(Some("Token sim-valid-key")), Ok(()));
        assert_eq!(check(Some("Bearer sim-valid-key")), Ok(()));
        assert_eq!(check(Some("token  sim-valid-key")), Ok(()));
        assert_eq!(
            check(None),
            Err("Authentication credentials were not provided.")
        );
        assert_eq!(
            check(Some("Basic abc")),
            Err("Authentication credentials were not provided.")
        );
        assert_eq!(
            check(Some("Token")),
            Err("Invalid token header. No credentials provided.")
        );
        assert_eq!(
            check(Some("Token a b")),
            Err("Invalid token header. Token string should not contain spaces.")
        );
        assert_eq!(
            check(Some("Token sim-expired-key")),
            Err("API key is no longer active")
        );
        assert_eq!(
            check(Some("Token sim-inactive-key")),
            Err("User inactive or deleted")
        );
        assert_eq!(check(Some("Token nope")), Err("Invalid token."));
    }

    #[test]
    fn json_bodies() {
        let mut h = HeaderMap::new();
        assert!(json_object(&h, b"").expect("empty").is_empty());
        assert_eq!(
            json_object(&h, b"{").unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        let err = json_object(&h, b"[1]").unwrap_err();
        assert_eq!(
            err.body,
            json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
        );
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(
            json_object(&h, b"{}").unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
    }
}
