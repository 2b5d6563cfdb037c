//! Turning spec names into Rust identifiers that compile and never collide.

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

/// Calls `word` with each word of `text` (ASCII letters and digits; anything else separates
/// words), splitting inside a word the way heck does: before an uppercase letter that follows a
/// lowercase one (`fooBar` -> `foo`, `Bar`), and before the last of several uppercase letters
/// when a lowercase one follows (`HTTPServer` -> `HTTP`, `Server`). Digits do not change case.
///
/// This is heck's word boundary for ASCII, written without heck's formatter machinery (naming
/// took a tenth of the generation time through heck); `words` has already reduced the input to
/// ASCII. `tests::case_conversions_agree_with_heck` checks that both agree.
fn for_each_word(text: &str, mut word: impl FnMut(&str)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Case {
        None,
        Lower,
        Upper,
    }
    for chunk in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = chunk.as_bytes();
        let mut start = 0;
        let mut case = Case::None;
        for i in 0..bytes.len() {
            let c = bytes[i];
            let Some(&next) = bytes.get(i + 1) else {
                word(&chunk[start..]);
                break;
            };
            let case_with_c = if c.is_ascii_lowercase() {
                Case::Lower
            } else if c.is_ascii_uppercase() {
                Case::Upper
            } else {
                case
            };
            if case_with_c == Case::Lower && next.is_ascii_uppercase() {
                word(&chunk[start..=i]);
                start = i + 1;
                case = Case::None;
            } else if case == Case::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&chunk[start..i]);
                start = i;
                case = Case::None;
            } else {
                case = case_with_c;
            }
        }
    }
}

/// `UpperCamelCase` of ASCII text: each word capitalized, the rest of it lowercase.
fn upper_camel(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for_each_word(text, |word| {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    });
    out
}

/// `snake_case` of ASCII text: the words in lowercase, joined by `_`.
fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for_each_word(text, |word| {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push('_');
            }
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
    });
    out
}

/// An UpperCamelCase type or variant name for `raw` (`"job status"` -> `JobStatus`).
pub fn type_name(raw: &str) -> String {
    let mut name = upper_camel(&words(raw));
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
    let mut name = snake(&words(raw));
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

    /// The hand-written conversions must give exactly what heck gives (the names of generated
    /// code must not change with the implementation). Checked on tricky names, on every word of
    /// the specs the repository generates from, and on 20,000 pseudo-random strings.
    #[test]
    fn case_conversions_agree_with_heck() {
        use heck::{ToSnakeCase, ToUpperCamelCase};
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
            "ABc",
            "aBC",
            "ABCd",
            "a1B",
            "1A",
            "_",
            "",
            "  ",
            "XMLHttpRequest",
            "x-rate.limit",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = vec![root.join("spec/rescale.yaml")];
        if let Ok(dir) = std::fs::read_dir(root.join("tests/data/specs")) {
            files.extend(dir.flatten().map(|entry| entry.path()));
        }
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            // Whole tokens (keys, paths, operation ids) as the resolver sees them.
            samples.extend(
                text.split(|c: char| c.is_whitespace() || c == '"' || c == ',' || c == ':')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            );
        }
        // Pseudo-random strings over an alphabet that exercises every rule.
        let alphabet = b"aAbBzZ019_ -.";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..(state % 9) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push(alphabet[(state >> 33) as usize % alphabet.len()] as char);
            }
            state = state.wrapping_add(7);
            samples.push(text);
        }
        samples.sort();
        samples.dedup();
        assert!(samples.len() > 10_000, "too few samples: {}", samples.len());
        for raw in &samples {
            let ascii = words(raw);
            assert_eq!(upper_camel(&ascii), ascii.to_upper_camel_case(), "{raw:?}");
            assert_eq!(snake(&ascii), ascii.to_snake_case(), "{raw:?}");
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
