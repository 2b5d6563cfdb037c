//! The source document's walk-through, call by call, against a local server: every request is
//! checked on the wire (method, path with its trailing slash, `Authorization`, body) and every
//! answer is the matching sample.

use futures::TryStreamExt;
use rescale::types::{self, JobState};
use rescale::{ApiErrorKind, Client, Error, RetryPolicy, UploadSource};
use rescale_tests::read_data;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "test-key-0123456789";

fn sample(name: &str) -> String {
    read_data(&format!("samples/{name}"))
}

fn json_answer(status: u16, body: impl Into<String>) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into(), "application/json")
}

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::with_key(server.uri(), KEY).unwrap();
    (server, client)
}

fn analyses_page() -> Value {
    json!({"count": 1, "next": null, "previous": null, "results": [{
        "code": "ls_dyna", "name": "LS-DYNA", "vendorName": "LSTC",
        "versions": [{"version": "9.0.0", "versionCode": "9.0.0", "allowedCoreTypes": ["hpc-3"]}]
    }]})
}

fn core_types_page() -> Value {
    json!({"count": 1, "next": null, "previous": null, "results": [{
        "code": "hpc-3", "name": "HPC+", "cores": [2, 4, 8], "memory": 3750, "price": 0.25, "lowPriorityPrice": "0.15"
    }]})
}

/// The job of the curl walk-through, built as a user would.
fn walkthrough_job(input_file_id: &str) -> types::JobRequest {
    let analysis = types::JobAnalysisRequest {
        use_rescale_license: Some(true),
        command: Some("ls-dyna -n 2 -i neon.refined.rev01.k -p single".into()),
        analysis: Some(types::AnalysisRef {
            version: Some("9.0.0".into()),
            ..types::AnalysisRef::new("ls_dyna")
        }),
        hardware: Some(types::Hardware {
            cores_per_slot: Some(2),
            slots: Some(1),
            core_type: Some("hpc-3".into()),
            ..Default::default()
        }),
        input_files: Some(vec![types::InputFileRef::new(input_file_id)]),
        ..Default::default()
    };
    types::JobRequest {
        billing_priority_value: Some("INSTANT".into()),
        ..types::JobRequest::new("LS-DYNA cURL API Setup", vec![analysis])
    }
}

