//! Every body in `tests/data/samples/` decodes into its generated type and encodes back to the same
//! JSON: every key, every `null`, and `1.0` still a float.

use rescale::types;
use rescale_tests::read_data;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `file` as `T`, checks the round trip, and returns the typed value.
fn round_trip<T: DeserializeOwned + Serialize>(file: &str) -> T {
    let text = read_data(&format!("samples/{file}"));
    let original: serde_json::Value = serde_json::from_str(&text).unwrap();
    let typed: T =
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("{file} does not decode: {err}"));
    let encoded = serde_json::to_value(&typed).unwrap();
    assert_eq!(encoded, original, "{file} changed in a round trip");
    typed
}

#[test]
fn file_upload_answers() {
    for file in [
        "files_upload.response.curl.json",
        "files_upload.response.python.json",
    ] {
        let uploaded: types::File = round_trip(file);
        assert_eq!(uploaded.name, "input.zip");
        assert_eq!(uploaded.type_id, Some(types::FileType::Input));
        assert_eq!(
            uploaded.md5.as_deref(),
            Some("159bb1cdd01987f9122f5ec673958eaf")
        );
        insta::assert_debug_snapshot!(file, uploaded);
    }
}

#[test]
fn job_create_requests() {
    for file in [
        "jobs_create.request.curl.json",
        "jobs_create.request.python.json",
    ] {
        let request: types::JobRequest = round_trip(file);
        assert_eq!(request.jobanalyses.len(), 1);
        insta::assert_debug_snapshot!(file, request);
    }
}

#[test]
fn job_create_answers() {
    for file in [
        "jobs_create.response.curl.json",
        "jobs_create.response.python.json",
    ] {
        let job: types::Job = round_trip(file);
        // `paramFile` is present and null: kept apart from absent.
        assert_eq!(job.param_file, Some(None));
        let text = serde_json::to_string(&job).unwrap();
        assert!(
            text.contains(r#""numberOfNodes":1.0"#),
            "1.0 must stay a float: {text}"
        );
        insta::assert_debug_snapshot!(file, job);
    }
}

#[test]
fn job_status_history() {
    let page: types::JobStatusPage = round_trip("jobs_statuses.response.json");
    assert_eq!(page.count, 6);
    assert_eq!(page.results[0].status, types::JobStatusValue::Completed);
    assert_eq!(page.results[5].status, types::JobStatusValue::Pending);
    assert_eq!(page.results[1].status_reason, Some(None));
    insta::assert_debug_snapshot!("jobs_statuses.response.json", page);
}

#[test]
fn unknown_fields_and_enum_values_are_kept() {
    let text = r#"{"status": "Waiting for Licenses", "statusDate": "2026-01-01T00:00:00Z", "id": "x", "statusReason": null, "newField": {"a": [1, 2.5]}}"#;
    let status: types::JobStatus = serde_json::from_str(text).unwrap();
    assert_eq!(
        status.status,
        types::JobStatusValue::Other("Waiting for Licenses".into())
    );
    assert_eq!(
        serde_json::to_value(&status).unwrap(),
        serde_json::from_str::<serde_json::Value>(text).unwrap()
    );
}
