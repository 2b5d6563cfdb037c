//! `files/`: upload, list, metadata, download (with `Range`), lines, delete.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{ApiError, App, Ctx, PathIds, body_error, json_object, json_response, paginate};
use crate::state::file_type;
use crate::validate::Fields;

/// `GET files/`: every file, newest first; `search` keeps names containing it
/// (case-insensitive).
pub(super) async fn list(State(app): State<App>, ctx: Ctx) -> Result<Response, ApiError> {
    let w = app.world();
    let search = ctx.param("search").map(str::to_lowercase);
    let items: Vec<Value> = w
        .files_newest_first()
        .into_iter()
        .filter(|f| {
            search
                .as_deref()
                .is_none_or(|s| f.name.to_lowercase().contains(s))
        })
        .map(|f| w.file_json(f, &ctx.base))
        .collect();
    Ok(json_response(StatusCode::OK, paginate(&ctx, items)?))
}

/// `POST files/contents/`: multipart upload, field `file` (its filename becomes the
/// name), optional field `type_id` (default 1, input). 201 with the File.
pub(super) async fn upload(
    State(app): State<App>,
    ctx: Ctx,
    req: Request,
) -> Result<Response, ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("multipart/form-data")
    {
        return Err(ApiError::detail(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Unsupported media type \"{content_type}\" in request."),
        ));
    }
    let mut multipart = Multipart::from_request(req, &()).await.map_err(|e| {
        ApiError::detail(
            StatusCode::BAD_REQUEST,
            format!("Multipart form parse error - {}", e.body_text()),
        )
    })?;
    let multipart_error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            body_error(StatusCode::PAYLOAD_TOO_LARGE)
        } else {
            ApiError::detail(
                StatusCode::BAD_REQUEST,
                format!("Multipart form parse error - {}", e.body_text()),
            )
        }
    };
    let mut file: Option<(Option<String>, Bytes)> = None;
    let mut type_id_text: Option<String> = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().map(str::to_string);
                let data = field.bytes().await.map_err(multipart_error)?;
                file = Some((name, data));
            }
            Some("type_id") | Some("typeId") => {
                type_id_text = Some(field.text().await.map_err(multipart_error)?);
            }
            _ => {}
        }
    }
    let mut errors = serde_json::Map::new();
    let type_id = match type_id_text.as_deref().map(str::trim) {
        None | Some("") => file_type::INPUT,
        Some(t) => match t.parse::<u8>() {
            Ok(n) if file_type::ALL.contains(&n) => n,
            _ => {
                errors.insert(
                    "type_id".to_string(),
                    json!([format!("\"{t}\" is not a valid file type id.")]),
                );
                file_type::INPUT
            }
        },
    };
    let (name, data) = match file {
        None => {
            errors.insert("file".to_string(), json!(["No file was submitted."]));
            (String::new(), Bytes::new())
        }
        Some((None, _)) => {
            errors.insert(
                "file".to_string(),
                json!(["The submitted data was not a file. Check the encoding type on the form."]),
            );
            (String::new(), Bytes::new())
        }
        Some((Some(name), data)) => {
            // Browsers and some clients send a full path; keep the last part.
            let base = name.rsplit(['/', '\\']).next().unwrap_or("").to_string();
            if base.is_empty() {
                errors.insert("file".to_string(), json!(["No file was submitted."]));
            }
            (base, data)
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(Value::Object(errors)));
    }
    let mut w = app.world();
    let id = w.add_file(&name, type_id, data);
    let body = w
        .files
        .get(&id)
        .map(|f| w.file_json(f, &ctx.base))
        .unwrap_or(Value::Null);
    Ok(json_response(StatusCode::CREATED, body))
}

/// `GET files/{id}/`.
pub(super) async fn get(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let file = w.files.get(&id).ok_or_else(ApiError::not_found)?;
    Ok(json_response(StatusCode::OK, w.file_json(file, &ctx.base)))
}

/// `PATCH files/{id}/`: `name`, `typeId`, `relativePath` and `sharedWith` can change;
/// other fields are read-only and ignored.
pub(super) async fn patch(
    State(app): State<App>,
    ctx: Ctx,
    PathIds(id): PathIds<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|e| body_error(e.status()))?;
    let obj = json_object(&headers, &body)?;
    let mut w = app.world();
    if !w.files.contains_key(&id) {
        return Err(ApiError::not_found());
    }
    let mut f = Fields::new(&obj);
    let name = if obj.contains_key("name") {
        f.required_string("name")
    } else {
        None
    };
    let relative_path = f.optional_string("relativePath");
    let type_id = f.present("typeId").map(|_| f.int("typeId", 0, 1));
    if let Some(t) = type_id
        && !u8::try_from(t).is_ok_and(|t| file_type::ALL.contains(&t))
    {
        f.error("typeId", format!("\"{t}\" is not a valid choice."));
    }
    let shared_with = match f.present("sharedWith") {
        None => None,
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>(),
        ),
        Some(_) => {
            f.error("sharedWith", "Expected a list of strings.");
            None
        }
    };
    f.finish().map_err(ApiError::validation)?;
    let Some(file) = w.files.get_mut(&id) else {
        return Err(ApiError::not_found());
    };
    if let Some(name) = name {
        file.name = name;
    }
    if let Some(path) = relative_path {
        file.relative_path = path;
    }
    if let Some(t) = type_id.and_then(|t| u8::try_from(t).ok()) {
        file.type_id = t;
    }
    if let Some(shared) = shared_with {
        file.shared_with = shared;
    }
    let file = file.clone();
    Ok(json_response(StatusCode::OK, w.file_json(&file, &ctx.base)))
}

