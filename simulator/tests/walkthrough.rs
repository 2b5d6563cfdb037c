//! The README walk-through against the simulator, and the shapes of its answers compared
//! with the real answers in `tests/data/`.

mod common;

use common::{Client, LIFECYCLE, STEP, manual_sim, md5_hex, test_bytes};
use reqwest::StatusCode;
use serde_json::Value;

fn sample(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("sample file");
    serde_json::from_str(&text).expect("sample JSON")
}

/// The walk-through's job body with its input file id replaced.
fn walkthrough_job(input_file: &str) -> Value {
    let mut body = sample("jobs_create.request.curl.json");
    body["jobanalyses"][0]["inputFiles"][0]["id"] = Value::String(input_file.to_string());
    body
}

#[tokio::test]
async fn full_walkthrough() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);

    // Upload input.zip; the answer carries the bytes' md5 and a download URL on this server.
    let data = test_bytes(100_000, 7);
    let file = client.upload("input.zip", data.clone()).await;
    let file_id = file["id"].as_str().expect("file id").to_string();
    assert_eq!(file["name"], "input.zip");
    assert_eq!(file["typeId"], 1);
    assert_eq!(file["md5"], md5_hex(&data));
    assert_eq!(file["decryptedSize"], 100_000);
    let download_url = file["downloadUrl"].as_str().expect("downloadUrl");
    assert_eq!(
        download_url,
        format!("{}/api/v2/files/{file_id}/contents/", sim.base_url())
    );
    let downloaded = client.get(download_url).await;
    assert_eq!(downloaded.status, StatusCode::OK);
    assert_eq!(downloaded.bytes, data);

    // Look up the software and hardware.
    let analyses = client.get("analyses/").await.json();
    let dyna = analyses["results"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["code"] == "ls_dyna"))
        .expect("ls_dyna listed");
    let version = dyna["versions"]
        .as_array()
        .and_then(|v| v.iter().find(|x| x["versionCode"] == "9.0.0"))
        .expect("version 9.0.0");
    assert_eq!(version["version"], "R9.0.0");
    assert!(
        version["allowedCoreTypes"]
            .as_array()
            .is_some_and(|c| c.contains(&Value::from("hpc-3")))
    );
    let core_types = client.get("coretypes/").await.json();
    let hpc3 = core_types["results"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["code"] == "hpc-3"))
        .expect("hpc-3 listed");
    assert!(
        hpc3["cores"]
            .as_array()
            .is_some_and(|c| c.contains(&Value::from(2)))
    );

    // Create the job with the walk-through's body: saved, not running.
    let created = client.post_json("jobs/", &walkthrough_job(&file_id)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json());
    let job = created.json();
    let job_id = job["id"].as_str().expect("job id").to_string();
    assert_eq!(job["name"], "LS-DYNA cURL API Setup");
    assert_eq!(job["billingPriorityValue"], "INSTANT");
    let analysis = &job["jobanalyses"][0];
    assert_eq!(analysis["analysis"]["versionName"], "R9.0.0");
    assert_eq!(analysis["analysis"]["name"], "LS-DYNA");
    assert_eq!(analysis["hardware"]["coreSummary"]["memoryPerNode"], 7500);
    assert_eq!(
        analysis["hardware"]["coreSummary"]["storagePerNode"],
        80_000
    );
    assert_eq!(analysis["hardware"]["walltime"], 750);
    assert_eq!(analysis["inputFiles"][0]["id"], file_id.as_str());
    assert_eq!(analysis["inputFiles"][0]["md5"], md5_hex(&data));
    assert_eq!(client.get(&format!("jobs/{job_id}/")).await.json(), job);
    assert!(client.statuses(&job_id).await.is_empty());

    // Submit: 200 with an empty body.
    let submitted = client.post(&format!("jobs/{job_id}/submit/")).await;
    assert_eq!(submitted.status, StatusCode::OK);
    assert!(submitted.bytes.is_empty());

    // Each step of the clock adds the next status; the list is newest first.
    for seen in 1..=LIFECYCLE.len() {
        let statuses = client.statuses(&job_id).await;
        let expected: Vec<&str> = LIFECYCLE[..seen].iter().rev().copied().collect();
        assert_eq!(statuses, expected);
        sim.advance(STEP);
    }
    let page = client.get(&format!("jobs/{job_id}/statuses/")).await.json();
    assert_eq!(page["count"], 6);
    assert_eq!(page["results"][0]["statusReason"], "Completed successfully");
    assert_eq!(page["results"][1]["statusReason"], Value::Null);
    let dates: Vec<&str> = page["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|s| s["statusDate"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        dates.windows(2).all(|w| w[0] > w[1]),
        "newest first: {dates:?}"
    );
    assert_eq!(sim.job_status(&job_id).as_deref(), Some("Completed"));

    let completed = client.get("jobs/?state=completed").await.json();
    assert_eq!(completed["count"], 1);
    assert_eq!(completed["results"][0]["id"], job_id.as_str());
    assert_eq!(completed["results"][0]["jobStatus"]["content"], "Completed");

    // Output files are there and downloadable, with correct md5 and size.
    let outputs = client.get(&format!("jobs/{job_id}/files/")).await.json();
    let names: Vec<&str> = outputs["results"]
        .as_array()
        .map(|r| r.iter().filter_map(|f| f["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["log.txt", "d3plot"]);
    for f in outputs["results"].as_array().into_iter().flatten() {
        assert_eq!(f["typeId"], 5);
        let url = f["downloadUrl"].as_str().expect("downloadUrl");
        let bytes = client.get(url).await.bytes;
        assert_eq!(Some(bytes.len() as u64), f["decryptedSize"].as_u64());
        assert_eq!(f["md5"], md5_hex(&bytes));
    }
    let log_id = outputs["results"][0]["id"].as_str().expect("log id");
    let log = client.get(&format!("files/{log_id}/lines/")).await.json();
    let log_lines = log["lines"].as_array().expect("lines");
    assert!(log_lines.iter().any(|l| {
        l.as_str()
            .is_some_and(|l| l.contains("ls-dyna -n 2 -i neon.refined.rev01.k"))
    }));

    // The run and its files; tail of the log.
    let runs = client.get(&format!("jobs/{job_id}/runs/")).await.json();
    assert_eq!(runs["count"], 1);
    assert_eq!(runs["results"][0]["id"], "1");
    assert_eq!(runs["results"][0]["outputFileCount"], 2);
    assert!(runs["results"][0]["dateCompleted"].is_string());
    let run = client.get(&format!("jobs/{job_id}/runs/1/")).await;
    assert_eq!(run.status, StatusCode::OK);
    assert_eq!(run.json(), runs["results"][0]);
    let run_files = client
        .get(&format!("jobs/{job_id}/runs/1/files/"))
        .await
        .json();
    assert_eq!(run_files["results"], outputs["results"]);
    let tail = client
        .get(&format!("jobs/{job_id}/runs/1/tail/log.txt/?lines=2"))
        .await
        .json();
    assert_eq!(tail["fileType"], "text");
    let tail_lines = tail["lines"].as_array().expect("tail lines");
    assert_eq!(tail_lines.len(), 2);
    assert!(
        tail_lines[1]
            .as_str()
            .is_some_and(|l| l.ends_with("Normal termination"))
    );
    assert_eq!(
        client.get(&format!("jobs/{job_id}/runs/2/")).await.status,
        StatusCode::NOT_FOUND
    );

    // Exactly one creation and one submission reached the server.
    assert_eq!(sim.requests_seen("POST", "jobs/"), 1);
    assert_eq!(
        sim.requests_seen("POST", &format!("/api/v2/jobs/{job_id}/submit/")),
        1
    );
    assert_eq!(sim.requests_seen("POST", "files/contents/"), 1);
    sim.shutdown().await;
}

/// Checks that `actual` has every key of `expected`, recursively, with the same JSON
/// type wherever the sample is not null (integers and floats told apart). Arrays are
/// compared through their first element.
fn assert_same_shape(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Null, _) => {}
        (Value::Object(e), Value::Object(a)) => {
            for (key, ev) in e {
                let av = a
                    .get(key)
                    .unwrap_or_else(|| panic!("missing key {path}.{key}"));
                assert_same_shape(ev, av, &format!("{path}.{key}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if let Some(first) = e.first() {
                let actual_first = a
                    .first()
                    .unwrap_or_else(|| panic!("{path} is empty, sample is not"));
                assert_same_shape(first, actual_first, &format!("{path}[0]"));
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            assert_eq!(e.is_f64(), a.is_f64(), "{path}: integer vs float");
        }
        (Value::String(_), Value::String(_)) | (Value::Bool(_), Value::Bool(_)) => {}
        _ => panic!("{path}: sample {expected} but got {actual}"),
    }
}

#[tokio::test]
async fn answers_have_the_shapes_of_the_real_samples() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);

    let file = client.upload("input.zip", test_bytes(1024, 1)).await;
    assert_same_shape(&sample("files_upload.response.curl.json"), &file, "file");

    let file_id = file["id"].as_str().expect("file id");
    let created = client.post_json("jobs/", &walkthrough_job(file_id)).await;
    assert_eq!(created.status, StatusCode::CREATED);
    let job = created.json();
    assert_same_shape(&sample("jobs_create.response.curl.json"), &job, "job");
    // The sample's numberOfNodes is a float (1.0).
    assert!(job["jobanalyses"][0]["hardware"]["coreSummary"]["numberOfNodes"].is_f64());

    let job_id = job["id"].as_str().expect("job id");
    client.post(&format!("jobs/{job_id}/submit/")).await;
    sim.advance(STEP * 10);
    let statuses = client.get(&format!("jobs/{job_id}/statuses/")).await.json();
    assert_same_shape(
        &sample("jobs_statuses.response.json"),
        &statuses,
        "statuses",
    );
    sim.shutdown().await;
}

#[test]
#[should_panic(expected = "missing key job.jobanalyses[0].hardware.coreSummary")]
fn shape_check_catches_a_missing_nested_key() {
    let sample = sample("jobs_create.response.curl.json");
    let mut answer = sample.clone();
    if let Some(hw) = answer["jobanalyses"][0]["hardware"].as_object_mut() {
        hw.remove("coreSummary");
    }
    assert_same_shape(&sample, &answer, "job");
}

#[test]
#[should_panic(expected = "integer vs float")]
fn shape_check_tells_integers_from_floats() {
    let sample = sample("jobs_create.response.curl.json");
    let mut answer = sample.clone();
    answer["jobanalyses"][0]["hardware"]["coreSummary"]["numberOfNodes"] = serde_json::json!(1);
    assert_same_shape(&sample, &answer, "job");
}
