//! Walking paginated list answers.

use std::borrow::Cow;
use std::collections::HashSet;

use futures::Stream;
use url::Url;

use crate::config::same_origin;
use crate::{Client, Error, Request};

/// One page of a paginated list; implemented by the generated code for every page schema.
pub trait Page: serde::de::DeserializeOwned + Send + 'static {
    /// The list's item type.
    type Item: Send + 'static;
    /// Where the next page is, or `None` on the last page.
    fn next_page(&self) -> Option<NextPage>;
    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Where the next page of a list is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextPage {
    /// A URL (absolute, or relative to the page's URL) of the next page.
    Url(String),
    /// A continuation token sent back in a query parameter.
    Token(String),
}

impl NextPage {
    /// The next page at the URL `link`, or `None` when there is no link or it is empty.
    pub fn from_url(link: Option<&String>) -> Option<Self> {
        link.filter(|link| !link.is_empty())
            .map(|link| NextPage::Url(link.clone()))
    }

    /// The next page for the continuation `token`, or `None` when there is none or it is empty.
    pub fn from_token(token: Option<&String>) -> Option<Self> {
        token
            .filter(|token| !token.is_empty())
            .map(|token| NextPage::Token(token.clone()))
    }
}

/// Every item of every page of a list, as the generated `into_stream()` methods return it: a
/// boxed stream, so it is `Unpin` and can be polled without pinning it first.
pub type ItemStream<T> = futures::stream::BoxStream<'static, Result<T, Error>>;

/// Streams every item of every page.
///
/// Executes `first`, decodes `P` (non-2xx -> [`RawResponse::into_error`]), yields the items, and
/// follows [`NextPage::Url`] or [`NextPage::Token`]:
///
/// * a URL must have the same scheme, host and port as the client's base URL — otherwise the
///   stream yields [`Error::Protocol`], so the key is never sent elsewhere. Query parameters of
///   `first` that the URL lacks (e.g. `page_size`, filters the server dropped) are added back;
///   headers, cookies and options of `first` are kept;
/// * a token re-sends `first` with the query parameter `token_param` set to it (without a
///   `token_param` that is [`Error::InvalidArgument`]).
///
/// Ends after the page without a next page. After the first error it yields that error and ends;
/// a next page that was already fetched (a loop) is [`Error::Protocol`]. Lazy: nothing is sent
/// before the stream is polled.
///
/// [`RawResponse::into_error`]: crate::RawResponse::into_error
pub fn paginate<P: Page>(
    client: Client,
    first: Request,
    token_param: Option<&'static str>,
) -> impl Stream<Item = Result<P::Item, Error>> + Send + 'static {
    let state = State::<P> {
        client,
        next: Some(first.clone()),
        first,
        token_param,
        items: Vec::new().into_iter(),
        pending_error: None,
        seen: HashSet::new(),
        pages: 0,
    };
    futures::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.items.next() {
                return Some((Ok(item), state));
            }
            if let Some(e) = state.pending_error.take() {
                return Some((Err(e), state));
            }
            let request = state.next.take()?;
            match state.fetch(request).await {
                Ok(()) => {}
                Err(e) => {
                    state.next = None;
                    return Some((Err(e), state));
                }
            }
        }
    })
}

struct State<P: Page> {
    client: Client,
    first: Request,
    token_param: Option<&'static str>,
    next: Option<Request>,
    items: std::vec::IntoIter<P::Item>,
    /// An error about the next page, yielded after this page's items.
    pending_error: Option<Error>,
    /// Hashes of the page URLs fetched (8 bytes a page, so an endless list stays flat).
    seen: HashSet<u64>,
    /// Pages fetched so far, for the trace events.
    pages: u32,
}

/// The key of a page URL in [`State::seen`].
fn url_key(url: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    url.hash(&mut hasher);
    hasher.finish()
}

impl<P: Page> State<P> {
    /// Fetches one page: stores its items and the request for the next page.
    async fn fetch(&mut self, request: Request) -> Result<(), Error> {
        let url = request.url();
        if !self.seen.insert(url_key(url.as_str())) {
            return Err(Error::Protocol(format!(
                "pagination loops back to {}",
                url.path()
            )));
        }
        let response = self.client.execute(request).await?;
        if !response.status().is_success() {
            return Err(response.into_error().await);
        }
        let page = response.json::<P>().await?.into_body();
        self.next = match page.next_page().map(|next| self.next_request(&url, next)) {
            None => None,
            Some(Ok(request)) => Some(request),
            Some(Err(e)) => {
                self.pending_error = Some(e);
                None
            }
        };
        self.items = page.into_items().into_iter();
        self.pages += 1;
        tracing::debug!(
            path = %url.path(),
            page = self.pages,
            items = self.items.len(),
            more = self.next.is_some(),
            "list page"
        );
        Ok(())
    }

    /// The request for the page after the one fetched from `current`.
    fn next_request(&self, current: &Url, next: NextPage) -> Result<Request, Error> {
        let mut request = self.first.clone();
        match next {
            NextPage::Url(link) => {
                let url = current.join(link.trim()).map_err(|e| {
                    Error::Protocol(format!("the next-page link does not parse: {e}"))
                })?;
                if !same_origin(&url, self.client.base_url()) {
                    return Err(Error::Protocol(format!(
                        "refusing to follow a next-page link to another origin ({})",
                        url.origin().ascii_serialization()
                    )));
                }
                let mut query: Vec<(Cow<'static, str>, String)> = url
                    .query_pairs()
                    .map(|(n, v)| (Cow::Owned(n.into_owned()), v.into_owned()))
                    .collect();
                for (name, value) in &self.first.query {
                    if !url.query_pairs().any(|(n, _)| n == *name) {
                        query.push((name.clone(), value.clone()));
                    }
                }
                let mut bare = url;
                bare.set_query(None);
                bare.set_fragment(None);
                request.url = bare;
                request.query = query;
            }
            NextPage::Token(token) => {
                let Some(param) = self.token_param else {
                    return Err(Error::InvalidArgument(
                        "the list answered with a continuation token but no token parameter is known".into(),
                    ));
                };
                request.remove_query(param);
                request.query.push((Cow::Borrowed(param), token));
            }
        }
        Ok(request)
    }
}

/// [`paginate`] for a request that may have failed to build (a bad path parameter, say): the
/// build error becomes the stream's only item. The generated `into_stream()` methods call this.
pub fn paginate_prepared<P: Page>(
    prepared: Result<(Client, Request), Error>,
    token_param: Option<&'static str>,
) -> ItemStream<P::Item> {
    use futures::StreamExt;
    match prepared {
        Ok((client, first)) => paginate::<P>(client, first, token_param).boxed(),
        Err(error) => futures::stream::once(futures::future::ready(Err(error))).boxed(),
    }
}
