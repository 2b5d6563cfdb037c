//! Static API facts, credentials, and where the client's settings come from
//! (explicit values, environment variables, the API's profile), and the API's policy hooks.

use std::fmt;
use std::net::Ipv4Addr;
use std::time::Duration;

use url::{Host, Url};

use crate::{ApiError, ApiErrorKind, Error};

/// Static facts about an API, emitted by the generator as a `pub static API: ApiInfo`.
#[derive(Debug)]
pub struct ApiInfo {
    /// Title of the API.
    pub title: &'static str,
    /// Version of the API description.
    pub version: &'static str,
    /// Known servers; the first is the default base URL.
    pub servers: &'static [ServerInfo],
    /// Security schemes in order of preference; the client uses the first. Empty: no auth.
    pub auth: &'static [AuthScheme],
    /// Prefix of the environment variables read by [`ClientBuilder::from_env`] (e.g. `"ACME"`
    /// for `ACME_API_KEY`).
    ///
    /// [`ClientBuilder::from_env`]: crate::ClientBuilder::from_env
    pub env_prefix: &'static str,
    /// `User-Agent` sent with every request.
    pub user_agent: &'static str,
    /// The path every operation's path starts with (such as `/api/v2`), or `""`. A base URL
    /// ending in it (`https://host/api/v2/`, a common copy-paste) has it removed, since the
    /// operation paths add it again.
    pub path_prefix: &'static str,
    /// What the API decides beyond its spec ([`ApiPolicy::STANDARD`] when nothing).
    pub policy: ApiPolicy,
}

/// One server (base URL) of an API.
#[derive(Debug)]
pub struct ServerInfo {
    /// Short name used to pick it ([`ClientBuilder::server`], `{P}_REGION`); matched ignoring case.
    ///
    /// [`ClientBuilder::server`]: crate::ClientBuilder::server
    pub name: &'static str,
    /// Base URL; may include a path prefix.
    pub url: &'static str,
    /// Human description.
    pub description: &'static str,
}

/// How the credential is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: <scheme> <credential>` (http schemes: "Bearer", "Token"; "Basic" expects
    /// the credential pre-encoded). The API's [`ApiPolicy::http_auth_word`] may pick another
    /// word for keys of some shape.
    Http {
        /// The scheme word, e.g. `"Token"`.
        scheme: &'static str,
    },
    /// The key in a request header of this name.
    ApiKeyHeader {
        /// Header name.
        name: &'static str,
    },
    /// The key in a query parameter of this name.
    ApiKeyQuery {
        /// Parameter name.
        name: &'static str,
    },
    /// The key in a cookie of this name.
    ApiKeyCookie {
        /// Cookie name.
        name: &'static str,
    },
}

/// A secret string (the API key). Its `Debug` never shows the value and it has no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SecretString(String);

