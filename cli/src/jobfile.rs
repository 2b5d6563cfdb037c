//! Checks job settings against the request schema of `create_job` in the spec before anything
//! is sent: a misspelt field (`coresPerslot`) would otherwise be dropped or ignored and the job
//! created with defaults the user did not ask for.
//!
//! The spec is embedded at build time, so the check follows the spec the client was generated
//! from. It refuses unknown fields (unless the schema allows extra properties), values of the
//! wrong JSON type and missing required fields, at any depth.

use serde_json::Value;

/// The spec the client is generated from.
const SPEC: &str = include_str!("../../spec/rescale.yaml");

/// The operation whose request body a job file is.
const CREATE_JOB_PATH: &str = "/api/v2/jobs/";

/// Most problems listed in one message.
const MAX_SHOWN: usize = 3;

/// One thing wrong with the job settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where: `jobanalyses[0].hardware`, or empty for the top level.
    pub at: String,
    /// What, such as "unknown field `coresPerslot` (did you mean `coresPerSlot`?)".
    pub what: String,
}

impl Problem {
    fn text(&self) -> String {
        if self.at.is_empty() {
            self.what.clone()
        } else {
            format!("{}: {}", self.at, self.what)
        }
    }
}

/// Checks `settings` against the spec's `create_job` request schema. `Err` holds a one-line
/// description of (at most a few of) the problems found.
pub fn check_job_request(settings: &Value) -> Result<(), String> {
    let spec: Value =
        serde_yaml::from_str(SPEC).map_err(|e| format!("the embedded spec does not parse: {e}"))?;
    let schema = spec
        .pointer(&format!(
            "/paths/{}/post/requestBody/content/application~1json/schema",
            CREATE_JOB_PATH.replace('~', "~0").replace('/', "~1")
        ))
        .ok_or("the embedded spec has no JSON request body for creating a job")?;
    let problems = Checker { spec: &spec }.check(settings, schema, "");
    if problems.is_empty() {
        return Ok(());
    }
    let mut text: Vec<String> = problems.iter().take(MAX_SHOWN).map(Problem::text).collect();
    if problems.len() > MAX_SHOWN {
        text.push(format!("and {} more", problems.len() - MAX_SHOWN));
    }
    Err(text.join("; "))
}

/// Walks a value and a schema together.
struct Checker<'s> {
    spec: &'s Value,
}

/// The parts of a schema that matter here, merged over `allOf`.
#[derive(Default)]
struct Shape<'s> {
    types: Vec<&'s str>,
    nullable: bool,
    /// Property names and schemas, from every `allOf` part.
    properties: Vec<(&'s str, &'s Value)>,
    required: Vec<&'s str>,
    /// `additionalProperties`: `None` (not said: refused here), `Some(None)` (`true`: anything),
    /// `Some(Some(schema))`.
    additional: Option<Option<&'s Value>>,
    items: Option<&'s Value>,
    /// `oneOf`/`anyOf` alternatives.
    alternatives: Vec<&'s Value>,
    /// Whether the schema says anything at all (an empty schema takes any value).
    constrained: bool,
}

