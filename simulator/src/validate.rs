//! Checking request bodies the way Rescale's (Django REST framework) API does: each
//! problem is a message in a list under the field's name, nested for nested fields.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::catalog::{self, Analysis, AnalysisVersion, CoreType};
use crate::state::StoredFile;

/// Message for a missing required field.
pub(crate) const REQUIRED: &str = "This field is required.";

/// Name of a JSON value's type, as Python would call it in DRF's messages.
fn python_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// The error body for a value that should have been an object.
pub(crate) fn not_a_dict(v: &Value) -> Value {
    json!({
        "non_field_errors": [format!(
            "Invalid data. Expected a dictionary, but got {}.",
            python_type(v)
        )]
    })
}

/// Reads fields out of a JSON object, collecting every problem.
pub(crate) struct Fields<'a> {
    obj: &'a Map<String, Value>,
    errors: Map<String, Value>,
}

impl<'a> Fields<'a> {
    /// Starts reading `obj`.
    pub(crate) fn new(obj: &'a Map<String, Value>) -> Self {
        Fields {
            obj,
            errors: Map::new(),
        }
    }

    /// Adds a message under `key`.
    pub(crate) fn error(&mut self, key: &str, message: impl Into<String>) {
        let entry = self
            .errors
            .entry(key.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(Value::String(message.into()));
        }
    }

    /// Puts a nested error value under `key`.
    pub(crate) fn nested_error(&mut self, key: &str, value: Value) {
        self.errors.insert(key.to_string(), value);
    }

    /// The errors found, if any.
    pub(crate) fn finish(self) -> Result<(), Value> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Value::Object(self.errors))
        }
    }

    /// The raw value of a field that is present and not null.
    pub(crate) fn present(&self, key: &str) -> Option<&'a Value> {
        self.obj.get(key).filter(|v| !v.is_null())
    }

    /// A required, non-blank string.
    pub(crate) fn required_string(&mut self, key: &str) -> Option<String> {
        match self.obj.get(key) {
            None => {
                self.error(key, REQUIRED);
                None
            }
            Some(Value::Null) => {
                self.error(key, "This field may not be null.");
                None
            }
            Some(v) => match string_like(v) {
                Some(s) if s.trim().is_empty() => {
                    self.error(key, "This field may not be blank.");
                    None
                }
                Some(s) => Some(s),
                None => {
                    self.error(key, "Not a valid string.");
                    None
                }
            },
        }
    }

    /// An optional string (absent or null: `None`).
    pub(crate) fn optional_string(&mut self, key: &str) -> Option<String> {
        let v = self.present(key)?;
        match string_like(v) {
            Some(s) => Some(s),
            None => {
                self.error(key, "Not a valid string.");
                None
            }
        }
    }

    /// A boolean with a default.
    pub(crate) fn bool(&mut self, key: &str, default: bool) -> bool {
        let Some(v) = self.present(key) else {
            return default;
        };
        match v {
            Value::Bool(b) => *b,
            Value::Number(n) if n.as_i64() == Some(1) => true,
            Value::Number(n) if n.as_i64() == Some(0) => false,
            Value::String(s) if ["true", "True", "1"].contains(&s.as_str()) => true,
            Value::String(s) if ["false", "False", "0"].contains(&s.as_str()) => false,
            _ => {
                self.error(key, "Must be a valid boolean.");
                default
            }
        }
    }

    /// An optional boolean, echoed only when given.
    pub(crate) fn optional_bool(&mut self, key: &str) -> Option<bool> {
        self.present(key)?;
        Some(self.bool(key, false))
    }

    /// An integer of at least `min`, or `default` when absent.
    pub(crate) fn int(&mut self, key: &str, default: i64, min: i64) -> i64 {
        let Some(v) = self.present(key) else {
            return default;
        };
        match integer_like(v) {
            Some(n) if n < min => {
                self.error(
                    key,
                    format!("Ensure this value is greater than or equal to {min}."),
                );
                default
            }
            Some(n) => n,
            None => {
                self.error(key, "A valid integer is required.");
                default
            }
        }
    }

    /// An integer or null (null when absent).
    pub(crate) fn nullable_int(&mut self, key: &str) -> Value {
        let Some(v) = self.present(key) else {
            return Value::Null;
        };
        match integer_like(v) {
            Some(n) => json!(n),
            None => {
                self.error(key, "A valid integer is required.");
                Value::Null
            }
        }
    }

    /// A list, `[]` when absent or null.
    pub(crate) fn list(&mut self, key: &str) -> Value {
        match self.present(key) {
            None => json!([]),
            Some(v @ Value::Array(_)) => v.clone(),
            Some(v) => {
                self.error(
                    key,
                    format!(
                        "Expected a list of items but got type \"{}\".",
                        python_type(v)
                    ),
                );
                json!([])
            }
        }
    }

    /// An open map, `{}` when absent or null.
    pub(crate) fn map(&mut self, key: &str) -> Map<String, Value> {
        match self.present(key) {
            None => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(v) => {
                self.error(
                    key,
                    format!(
                        "Expected a dictionary of items but got type \"{}\".",
                        python_type(v)
                    ),
                );
                Map::new()
            }
        }
    }

    /// An object or null (null when absent).
    pub(crate) fn nullable_object(&mut self, key: &str) -> Value {
        match self.present(key) {
            None => Value::Null,
            Some(v @ Value::Object(_)) => v.clone(),
            Some(v) => {
                self.nested_error(key, not_a_dict(v));
                Value::Null
            }
        }
    }

    /// Any value, null when absent (fields the simulator only echoes).
    pub(crate) fn any(&self, key: &str) -> Value {
        self.present(key).cloned().unwrap_or(Value::Null)
    }
}

