//! Lenient generation (`tests/specs/lenient/broken_parts.yaml`): the spec has a broken operation
//! (a path parameter named unlike the path's, as in one OpenAI release), a duplicate operationId,
//! a Swagger 2.0 body parameter, a property of unknown type and an alias cycle. Strict generation
//! refuses it (`tests/tests/generator.rs` shows the warnings of the lenient one); the build script
//! generates it leniently, and what is left compiles and works.

#[allow(dead_code)]
mod lenient {
    include!(concat!(env!("OUT_DIR"), "/broken_parts.rs"));
}

use lenient::Client;
use lenient::types;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_operations_that_are_not_broken_work() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key("k")
        .build()
        .unwrap();
    // `expires` has an unknown type in the spec: read as any JSON value.
    let listed = json!([{"id": "c1", "expires": 1700000000, "kind": "server"}]);
    Mock::given(method("GET"))
        .and(path("/certificates"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&listed))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/certificates/c1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let certificates: Vec<types::Certificate> =
        client.list_certificates().send().await.unwrap().into_body();
    assert_eq!(certificates[0].id, "c1");
    assert_eq!(certificates[0].expires, Some(json!(1700000000)));
    assert_eq!(serde_json::to_value(&certificates).unwrap(), listed);
    client.delete_certificate("c1").send().await.unwrap();
}
