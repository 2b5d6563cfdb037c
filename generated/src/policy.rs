//! What Rescale decides beyond its spec, handed to the runtime as its [`ApiPolicy`] (through
//! `build.rs`, which names [`POLICY`] in the generated `API`) and as a ready [`RateLimit`]:
//!
//! - the documented `detail` messages that mean an expired key, a deactivated user or an unknown
//!   key ([`ApiErrorKind::KeyExpired`], [`ApiErrorKind::UserInactive`],
//!   [`ApiErrorKind::InvalidToken`]);
//! - the wait in a throttled answer's "Expected available in N seconds." when it has no
//!   `Retry-After` header;
//! - short-lived session tokens (JWTs) sent as `Bearer`, as Rescale's own client sends them;
//! - Rescale's settings file, `~/.config/rescale/apiconfig`;
//! - the hourly rate limits per scope ([`rate_limits`]).

use std::path::{Path, PathBuf};
use std::time::Duration;

#[cfg(feature = "rate-limit")]
use crate::runtime::RateLimit;
use crate::runtime::{ApiError, ApiErrorKind, ApiPolicy, Method, Profile, StatusCode};

/// Rescale's policy; the generated [`API`](crate::API) carries it, so every client of this
/// crate applies it.
pub const POLICY: ApiPolicy = ApiPolicy {
    classify_error,
    retry_after_in_body,
    http_auth_word,
    profile,
};

/// Scope of job submissions (`POST jobs/{id}/submit/`) in [`rate_limits`].
pub const SCOPE_SUBMISSION: &str = "submission";
/// Scope of job reads (`GET`/`HEAD` under `jobs/`) in [`rate_limits`].
pub const SCOPE_JOB_READS: &str = "job-reads";
/// Scope of every other request in [`rate_limits`].
pub const SCOPE_OTHER: &str = "other";

#[cfg(feature = "rate-limit")]
const HOUR: Duration = Duration::from_secs(3600);

/// Rescale's documented per-key hourly limits, for
/// [`ClientBuilder::rate_limit`](crate::runtime::ClientBuilder::rate_limit): job submission
/// (`POST jobs/{id}/submit/`) 1,000, job reads (`GET`/`HEAD` under `jobs/`) 90,000, everything
/// else 7,200, each with a burst of a tenth of the limit. See [`rate_limit_scope`] for the
/// classification. Give clones of one limiter to every client that shares a key.
#[cfg(feature = "rate-limit")]
pub fn rate_limits() -> RateLimit {
    RateLimit::new(rate_limit_scope)
        .scope(SCOPE_SUBMISSION, 1_000, HOUR)
        .scope(SCOPE_JOB_READS, 90_000, HOUR)
        .scope(SCOPE_OTHER, 7_200, HOUR)
}

/// Classifies a request for [`rate_limits`]: `POST …/jobs/{id}/submit/` is
/// [`SCOPE_SUBMISSION`], a `GET` or `HEAD` under `…/jobs/` is [`SCOPE_JOB_READS`], anything else
/// [`SCOPE_OTHER`].
pub fn rate_limit_scope(method: &Method, path: &str) -> Option<&'static str> {
    let jobs = path.find("/jobs/").map(|at| &path[at + "/jobs/".len()..]);
    match jobs {
        Some(rest) if *method == Method::POST => {
            let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
            if parts.len() == 2 && !parts[0].is_empty() && parts[1] == "submit" {
                Some(SCOPE_SUBMISSION)
            } else {
                Some(SCOPE_OTHER)
            }
        }
        Some(_) if *method == Method::GET || *method == Method::HEAD => Some(SCOPE_JOB_READS),
        _ => Some(SCOPE_OTHER),
    }
}

/// The credential kinds of 401 and 403 answers, from their documented `detail` messages.
fn classify_error(error: &ApiError) -> Option<ApiErrorKind> {
    if !matches!(error.status().as_u16(), 401 | 403) {
        return None;
    }
    let detail = error.detail()?;
    let normalized = detail.trim().trim_end_matches('.').to_ascii_lowercase();
    match normalized.as_str() {
        "api key is no longer active" => Some(ApiErrorKind::KeyExpired),
        "user inactive or deleted" => Some(ApiErrorKind::UserInactive),
        "invalid token" => Some(ApiErrorKind::InvalidToken),
        _ => None,
    }
}

