//! Shared fixtures of the runtime's tests.

use std::time::Duration;

use crate::runtime::{ApiInfo, AuthScheme, Client, RetryPolicy, ServerInfo};

/// The key every test client uses; tests assert it never shows up in output.
pub(crate) const KEY: &str = "k3y-SUPERSECRET-0123456789abcdef";

/// A test API with `Authorization: Token` auth.
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