impl<'s> Checker<'s> {
    /// Follows local `$ref`s (a bounded number, so a loop cannot hang).
    fn resolve(&self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..32 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            match target
                .strip_prefix('#')
                .and_then(|pointer| self.spec.pointer(pointer))
            {
                Some(next) => schema = next,
                None => return &Value::Null,
            }
        }
        schema
    }

    fn shape(&self, schema: &'s Value, shape: &mut Shape<'s>, depth: usize) {
        let schema = self.resolve(schema);
        let Some(map) = schema.as_object() else {
            return;
        };
        if depth > 32 {
            return;
        }
        match map.get("type") {
            Some(Value::String(t)) => {
                shape.types.push(t);
                shape.constrained = true;
            }
            Some(Value::Array(types)) => {
                for t in types.iter().filter_map(Value::as_str) {
                    if t == "null" {
                        shape.nullable = true;
                    } else {
                        shape.types.push(t);
                    }
                }
                shape.constrained = true;
            }
            _ => {}
        }
        if map.get("nullable").and_then(Value::as_bool) == Some(true) {
            shape.nullable = true;
        }
        if let Some(Value::Object(props)) = map.get("properties") {
            shape.constrained = true;
            for (name, prop) in props {
                shape.properties.push((name.as_str(), prop));
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            shape
                .required
                .extend(required.iter().filter_map(Value::as_str));
        }
        match map.get("additionalProperties") {
            Some(Value::Bool(true)) => shape.additional = Some(None),
            Some(extra @ Value::Object(_)) => shape.additional = Some(Some(extra)),
            _ => {}
        }
        if let Some(items) = map.get("items") {
            shape.items = Some(items);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(alternatives)) = map.get(key) {
                shape.constrained = true;
                shape.alternatives.extend(alternatives.iter());
            }
        }
        if let Some(Value::Array(parts)) = map.get("allOf") {
            for part in parts {
                self.shape(part, shape, depth + 1);
            }
        }
    }

    fn check(&self, value: &Value, schema: &'s Value, at: &str) -> Vec<Problem> {
        let mut shape = Shape::default();
        self.shape(schema, &mut shape, 0);
        // `allOf` parts often repeat the type.
        shape.types.sort_unstable();
        shape.types.dedup();
        if !shape.constrained {
            return Vec::new();
        }
        let problem = |what: String| Problem {
            at: at.to_owned(),
            what,
        };
        if value.is_null() {
            return if shape.nullable || shape.types.is_empty() {
                Vec::new()
            } else {
                vec![problem(format!(
                    "null where {} is expected",
                    a(&shape.types)
                ))]
            };
        }
        if !shape.alternatives.is_empty() {
            let mut best: Option<Vec<Problem>> = None;
            for alternative in &shape.alternatives {
                let found = self.check(value, alternative, at);
                if found.is_empty() {
                    return Vec::new();
                }
                if best.as_ref().is_none_or(|b| found.len() < b.len()) {
                    best = Some(found);
                }
            }
            return best.unwrap_or_default();
        }
        if !shape.types.is_empty() && !shape.types.iter().any(|t| has_type(value, t)) {
            return vec![problem(format!(
                "{} where {} is expected",
                describe(value),
                a(&shape.types)
            ))];
        }
        let mut problems = Vec::new();
        match value {
            Value::Object(fields) => {
                for name in &shape.required {
                    if !fields.contains_key(*name) {
                        problems.push(problem(format!("missing required field `{name}`")));
                    }
                }
                for (name, field) in fields {
                    let inner = join(at, name);
                    let prop = shape
                        .properties
                        .iter()
                        .rev()
                        .find(|(known, _)| known == name)
                        .map(|(_, prop)| *prop);
                    match (prop, shape.additional) {
                        (Some(prop), _) => problems.extend(self.check(field, prop, &inner)),
                        (None, Some(Some(extra))) => {
                            problems.extend(self.check(field, extra, &inner));
                        }
                        (None, Some(None)) => {}
                        (None, None) if shape.properties.is_empty() => {}
                        (None, None) => {
                            let known: Vec<&str> =
                                shape.properties.iter().map(|(name, _)| *name).collect();
                            let what = match closest(name, &known) {
                                Some(near) => {
                                    format!("unknown field `{name}` (did you mean `{near}`?)")
                                }
                                None => format!(
                                    "unknown field `{name}` (known: {})",
                                    known
                                        .iter()
                                        .map(|k| format!("`{k}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            };
                            problems.push(problem(what));
                        }
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = shape.items {
                    for (i, item) in items.iter().enumerate() {
                        problems.extend(self.check(item, item_schema, &format!("{at}[{i}]")));
                    }
                }
            }
            _ => {}
        }
        problems
    }
}

/// Whether `value` has the JSON schema type `t`.
fn has_type(value: &Value, t: &str) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "null" => value.is_null(),
        // A type this check does not know: not its business.
        _ => true,
    }
}

/// "a string", "an integer", "a string or an integer".
fn a(types: &[&str]) -> String {
    types
        .iter()
        .map(|t| match *t {
            "object" | "array" | "integer" => format!("an {t}"),
            other => format!("a {other}"),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// What a JSON value is, for a message: "the string \"8\"", "an array".
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(text) => {
            let short: String = text.chars().take(40).collect();
            format!("the string {short:?}")
        }
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

/// The known name closest to `name`: equal ignoring case, or within a small edit distance
/// (a third of the length, at least 1, at most 3).
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    if let Some(same) = known.iter().find(|k| k.eq_ignore_ascii_case(name)) {
        return Some(same);
    }
    let lower = name.to_ascii_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Edit distance over characters where swapping two neighbours counts as one edit (optimal
/// string alignment), so `nmae` is one edit from `name`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({
            "name": "LS-DYNA",
            "billingPriorityValue": "INSTANT",
            "projectId": null,
            "jobanalyses": [{
                "command": "ls-dyna -i model.k",
                "analysis": {"code": "ls_dyna", "version": "9.0.0"},
                "hardware": {"coreType": "hpc-3", "coresPerSlot": 8, "slots": 1},
                "inputFiles": [{"id": "AbCdE"}],
                "useRescaleLicense": true,
                "onDemandLicenseSeller": {"anything": [1, 2]}
            }],
            "jobvariables": [{"free": "form"}]
        })
    }

    #[test]
    fn the_documented_job_passes() {
        assert_eq!(check_job_request(&valid()), Ok(()));
    }

    #[test]
    fn a_misspelt_nested_field_is_refused_with_a_suggestion() {
        let mut job = valid();
        let hardware = &mut job["jobanalyses"][0]["hardware"];
        let cores = hardware["coresPerSlot"].take();
        hardware
            .as_object_mut()
            .map(|h| {
                h.remove("coresPerSlot");
                h.insert("coresPerslot".into(), cores)
            })
            .expect("object");
        assert_eq!(
            check_job_request(&job),
            Err("jobanalyses[0].hardware: unknown field `coresPerslot` (did you mean `coresPerSlot`?)"
                .to_owned())
        );
    }

    #[test]
    fn top_level_types_and_required_fields_are_checked() {
        let job = json!({"nmae": "x", "jobanalyses": [{"command": 5}]});
        let err = check_job_request(&job).expect_err("refused");
        assert!(err.contains("missing required field `name`"), "{err}");
        assert!(
            err.contains("unknown field `nmae` (did you mean `name`?)"),
            "{err}"
        );
        assert!(
            err.contains("jobanalyses[0].command: the number 5 where a string is expected"),
            "{err}"
        );
        let err = check_job_request(&json!({"name": "x", "jobanalyses": [], "zzz": 1}))
            .expect_err("refused");
        assert!(
            err.starts_with("unknown field `zzz` (known: `billingPriorityValue`, ")
                && err.contains("`name`"),
            "{err}"
        );
        let err = check_job_request(&json!([])).expect_err("refused");
        assert_eq!(err, "an array where an object is expected");
    }

    #[test]
    fn suggestions_are_close_names_only() {
        let known = ["coresPerSlot", "slots", "coreType"];
        assert_eq!(closest("coresperslot", &known), Some("coresPerSlot"));
        assert_eq!(closest("slot", &known), Some("slots"));
        assert_eq!(closest("coreTyp", &known), Some("coreType"));
        assert_eq!(closest("walltime", &known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("nmae", "name"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
