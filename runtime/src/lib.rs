//! The runtime of the clients that `openapi-gen` generates: HTTP, authentication, errors,
//! retries, timeouts, rate limits, pagination and streamed transfers.
//!
//! A generated crate depends on this one as an ordinary dependency (as progenitor's clients depend
//! on `progenitor-client`). It defines its own `Client` type wrapping [`Client`], a static
//! [`ApiInfo`] with the spec's servers and authentication, and one request builder per operation;
//! the builders build a request, send it with [`Client::execute`] and decode the answer. Several
//! generated clients in one program share this crate's [`Error`], [`ApiResponse`] and
//! [`RetryPolicy`].
//!
//! Nothing here is specific to one API. What an API decides beyond its spec (how its error
//! messages map to [`ApiErrorKind`]s, a wait written in a throttled answer's body, how keys of
//! some shape are sent, its settings file) is an [`ApiPolicy`] the generated crate passes in
//! through its `ApiInfo`; an API's rate limits are a [`RateLimit`] it can offer ready-made.
//!
//! Items marked hidden in these docs (request building, parameter encoding, pagination
//! plumbing) are for generated code only: they may change in any release.
//!
//! # reqwest in the public API
//!
//! [`Method`], [`StatusCode`] and [`HeaderMap`] (re-exported here), [`ClientBuilder::http_client`]
//! and the source of [`Error::Transport`] are reqwest's (and the `http` crate's) types, on
//! purpose: a caller can bring a configured `reqwest::Client` (proxy, TLS roots) and inspect
//! transport failures without a parallel set of types. The price: a major version of reqwest is
//! a major version of this crate.
//!
//! The API key never appears in the `Debug` or `Display` output of any type here.

#![warn(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented
    )
)]

mod client;
mod config;
mod download;
mod error;
mod pagination;
mod params;
#[cfg(feature = "rate-limit")]
mod ratelimit;
mod request;
mod response;
mod retry;
mod upload;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use bytes::Bytes;
pub use reqwest::Method;
pub use reqwest::StatusCode;
pub use reqwest::header::HeaderMap;

pub use client::{Client, ClientBuilder};
pub use config::{ApiInfo, ApiPolicy, AuthScheme, Profile, ProfileReader, ServerInfo};
pub use error::{ApiError, ApiErrorKind, Error, TimeoutError, TimeoutKind};
pub use futures::Stream;
pub use pagination::{ItemStream, paginate};
#[doc(hidden)]
pub use pagination::{NextPage, Page, paginate_prepared};
#[doc(hidden)]
pub use params::{ObjectStyle, comma_separated, json_text, param_text, query_structured};
#[cfg(feature = "rate-limit")]
pub use ratelimit::{Classifier, RateLimit};
pub use request::{CallOptions, PathPart, Request};
pub use response::{ApiResponse, ByteStream, RawResponse};
pub use retry::RetryPolicy;
pub use upload::{Multipart, Tap, TapEvent, UploadSource};