impl SecretString {
    pub(crate) fn new(value: String) -> Self {
        SecretString(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Settings found in the environment and the profile, kept apart from explicit ones so that
/// explicit settings win whatever the call order.
#[derive(Debug, Default, Clone)]
pub(crate) struct EnvSettings {
    pub(crate) api_key: Option<SecretString>,
    pub(crate) base_url: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) profile: Option<Result<Profile, String>>,
}

impl EnvSettings {
    /// Reads `{P}_API_KEY`, `{P}_API_BASE_URL`, `{P}_REGION`, then asks the API's
    /// [`ApiPolicy::profile`] for its settings file. `var` looks a variable up; empty values count
    /// as unset.
    pub(crate) fn load(
        prefix: &str,
        policy: &ApiPolicy,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> EnvSettings {
        let get = |suffix: &str| {
            var(&format!("{prefix}_{suffix}"))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        EnvSettings {
            api_key: get("API_KEY").map(SecretString::new),
            base_url: get("API_BASE_URL"),
            region: get("REGION"),
            profile: (policy.profile)(prefix, var).transpose(),
        }
    }
}

/// Settings of an API's own configuration file (a "profile"), the lowest in precedence: below
/// explicit builder calls and environment variables. The runtime knows no file format; an API's
/// [`ApiPolicy::profile`] reads its own.
#[derive(Default, Clone)]
pub struct Profile {
    /// The API key, if the profile has one. Never shown by `Debug`.
    pub api_key: Option<String>,
    /// The base URL, if the profile has one.
    pub base_url: Option<String>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// What an API decides beyond its spec, in one place: how its error answers are classified,
/// where its throttled answers say how long to wait, how a key of some shape is sent, and where
/// its settings file lives. The generated `API` static carries one; a generated crate that knows
/// its API better passes its own through `openapi_gen::Config::policy` (the `rescale` crate does,
/// for Rescale's documented error messages and its `apiconfig` file).
///
/// Every hook is a plain function so that a policy can live in a `static`.
#[derive(Clone, Copy)]
pub struct ApiPolicy {
    /// A finer [`ApiErrorKind`] for an error answer than its status gives (for example
    /// [`ApiErrorKind::KeyExpired`] from a documented message); `None` keeps the status's kind.
    pub classify_error: fn(&ApiError) -> Option<ApiErrorKind>,
    /// How long the body of an error answer says to wait, for servers that say it there rather
    /// than in `Retry-After` (which always wins).
    pub retry_after_in_body: fn(&ApiError) -> Option<Duration>,
    /// The word of `Authorization: <word> <key>` for an [`AuthScheme::Http`] scheme and a key:
    /// the scheme itself unless the API sends keys of some shape differently.
    pub http_auth_word: fn(scheme: &'static str, key: &str) -> &'static str,
    /// The API's profile for [`ClientBuilder::from_env`]: `Ok(None)` when there is none. Gets the
    /// environment prefix and a variable lookup (so a test can supply its own environment).
    ///
    /// [`ClientBuilder::from_env`]: crate::ClientBuilder::from_env
    pub profile: ProfileReader,
}

/// Reads an API's profile: gets the environment prefix and a variable lookup, answers
/// `Ok(None)` when there is no profile (see [`ApiPolicy::profile`]).
pub type ProfileReader =
    fn(env_prefix: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Option<Profile>, String>;

impl ApiPolicy {
    /// No API-specific behaviour: errors classified by status, waits only from `Retry-After`,
    /// the spec's scheme word for every key, no profile file.
    pub const STANDARD: ApiPolicy = ApiPolicy {
        classify_error: |_| None,
        retry_after_in_body: |_| None,
        http_auth_word: |scheme, _| scheme,
        profile: |_, _| Ok(None),
    };
}

impl fmt::Debug for ApiPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiPolicy").finish_non_exhaustive()
    }
}

/// Whether the host is loopback (127.0.0.0/8, ::1, `localhost`).
pub(crate) fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            d.eq_ignore_ascii_case("localhost") || d.eq_ignore_ascii_case("localhost.")
        }
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => {
            ip.is_loopback()
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4: Ipv4Addr| v4.is_loopback())
        }
    }
}

/// Validates a base URL: it must parse, be `https` (or `http` to a loopback host), have a host,
/// and carry no credentials, query or fragment. A trailing `/` is dropped so joining keeps any
/// path prefix.
pub(crate) fn validate_base_url(raw: &str) -> Result<Url, Error> {
    let shown = redact_url(raw);
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::Config(format!("base URL {shown:?} does not parse: {e}")))?;
    let Some(host) = url.host() else {
        return Err(Error::Config(format!("base URL {shown:?} has no host")));
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(Error::Config(format!(
                "base URL {shown:?} uses plain http to a host that is not loopback; use https"
            )));
        }
        other => {
            return Err(Error::Config(format!(
                "base URL scheme {other:?} is not http(s)"
            )));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "base URL must not contain credentials".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {shown:?} must not have a query or fragment"
        )));
    }
    let mut url = url;
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
}