/// Reads N from a 429's "Request was throttled. Expected available in N seconds."
fn retry_after_in_body(error: &ApiError) -> Option<Duration> {
    if error.status() != StatusCode::TOO_MANY_REQUESTS {
        return None;
    }
    let lower = error.detail()?.to_ascii_lowercase();
    let rest = &lower[lower.find("available in ")? + "available in ".len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse::<u64>().ok().map(Duration::from_secs)
}

/// `Token <key>`, except that a key looking like a JWT (a short-lived session token) goes as
/// `Bearer <key>`, as Rescale's own client sends it.
fn http_auth_word(scheme: &'static str, key: &str) -> &'static str {
    if scheme.eq_ignore_ascii_case("token") && looks_like_jwt(key) {
        "Bearer"
    } else {
        scheme
    }
}

/// Whether a key looks like a JWT: three non-empty dot-separated parts, the first starting `ey`.
fn looks_like_jwt(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    parts.len() == 3 && parts[0].starts_with("ey") && parts.iter().all(|p| !p.is_empty())
}

/// Rescale's settings file: `{P}_CONFIG_FILE`, else `~/.config/rescale/apiconfig` (`P` the
/// environment prefix, `RESCALE`), an INI file whose section `{P}_PROFILE` (default `default`,
/// else the first section) has the keys `apikey` and `apibaseurl`. A missing default file is no
/// profile; a missing named one is an error.
fn profile(
    env_prefix: &str,
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Profile>, String> {
    let get = |suffix: &str| {
        var(&format!("{env_prefix}_{suffix}"))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let explicit_file = get("CONFIG_FILE").map(PathBuf::from);
    let section = get("PROFILE");
    let file = explicit_file.clone().or_else(|| {
        let home = var("HOME")
            .or_else(|| var("USERPROFILE"))
            .filter(|h| !h.is_empty())?;
        Some(
            Path::new(&home)
                .join(".config")
                .join(env_prefix.to_ascii_lowercase())
                .join("apiconfig"),
        )
    });
    match file {
        Some(path) => read_profile(&path, explicit_file.is_some(), section.as_deref()),
        None => Ok(None),
    }
}

/// Reads the profile file. A missing file is `Ok(None)` unless it was named explicitly.
fn read_profile(
    path: &Path,
    explicit: bool,
    section: Option<&str>,
) -> Result<Option<Profile>, String> {
    #[cfg(unix)]
    {
        // As ssh does: a file that others can write could send the key anywhere.
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o022 != 0
        {
            return Err(format!(
                "profile file {} is writable by other users (mode {:o}), so it is not used; \
                 run `chmod go-w {}`",
                path.display(),
                meta.permissions().mode() & 0o777,
                path.display()
            ));
        }
    }
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => return Ok(None),
        Err(e) => return Err(format!("cannot read profile file {}: {e}", path.display())),
    };
    parse_profile(&text, section)
        .map(Some)
        .map_err(|e| format!("profile file {}: {e}", path.display()))
}

/// Parses the INI profile text and picks a section: `wanted` if given (missing = error), else
/// `default`, else the first section. Keys (`apikey`, `apibaseurl`) match ignoring case; `#` and
/// `;` start comment lines; values may be quoted.
fn parse_profile(text: &str, wanted: Option<&str>) -> Result<Profile, String> {
    let mut sections: Vec<(String, Profile)> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(inner) = line.strip_prefix('[') {
            let Some(name) = inner.strip_suffix(']') else {
                return Err(format!("line {}: unterminated section header", n + 1));
            };
            sections.push((name.trim().to_owned(), Profile::default()));
            continue;
        }
        let Some(split) = line.find(['=', ':']) else {
            return Err(format!("line {}: expected `key = value`", n + 1));
        };
        let key = line[..split].trim().to_ascii_lowercase();
        let value = unquote(line[split + 1..].trim());
        // Keys before any section header belong to no profile and are ignored.
        let Some((_, profile)) = sections.last_mut() else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        match key.as_str() {
            "apikey" => profile.api_key = Some(value.to_owned()),
            "apibaseurl" => profile.base_url = Some(value.to_owned()),
            _ => {}
        }
    }
    let pick = |name: &str| {
        sections
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(name))
            .map(|(_, p)| p.clone())
    };
    match wanted {
        Some(name) => pick(name).ok_or_else(|| format!("no section [{name}]")),
        None => Ok(pick("default")
            .or_else(|| sections.first().map(|(_, p)| p.clone()))
            .unwrap_or_default()),
    }
}

fn unquote(value: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(q).and_then(|v| v.strip_suffix(q)) {
            return inner;
        }
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Bytes, HeaderMap};
    use std::collections::HashMap;

    fn err(status: u16, body: &str) -> ApiError {
        ApiError::new(
            StatusCode::from_u16(status).expect("valid status"),
            HeaderMap::new(),
            Bytes::copy_from_slice(body.as_bytes()),
            false,
        )
        .with_policy(&POLICY)
    }

    #[test]
    fn documented_details_name_credential_kinds() {
        let cases = [
            (401, "API key is no longer active", ApiErrorKind::KeyExpired),
            (401, "User inactive or deleted", ApiErrorKind::UserInactive),
            (401, "Invalid token.", ApiErrorKind::InvalidToken),
            (403, "Invalid token.", ApiErrorKind::InvalidToken),
            (
                401,
                "Authentication credentials were not provided.",
                ApiErrorKind::Unauthorized,
            ),
            (403, "You do not have permission.", ApiErrorKind::Forbidden),
            (404, "Invalid token.", ApiErrorKind::NotFound),
        ];
        for (status, detail, kind) in cases {
            let body = serde_json::json!({ "detail": detail }).to_string();
            assert_eq!(err(status, &body).kind(), kind, "{status} {detail}");
        }
    }

    #[test]
    fn throttled_detail_gives_the_wait() {
        let e = err(
            429,
            r#"{"detail":"Request was throttled. Expected available in 12 seconds."}"#,
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(12)));
        let not_throttled = err(400, r#"{"detail":"Expected available in 12 seconds."}"#);
        assert_eq!(not_throttled.retry_after(), None);
    }

    #[test]
    fn jwts_go_as_bearer() {
        assert_eq!(
            http_auth_word("Token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"),
            "Bearer"
        );
        assert_eq!(http_auth_word("Token", "0123456789abcdef"), "Token");
        assert_eq!(http_auth_word("Bearer", "ab.cd.ef"), "Bearer");
        for not_jwt in ["ab.cd.ef", "eyJ.eyJ", "eyJ..sig", "eyJ.a.b.c"] {
            assert!(!looks_like_jwt(not_jwt), "{not_jwt}");
        }
    }

    #[test]
    fn rate_limit_scopes() {
        let limits = rate_limits();
        let cases = [
            (Method::POST, "/api/v2/jobs/abc/submit/", SCOPE_SUBMISSION),
            (Method::POST, "/api/v2/jobs/abc/submit", SCOPE_SUBMISSION),
            (Method::POST, "/api/v2/jobs/", SCOPE_OTHER),
            (Method::POST, "/api/v2/jobs/abc/stop/", SCOPE_OTHER),
            (Method::GET, "/api/v2/jobs/abc/statuses/", SCOPE_JOB_READS),
            (Method::GET, "/api/v2/jobs/", SCOPE_JOB_READS),
            (Method::HEAD, "/api/v2/jobs/abc/", SCOPE_JOB_READS),
            (Method::DELETE, "/api/v2/jobs/abc/", SCOPE_OTHER),
            (Method::GET, "/api/v2/files/", SCOPE_OTHER),
            (Method::POST, "/api/v2/files/contents/", SCOPE_OTHER),
        ];
        for (method, path, want) in cases {
            assert_eq!(
                limits.scope_of(&method, path),
                Some(want),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn profile_parsing_and_selection() {
        let text = "\
; comment
# another
[other]
apikey = k-other
[default]
APIBASEURL = https://eu.rescale.com
apikey = \"k-default\"
[empty]
";
        let p = parse_profile(text, None).expect("parses");
        assert_eq!(p.api_key.as_deref(), Some("k-default"));
        assert_eq!(p.base_url.as_deref(), Some("https://eu.rescale.com"));
        let p = parse_profile(text, Some("OTHER")).expect("parses");
        assert_eq!(p.api_key.as_deref(), Some("k-other"));
        assert!(p.base_url.is_none());
        assert!(parse_profile(text, Some("missing")).is_err());
        let first = parse_profile("[a]\napikey=1\n[b]\napikey=2\n", None).expect("parses");
        assert_eq!(first.api_key.as_deref(), Some("1"));
        assert!(parse_profile("[broken\n", None).is_err());
        assert!(parse_profile("[a]\njunk line\n", None).is_err());
        assert!(parse_profile("", None).expect("empty ok").api_key.is_none());
    }

    #[test]
    fn profile_file_location_and_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join(".config").join("rescale");
        std::fs::create_dir_all(&cfg).expect("mkdir");
        std::fs::write(
            cfg.join("apiconfig"),
            "[default]\napikey = from-file\napibaseurl = https://file\n[work]\napikey = work\n",
        )
        .expect("write");
        let home = dir.path().to_string_lossy().into_owned();
        let lookup = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let vars = lookup(&[("HOME", &home)]);
        let found = profile("RESCALE", &|k| vars.get(k).cloned())
            .expect("reads")
            .expect("found");
        assert_eq!(found.api_key.as_deref(), Some("from-file"));
        assert_eq!(found.base_url.as_deref(), Some("https://file"));
        let vars = lookup(&[("HOME", &home), ("RESCALE_PROFILE", "work")]);
        let work = profile("RESCALE", &|k| vars.get(k).cloned())
            .expect("reads")
            .expect("found");
        assert_eq!(work.api_key.as_deref(), Some("work"));

        // An explicitly named but missing file is an error; a missing default one is not.
        let missing = dir.path().join("nope").to_string_lossy().into_owned();
        let vars = lookup(&[("RESCALE_CONFIG_FILE", &missing)]);
        assert!(profile("RESCALE", &|k| vars.get(k).cloned()).is_err());
        let elsewhere = dir.path().join("x").to_string_lossy().into_owned();
        let vars = lookup(&[("HOME", &elsewhere)]);
        assert!(
            profile("RESCALE", &|k| vars.get(k).cloned())
                .expect("no file is fine")
                .is_none()
        );
    }
}
