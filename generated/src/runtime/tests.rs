//! Wire tests of the runtime against a local mock server.
