// The generator settings of this crate's client, shared by `build.rs` and the repository's test
// that the committed `src/generated.rs` is what they give (`tests/tests/generator.rs`).

/// How `src/generated.rs` is generated from `spec/rescale.yaml`; `version` is this crate's.
#[allow(dead_code)]
fn rescale_config(version: &str) -> openapi_gen::Config {
    openapi_gen::Config::new("spec/rescale.yaml")
        .env_prefix("RESCALE")
        .policy("crate::policy::POLICY")
        .user_agent(format!("rescale-rust/{version}"))
}