/// `raw` (a URL, or text meant as one) with what may be secret replaced by `REDACTED`: the
/// user name and password, and the query and fragment. Used wherever a URL is shown.
pub(crate) fn redact_url(raw: &str) -> String {
    let raw = raw.trim();
    // Without a parse: cut at the query or fragment, and drop anything before an `@` in the
    // authority.
    let cut = raw.find(['?', '#']).map_or(raw, |at| &raw[..at]);
    let mut out = match cut.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}://REDACTED@{}", &rest[at + 1..]),
                None => cut.to_owned(),
            }
        }
        None => cut.to_owned(),
    };
    if cut.len() < raw.len() {
        out.push_str("?REDACTED");
    }
    out
}

/// Removes `prefix` (such as `/api/v2`, see [`ApiInfo::path_prefix`]) from the end of the base
/// URL's path when it is there as whole segments: the operation paths start with it, so keeping
/// it would ask for `/api/v2/api/v2/jobs/` and every call would be a 404.
pub(crate) fn strip_path_prefix(mut url: Url, prefix: &str) -> Url {
    // Both ends trimmed and a leading `/` matched, so only whole segments are removed.
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() {
        return url;
    }
    let path = url.path().trim_end_matches('/');
    if let Some(rest) = path
        .strip_suffix(prefix)
        .and_then(|rest| rest.strip_suffix('/'))
    {
        let rest = rest.to_owned();
        url.set_path(&rest);
    }
    url
}

/// Whether two URLs have the same scheme, host and port (the port defaulted by scheme).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_redacts() {
        let s = SecretString::new("hunter2".into());
        assert_eq!(format!("{s:?}"), "<redacted>");
    }

    #[test]
    fn urls_are_shown_without_secrets() {
        assert_eq!(
            redact_url("https://user:pw@h.example/api?token=abc#x"),
            "https://REDACTED@h.example/api?REDACTED"
        );
        assert_eq!(redact_url("http://h:1/a"), "http://h:1/a");
        assert_eq!(redact_url("not a url?key=1"), "not a url?REDACTED");
        for raw in [
            "http://user:SECRET@example.com/",
            "https://example.com/?key=SECRET",
            "ftp://u:SECRET@h/",
            "http://u:SECRET@[bad/",
        ] {
            let err = validate_base_url(raw).expect_err(raw).to_string();
            assert!(!err.contains("SECRET"), "{err}");
        }
    }

    #[test]
    fn base_url_rules() {
        assert!(validate_base_url("https://api.example.com").is_ok());
        assert!(validate_base_url("http://127.0.0.1:8080").is_ok());
        assert!(validate_base_url("http://127.5.0.1:8080").is_ok());
        assert!(validate_base_url("http://localhost:1").is_ok());
        assert!(validate_base_url("http://[::1]:1").is_ok());
        for bad in [
            "http://api.example.com",
            "http://10.0.0.1",
            "http://[::2]/",
            "http://localhost.example.com",
            "ftp://localhost",
            "not a url",
            "https://user:pw@host",
            "https://host/?a=1",
            "https://host/#frag",
        ] {
            assert!(
                matches!(validate_base_url(bad), Err(Error::Config(_))),
                "{bad}"
            );
        }
        let u = validate_base_url("https://host/prefix/").expect("valid");
        assert_eq!(u.path(), "/prefix");
    }

    #[test]
    fn the_api_path_prefix_is_stripped_from_a_base_url() {
        let strip = |raw: &str| {
            let url = validate_base_url(raw).expect("valid");
            strip_path_prefix(url, "/api/v2").as_str().to_owned()
        };
        assert_eq!(
            strip("http://127.0.0.1:8080/api/v2/"),
            "http://127.0.0.1:8080/"
        );
        assert_eq!(strip("https://host/api/v2"), "https://host/");
        assert_eq!(strip("https://host/proxy/api/v2/"), "https://host/proxy");
        // Only whole segments, and only at the end.
        assert_eq!(strip("https://host/xapi/v2"), "https://host/xapi/v2");
        assert_eq!(strip("https://host/api/v2/x"), "https://host/api/v2/x");
        assert_eq!(strip("https://host/api/v20"), "https://host/api/v20");
        let url = validate_base_url("https://host/api/v2").expect("valid");
        assert_eq!(strip_path_prefix(url, "").path(), "/api/v2");
    }
}
