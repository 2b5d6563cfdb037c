//! Hand-written runtime of the client: HTTP, auth, errors, retries, timeouts, rate limits,
//! pagination.
//!
//! The generated code builds a [`Request`] per operation, sends it with [`Client::execute`], and
//! reads the [`RawResponse`]. Nothing here is specific to one API except the recognition of
//! Rescale's documented error messages ([`ApiErrorKind`]) and the shape of the profile file read
//! by [`ClientBuilder::from_env`].
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
pub use config::{ApiInfo, AuthScheme, ServerInfo};
pub use error::{ApiError, ApiErrorKind, Error, TimeoutError, TimeoutKind};
pub use futures::Stream;
pub use pagination::{ItemStream, NextPage, Page, paginate, paginate_prepared};
pub use params::{ObjectStyle, comma_separated, json_text, param_text, query_structured};
#[cfg(feature = "rate-limit")]
pub use ratelimit::{
    Classifier, RateLimit, SCOPE_JOB_READS, SCOPE_OTHER, SCOPE_SUBMISSION, rescale_scope,
};
pub use request::{CallOptions, PathPart, Request};
pub use response::{ApiResponse, ByteStream, RawResponse};
pub use retry::RetryPolicy;
pub use upload::{Multipart, Tap, TapEvent, UploadSource};
