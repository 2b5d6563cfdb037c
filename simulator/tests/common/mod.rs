//! Helpers shared by the integration tests: a small JSON client for the simulator.

#![allow(dead_code)]

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use rescale_simulator::{Simulator, SimulatorConfig, start};
use serde_json::Value;

/// Time between statuses in the manual-clock tests.
pub const STEP: Duration = Duration::from_secs(10);

/// The lifecycle, oldest first.
pub const LIFECYCLE: [&str; 6] = [
    "Pending",
    "Queued",
    "Started",
    "Validated",
    "Executing",
    "Completed",
];

/// A simulator on a manual clock with [`STEP`] between statuses.
pub async fn manual_sim() -> Simulator {
    start(SimulatorConfig::manual(STEP))
        .await
        .expect("simulator starts")
}

/// An answer: status, headers and body bytes.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Answer {
    /// The body as JSON (`Null` if it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// A client with a key (or none).
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub auth: Option<String>,
}

impl Client {
    /// A client using the simulator's valid key.
    pub fn new(sim: &Simulator) -> Self {
        Client::with_auth(sim, Some(format!("Token {}", sim.api_key())))
    }

    /// A client sending `auth` as the `Authorization` header.
    pub fn with_auth(sim: &Simulator, auth: Option<String>) -> Self {
        Client {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .expect("client"),
            base: sim.base_url().to_string(),
            auth,
        }
    }

    /// An absolute URL stays; a relative path goes under `/api/v2/`.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http://") {
            path.to_string()
        } else {
            format!("{}/api/v2/{path}", self.base)
        }
    }

    /// Sends a request and reads the whole answer.
    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let req = match &self.auth {
            Some(a) => req.header("Authorization", a),
            None => req,
        };
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body read").to_vec();
        Answer {
            status,
            headers,
            bytes,
        }
    }

    /// GET.
    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(self.url(path))).await
    }

    /// GET with extra headers.
    pub async fn get_with(&self, path: &str, name: &str, value: &str) -> Answer {
        self.send(self.http.get(self.url(path)).header(name, value))
            .await
    }

    /// POST a JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> Answer {
        self.send(self.http.post(self.url(path)).json(body)).await
    }

    /// POST raw bytes with a content type.
    pub async fn post_raw(&self, path: &str, content_type: &str, body: &'static [u8]) -> Answer {
        self.send(
            self.http
                .post(self.url(path))
                .header("Content-Type", content_type)
                .body(body),
        )
        .await
    }

    /// POST without a body.
    pub async fn post(&self, path: &str) -> Answer {
        self.send(self.http.post(self.url(path))).await
    }

    /// PATCH a JSON body.
    pub async fn patch_json(&self, path: &str, body: &Value) -> Answer {
        self.send(self.http.patch(self.url(path)).json(body)).await
    }

    /// DELETE.
    pub async fn delete(&self, path: &str) -> Answer {
        self.send(self.http.delete(self.url(path))).await
    }

    /// Uploads `data` as `name` through `POST files/contents/`; returns the File.
    pub async fn upload(&self, name: &str, data: Vec<u8>) -> Value {
        let part = reqwest::multipart::Part::bytes(data).file_name(name.to_string());
        let form = reqwest::multipart::Form::new().part("file", part);
        let answer = self
            .send(self.http.post(self.url("files/contents/")).multipart(form))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::CREATED,
            "upload: {}",
            answer.json()
        );
        answer.json()
    }

    /// Statuses of a job, newest first.
    pub async fn statuses(&self, job_id: &str) -> Vec<String> {
        let answer = self.get(&format!("jobs/{job_id}/statuses/")).await;
        assert_eq!(answer.status, StatusCode::OK);
        answer.json()["results"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter_map(|s| s["status"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A valid job body running `command` with `input_file` (if any).
pub fn job_body(name: &str, command: &str, input_file: Option<&str>) -> Value {
    let inputs: Vec<Value> = input_file
        .iter()
        .map(|id| serde_json::json!({"id": id}))
        .collect();
    serde_json::json!({
        "name": name,
        "jobanalyses": [{
            "command": command,
            "analysis": {"code": "ls_dyna", "version": "9.0.0"},
            "hardware": {"coreType": "hpc-3", "coresPerSlot": 2, "slots": 1},
            "inputFiles": inputs,
        }]
    })
}

/// Creates a job and returns its id.
pub async fn create_job(client: &Client, body: &Value) -> String {
    let answer = client.post_json("jobs/", body).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json());
    answer.json()["id"].as_str().expect("job id").to_string()
}

/// Deterministic test bytes.
pub fn test_bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 8) as u8)
        .collect()
}

/// MD5 as lower-case hex.
pub fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
