//! Hand-written runtime of the client: HTTP, auth, errors, pagination.
