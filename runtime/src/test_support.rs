//! Shared fixtures of the runtime's tests.

use std::time::Duration;

use crate::{
    ApiErrorKind, ApiInfo, ApiPolicy, AuthScheme, Client, Profile, RetryPolicy, ServerInfo,
    StatusCode,
};

/// The key every test client uses; tests assert it never shows up in output.
pub(crate) const KEY: &str = "k3y-SUPERSECRET-0123456789abcdef";

/// The policy of the test [`API`], to check that the client applies each hook: a few `detail`
/// messages of 401s name credential kinds, a 429's `"retry in N s"` detail is a wait, a key
/// starting `ey` and holding two dots goes as `Bearer`, and the profile comes from the variables
/// `{P}_PROFILE_KEY` and `{P}_PROFILE_URL` (`{P}_PROFILE_URL=broken` is a broken profile).
pub(crate) const TEST_POLICY: ApiPolicy = ApiPolicy {
    classify_error: |e| {
        if e.status() != StatusCode::UNAUTHORIZED {
            return None;
        }
        match e.detail()? {
            "API key is no longer active" => Some(ApiErrorKind::KeyExpired),
            "User inactive or deleted" => Some(ApiErrorKind::UserInactive),
            "Invalid token." => Some(ApiErrorKind::InvalidToken),
            _ => None,
        }
    },
    retry_after_in_body: |e| {
        let rest = e.detail()?.strip_prefix("retry in ")?.strip_suffix(" s")?;
        rest.parse().ok().map(Duration::from_secs)
    },
    http_auth_word: |scheme, key| {
        if key.starts_with("ey") && key.matches('.').count() == 2 {
            "Bearer"
        } else {
            scheme
        }
    },
    profile: |prefix, var| {
        let key = var(&format!("{prefix}_PROFILE_KEY"));
        let url = var(&format!("{prefix}_PROFILE_URL"));
        if url.as_deref() == Some("broken") {
            return Err("the test profile is broken".into());
        }
        Ok((key.is_some() || url.is_some()).then_some(Profile {
            api_key: key,
            base_url: url,
        }))
    },
};

/// A test API with `Authorization: Token` auth and [`TEST_POLICY`].
pub(crate) static API: ApiInfo = ApiInfo {
    title: "Test API",
    version: "1",
    servers: &[
        ServerInfo {
            name: "main",
            url: "https://api.example.com",
            description: "default",
        },
        ServerInfo {
            name: "eu",
            url: "https://eu.example.com/base/",
            description: "Europe",
        },
    ],
    auth: &[AuthScheme::Http { scheme: "Token" }],
    env_prefix: "TESTAPI",
    user_agent: "test-client/1.0",
    path_prefix: "",
    policy: TEST_POLICY,
};

/// A test API with the key in a query parameter.
pub(crate) static QUERY_API: ApiInfo = ApiInfo {
    title: "Query API",
    version: "1",
    servers: &[],
    auth: &[AuthScheme::ApiKeyQuery { name: "api_key" }],
    env_prefix: "QUERYAPI",
    user_agent: "test-client/1.0",
    path_prefix: "",
    policy: ApiPolicy::STANDARD,
};

/// A test API with the key in a custom header.
pub(crate) static HEADER_API: ApiInfo = ApiInfo {
    title: "Header API",
    version: "1",
    servers: &[],
    auth: &[AuthScheme::ApiKeyHeader { name: "X-Api-Key" }],
    env_prefix: "HEADERAPI",
    user_agent: "test-client/1.0",
    path_prefix: "",
    policy: ApiPolicy::STANDARD,
};

/// A test API with the key in a cookie.
pub(crate) static COOKIE_API: ApiInfo = ApiInfo {
    title: "Cookie API",
    version: "1",
    servers: &[],
    auth: &[AuthScheme::ApiKeyCookie { name: "sid" }],
    env_prefix: "COOKIEAPI",
    user_agent: "test-client/1.0",
    path_prefix: "",
    policy: ApiPolicy::STANDARD,
};

/// A client of [`API`] against `base` with [`KEY`], fast retries and no jitter.
pub(crate) fn client_for(base: &str) -> Client {
    Client::builder(&API)
        .base_url(base)
        .api_key(KEY)
        .retry_policy(fast_retries())
        .build()
        .expect("test client builds")
}

/// Three retries with millisecond backoffs.
pub(crate) fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .with_jitter(false)
}
