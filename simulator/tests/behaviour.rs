//! Behaviour of the simulator beyond the happy path: pagination, authentication, errors,
//! ranges, faults and counters, stop/delete, clocks, the admin endpoints and the binary.

mod common;

use std::time::Duration;

use common::{Client, STEP, create_job, job_body, manual_sim, test_bytes};
use reqwest::StatusCode;
use rescale_simulator::{FAIL_MARKER, FaultSpec, SimulatorConfig, start};
use serde_json::{Value, json};

fn names(page: &Value) -> Vec<String> {
    page["results"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|f| f["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn pagination_follows_next_links_keeping_filters() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    for i in 1..=5 {
        client.upload(&format!("part-{i}.dat"), vec![i; 10]).await;
    }
    client.upload("other.txt", b"x".to_vec()).await;

    let mut url = client.url("files/?search=PART&page_size=2");
    let mut pages = Vec::new();
    loop {
        let page = client.get(&url).await;
        assert_eq!(page.status, StatusCode::OK);
        let page = page.json();
        assert_eq!(page["count"], 5);
        pages.push(page.clone());
        match page["next"].as_str() {
            Some(next) => {
                assert!(next.starts_with(sim.base_url()), "absolute link: {next}");
                assert!(next.contains("page_size=2") && next.contains("search=PART"));
                url = next.to_string();
            }
            None => break,
        }
        assert!(pages.len() <= 3, "too many pages");
    }
    assert_eq!(pages.len(), 3);
    let all: Vec<String> = pages.iter().flat_map(names).collect();
    // Newest first, filter applied on every page.
    assert_eq!(
        all,
        [
            "part-5.dat",
            "part-4.dat",
            "part-3.dat",
            "part-2.dat",
            "part-1.dat"
        ]
    );
    assert_eq!(pages[0]["previous"], Value::Null);
    let back = pages[2]["previous"].as_str().expect("previous of page 3");
    assert_eq!(client.get(back).await.json(), pages[1]);
    let first_again = pages[1]["previous"].as_str().expect("previous of page 2");
    assert!(
        !first_again.contains("page="),
        "page 1 link has no page: {first_again}"
    );
    assert_eq!(client.get(first_again).await.json(), pages[0]);

    let invalid = client.get("files/?page=9&page_size=2").await;
    assert_eq!(invalid.status, StatusCode::NOT_FOUND);
    assert_eq!(invalid.json(), json!({"detail": "Invalid page."}));

    // Default page size 25, cut to 1000.
    for i in 0..30 {
        sim.add_file(&format!("bulk-{i}"), vec![0u8; 1]);
    }
    let default = client.get("files/").await.json();
    assert_eq!(default["results"].as_array().map(Vec::len), Some(25));
    let big = client.get("files/?page_size=100000").await.json();
    assert_eq!(big["results"].as_array().map(Vec::len), Some(36));
    assert_eq!(big["next"], Value::Null);
}

#[tokio::test]
async fn authentication_failures() {
    let sim = manual_sim().await;
    let cases: [(Option<String>, StatusCode, &str); 6] = [
        (
            None,
            StatusCode::UNAUTHORIZED,
            "Authentication credentials were not provided.",
        ),
        (
            Some(format!("Token {}", sim.expired_key())),
            StatusCode::UNAUTHORIZED,
            "API key is no longer active",
        ),
        (
            Some(format!("Token {}", sim.inactive_key())),
            StatusCode::UNAUTHORIZED,
            "User inactive or deleted",
        ),
        (
            Some("Token no-such-key".to_string()),
            StatusCode::UNAUTHORIZED,
            "Invalid token.",
        ),
        (
            Some("Token".to_string()),
            StatusCode::UNAUTHORIZED,
            "Invalid token header. No credentials provided.",
        ),
        (
            Some("Basic dXNlcjpwYXNz".to_string()),
            StatusCode::UNAUTHORIZED,
            "Authentication credentials were not provided.",
        ),
    ];
    for (auth, status, detail) in cases {
        let client = Client::with_auth(&sim, auth.clone());
        for path in ["jobs/", "files/", "coretypes/"] {
            let answer = client.get(path).await;
            assert_eq!(answer.status, status, "{auth:?} {path}");
            assert_eq!(answer.json(), json!({ "detail": detail }), "{auth:?}");
            assert_eq!(answer.header("www-authenticate").as_deref(), Some("Token"));
        }
    }
    for auth in [
        format!("Token {}", sim.api_key()),
        format!("Bearer {}", sim.api_key()),
    ] {
        let answer = Client::with_auth(&sim, Some(auth)).get("users/me/").await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(answer.json()["email"], "sim-user@example.com");
    }
    // Nothing was created by the refused requests.
    assert_eq!(Client::new(&sim).get("jobs/").await.json()["count"], 0);
}

#[tokio::test]
async fn not_found_and_method_not_allowed() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    for path in [
        "jobs/nope/",
        "jobs/nope/statuses/",
        "jobs/nope/runs/",
        "files/nope/",
        "files/nope/contents/",
        "no-such-endpoint/",
    ] {
        let answer = client.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.json(), json!({"detail": "Not found."}), "{path}");
    }
    assert_eq!(
        client.post("jobs/nope/submit/").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.delete("jobs/nope/").await.status,
        StatusCode::NOT_FOUND
    );

    let put = client.send(client.http.put(client.url("jobs/"))).await;
    assert_eq!(put.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(put.json(), json!({"detail": "Method \"PUT\" not allowed."}));

    // A job that exists but has not run has no run yet.
    let id = create_job(&client, &job_body("j", "run", None)).await;
    assert_eq!(
        client.get(&format!("jobs/{id}/runs/1/")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn validation_errors() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);

    let empty = client.post_json("jobs/", &json!({})).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        empty.json(),
        json!({"name": ["This field is required."], "jobanalyses": ["This field is required."]})
    );

    let unknown_analysis = client
        .post_json(
            "jobs/",
            &json!({"name": "x", "jobanalyses": [{"command": "c", "analysis": {"code": "nastran", "version": "1"}}]}),
        )
        .await;
    assert_eq!(unknown_analysis.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        unknown_analysis.json(),
        json!({"jobanalyses": [{"analysis": ["Analysis with code \"nastran\" does not exist."]}]})
    );

    let mut bad_core = job_body("x", "c", None);
    bad_core["jobanalyses"][0]["hardware"]["coreType"] = json!("granite");
    let answer = client.post_json("jobs/", &bad_core).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.json(),
        json!({"jobanalyses": [{"hardware": {"coreType": ["Core type \"granite\" does not exist."]}}]})
    );

    let mut no_command = job_body("x", "c", Some("missing"));
    if let Some(a) = no_command["jobanalyses"][0].as_object_mut() {
        a.remove("command");
    }
    let answer = client.post_json("jobs/", &no_command).await.json();
    assert_eq!(
        answer["jobanalyses"][0]["command"],
        json!(["This field is required."])
    );
    assert_eq!(
        answer["jobanalyses"][0]["inputFiles"],
        json!([{"id": ["File \"missing\" does not exist."]}])
    );

    let malformed = client
        .post_raw("jobs/", "application/json", b"{\"name\": ")
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert!(
        malformed.json()["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("JSON parse error"))
    );
    let list = client
        .post_raw("jobs/", "application/json", b"[1, 2]")
        .await;
    assert_eq!(list.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        list.json(),
        json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
    );
    let text = client.post_raw("jobs/", "text/plain", b"name=x").await;
    assert_eq!(text.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let form = reqwest::multipart::Form::new().text("type_id", "1");
    let no_file = client
        .send(
            client
                .http
                .post(client.url("files/contents/"))
                .multipart(form),
        )
        .await;
    assert_eq!(no_file.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_file.json(), json!({"file": ["No file was submitted."]}));

    let patch = client.patch_json("jobs/nope/", &json!({"name": "y"})).await;
    assert_eq!(patch.status, StatusCode::NOT_FOUND);

    // None of the refused bodies created anything.
    assert_eq!(client.get("jobs/").await.json()["count"], 0);
    assert_eq!(client.get("files/").await.json()["count"], 0);
}

#[tokio::test]
async fn undecodable_ids_and_oversized_bodies() {
    let sim = start(SimulatorConfig {
        max_body_bytes: 4096,
        ..SimulatorConfig::manual(STEP)
    })
    .await
    .expect("starts");
    let client = Client::new(&sim);
    let odd = client.get("files/%FF%FE/").await;
    assert_eq!(odd.status, StatusCode::NOT_FOUND);
    assert_eq!(odd.json(), json!({"detail": "Not found."}));

    let part = reqwest::multipart::Part::bytes(vec![0u8; 10_000]).file_name("big.bin");
    let form = reqwest::multipart::Form::new().part("file", part);
    let big = client
        .send(
            client
                .http
                .post(client.url("files/contents/"))
                .multipart(form),
        )
        .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(big.json(), json!({"detail": "Request body is too large."}));
    let big_json = client
        .post_json("jobs/", &json!({"name": "x".repeat(10_000)}))
        .await;
    assert_eq!(big_json.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(client.get("files/").await.json()["count"], 0);
}

#[tokio::test]
async fn range_downloads() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    let data = test_bytes(1000, 3);
    let file = client.upload("data.bin", data.clone()).await;
    let path = format!("files/{}/contents/", file["id"].as_str().expect("id"));

    let whole = client.get(&path).await;
    assert_eq!(whole.status, StatusCode::OK);
    assert_eq!(whole.header("accept-ranges").as_deref(), Some("bytes"));
    assert_eq!(whole.bytes, data);

    let part = client.get_with(&path, "Range", "bytes=10-19").await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.header("content-range").as_deref(),
        Some("bytes 10-19/1000")
    );
    assert_eq!(part.bytes, &data[10..20]);

    let open = client.get_with(&path, "Range", "bytes=990-").await;
    assert_eq!(open.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(open.bytes, &data[990..]);

    let suffix = client.get_with(&path, "Range", "bytes=-5").await;
    assert_eq!(suffix.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        suffix.header("content-range").as_deref(),
        Some("bytes 995-999/1000")
    );
    assert_eq!(suffix.bytes, &data[995..]);

    let beyond = client.get_with(&path, "Range", "bytes=1000-").await;
    assert_eq!(beyond.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.header("content-range").as_deref(),
        Some("bytes */1000")
    );
}

#[tokio::test]
async fn injected_faults_and_request_counts() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);

    // Two throttled creations, then the third gets through: exactly one job exists.
    sim.inject_fault(
        FaultSpec::new(429, 2)
            .path_prefix("/api/v2/jobs/")
            .method("POST"),
    )
    .expect("valid fault");
    assert!(
        client.get("jobs/").await.status.is_success(),
        "GET is not targeted"
    );
    for _ in 0..2 {
        let answer = client.post_json("jobs/", &job_body("j", "run", None)).await;
        assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(answer.header("retry-after").as_deref(), Some("1"));
        assert_eq!(
            answer.json(),
            json!({"detail": "Request was throttled. Expected available in 1 second."})
        );
    }
    let id = create_job(&client, &job_body("j", "run", None)).await;
    assert_eq!(sim.requests_seen("POST", "/api/v2/jobs/"), 3);
    assert_eq!(sim.requests_seen("post", "jobs/"), 3);
    assert_eq!(sim.requests_seen("GET", "jobs/"), 1);
    assert_eq!(client.get("jobs/").await.json()["count"], 1);
    assert!(sim.armed_faults().is_empty());

    // Server errors, armed over HTTP, only for one path prefix.
    let admin = reqwest::Client::new();
    let statuses_path = format!("/api/v2/jobs/{id}/statuses/");
    for code in [500u16, 502, 503, 504] {
        let armed = admin
            .post(format!("{}/_sim/faults", sim.base_url()))
            .json(&json!({"status": code, "count": 1, "pathPrefix": statuses_path}))
            .send()
            .await
            .expect("admin request");
        assert_eq!(armed.status(), StatusCode::CREATED);
        assert_eq!(client.get("jobs/").await.status, StatusCode::OK);
        let failed = client.get(&format!("jobs/{id}/statuses/")).await;
        assert_eq!(failed.status.as_u16(), code);
        assert_eq!(failed.header("x-sim-fault").as_deref(), Some("injected"));
        assert_eq!(
            client.get(&format!("jobs/{id}/statuses/")).await.status,
            StatusCode::OK
        );
    }
    assert_eq!(sim.requests_seen("GET", &statuses_path), 8);

    // A 503 with Retry-After, and refused fault specs.
    sim.inject_fault(FaultSpec::new(503, 1).retry_after(7))
        .expect("valid");
    let unavailable = client.get("analyses/").await;
    assert_eq!(unavailable.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(unavailable.header("retry-after").as_deref(), Some("7"));
    assert!(sim.inject_fault(FaultSpec::new(404, 1)).is_err());
    let refused = admin
        .post(format!("{}/_sim/faults", sim.base_url()))
        .json(&json!({"status": 418}))
        .send()
        .await
        .expect("admin request");
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    // Armed faults can be listed and cleared over HTTP.
    sim.inject_fault(FaultSpec::new(502, 5)).expect("valid");
    let listed: Value = admin
        .get(format!("{}/_sim/faults", sim.base_url()))
        .send()
        .await
        .expect("admin request")
        .json()
        .await
        .expect("json");
    assert_eq!(listed["faults"][0]["status"], 502);
    assert_eq!(listed["faults"][0]["count"], 5);
    let cleared = admin
        .delete(format!("{}/_sim/faults", sim.base_url()))
        .send()
        .await
        .expect("admin request");
    assert_eq!(cleared.status(), StatusCode::NO_CONTENT);
    assert_eq!(client.get("analyses/").await.status, StatusCode::OK);

    // Counters over HTTP; /_sim/ requests are not counted.
    let stats: Value = admin
        .get(format!("{}/_sim/stats", sim.base_url()))
        .send()
        .await
        .expect("admin request")
        .json()
        .await
        .expect("json");
    assert_eq!(stats["total"], sim.total_requests());
    let creations = stats["requests"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|e| e["method"] == "POST" && e["path"] == "/api/v2/jobs/")
        })
        .expect("creation count listed");
    assert_eq!(creations["count"], 3);
    sim.reset_request_counts();
    assert_eq!(sim.total_requests(), 0);
}

