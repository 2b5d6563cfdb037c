//! One API call under construction: method, URL, parameters, body and per-call options.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use crate::{Client, Error, Multipart, RetryPolicy, UploadSource};

/// Bytes of a path parameter left as they are: RFC 3986 "unreserved" characters. Everything
/// else (including `/`, `?`, `#`, `%` and non-ASCII) is percent-encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Bytes of a cookie value that are percent-encoded: those outside RFC 6265's `cookie-octet`
/// (controls, space, `"`, `,`, `;`, `\`, non-ASCII) and `%` itself, so a value cannot add
/// cookies or break the header.
const COOKIE_VALUE: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%');

/// Percent-encodes a cookie value (see [`COOKIE_VALUE`]).
pub(crate) fn encode_cookie_value(value: &str) -> String {
    utf8_percent_encode(value, COOKIE_VALUE).to_string()
}

/// One piece of an operation's path.
#[derive(Debug, Clone, Copy)]
pub enum PathPart<'a> {
    /// Literal text from the path template, used verbatim (may contain `/`).
    Literal(&'static str),
    /// A path parameter, percent-encoded as exactly one path segment.
    Param(&'a str),
    /// A path parameter that may span several segments (`x-allow-slashes` in the spec, such as
    /// `airFoil2D/0/U`): split at `/`, each piece encoded like [`PathPart::Param`], the slashes
    /// kept.
    Segments(&'a str),
}

/// Per-call overrides of the client's settings.
#[derive(Clone, Default, Debug)]
pub struct CallOptions {
    /// Overall timeout of this call instead of the client's (see [`ClientBuilder::timeout`]).
    ///
    /// [`ClientBuilder::timeout`]: crate::ClientBuilder::timeout
    pub timeout: Option<Duration>,
    /// Retry policy of this call instead of the client's.
    pub retry: Option<RetryPolicy>,
}

/// The body of a request.
#[derive(Clone, Debug)]
pub(crate) enum Body {
    None,
    Bytes {
        content_type: &'static str,
        bytes: Bytes,
    },
    Upload {
        content_type: &'static str,
        source: UploadSource,
    },
    Multipart(Multipart),
}

impl Body {
    pub(crate) fn is_replayable(&self) -> bool {
        match self {
            Body::None | Body::Bytes { .. } => true,
            Body::Upload { source, .. } => source.is_replayable(),
            Body::Multipart(form) => form.is_replayable(),
        }
    }
}

/// A request ready to be given to [`Client::execute`].
///
/// Credentials are not stored here; they are added when the request is sent (unless
/// [`Request::no_auth`]), so `Debug` cannot show them. `Debug` also hides the values of
/// headers that commonly carry secrets and of cookies.
#[derive(Clone)]
pub struct Request {
    pub(crate) method: Method,
    /// The URL without query.
    pub(crate) url: Url,
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) cookies: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    pub(crate) auth: bool,
    pub(crate) idempotent: bool,
    pub(crate) options: CallOptions,
}

impl Request {
    /// Starts a request for `path` on the client's base URL (any path prefix of the base URL is
    /// kept).
    ///
    /// `path` parts are concatenated: literals verbatim (they contain '/'), params
    /// percent-encoded as ONE path segment (everything but unreserved chars encoded, so '/',
    /// '?', '#', '%', non-ASCII cannot change the path). A param that is empty, "." or ".." is
    /// refused ([`Error::InvalidArgument`]) because URL normalisation would change the path.
    pub fn new(client: &Client, method: Method, path: &[PathPart<'_>]) -> Result<Request, Error> {
        let base = client.base_url();
        let mut full = base.path().trim_end_matches('/').to_owned();
        let mut joined = String::new();
        for part in path {
            match part {
                PathPart::Literal(text) => joined.push_str(text),
                PathPart::Param(value) => {
                    if value.is_empty() || *value == "." || *value == ".." {
                        return Err(Error::InvalidArgument(format!(
                            "path parameter {value:?} is not allowed: it would change the path"
                        )));
                    }
                    joined.extend(utf8_percent_encode(value, PATH_SEGMENT));
                }
                PathPart::Segments(value) => {
                    // Every piece must stay a segment of its own: an empty one (`a//b`, a
                    // leading or trailing `/`), `.` or `..` would be normalised away or climb.
                    if value
                        .split('/')
                        .any(|s| s.is_empty() || s == "." || s == "..")
                    {
                        return Err(Error::InvalidArgument(format!(
                            "path parameter {value:?} is not allowed: each of its segments must be \
                             non-empty and not `.` or `..`"
                        )));
                    }
                    for (i, segment) in value.split('/').enumerate() {
                        if i > 0 {
                            joined.push('/');
                        }
                        joined.extend(utf8_percent_encode(segment, PATH_SEGMENT));
                    }
                }
            }
        }
        if !joined.starts_with('/') {
            full.push('/');
        }
        full.push_str(&joined);
        let mut url = base.clone();
        url.set_path(&full);
        Ok(Request::with_url(method, url))
    }

    /// A request for an absolute URL (query and fragment removed).
    pub(crate) fn with_url(method: Method, mut url: Url) -> Request {
        url.set_query(None);
        url.set_fragment(None);
        let idempotent = matches!(
            method,
            Method::GET
                | Method::HEAD
                | Method::PUT
                | Method::DELETE
                | Method::OPTIONS
                | Method::TRACE
        );
        Request {
            method,
            url,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: Body::None,
            auth: true,
            idempotent,
            options: CallOptions::default(),
        }
    }

    /// Appends a query parameter. Parameters are sent in call order; repeating a name is allowed
    /// (exploded arrays).
    pub fn query(&mut self, name: &'static str, value: impl Into<String>) {
        self.query.push((Cow::Borrowed(name), value.into()));
    }

    /// Adds a query parameter whose name is built at run time (`filter[key]`).
    pub fn query_owned(&mut self, name: String, value: impl Into<String>) {
        self.query.push((Cow::Owned(name), value.into()));
    }

    /// Adds a header. An invalid name or value is [`Error::InvalidArgument`] (the value is not
    /// echoed in the message).
    pub fn header(&mut self, name: &'static str, value: impl Into<String>) -> Result<(), Error> {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::InvalidArgument(format!("{name:?} is not a valid header name")))?;
        let header_value = HeaderValue::from_str(&value.into()).map_err(|_| {
            Error::InvalidArgument(format!(
                "the value of header {name:?} is not a valid header value"
            ))
        })?;
        self.headers.push((header_name, header_value));
        Ok(())
    }

    /// Adds a cookie (sent in one `Cookie` header, in call order). Characters a cookie value
    /// cannot hold (`;`, `,`, space, `"`, `\`, controls, non-ASCII) and `%` are percent-encoded.
    pub fn cookie(&mut self, name: &'static str, value: impl Into<String>) {
        self.cookies.push((name, value.into()));
    }

    /// Sets a JSON body (`application/json`), serialised now so retries can resend it.
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::InvalidArgument(format!("body does not serialise as JSON: {e}")))?;
        self.body = Body::Bytes {
            content_type: "application/json",
            bytes: bytes.into(),
        };
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body, serialised now.
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let text = serde_urlencoded::to_string(body).map_err(|e| {
            Error::InvalidArgument(format!("body does not serialise as a form: {e}"))
        })?;
        self.body = Body::Bytes {
            content_type: "application/x-www-form-urlencoded",
            bytes: text.into(),
        };
        Ok(())
    }

    /// Sets a raw body of the given content type.
    pub fn bytes(&mut self, content_type: &'static str, body: impl Into<Bytes>) {
        self.body = Body::Bytes {
            content_type,
            bytes: body.into(),
        };
    }

    /// Sets a raw binary body streamed from `body` (its `mime` and file name are not used;
    /// `content_type` is). The length is declared when known.
    pub fn upload(&mut self, content_type: &'static str, body: UploadSource) {
        self.body = Body::Upload {
            content_type,
            source: body,
        };
    }

    /// Sets a multipart/form-data body.
    pub fn multipart(&mut self, form: Multipart) {
        self.body = Body::Multipart(form);
    }

    /// Sends this request without credentials (an operation with `security: []`).
    pub fn no_auth(&mut self) {
        self.auth = false;
    }

    /// Whether the request may be sent twice without harm (decides which failures are
    /// retried). Default from the method: GET/HEAD/PUT/DELETE/OPTIONS/TRACE yes, POST/PATCH no.
    pub fn idempotent(&mut self, yes: bool) {
        self.idempotent = yes;
    }

    /// Per-call options (timeout, retry policy).
    pub fn options(&mut self) -> &mut CallOptions {
        &mut self.options
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL with the query parameters set so far (credentials are never part of it).
    pub fn url(&self) -> Url {
        let mut url = self.url.clone();
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
        }
        url
    }

    /// Removes every query parameter named `name`.
    pub(crate) fn remove_query(&mut self, name: &str) {
        self.query.retain(|(n, _)| n != name);
    }
}

