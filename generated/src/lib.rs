//! Typed async client for Rescale's REST API v2.
pub mod runtime;
include!(concat!(env!("OUT_DIR"), "/rescale.rs"));
