//! Turning spec names into Rust identifiers that compile and never collide.

use heck::{ToSnakeCase, ToUpperCamelCase};
use rustc_hash::FxHashSet;

/// Words that cannot be identifiers at all, not even as raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Rust keywords, strict and reserved (2024 edition).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Type names that would shadow what generated code uses unqualified.
const RESERVED_TYPES: &[&str] = &[
    "Option", "Result", "Vec", "String", "Box", "Some", "None", "Ok", "Err", "Self", "Default",
    "Send", "Sync", "Sized",
];

/// Keeps letters, digits and underscores; everything else separates words.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c == '+' {
            out.push_str(" plus ");
        } else if !c.is_alphanumeric() {
            out.push(' ');
        } else {
            // Non-ASCII letters are not portable in identifiers; keep a hint of them.
            out.push('_');
        }
    }
    out
}

/// Whether `raw` is already what `to_upper_camel_case` would make of it: ASCII letters and
/// digits, starting with an uppercase letter, no two uppercase letters in a row (an acronym,
/// which heck rewrites) and no letter after a digit. Most schema names are; skipping heck for
/// them saves a tenth of the generation time.
fn is_plain_upper_camel(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_uppercase)
        && bytes.iter().all(u8::is_ascii_alphanumeric)
        && !bytes.windows(2).any(|pair| {
            (pair[0].is_ascii_uppercase() && pair[1].is_ascii_uppercase())
                || (pair[0].is_ascii_digit() && pair[1].is_ascii_alphabetic())
        })
}

/// Whether `raw` is already what `to_snake_case` would make of it: lowercase ASCII words of
/// letters and digits joined by single underscores, starting with a letter, no letter after
/// a digit.
fn is_plain_snake(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes.last() != Some(&b'_')
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
        && !bytes.windows(2).any(|pair| {
            (pair[0] == b'_' && pair[1] == b'_')
                || (pair[0].is_ascii_digit() && pair[1].is_ascii_lowercase())
        })
}

/// An UpperCamelCase type or variant name for `raw` (`"job status"` -> `JobStatus`).
pub fn type_name(raw: &str) -> String {
    let mut name = if is_plain_upper_camel(raw) {
        raw.to_owned()
    } else {
        words(raw).to_upper_camel_case()
    };
    if name.is_empty() {
        name.push_str("Unnamed");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if RESERVED_TYPES.contains(&name.as_str()) || KEYWORDS.contains(&name.as_str()) {
        name.push_str("Model");
    }
    name
}

/// A snake_case field, method or argument name for `raw`; keywords become raw identifiers.
pub fn field_name(raw: &str) -> String {
    let mut name = if is_plain_snake(raw) {
        raw.to_owned()
    } else {
        words(raw).to_snake_case()
    };
    if name.is_empty() {
        name.push_str("value");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// Hands out names that are unique within one scope, adding `2`, `3`, ... when needed.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    taken: FxHashSet<String>,
}

impl Scope {
    /// A scope where `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// `name`, or `name` with the smallest suffix that makes it unique; then marks it taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let base = name.strip_prefix("r#").unwrap_or(&name).to_owned();
        let separator = if base.contains('_') || base.starts_with(|c: char| c.is_ascii_lowercase())
        {
            "_"
        } else {
            ""
        };
        for n in 2.. {
            let candidate = format!("{base}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded counter always finds a free name")
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name("job-status"), "JobStatus");
        assert_eq!(type_name("2fa.config"), "V2faConfig");
        assert_eq!(type_name("Option"), "OptionModel");
        assert_eq!(type_name("Waiting for Cluster"), "WaitingForCluster");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(type_name("not_completed"), "NotCompleted");
        assert_eq!(type_name("C++"), "CPlusPlus");
    }

    #[test]
    fn field_names() {
        assert_eq!(field_name("numberOfNodes"), "number_of_nodes");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("1st"), "_1st");
        assert_eq!(field_name("x-rate.limit"), "x_rate_limit");
        assert_eq!(field_name("@id"), "id");
    }

    /// The shortcuts that skip heck must give exactly what heck gives, or names would change
    /// with the spelling of the input. Checked on hand-picked tricky names and on every word
    /// of the specs the repository generates from.
    #[test]
    fn shortcuts_agree_with_heck() {
        let mut samples: Vec<String> = [
            "Job",
            "JobSummary",
            "HTTPServer",
            "Job2",
            "Job2Type",
            "V2beta",
            "A",
            "AB",
            "Ab1",
            "job",
            "job_id",
            "job__id",
            "job_",
            "v2beta",
            "a1b",
            "page_size2",
            "x",
            "ipv6_cidr",
            "getV2",
            "snake_Case",
            "x9",
            "Type_",
            "Ipv4Net",
            "IPv4Net",
            "NameOrId",
            "A1",
            "a_1",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = vec![root.join("spec/rescale.yaml")];
        if let Ok(dir) = std::fs::read_dir(root.join("../shared/specs")) {
            files.extend(dir.flatten().map(|entry| entry.path()));
        }
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            samples.extend(
                text.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            );
        }
        samples.sort();
        samples.dedup();
        assert!(
            samples.len() > 100,
            "too few names to compare: {}",
            samples.len()
        );
        for raw in &samples {
            if is_plain_upper_camel(raw) {
                assert_eq!(raw.to_upper_camel_case(), *raw, "UpperCamelCase shortcut");
            }
            if is_plain_snake(raw) {
                assert_eq!(raw.to_snake_case(), *raw, "snake_case shortcut");
            }
        }
    }

    #[test]
    fn scope_suffixes() {
        let mut scope = Scope::default();
        assert_eq!(scope.claim("job".into()), "job");
        assert_eq!(scope.claim("job".into()), "job_2");
        assert_eq!(scope.claim("r#type".into()), "r#type");
        assert_eq!(scope.claim("r#type".into()), "type_2");
        let mut types = Scope::default();
        assert_eq!(types.claim("Job".into()), "Job");
        assert_eq!(types.claim("Job".into()), "Job2");
    }
}