/// `DELETE files/{id}/`: 204.
pub(super) async fn delete(
    State(app): State<App>,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let mut w = app.world();
    w.files.remove(&id).ok_or_else(ApiError::not_found)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The outcome of a `Range` header against a length.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RangeAnswer {
    /// No range (or one that is ignored): the whole body.
    Full,
    /// Bytes `start..=end`.
    Partial(u64, u64),
    /// 416.
    Unsatisfiable,
}

/// Interprets a `Range` header for a body of `len` bytes. Only one `bytes=` range is
/// honoured; several ranges or a malformed header give the whole body, as RFC 9110 allows.
pub(crate) fn range_answer(header: &str, len: u64) -> RangeAnswer {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return RangeAnswer::Full;
    };
    let spec = spec.trim();
    if spec.contains(',') {
        return RangeAnswer::Full;
    }
    let Some((first, last)) = spec.split_once('-') else {
        return RangeAnswer::Full;
    };
    let (first, last) = (first.trim(), last.trim());
    if first.is_empty() {
        // Suffix: the last N bytes.
        let Ok(n) = last.parse::<u64>() else {
            return RangeAnswer::Full;
        };
        if n == 0 || len == 0 {
            return RangeAnswer::Unsatisfiable;
        }
        return RangeAnswer::Partial(len.saturating_sub(n), len - 1);
    }
    let Ok(start) = first.parse::<u64>() else {
        return RangeAnswer::Full;
    };
    let end = if last.is_empty() {
        None
    } else {
        match last.parse::<u64>() {
            Ok(e) if e >= start => Some(e),
            _ => return RangeAnswer::Full,
        }
    };
    if start >= len {
        return RangeAnswer::Unsatisfiable;
    }
    RangeAnswer::Partial(start, end.map_or(len - 1, |e| e.min(len - 1)))
}

/// `GET files/{id}/contents/`: the bytes, honouring a single `Range`.
pub(super) async fn download(
    State(app): State<App>,
    PathIds(id): PathIds<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (name, md5, data) = {
        let w = app.world();
        let file = w.files.get(&id).ok_or_else(ApiError::not_found)?;
        (file.name.clone(), file.md5.clone(), file.data.clone())
    };
    let len = data.len() as u64;
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map_or(RangeAnswer::Full, |h| range_answer(h, len));
    let safe_name: String = name
        .chars()
        .map(|c| if c == '"' || c.is_control() { '_' } else { c })
        .collect();
    let mut resp = match range {
        RangeAnswer::Full => (StatusCode::OK, data).into_response(),
        RangeAnswer::Partial(start, end) => {
            let mut resp = (
                StatusCode::PARTIAL_CONTENT,
                data.slice(start as usize..=end as usize),
            )
                .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{end}/{len}")) {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            resp
        }
        RangeAnswer::Unsatisfiable => {
            let mut resp = ApiError::detail(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "Requested range not satisfiable.",
            )
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                resp.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return Ok(resp);
        }
    };
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{md5}\"")) {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

/// `GET files/{id}/lines/`: `{"lines": [...]}`, the file as UTF-8 text (invalid bytes
/// replaced) split into lines.
pub(super) async fn lines(
    State(app): State<App>,
    PathIds(id): PathIds<String>,
) -> Result<Response, ApiError> {
    let w = app.world();
    let file = w.files.get(&id).ok_or_else(ApiError::not_found)?;
    let text = String::from_utf8_lossy(&file.data);
    let lines: Vec<&str> = text.lines().collect();
    Ok(json_response(StatusCode::OK, json!({ "lines": lines })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        use RangeAnswer::*;
        assert_eq!(range_answer("bytes=0-9", 100), Partial(0, 9));
        assert_eq!(range_answer("bytes=90-", 100), Partial(90, 99));
        assert_eq!(range_answer("bytes=90-500", 100), Partial(90, 99));
        assert_eq!(range_answer("bytes=-10", 100), Partial(90, 99));
        assert_eq!(range_answer("bytes=-500", 100), Partial(0, 99));
        assert_eq!(range_answer("bytes=100-", 100), Unsatisfiable);
        assert_eq!(range_answer("bytes=-0", 100), Unsatisfiable);
        assert_eq!(range_answer("bytes=0-", 0), Unsatisfiable);
        assert_eq!(range_answer("bytes=5-2", 100), Full);
        assert_eq!(range_answer("bytes=0-1,5-6", 100), Full);
        assert_eq!(range_answer("items=0-1", 100), Full);
        assert_eq!(range_answer("bytes=a-b", 100), Full);
    }
}
