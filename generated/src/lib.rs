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

/// Reading an optional nullable field (`Option<Option<T>>`, such as `Job::project_id`): the
/// outer `Option` says whether the server sent the field, the inner one whether it was `null`.
/// Printed with `{:?}` such a field reads `Some(Some("p1"))`; these say what is meant.
///
/// ```
/// use rescale::Nullable;
///
/// let sent: Option<Option<String>> = Some(Some("p1".into()));
/// let null: Option<Option<String>> = Some(None);
/// let absent: Option<Option<String>> = None;
/// assert_eq!(sent.value().map(String::as_str), Some("p1"));
/// assert_eq!((null.value(), null.is_null(), null.is_absent()), (None, true, false));
/// assert_eq!((absent.value(), absent.is_null(), absent.is_absent()), (None, false, true));
/// // To send: `Some(Some(v))` sets a value, `Some(None)` sends `null`, `None` leaves it out.
/// assert_eq!(rescale::nullable_value(Some("p2")), Some(Some("p2")));
/// ```
pub trait Nullable<T> {
    /// The value, when the field was sent and is not `null`.
    fn value(&self) -> Option<&T>;
    /// Whether the field was sent as an explicit `null`.
    fn is_null(&self) -> bool;
    /// Whether the field was not sent at all.
    fn is_absent(&self) -> bool;
}

impl<T> Nullable<T> for Option<Option<T>> {
    fn value(&self) -> Option<&T> {
        self.as_ref().and_then(Option::as_ref)
    }

    fn is_null(&self) -> bool {
        matches!(self, Some(None))
    }

    fn is_absent(&self) -> bool {
        self.is_none()
    }
}

/// An optional nullable field set from an `Option`: `Some(v)` sends `v`, `None` sends `null`.
/// (Leave the field `None` to not send it at all.)
pub fn nullable_value<T>(value: Option<T>) -> Option<Option<T>> {
    Some(value)
}

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
