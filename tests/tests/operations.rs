//! Operation shapes other generators reject (`tests/specs/operations.yaml`, OpenAPI 3.1), on the
//! wire: several success statuses and media types, header and cookie parameters, parameters named
//! like builder methods, array and deepObject query styles, token pagination, form and text bodies,
//! a `default` response, an operation without `operationId`, and `security: []`.

#[allow(dead_code)]
mod operations {
    include!(concat!(env!("OUT_DIR"), "/operations.rs"));
}

use futures::TryStreamExt;
use operations::Client;
use operations::builders::GetItemResponse;
use operations::types;
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(format!("{}/base", server.uri()))
        .api_key("k-123")
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn several_success_statuses_become_an_enum() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/base/items/7/"))
        .and(header("x-api-key", "k-123"))
        .and(header("x-trace", "abc"))
        .and(header("cookie", "session=s1"))
        .and(query_param("send", "true"))
        .and(query_param("timeout", "30"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 7, "name": "seven", "kind": "item"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/base/items/8/"))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/base/items/9/"))
        .respond_with(
            ResponseTemplate::new(206).set_body_raw(vec![1u8, 2, 3], "application/octet-stream"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/base/items/10/"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"title": "broken"})))
        .mount(&server)
        .await;

    let ok = client
        .get_item(7)
        .x_trace("abc")
        .session("s1")
        .send_param(true)
        .timeout_param(30)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    match ok.into_body() {
        GetItemResponse::Ok(item) => {
            assert_eq!(item.id, 7);
            assert_eq!(item.kind.as_deref(), Some("item"));
        }
        other => panic!("expected Ok, got {other:?}"),
    }
    assert!(matches!(
        client.get_item(8).send().await.unwrap().into_body(),
        GetItemResponse::Accepted
    ));
    match client.get_item(9).send().await.unwrap().into_body() {
        GetItemResponse::PartialContent(stream) => {
            assert_eq!(&stream.collect().await.unwrap()[..], &[1, 2, 3])
        }
        other => panic!("expected PartialContent, got {other:?}"),
    }
    let err = client
        .get_item(10)
        .retry_policy(rescale::RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.as_api().unwrap().json(),
        Some(&json!({"title": "broken"}))
    );
}

#[tokio::test]
async fn query_styles_and_token_pagination() {
    let (server, client) = setup().await;
    let first = |req: &Request| !req.url.query_pairs().any(|(k, _)| k == "page_token");
    Mock::given(method("GET"))
        .and(path("/base/items/"))
        .and(move |req: &Request| first(req))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [{"id": 1}, {"id": 2}], "next_page": "t2"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/base/items/"))
        .and(query_param("page_token", "t2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [{"id": 3}], "next_page": null})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let filter = types::GetItemsFilter {
        color: Some("red".into()),
        size: Some(3),
        ..Default::default()
    };
    let items: Vec<types::Item> = client
        .get_items()
        .ids(vec![1, 2])
        .tags(vec!["a".into(), "b".into()])
        .filter(filter)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), [1, 2, 3]);
    let requests = server.received_requests().await.unwrap();
    for request in &requests {
        let query = request.url.query().unwrap_or_default();
        // Exploded array, comma-joined array, deepObject: kept on every page.
        assert!(
            query.starts_with("ids=1&ids=2&tags=a%2Cb&filter%5Bcolor%5D=red&filter%5Bsize%5D=3"),
            "{query}"
        );
    }
}

#[tokio::test]
async fn json_is_preferred_over_form_and_forms_are_encoded() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/base/items/"))
        .and(header("content-type", "application/json"))
        .and(body_string(r#"{"id":5,"name":"five"}"#))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5, "name": "five"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/base/forms/"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("name=a+b%26c&count=2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let item = types::Item {
        name: Some("five".into()),
        ..types::Item::new(5)
    };
    let created = client.create_item(item).send().await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let form = types::SubmitFormBody {
        count: Some(2),
        ..types::SubmitFormBody::new("a b&c")
    };
    let answer = client.submit_form().body(form).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 204);
}

#[tokio::test]
async fn unauthenticated_operation_and_text_bodies() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/base/notes/"))
        .and(header("content-type", "text/plain"))
        .and(body_string("hello"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("stored: hello", "text/plain"))
        .expect(1)
        .mount(&server)
        .await;
    let stored = client.put_note("hello").send().await.unwrap();
    assert_eq!(stored.body(), "stored: hello");
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests[0].headers.get("x-api-key").is_none(),
        "security: [] sends no key"
    );
}
