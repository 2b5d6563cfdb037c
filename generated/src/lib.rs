//! Typed async client for Rescale's REST API v2.
//!
//! Everything API-specific is generated at build time from `spec/rescale.yaml` (see `build.rs`):
//! the models in [`types`], one method per operation on [`Client`], and one request builder per
//! operation in [`builders`]. The hand-written [`runtime`] beside it does the HTTP, the
//! authentication, the errors, retries and pagination.
//!
//! ```no_run
//! # async fn demo() -> Result<(), rescale::Error> {
//! use futures::TryStreamExt;
//! use rescale::{Client, types::JobState};
//!
//! let client = Client::from_env()?; // RESCALE_API_KEY, RESCALE_API_BASE_URL, ~/.config/rescale/apiconfig
//! let page = client.list_jobs().state(JobState::NotCompleted).send().await?;
//! println!("{} unfinished jobs", page.count);
//! let jobs: Vec<_> = client.list_jobs().page_size(100).into_stream().try_collect().await?;
//! # let _ = jobs;
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod runtime;
pub mod transfer;

include!(concat!(env!("OUT_DIR"), "/rescale.rs"));

#[cfg(feature = "rate-limit")]
pub use runtime::RateLimit;
pub use runtime::{
    ApiError, ApiErrorKind, ApiResponse, ByteStream, Client, ClientBuilder, Error, RetryPolicy,
    UploadSource,
};
pub use transfer::{CheckedDownload, CheckedUpload};

impl Client {
    /// A client configured from the environment: the key from `RESCALE_API_KEY` (set inside
    /// running Rescale jobs) or the `apikey` of `~/.config/rescale/apiconfig`; the platform from
    /// `RESCALE_API_BASE_URL`, `RESCALE_REGION` (`north-america`, `europe`, `korea`, `japan`,
    /// `itar`, `itar-gov`) or the profile's `apibaseurl`, else North America.
    pub fn from_env() -> Result<Client, Error> {
        Client::builder(&API).from_env().build()
    }

    /// A client for `base_url` (such as `https://platform.rescale.com`) with an API key.
    pub fn with_key(
        base_url: impl AsRef<str>,
        api_key: impl Into<String>,
    ) -> Result<Client, Error> {
        Client::builder(&API)
            .base_url(base_url)
            .api_key(api_key)
            .build()
    }
}