#[tokio::test]
async fn walkthrough_call_by_call() {
    let (server, client) = server_and_client().await;
    let auth = format!("Token {KEY}");
    Mock::given(method("POST"))
        .and(path("/api/v2/files/contents/"))
        .and(header("authorization", auth.as_str()))
        .respond_with(json_answer(201, sample("files_upload.response.curl.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/analyses/"))
        .and(header("authorization", auth.as_str()))
        .respond_with(json_answer(200, analyses_page().to_string()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/coretypes/"))
        .and(header("authorization", auth.as_str()))
        .respond_with(json_answer(200, core_types_page().to_string()))
        .expect(1)
        .mount(&server)
        .await;
    let expected_job: Value =
        serde_json::from_str(&sample("jobs_create.request.curl.json")).unwrap();
    Mock::given(method("POST"))
        .and(path("/api/v2/jobs/"))
        .and(header("authorization", auth.as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(&expected_job))
        .respond_with(json_answer(201, sample("jobs_create.response.curl.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/jobs/RcAFeb/submit/"))
        .and(header("authorization", auth.as_str()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/jobs/RcAFeb/statuses/"))
        .and(header("authorization", auth.as_str()))
        .respond_with(json_answer(200, sample("jobs_statuses.response.json")))
        .expect(1)
        .mount(&server)
        .await;

    // 1. Upload input.zip.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.zip");
    let input_bytes: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&input, &input_bytes).unwrap();
    let uploaded = client
        .upload_file(UploadSource::path(&input))
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status().as_u16(), 201);
    assert_eq!(uploaded.id, "yMqdxd");

    // 2. and 3. Look up the software and the hardware.
    let analyses = client.list_analyses().send().await.unwrap();
    let ls_dyna = analyses
        .results
        .iter()
        .find(|a| a.code == "ls_dyna")
        .unwrap();
    let version = ls_dyna.versions.as_ref().unwrap()[0]
        .version
        .clone()
        .unwrap();
    assert_eq!(version, "9.0.0");
    let core_types = client.list_core_types().send().await.unwrap();
    assert_eq!(core_types.results[0].code, "hpc-3");

    // 4. Create the job: the body on the wire equals the document's data.json (checked by the mock).
    let job = client
        .create_job(walkthrough_job(&uploaded.id))
        .send()
        .await
        .unwrap();
    assert_eq!(job.status().as_u16(), 201);
    assert_eq!(job.id, "RcAFeb");

    // 5. Submit it.
    let submitted = client.submit_job(&job.id).send().await.unwrap();
    assert_eq!(submitted.status().as_u16(), 200);

    // 6. Read its status history, newest first.
    let statuses = client.list_job_statuses(&job.id).send().await.unwrap();
    let names: Vec<&str> = statuses.results.iter().map(|s| s.status.as_str()).collect();
    assert_eq!(
        names,
        [
            "Completed",
            "Executing",
            "Validated",
            "Started",
            "Queued",
            "Pending"
        ]
    );

    // The upload on the wire: multipart with field `file`, the file name, and the exact bytes.
    let requests = server.received_requests().await.unwrap();
    let upload = requests
        .iter()
        .find(|r| r.url.path() == "/api/v2/files/contents/")
        .unwrap();
    let content_type = upload
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = &upload.body;
    let disposition = br#"Content-Disposition: form-data; name="file"; filename="input.zip""#;
    let start = find(body, disposition).expect("a part named `file` with the file name");
    let data_start = find(&body[start..], b"\r\n\r\n").unwrap() + start + 4;
    assert_eq!(
        &body[data_start..data_start + input_bytes.len()],
        &input_bytes[..]
    );
    let boundary = content_type.split("boundary=").nth(1).unwrap();
    assert_eq!(
        &body[data_start + input_bytes.len()..data_start + input_bytes.len() + 4],
        b"\r\n--"
    );
    assert!(find(&body[data_start + input_bytes.len()..], boundary.as_bytes()).is_some());
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[tokio::test]
async fn list_jobs_filters_by_state() {
    let (server, client) = server_and_client().await;
    let page = json!({"count": 1, "next": null, "previous": null, "results": [{
        "id": "RcAFeb", "name": "LS-DYNA cURL API Setup", "dateInserted": "2016-11-15T18:40:56.465755Z",
        "jobStatus": {"content": "Executing", "labelClass": "info", "useLabel": true}
    }]});
    Mock::given(method("GET"))
        .and(path("/api/v2/jobs/"))
        .and(query_param("state", "not_completed"))
        .respond_with(json_answer(200, page.to_string()))
        .expect(1)
        .mount(&server)
        .await;
    let jobs = client
        .list_jobs()
        .state(JobState::NotCompleted)
        .send()
        .await
        .unwrap();
    assert_eq!(jobs.count, 1);
    assert_eq!(jobs.results[0].id, "RcAFeb");
}

#[tokio::test]
async fn three_pages_through_the_stream() {
    let (server, client) = server_and_client().await;
    let base = server.uri();
    for page in 1..=3u32 {
        // The `next` links drop `page_size` and the filter, as Rescale's sometimes do.
        let next = if page < 3 {
            json!(format!("{base}/api/v2/jobs/?page={}", page + 1))
        } else {
            Value::Null
        };
        let results: Vec<Value> = (0..2)
            .map(|i| json!({"id": format!("job-{page}-{i}"), "name": "j"}))
            .collect();
        let body = json!({"count": 6, "next": next, "previous": null, "results": results});
        let matcher = Mock::given(method("GET"))
            .and(path("/api/v2/jobs/"))
            .and(query_param("page_size", "2"));
        let matcher = matcher.and(query_param("state", "completed"));
        let matcher = if page == 1 {
            matcher.and(wiremock::matchers::query_param_is_missing("page"))
        } else {
            matcher.and(query_param("page", page.to_string()))
        };
        matcher
            .respond_with(json_answer(200, body.to_string()))
            .expect(1)
            .mount(&server)
            .await;
    }
    let jobs: Vec<types::JobSummary> = client
        .list_jobs()
        .state(JobState::Completed)
        .page_size(2)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "job-1-0", "job-1-1", "job-2-0", "job-2-1", "job-3-0", "job-3-1"
        ]
    );
}

/// Each documented error status, and what a user can match on.
#[tokio::test]
async fn documented_errors_are_typed() {
    let cases: Vec<(u16, Value, ApiErrorKind)> = vec![
        (
            400,
            json!({"name": ["This field is required."], "jobanalyses": [{"command": ["This field may not be blank."]}]}),
            ApiErrorKind::Validation,
        ),
        (
            401,
            json!({"detail": "API key is no longer active"}),
            ApiErrorKind::KeyExpired,
        ),
        (
            401,
            json!({"detail": "User inactive or deleted"}),
            ApiErrorKind::UserInactive,
        ),
        (
            401,
            json!({"detail": "Invalid token."}),
            ApiErrorKind::InvalidToken,
        ),
        (
            403,
            json!({"detail": "You do not have permission to perform this action."}),
            ApiErrorKind::Forbidden,
        ),
        (404, json!({"detail": "Not found."}), ApiErrorKind::NotFound),
        (
            429,
            json!({"detail": "Request was throttled. Expected available in 7 seconds."}),
            ApiErrorKind::Throttled,
        ),
    ];
    for (status, body, kind) in cases {
        let (server, client) = server_and_client().await;
        let mut answer = json_answer(status, body.to_string());
        if status == 429 {
            answer = answer.insert_header("retry-after", "7");
        }
        Mock::given(method("POST"))
            .and(path("/api/v2/jobs/"))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
        let err = client
            .create_job(types::JobRequest::new("", vec![]))
            .retry_policy(RetryPolicy::none())
            .send()
            .await
            .unwrap_err();
        let api = err
            .as_api()
            .unwrap_or_else(|| panic!("{status}: not an API error: {err:?}"));
        assert_eq!(api.status().as_u16(), status);
        assert_eq!(api.kind(), kind, "{status} {body}");
        assert_eq!(api.json(), Some(&body));
        match kind {
            ApiErrorKind::Validation => {
                let fields = api.field_errors().unwrap();
                assert_eq!(fields["name"], json!(["This field is required."]));
                assert_eq!(
                    fields["jobanalyses"][0]["command"],
                    json!(["This field may not be blank."])
                );
            }
            ApiErrorKind::Throttled => {
                assert_eq!(api.retry_after(), Some(std::time::Duration::from_secs(7)));
                assert_eq!(api.detail(), body["detail"].as_str());
            }
            _ => assert_eq!(api.detail(), body["detail"].as_str()),
        }
        let text = err.to_string();
        assert!(!text.contains(KEY), "{text}");
    }
}

#[tokio::test]
async fn malformed_answer_keeps_the_raw_body() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/jobs/RcAFeb/"))
        .respond_with(json_answer(200, r#"{"id": "RcAFeb", "name": 42"#))
        .mount(&server)
        .await;
    match client.get_job("RcAFeb").send().await {
        Err(Error::Decode { status, body, .. }) => {
            assert_eq!(status.as_u16(), 200);
            assert_eq!(&body[..], br#"{"id": "RcAFeb", "name": 42"#);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn undecodable_error_body_is_kept_raw() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/jobs/RcAFeb/"))
        .respond_with(
            ResponseTemplate::new(502).set_body_raw("<html>Bad Gateway</html>", "text/html"),
        )
        .mount(&server)
        .await;
    let err = client
        .get_job("RcAFeb")
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!(api.status().as_u16(), 502);
    assert_eq!(api.kind(), ApiErrorKind::ServerError);
    assert_eq!(api.json(), None);
    assert_eq!(&api.body()[..], b"<html>Bad Gateway</html>");
}

#[tokio::test]
async fn download_written_to_a_file_equals_the_served_bytes() {
    let (server, client) = server_and_client().await;
    let served: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    Mock::given(method("GET"))
        .and(path("/api/v2/files/yMqdxd/contents/"))
        .and(header("authorization", format!("Token {KEY}").as_str()))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(served.clone(), "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("input.zip");
    let response = client.download_file("yMqdxd").send().await.unwrap();
    let written = response.into_body().write_to_file(&target).await.unwrap();
    assert_eq!(written, served.len() as u64);
    assert_eq!(std::fs::read(&target).unwrap(), served);
    // Only the finished file is left in the directory.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[tokio::test]
async fn path_parameters_cannot_change_the_path() {
    let (server, client) = server_and_client().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/jobs/a%2Fb%3Fc%23d/"))
        .respond_with(json_answer(
            200,
            r#"{"id": "a/b?c#d", "name": "n", "jobanalyses": []}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let job = client.get_job("a/b?c#d").send().await.unwrap();
    assert_eq!(job.id, "a/b?c#d");
    assert!(matches!(
        client.get_job("..").send().await,
        Err(Error::InvalidArgument(_))
    ));
}
