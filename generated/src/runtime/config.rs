//! Static API facts, credentials, and where the client's settings come from
//! (explicit values, environment variables, the profile file).

use std::fmt;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use url::{Host, Url};

use crate::runtime::Error;

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
    /// Prefix of the environment variables read by [`ClientBuilder::from_env`]
    /// (e.g. `"RESCALE"`), lower-cased also the directory of the profile file.
    ///
    /// [`ClientBuilder::from_env`]: crate::runtime::ClientBuilder::from_env
    pub env_prefix: &'static str,
    /// `User-Agent` sent with every request.
    pub user_agent: &'static str,
    /// The path every operation's path starts with (such as `/api/v2`), or `""`. A base URL
    /// ending in it (`https://host/api/v2/`, a common copy-paste) has it removed, since the
    /// operation paths add it again.
    pub path_prefix: &'static str,
}

/// One server (base URL) of an API.
#[derive(Debug)]
pub struct ServerInfo {
    /// Short name used to pick it ([`ClientBuilder::server`], `{P}_REGION`); matched ignoring case.
    ///
    /// [`ClientBuilder::server`]: crate::runtime::ClientBuilder::server
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
    /// the credential pre-encoded).
    ///
    /// With scheme `Token`, a key that looks like a JWT (three dot-separated parts, the first
    /// starting with `ey`) is a short-lived session token and is sent as `Bearer <key>`, as
    /// Rescale's own client does.
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

/// Whether a key looks like a JWT: three non-empty dot-separated parts, the first starting `ey`.
pub(crate) fn looks_like_jwt(key: &str) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    parts.len() == 3 && parts[0].starts_with("ey") && parts.iter().all(|p| !p.is_empty())
}

/// Settings found in the environment and the profile file, kept apart from explicit ones so that
/// explicit settings win whatever the call order.
#[derive(Debug, Default, Clone)]
pub(crate) struct EnvSettings {
    pub(crate) api_key: Option<SecretString>,
    pub(crate) base_url: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) profile: Option<Result<Profile, String>>,
}

/// The chosen section of the profile file.
#[derive(Debug, Default, Clone)]
pub(crate) struct Profile {
    pub(crate) api_key: Option<SecretString>,
    pub(crate) base_url: Option<String>,
}

impl EnvSettings {
    /// Reads `{P}_API_KEY`, `{P}_API_BASE_URL`, `{P}_REGION`, then the profile file
    /// (`{P}_CONFIG_FILE`, else `~/.config/{p}/apiconfig`; section `{P}_PROFILE`, else `default`,
    /// else the first). `var` looks a variable up; empty values count as unset.
    pub(crate) fn load(prefix: &str, var: impl Fn(&str) -> Option<String>) -> EnvSettings {
        let get = |suffix: &str| {
            var(&format!("{prefix}_{suffix}"))
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
                    .join(prefix.to_ascii_lowercase())
                    .join("apiconfig"),
            )
        });
        let profile =
            file.map(|path| read_profile(&path, explicit_file.is_some(), section.as_deref()));
        let profile = match profile {
            None | Some(Ok(None)) => None,
            Some(Ok(Some(p))) => Some(Ok(p)),
            Some(Err(e)) => Some(Err(e)),
        };
        EnvSettings {
            api_key: get("API_KEY").map(SecretString::new),
            base_url: get("API_BASE_URL"),
            region: get("REGION"),
            profile,
        }
    }
}