#[tokio::test]
async fn stop_and_delete() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    let id = create_job(&client, &job_body("stop me", "run", None)).await;
    assert_eq!(
        client.post(&format!("jobs/{id}/submit/")).await.status,
        StatusCode::OK
    );
    let again = client.post(&format!("jobs/{id}/submit/")).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    sim.advance(STEP * 2);
    assert_eq!(client.statuses(&id).await, ["Started", "Queued", "Pending"]);

    // Running: cannot be deleted.
    let refused = client.delete(&format!("jobs/{id}/")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.json()["detail"].is_string());

    let stopped = client.post(&format!("jobs/{id}/stop/")).await;
    assert_eq!(stopped.status, StatusCode::ACCEPTED);
    assert_eq!(client.statuses(&id).await[0], "Stopping");
    assert_eq!(
        client.delete(&format!("jobs/{id}/")).await.status,
        StatusCode::BAD_REQUEST,
        "still stopping"
    );
    let cluster = client
        .get(&format!("jobs/{id}/cluster_statuses/"))
        .await
        .json();
    assert_eq!(cluster["results"][0]["status"], "Stopping");

    sim.advance(STEP);
    let page = client.get(&format!("jobs/{id}/statuses/")).await.json();
    assert_eq!(page["results"][0]["status"], "Completed");
    assert_eq!(page["results"][0]["statusReason"], "User Terminated");
    assert_eq!(
        page["count"], 5,
        "Pending, Queued, Started, Stopping, Completed"
    );
    let outputs = client.get(&format!("jobs/{id}/files/")).await.json();
    assert_eq!(names(&outputs), ["log.txt"]);

    // Stopping a finished job changes nothing.
    assert_eq!(
        client.post(&format!("jobs/{id}/stop/")).await.status,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        client.get(&format!("jobs/{id}/statuses/")).await.json()["count"],
        5
    );

    assert_eq!(
        client.delete(&format!("jobs/{id}/")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client.get(&format!("jobs/{id}/")).await.status,
        StatusCode::NOT_FOUND
    );

    // A saved, never submitted job can be deleted at once.
    let saved = create_job(&client, &job_body("saved", "run", None)).await;
    assert_eq!(
        client.delete(&format!("jobs/{saved}/")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(client.get("jobs/").await.json()["count"], 0);
}

#[tokio::test]
async fn job_list_filters_patch_and_failed_runs() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    let ok = create_job(&client, &job_body("ok", "run", None)).await;
    let failing = create_job(
        &client,
        &job_body("bad", &format!("run {FAIL_MARKER}"), None),
    )
    .await;
    let saved = create_job(&client, &job_body("saved", "run", None)).await;
    client.post(&format!("jobs/{ok}/submit/")).await;
    client.post(&format!("jobs/{failing}/submit/")).await;
    sim.advance(STEP * 5);

    let ids = |page: Value| -> Vec<String> {
        page["results"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|j| j["id"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        ids(client.get("jobs/?state=completed").await.json()),
        [failing.clone(), ok.clone()]
    );
    assert_eq!(
        ids(client.get("jobs/?state=not_completed").await.json()),
        std::slice::from_ref(&saved)
    );
    assert_eq!(client.get("jobs/").await.json()["count"], 3);
    let bad_state = client.get("jobs/?state=done").await;
    assert_eq!(bad_state.status, StatusCode::BAD_REQUEST);
    assert!(bad_state.json()["state"].is_array());

    let summary = client.get("jobs/?state=not_completed").await.json();
    assert_eq!(summary["results"][0]["analysisNames"], json!(["LS-DYNA"]));
    assert_eq!(
        summary["results"][0]["jobStatus"]["content"],
        "Not Submitted"
    );

    let failed = client
        .get(&format!("jobs/{failing}/statuses/"))
        .await
        .json();
    assert_eq!(failed["results"][0]["statusReason"], "A run failed");
    assert_eq!(
        names(&client.get(&format!("jobs/{failing}/files/")).await.json()),
        ["log.txt"]
    );

    // PATCH renames and answers, as the platform does, the id, `isLowPriority` and the
    // fields sent; the analyses of a submitted job cannot change.
    let renamed = client
        .patch_json(&format!("jobs/{saved}/"), &json!({"name": "renamed"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(
        renamed.json(),
        json!({"id": saved, "isLowPriority": false, "name": "renamed"})
    );
    let job = client.get(&format!("jobs/{saved}/")).await.json();
    assert_eq!(job["name"], "renamed");
    assert_eq!(job["jobanalyses"][0]["command"], "run");
    let blank = client
        .patch_json(&format!("jobs/{saved}/"), &json!({"name": ""}))
        .await;
    assert_eq!(blank.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        blank.json(),
        json!({"name": ["This field may not be blank."]})
    );
    let locked = client
        .patch_json(&format!("jobs/{ok}/"), &json!({"jobanalyses": []}))
        .await;
    assert_eq!(locked.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn catalogue_filters() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    let codes = |page: Value| -> Vec<String> {
        page["results"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|c| c["code"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let all = codes(client.get("coretypes/").await.json());
    assert!(all.contains(&"hpc-3".to_string()) && all.contains(&"emerald".to_string()));
    assert!(all.contains(&"nickel".to_string()));
    let active = codes(client.get("coretypes/?isActive=true").await.json());
    assert!(!active.contains(&"nickel".to_string()));
    assert_eq!(active.len() + 1, all.len());
    assert_eq!(
        codes(client.get("coretypes/?isActive=false").await.json()),
        ["nickel"]
    );

    let analyses = codes(client.get("analyses/").await.json());
    for code in ["ls_dyna", "openfoam", "abaqus"] {
        assert!(analyses.contains(&code.to_string()), "{code}");
    }
    let paged = client.get("analyses/?page_size=1&page=2").await.json();
    assert_eq!(paged["results"].as_array().map(Vec::len), Some(1));
    assert!(paged["previous"].is_string() && paged["next"].is_string());
}

#[tokio::test]
async fn files_patch_lines_and_delete() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    let file = client
        .upload("notes.txt", b"first\nsecond\nthird\n".to_vec())
        .await;
    let id = file["id"].as_str().expect("id");

    let lines = client.get(&format!("files/{id}/lines/")).await.json();
    assert_eq!(lines, json!({"lines": ["first", "second", "third"]}));

    let patched = client
        .patch_json(
            &format!("files/{id}/"),
            &json!({"name": "renamed.txt", "typeId": 4, "md5": "ignored"}),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.json()["name"], "renamed.txt");
    assert_eq!(patched.json()["typeId"], 4);
    assert_eq!(patched.json()["md5"], file["md5"]);
    let bad = client
        .patch_json(&format!("files/{id}/"), &json!({"typeId": 6}))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.json()["typeId"].is_array());
    assert_eq!(
        client.get(&format!("files/{id}/")).await.json()["name"],
        "renamed.txt"
    );

    let search = client.get("files/?search=renamed").await.json();
    assert_eq!(search["count"], 1);

    assert_eq!(
        client.delete(&format!("files/{id}/")).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        client.get(&format!("files/{id}/")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.get(&format!("files/{id}/contents/")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.delete(&format!("files/{id}/")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn tail_grows_while_executing() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    let id = create_job(&client, &job_body("tail", "solver --go", None)).await;
    client.post(&format!("jobs/{id}/submit/")).await;
    let tail_path = format!("jobs/{id}/runs/1/tail/log.txt/?lines=100");
    assert_eq!(
        client.get(&tail_path).await.status,
        StatusCode::NOT_FOUND,
        "no run yet"
    );

    sim.advance(STEP * 4); // Executing
    let count = |v: Value| v["lines"].as_array().map_or(0, Vec::len);
    let early = count(client.get(&tail_path).await.json());
    sim.advance(STEP / 2);
    let later = client.get(&tail_path).await.json();
    assert!(count(later.clone()) > early, "{early} then {later}");
    assert!(
        later["lines"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|l| l.as_str().is_some_and(|l| l.ends_with("$ solver --go")))
    );
    let bad = client
        .get(&format!("jobs/{id}/runs/1/tail/log.txt/?lines=many"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let other = client
        .get(&format!("jobs/{id}/runs/1/tail/nothing.txt/"))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn real_clock_and_zero_step() {
    // Real clock: the job finishes by itself.
    let sim = start(SimulatorConfig {
        step: Duration::from_millis(20),
        ..SimulatorConfig::default()
    })
    .await
    .expect("starts");
    let client = Client::new(&sim);
    let id = create_job(&client, &job_body("real", "run", None)).await;
    client.post(&format!("jobs/{id}/submit/")).await;
    let mut last = Vec::new();
    for _ in 0..100 {
        last = client.statuses(&id).await;
        if last.first().map(String::as_str) == Some("Completed") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        last,
        [
            "Completed",
            "Executing",
            "Validated",
            "Started",
            "Queued",
            "Pending"
        ]
    );

    // Zero step: complete on the first read after the submit.
    let instant = start(SimulatorConfig::manual(Duration::ZERO))
        .await
        .expect("starts");
    let client = Client::new(&instant);
    let id = create_job(&client, &job_body("now", "run", None)).await;
    client.post(&format!("jobs/{id}/submit/")).await;
    assert_eq!(client.statuses(&id).await.len(), 6);
    assert_eq!(instant.job_status(&id).as_deref(), Some("Completed"));
}

#[tokio::test]
async fn admin_clock_advance_and_shutdown() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    let id = create_job(&client, &job_body("j", "run", None)).await;
    client.post(&format!("jobs/{id}/submit/")).await;
    let admin = reqwest::Client::new();
    let moved: Value = admin
        .post(format!("{}/_sim/clock/advance", sim.base_url()))
        .json(&json!({"ms": STEP.as_millis() as u64 * 2}))
        .send()
        .await
        .expect("admin request")
        .json()
        .await
        .expect("json");
    assert_eq!(moved["nowMs"], STEP.as_millis() as u64 * 2);
    assert_eq!(client.statuses(&id).await[0], "Started");
    let bad = admin
        .post(format!("{}/_sim/clock/advance", sim.base_url()))
        .json(&json!({"ms": -1}))
        .send()
        .await
        .expect("admin request");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    // Even an absurd jump keeps the server answering.
    let far = admin
        .post(format!("{}/_sim/clock/advance", sim.base_url()))
        .json(&json!({"ms": u64::MAX}))
        .send()
        .await
        .expect("admin request");
    assert_eq!(far.status(), StatusCode::OK);
    assert_eq!(client.statuses(&id).await[0], "Completed");
    assert_eq!(client.get("jobs/").await.status, StatusCode::OK);

    let url = sim.api_url();
    sim.shutdown().await;
    assert!(reqwest::get(url).await.is_err(), "server is gone");
}

#[tokio::test]
async fn binary_prints_url_and_key_and_serves() {
    use tokio::io::{AsyncBufReadExt, BufReader};

    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_rescale-simulator"))
        .args(["--port", "0", "--step-ms", "0", "--api-key", "bin-key"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = Vec::new();
    while printed.len() < 4 {
        let line = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
            .await
            .expect("prints in time")
            .expect("readable")
            .expect("a line");
        printed.push(line);
    }
    let base = printed[0].rsplit(' ').next().expect("url").to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{printed:?}");
    // The base URL to give clients has no /api/v2/ (they add it); the API root is apart.
    assert_eq!(
        printed[1],
        format!("Base URL (for --base-url / RESCALE_API_BASE_URL): {base}")
    );
    assert_eq!(printed[2], format!("API root: {base}/api/v2/"));
    assert_eq!(printed[3], "API key: bin-key");
    let answer = reqwest::Client::new()
        .get(format!("{base}/api/v2/analyses/"))
        .header("Authorization", "Token bin-key")
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::OK);
    child.kill().await.expect("stopped");
}

/// A file path in `tail/{path}/` may hold `/`: sent as it is or percent-encoded as `%2F`
/// (as the generated client does, keeping the path one segment), it names the same file.
#[tokio::test]
async fn tail_takes_nested_paths_plain_or_percent_encoded() {
    let sim = manual_sim().await;
    let client = Client::new(&sim);
    let input = sim.add_file("case.zip", b"PK".to_vec());
    let mut body = job_body("openfoam", "simpleFoam", Some(&input));
    body["jobanalyses"][0]["analysis"] = json!({"code": "openfoam", "version": "8-openmpi"});
    let id = create_job(&client, &body).await;
    assert_eq!(
        client.post(&format!("jobs/{id}/submit/")).await.status,
        StatusCode::OK
    );
    sim.advance(STEP * 5);

    let files = client.get(&format!("jobs/{id}/files/")).await.json();
    let nested = "postProcessing/forces/0/forces.dat";
    let result = files["results"]
        .as_array()
        .and_then(|r| r.iter().find(|f| f["relativePath"] == nested))
        .expect("the result file, in its subdirectory");
    assert_eq!(result["name"], "forces.dat");

    let plain = client
        .get(&format!("jobs/{id}/runs/1/tail/{nested}/?lines=1000"))
        .await;
    let encoded = client
        .get(&format!(
            "jobs/{id}/runs/1/tail/{}/?lines=1000",
            nested.replace('/', "%2F")
        ))
        .await;
    for answer in [&plain, &encoded] {
        assert_eq!(answer.status, StatusCode::OK);
        let first = answer.json()["lines"][0].as_str().map(str::to_string);
        assert!(
            first
                .as_deref()
                .is_some_and(|l| l.starts_with("OpenFOAM result file of job")),
            "{first:?}"
        );
    }
    assert_eq!(plain.json(), encoded.json());
    // An encoded path naming no file of the run is 404, like a plain one.
    let missing = client
        .get(&format!("jobs/{id}/runs/1/tail/postProcessing%2Fnone.dat/"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