fn string_like(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn integer_like(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A validated job (`POST jobs/` body).
#[derive(Debug, Clone)]
pub(crate) struct JobSpec {
    pub name: String,
    pub description: Option<String>,
    pub billing_priority_value: Option<String>,
    pub is_low_priority: bool,
    pub project_id: Value,
    pub param_file: Value,
    pub case_file: Value,
    pub jobvariables: Value,
    pub include_nominal_run: bool,
    pub monte_carlo_iterations: Value,
    pub auto_terminate_cluster: bool,
    pub archive_filters: Value,
    pub resource_filters: Value,
    pub remote_viz_config: Value,
    pub is_template_dry_run: bool,
    pub expected_runs: Value,
    pub analyses: Vec<AnalysisSpec>,
}

/// One validated entry of `jobanalyses`.
#[derive(Debug, Clone)]
pub(crate) struct AnalysisSpec {
    pub command: String,
    pub use_rescale_license: bool,
    pub use_mpi: Option<bool>,
    pub env_vars: Map<String, Value>,
    pub flags: Map<String, Value>,
    pub pre_process_script: Value,
    pub pre_process_script_command: String,
    pub post_process_script: Value,
    pub post_process_script_command: String,
    pub template_tasks: Value,
    pub on_demand_license_seller: Option<Value>,
    pub user_defined_license_settings: Option<Value>,
    pub analysis: &'static Analysis,
    pub version: &'static AnalysisVersion,
    pub core_type: &'static CoreType,
    pub cores_per_slot: u32,
    pub slots: u32,
    pub walltime: u32,
    pub input_files: Vec<InputFileRef>,
}

/// An input file named by a job.
#[derive(Debug, Clone)]
pub(crate) struct InputFileRef {
    pub id: String,
    pub decompress: Option<bool>,
}

/// Validates a job body. `files` are the files that input files may name.
pub(crate) fn job_spec(
    body: &Map<String, Value>,
    files: &BTreeMap<String, StoredFile>,
) -> Result<JobSpec, Value> {
    let mut f = Fields::new(body);
    let name = f.required_string("name");
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        f.error("name", "Ensure this field has no more than 200 characters.");
    }
    let description = f.optional_string("description");
    let billing_priority_value = f.optional_string("billingPriorityValue");
    let is_low_priority = f.bool("isLowPriority", false);
    let project_id = match f.optional_string("projectId") {
        Some(s) => Value::String(s),
        None => Value::Null,
    };
    let param_file = f.any("paramFile");
    let case_file = f.any("caseFile");
    let jobvariables = f.list("jobvariables");
    let include_nominal_run = f.bool("includeNominalRun", false);
    let monte_carlo_iterations = f.nullable_int("monteCarloIterations");
    let auto_terminate_cluster = f.bool("autoTerminateCluster", true);
    let archive_filters = f.list("archiveFilters");
    let resource_filters = f.list("resourceFilters");
    let remote_viz_config = f.nullable_object("remoteVizConfig");
    let is_template_dry_run = f.bool("isTemplateDryRun", false);
    let expected_runs = f.nullable_int("expectedRuns");

    let mut analyses = Vec::new();
    match body.get("jobanalyses") {
        None => f.error("jobanalyses", REQUIRED),
        Some(Value::Null) => f.error("jobanalyses", "This field may not be null."),
        Some(Value::Array(items)) if items.is_empty() => {
            f.error("jobanalyses", "This list may not be empty.")
        }
        Some(Value::Array(items)) => {
            let mut item_errors = Vec::with_capacity(items.len());
            let mut any_error = false;
            for item in items {
                match analysis_spec(item, files) {
                    Ok(spec) => {
                        analyses.push(spec);
                        item_errors.push(json!({}));
                    }
                    Err(e) => {
                        any_error = true;
                        item_errors.push(e);
                    }
                }
            }
            if any_error {
                f.nested_error("jobanalyses", Value::Array(item_errors));
            }
        }
        Some(v) => f.error(
            "jobanalyses",
            format!(
                "Expected a list of items but got type \"{}\".",
                python_type(v)
            ),
        ),
    }
    f.finish()?;
    Ok(JobSpec {
        name: name.unwrap_or_default(),
        description,
        billing_priority_value,
        is_low_priority,
        project_id,
        param_file,
        case_file,
        jobvariables,
        include_nominal_run,
        monte_carlo_iterations,
        auto_terminate_cluster,
        archive_filters,
        resource_filters,
        remote_viz_config,
        is_template_dry_run,
        expected_runs,
        analyses,
    })
}

fn analysis_spec(
    item: &Value,
    files: &BTreeMap<String, StoredFile>,
) -> Result<AnalysisSpec, Value> {
    let Value::Object(obj) = item else {
        return Err(not_a_dict(item));
    };
    let mut f = Fields::new(obj);
    let command = f.required_string("command");
    let use_rescale_license = f.bool("useRescaleLicense", false);
    let use_mpi = f.optional_bool("useMpi");
    let env_vars = f.map("envVars");
    let flags = f.map("flags");
    let pre_process_script = f.any("preProcessScript");
    let pre_process_script_command = f.optional_string("preProcessScriptCommand");
    let post_process_script = f.any("postProcessScript");
    let post_process_script_command = f.optional_string("postProcessScriptCommand");
    let template_tasks = f.list("templateTasks");
    let on_demand_license_seller = f.present("onDemandLicenseSeller").cloned();
    let user_defined_license_settings = f.present("userDefinedLicenseSettings").cloned();

    let chosen = read_analysis(&mut f, obj.get("analysis"));
    let hardware = read_hardware(&mut f, obj.get("hardware"), chosen);
    let input_files = read_input_files(&mut f, obj.get("inputFiles"), files);
    f.finish()?;

    // Every `None` below was reported as an error, so `finish` returned early.
    let (Some(command), Some((analysis, version)), Some(hw)) = (command, chosen, hardware) else {
        return Err(json!({"non_field_errors": ["Invalid data."]}));
    };
    Ok(AnalysisSpec {
        command,
        use_rescale_license,
        use_mpi,
        env_vars,
        flags,
        pre_process_script,
        pre_process_script_command: pre_process_script_command.unwrap_or_default(),
        post_process_script,
        post_process_script_command: post_process_script_command.unwrap_or_default(),
        template_tasks,
        on_demand_license_seller,
        user_defined_license_settings,
        analysis,
        version,
        core_type: hw.core_type,
        cores_per_slot: hw.cores_per_slot,
        slots: hw.slots,
        walltime: hw.walltime,
        input_files,
    })
}

fn read_analysis(
    f: &mut Fields<'_>,
    value: Option<&Value>,
) -> Option<(&'static Analysis, &'static AnalysisVersion)> {
    let obj = match value {
        None => {
            f.error("analysis", REQUIRED);
            return None;
        }
        Some(Value::Null) => {
            f.error("analysis", "This field may not be null.");
            return None;
        }
        Some(Value::Object(obj)) => obj,
        Some(v) => {
            f.nested_error("analysis", not_a_dict(v));
            return None;
        }
    };
    let mut af = Fields::new(obj);
    let code = af.required_string("code");
    let version = af.optional_string("version");
    if let Err(e) = af.finish() {
        f.nested_error("analysis", e);
        return None;
    }
    let code = code?;
    let Some(analysis) = catalog::analysis(&code) else {
        f.error(
            "analysis",
            format!("Analysis with code \"{code}\" does not exist."),
        );
        return None;
    };
    // Without a version, the newest (first listed) one is used.
    let Some(version_code) = version else {
        return analysis.versions.first().map(|v| (analysis, v));
    };
    match analysis.version(&version_code) {
        Some(v) => Some((analysis, v)),
        None => {
            let known: Vec<&str> = analysis.versions.iter().map(|v| v.version_code).collect();
            f.error(
                "analysis",
                format!(
                    "Version \"{version_code}\" of analysis \"{code}\" does not exist; versions: {}.",
                    known.join(", ")
                ),
            );
            None
        }
    }
}

struct HardwareSpec {
    core_type: &'static CoreType,
    cores_per_slot: u32,
    slots: u32,
    walltime: u32,
}

fn read_hardware(
    f: &mut Fields<'_>,
    value: Option<&Value>,
    chosen: Option<(&'static Analysis, &'static AnalysisVersion)>,
) -> Option<HardwareSpec> {
    let empty = Map::new();
    let obj = match value {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(obj)) => obj,
        Some(v) => {
            f.nested_error("hardware", not_a_dict(v));
            return None;
        }
    };
    let mut hf = Fields::new(obj);
    let default_core_type = chosen
        .and_then(|(_, v)| v.allowed_core_types.first().copied())
        .unwrap_or("emerald");
    let code = hf
        .optional_string("coreType")
        .unwrap_or_else(|| default_core_type.to_string());
    let cores_per_slot = hf.int("coresPerSlot", 1, 1);
    let slots = hf.int("slots", 1, 1);
    let walltime = hf.int("walltime", 750, 1);
    let core_type = match catalog::core_type(&code) {
        None => {
            hf.error("coreType", format!("Core type \"{code}\" does not exist."));
            None
        }
        Some(ct) if !ct.is_active() => {
            hf.error(
                "coreType",
                format!("Core type \"{code}\" is no longer available."),
            );
            None
        }
        Some(ct) => {
            if let Some((analysis, version)) = chosen
                && !version.allowed_core_types.contains(&ct.code)
            {
                hf.error(
                    "coreType",
                    format!(
                        "Core type \"{code}\" cannot run {} {}; allowed: {}.",
                        analysis.code,
                        version.version_code,
                        version.allowed_core_types.join(", ")
                    ),
                );
            }
            Some(ct)
        }
    };
    let bad_cores = core_type.filter(|ct| {
        hf.present("coresPerSlot").is_some()
            && !ct.cores.iter().any(|&c| i64::from(c) == cores_per_slot)
    });
    if let Some(ct) = bad_cores {
        let choices: Vec<String> = ct.cores.iter().map(u32::to_string).collect();
        hf.error(
            "coresPerSlot",
            format!(
                "{cores_per_slot} is not a valid number of cores for core type \"{}\"; choose one of {}.",
                ct.code,
                choices.join(", ")
            ),
        );
    }
    if let Err(e) = hf.finish() {
        f.nested_error("hardware", e);
        return None;
    }
    let to_u32 = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Some(HardwareSpec {
        core_type: core_type?,
        cores_per_slot: to_u32(cores_per_slot),
        slots: to_u32(slots),
        walltime: to_u32(walltime),
    })
}