/// Reads the profile file. A missing file is `Ok(None)` unless it was named explicitly.
fn read_profile(
    path: &Path,
    explicit: bool,
    section: Option<&str>,
) -> Result<Option<Profile>, String> {
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
pub(crate) fn parse_profile(text: &str, wanted: Option<&str>) -> Result<Profile, String> {
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
            "apikey" => profile.api_key = Some(SecretString::new(value.to_owned())),
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
    let url = Url::parse(raw.trim())
        .map_err(|e| Error::Config(format!("base URL {raw:?} does not parse: {e}")))?;
    let Some(host) = url.host() else {
        return Err(Error::Config(format!("base URL {raw:?} has no host")));
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(Error::Config(format!(
                "base URL {raw:?} uses plain http to a host that is not loopback; use https"
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
            "base URL {raw:?} must not have a query or fragment"
        )));
    }
    let mut url = url;
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
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
    use std::collections::HashMap;

    #[test]
    fn jwt_detection() {
        assert!(looks_like_jwt("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"));
        assert!(!looks_like_jwt("0123456789abcdef"));
        assert!(!looks_like_jwt("ab.cd.ef"));
        assert!(!looks_like_jwt("eyJ.eyJ"));
        assert!(!looks_like_jwt("eyJ..sig"));
        assert!(!looks_like_jwt("eyJ.a.b.c"));
    }

    #[test]
    fn secret_debug_redacts() {
        let s = SecretString::new("hunter2".into());
        assert_eq!(format!("{s:?}"), "<redacted>");
    }

    #[test]
    fn base_url_rules() {
        assert!(validate_base_url("https://platform.rescale.com").is_ok());
        assert!(validate_base_url("http://127.0.0.1:8080").is_ok());
        assert!(validate_base_url("http://127.5.0.1:8080").is_ok());
        assert!(validate_base_url("http://localhost:1").is_ok());
        assert!(validate_base_url("http://[::1]:1").is_ok());
        for bad in [
            "http://platform.rescale.com",
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
        assert_eq!(
            p.api_key.as_ref().map(SecretString::expose),
            Some("k-default")
        );
        assert_eq!(p.base_url.as_deref(), Some("https://eu.rescale.com"));
        let p = parse_profile(text, Some("OTHER")).expect("parses");
        assert_eq!(
            p.api_key.as_ref().map(SecretString::expose),
            Some("k-other")
        );
        assert!(p.base_url.is_none());
        assert!(parse_profile(text, Some("missing")).is_err());
        let first = parse_profile("[a]\napikey=1\n[b]\napikey=2\n", None).expect("parses");
        assert_eq!(first.api_key.as_ref().map(SecretString::expose), Some("1"));
        assert!(parse_profile("[broken\n", None).is_err());
        assert!(parse_profile("[a]\njunk line\n", None).is_err());
        assert!(parse_profile("", None).expect("empty ok").api_key.is_none());
    }

    #[test]
    fn env_loading_reads_vars_and_profile() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cfg = dir.path().join(".config").join("acme");
        std::fs::create_dir_all(&cfg).expect("mkdir");
        std::fs::write(
            cfg.join("apiconfig"),
            "[default]\napikey = from-file\napibaseurl = https://file\n",
        )
        .expect("write");
        let home = dir.path().to_string_lossy().into_owned();
        let vars: HashMap<String, String> = [
            ("HOME".to_owned(), home.clone()),
            ("ACME_API_KEY".to_owned(), " from-env \n".to_owned()),
            ("ACME_REGION".to_owned(), "".to_owned()),
        ]
        .into();
        let env = EnvSettings::load("ACME", |k| vars.get(k).cloned());
        assert_eq!(
            env.api_key.as_ref().map(SecretString::expose),
            Some("from-env")
        );
        assert!(env.region.is_none());
        let profile = env.profile.expect("profile found").expect("profile ok");
        assert_eq!(
            profile.api_key.as_ref().map(SecretString::expose),
            Some("from-file")
        );

        // An explicitly named but missing file is an error; a missing default one is not.
        let vars: HashMap<String, String> = [(
            "ACME_CONFIG_FILE".to_owned(),
            dir.path().join("nope").to_string_lossy().into_owned(),
        )]
        .into();
        let env = EnvSettings::load("ACME", |k| vars.get(k).cloned());
        assert!(matches!(env.profile, Some(Err(_))));
        let vars: HashMap<String, String> = [(
            "HOME".to_owned(),
            dir.path().join("x").to_string_lossy().into_owned(),
        )]
        .into();
        assert!(
            EnvSettings::load("ACME", |k| vars.get(k).cloned())
                .profile
                .is_none()
        );
    }
}