/// Header names whose values `Debug` hides.
fn is_sensitive_header(name: &HeaderName) -> bool {
    let n = name.as_str();
    matches!(
        n,
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || n.contains("key")
        || n.contains("token")
        || n.contains("secret")
        || n.contains("auth")
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a [(HeaderName, HeaderValue)]);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut m = f.debug_map();
                for (name, value) in self.0 {
                    if is_sensitive_header(name) {
                        m.entry(&name.as_str(), &"<redacted>");
                    } else {
                        m.entry(&name.as_str(), &value.to_str().unwrap_or("<non-ascii>"));
                    }
                }
                m.finish()
            }
        }
        let cookie_names: Vec<&str> = self.cookies.iter().map(|(n, _)| *n).collect();
        let body: Cow<'_, str> = match &self.body {
            Body::None => "none".into(),
            Body::Bytes {
                content_type,
                bytes,
            } => format!("{content_type}, {} bytes", bytes.len()).into(),
            Body::Upload {
                content_type,
                source,
            } => format!("{content_type}, {source:?}").into(),
            Body::Multipart(form) => format!("{form:?}").into(),
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url().as_str())
            .field("headers", &Headers(&self.headers))
            .field("cookies", &cookie_names)
            .field("body", &body)
            .field("auth", &self.auth)
            .field("idempotent", &self.idempotent)
            .field("options", &self.options)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::client_for;

    fn client() -> Client {
        client_for("https://api.example.com/prefix/")
    }

    #[test]
    fn params_are_one_encoded_segment() {
        let c = client();
        let cases = [
            ("a/b", "/prefix/api/v2/files/a%2Fb/"),
            ("x?y=1", "/prefix/api/v2/files/x%3Fy%3D1/"),
            ("x#frag", "/prefix/api/v2/files/x%23frag/"),
            ("100%", "/prefix/api/v2/files/100%25/"),
            ("%2e%2e", "/prefix/api/v2/files/%252e%252e/"),
            ("é ü", "/prefix/api/v2/files/%C3%A9%20%C3%BC/"),
            ("...", "/prefix/api/v2/files/.../"),
            ("a.b-c_d~e", "/prefix/api/v2/files/a.b-c_d~e/"),
        ];
        for (param, want) in cases {
            let r = Request::new(
                &c,
                Method::GET,
                &[
                    PathPart::Literal("/api/v2/files/"),
                    PathPart::Param(param),
                    PathPart::Literal("/"),
                ],
            )
            .expect("valid");
            assert_eq!(r.url.path(), want, "{param}");
            assert!(
                r.url.query().is_none() && r.url.fragment().is_none(),
                "{param}"
            );
        }
    }

    #[test]
    fn dot_and_empty_params_are_refused() {
        let c = client();
        for bad in ["", ".", ".."] {
            let r = Request::new(
                &c,
                Method::GET,
                &[PathPart::Literal("/files/"), PathPart::Param(bad)],
            );
            assert!(matches!(r, Err(Error::InvalidArgument(_))), "{bad:?}");
        }
    }

    #[test]
    fn multi_segment_params_keep_their_slashes_and_refuse_dot_segments() {
        let c = client();
        let path = |value: &str| {
            Request::new(
                &c,
                Method::GET,
                &[
                    PathPart::Literal("/runs/1/tail/"),
                    PathPart::Segments(value),
                    PathPart::Literal("/"),
                ],
            )
        };
        let ok = path("airFoil2D/0/U").expect("valid");
        assert_eq!(ok.url.path(), "/prefix/runs/1/tail/airFoil2D/0/U/");
        // Each segment is still encoded: `?`, `#`, `%` and spaces cannot leave the path.
        let odd = path("a b/c?d#e/100%").expect("valid");
        assert_eq!(
            odd.url.path(),
            "/prefix/runs/1/tail/a%20b/c%3Fd%23e/100%25/"
        );
        assert!(odd.url.query().is_none() && odd.url.fragment().is_none());
        for bad in [
            "",
            "/",
            "a//b",
            "/a",
            "a/",
            ".",
            "..",
            "a/../b",
            "../etc/passwd",
            "a/./b",
        ] {
            assert!(
                matches!(path(bad), Err(Error::InvalidArgument(_))),
                "{bad:?} must be refused"
            );
        }
    }

    #[test]
    fn literal_without_leading_slash_still_joins_under_prefix() {
        let c = client();
        let r = Request::new(&c, Method::GET, &[PathPart::Literal("users/me/")]).expect("valid");
        assert_eq!(r.url.as_str(), "https://api.example.com/prefix/users/me/");
    }

    #[test]
    fn cookie_values_cannot_smuggle_cookies() {
        assert_eq!(encode_cookie_value("plain-value_1.2"), "plain-value_1.2");
        assert_eq!(encode_cookie_value("a; admin=1"), "a%3B%20admin=1");
        assert_eq!(
            encode_cookie_value("x,\"y\"\\%\né"),
            "x%2C%22y%22%5C%25%0A%C3%A9"
        );
    }

    #[test]
    fn idempotency_defaults_follow_the_method() {
        let c = client();
        for (m, want) in [
            (Method::GET, true),
            (Method::PUT, true),
            (Method::DELETE, true),
            (Method::HEAD, true),
            (Method::POST, false),
            (Method::PATCH, false),
        ] {
            let mut r = Request::new(&c, m.clone(), &[PathPart::Literal("/x/")]).expect("valid");
            assert_eq!(r.idempotent, want, "{m}");
            r.idempotent(!want);
            assert_eq!(r.idempotent, !want);
        }
    }

    #[test]
    fn bad_headers_are_refused_without_echoing_the_value() {
        let c = client();
        let mut r = Request::new(&c, Method::GET, &[PathPart::Literal("/x/")]).expect("valid");
        let err = r
            .header("X-Thing", "line\nbreak-SECRETVALUE")
            .expect_err("invalid value");
        assert!(matches!(err, Error::InvalidArgument(_)));
        assert!(!err.to_string().contains("SECRETVALUE"));
        assert!(matches!(
            r.header("bad name", "v"),
            Err(Error::InvalidArgument(_))
        ));
        assert!(r.header("X-Ok", "fine").is_ok());
    }

    #[test]
    fn debug_hides_sensitive_header_and_cookie_values() {
        let c = client();
        let mut r = Request::new(&c, Method::GET, &[PathPart::Literal("/x/")]).expect("valid");
        r.header("X-Api-Key", "HEADERSECRET").expect("valid header");
        r.header("Accept", "application/json")
            .expect("valid header");
        r.cookie("session", "COOKIESECRET");
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("HEADERSECRET") && !shown.contains("COOKIESECRET"),
            "{shown}"
        );
        assert!(
            shown.contains("application/json") && shown.contains("session"),
            "{shown}"
        );
    }
}