fn read_input_files(
    f: &mut Fields<'_>,
    value: Option<&Value>,
    files: &BTreeMap<String, StoredFile>,
) -> Vec<InputFileRef> {
    let items = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(v) => {
            f.error(
                "inputFiles",
                format!(
                    "Expected a list of items but got type \"{}\".",
                    python_type(v)
                ),
            );
            return Vec::new();
        }
    };
    let mut refs = Vec::with_capacity(items.len());
    let mut errors = Vec::with_capacity(items.len());
    let mut any_error = false;
    for item in items {
        let Value::Object(obj) = item else {
            any_error = true;
            errors.push(not_a_dict(item));
            continue;
        };
        let mut ff = Fields::new(obj);
        let id = ff.required_string("id");
        let decompress = ff.optional_bool("decompress");
        if let Some(id) = id.as_ref().filter(|id| !files.contains_key(*id)) {
            ff.error("id", format!("File \"{id}\" does not exist."));
        }
        match (ff.finish(), id) {
            (Ok(()), Some(id)) => {
                refs.push(InputFileRef { id, decompress });
                errors.push(json!({}));
            }
            (Err(e), _) => {
                any_error = true;
                errors.push(e);
            }
            (Ok(()), None) => {
                any_error = true;
                errors.push(json!({"id": [REQUIRED]}));
            }
        }
    }
    if any_error {
        f.nested_error("inputFiles", Value::Array(errors));
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn minimal(analysis: Value, hardware: Value) -> Map<String, Value> {
        body(json!({
            "name": "j",
            "jobanalyses": [{"command": "run", "analysis": analysis, "hardware": hardware}]
        }))
    }

    #[test]
    fn missing_required_fields() {
        let err = job_spec(&Map::new(), &BTreeMap::new()).unwrap_err();
        assert_eq!(err, json!({"name": [REQUIRED], "jobanalyses": [REQUIRED]}));
    }

    #[test]
    fn wrong_types_are_reported_per_field() {
        let err = job_spec(
            &body(json!({"name": 5.5, "jobanalyses": "x", "isLowPriority": "maybe"})),
            &BTreeMap::new(),
        )
        .unwrap_err();
        assert_eq!(err["isLowPriority"], json!(["Must be a valid boolean."]));
        assert_eq!(
            err["jobanalyses"],
            json!(["Expected a list of items but got type \"str\"."])
        );
        assert!(err.get("name").is_none(), "numbers are accepted as strings");
    }

    #[test]
    fn nested_errors_line_up_with_items() {
        let b = body(json!({
            "name": "j",
            "jobanalyses": [
                {"command": "a", "analysis": {"code": "ls_dyna", "version": "9.0.0"}},
                {"command": "b", "analysis": {"code": "nope"}},
                "text"
            ]
        }));
        let err = job_spec(&b, &BTreeMap::new()).unwrap_err();
        assert_eq!(err["jobanalyses"][0], json!({}));
        assert_eq!(
            err["jobanalyses"][1],
            json!({"analysis": ["Analysis with code \"nope\" does not exist."]})
        );
        assert_eq!(
            err["jobanalyses"][2]["non_field_errors"],
            json!(["Invalid data. Expected a dictionary, but got str."])
        );
    }

    #[test]
    fn hardware_is_checked_against_the_catalogue() {
        let ok = job_spec(
            &minimal(
                json!({"code": "ls_dyna", "version": "9.0.0"}),
                json!({"coreType": "hpc-3", "coresPerSlot": 2, "slots": 1}),
            ),
            &BTreeMap::new(),
        )
        .expect("valid");
        assert_eq!(ok.analyses[0].core_type.code, "hpc-3");
        assert_eq!(ok.analyses[0].walltime, 750);

        for (hardware, field) in [
            (json!({"coreType": "quartz"}), "coreType"),
            (json!({"coreType": "nickel"}), "coreType"),
            (json!({"coreType": "carbon", "coresPerSlot": 8}), "coreType"),
            (
                json!({"coreType": "hpc-3", "coresPerSlot": 3}),
                "coresPerSlot",
            ),
            (json!({"coreType": "hpc-3", "slots": 0}), "slots"),
        ] {
            let err = job_spec(
                &minimal(
                    json!({"code": "ls_dyna", "version": "9.0.0"}),
                    hardware.clone(),
                ),
                &BTreeMap::new(),
            )
            .unwrap_err();
            assert!(
                err["jobanalyses"][0]["hardware"][field].is_array(),
                "{hardware} -> {err}"
            );
        }
    }

    #[test]
    fn unknown_version_and_input_file() {
        let mut b = minimal(json!({"code": "ls_dyna", "version": "1.0"}), Value::Null);
        if let Some(Value::Array(items)) = b.get_mut("jobanalyses") {
            items[0]["inputFiles"] = json!([{"id": "missing"}]);
        }
        let err = job_spec(&b, &BTreeMap::new()).unwrap_err();
        let item = &err["jobanalyses"][0];
        assert!(
            item["analysis"][0]
                .as_str()
                .unwrap_or("")
                .contains("\"1.0\"")
        );
        assert_eq!(
            item["inputFiles"],
            json!([{"id": ["File \"missing\" does not exist."]}])
        );
    }
}
