//! The loaded spec document: an order-preserving JSON-like tree.
//!
//! YAML and JSON are both read into [`Value`]. Mapping keys that YAML writes as numbers or booleans
//! (`200:` in `responses`) become strings, so the rest of the pipeline sees one shape. Key order is
//! kept because it decides the order of generated fields and items.

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// An ordered mapping of a spec document: entries in source order.
///
/// Most mappings of a spec are small (a schema has a handful of keywords), where scanning the
/// entries is faster than hashing the key; mappings with more than 12 entries
/// (`components.schemas`, `paths`) also keep a hash index. Kept small (two words) because a
/// spec has hundreds of thousands of nodes.
#[derive(Debug, Clone, Default)]
pub struct Object {
    entries: Vec<Entry>,
    /// Positions in `entries`, hashed by key; only for large mappings.
    index: Option<Box<HashTable<usize>>>,
}

/// One member of an [`Object`].
#[derive(Debug, Clone)]
struct Entry {
    /// [`fingerprint`] of `key`, compared before the key itself.
    fingerprint: u64,
    key: String,
    value: Value,
}

/// A key's length and first seven bytes in one word: most keys of a small mapping differ there,
/// so a scan rarely compares whole strings.
fn fingerprint(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let mut word = [0u8; 8];
    let head = bytes.len().min(7);
    word[..head].copy_from_slice(&bytes[..head]);
    word[7] = bytes.len().min(255) as u8;
    u64::from_le_bytes(word)
}

fn hash_key(key: &str) -> u64 {
    use std::hash::BuildHasher;
    FxBuildHasher.hash_one(key)
}

impl Object {
    /// Mappings longer than this get a hash index.
    const INDEXED: usize = 12;

    /// An empty mapping with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Self {
        Object {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    /// The position of `key`, if present.
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index
                .find(hash_key(key), |&at| self.entries[at].key == key)
                .copied(),
            None => {
                let wanted = fingerprint(key);
                self.entries
                    .iter()
                    .position(|entry| entry.fingerprint == wanted && entry.key == key)
            }
        }
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|at| &self.entries[at].value)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`: replaces the value in place if the key is present (keeping its
    /// position), else appends. Returns the old value.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        if let Some(at) = self.position(&key) {
            return Some(std::mem::replace(&mut self.entries[at].value, value));
        }
        let at = self.entries.len();
        if let Some(index) = &mut self.index {
            let entries = &self.entries;
            index.insert_unique(hash_key(&key), at, |&i| hash_key(&entries[i].key));
        }
        self.entries.push(Entry {
            fingerprint: fingerprint(&key),
            key,
            value,
        });
        if self.index.is_none() && self.entries.len() > Self::INDEXED {
            let mut index = HashTable::with_capacity(self.entries.capacity());
            for (at, entry) in self.entries.iter().enumerate() {
                index.insert_unique(hash_key(&entry.key), at, |_| 0);
            }
            self.index = Some(Box::new(index));
        }
        None
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in source order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The keys in source order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.entries.iter().map(|e| &e.key)
    }

    /// The values in source order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|e| &e.value)
    }

    /// The first entry.
    pub fn first(&self) -> Option<(&String, &Value)> {
        self.entries.first().map(|e| (&e.key, &e.value))
    }
}

/// Equal when both hold the same keys with equal values, in any order (as JSON objects compare).
impl PartialEq for Object {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(key, value)| other.get(key).is_some_and(|v| v == value))
    }
}

impl<'a> IntoIterator for &'a Object {
    type Item = (&'a String, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        Iter(self.entries.iter())
    }
}

/// The entries of an [`Object`] in source order.
#[derive(Debug, Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a String, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (&e.key, &e.value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|e| (&e.key, &e.value))
    }
}

impl ExactSizeIterator for Iter<'_> {}

/// A node of a spec document.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null` (or an empty YAML value).
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A whole number that fits `i64`.
    Int(i64),
    /// A whole number above `i64::MAX`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string (boxed: two words instead of three, for a smaller tree).
    String(Box<str>),
    /// A sequence.
    Array(Vec<Value>),
    /// A mapping, in source order.
    Object(Object),
}

impl Value {
    /// The mapping, if this is one.
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The sequence, if this is one.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number as `f64`, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::UInt(u) => Some(*u as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Member `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|map| map.get(key))
    }

    /// A short name of the node's kind, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::UInt(_) | Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "a mapping",
        }
    }

    /// Pretty JSON text with two-space indentation, keys in source order (for examples in docs).
    pub fn to_pretty_json(&self) -> String {
        let mut out = String::new();
        self.write_pretty(&mut out, 0);
        out
    }

    fn write_pretty(&self, out: &mut String, indent: usize) {
        let pad = |out: &mut String, n: usize| out.extend(std::iter::repeat_n(' ', n));
        match self {
            Value::Array(items) if !items.is_empty() => {
                out.push_str("[\n");
                for (i, item) in items.iter().enumerate() {
                    pad(out, indent + 2);
                    item.write_pretty(out, indent + 2);
                    out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push(']');
            }
            Value::Object(map) if !map.is_empty() => {
                out.push_str("{\n");
                for (i, (key, value)) in map.iter().enumerate() {
                    pad(out, indent + 2);
                    out.push_str(&serde_json::Value::String(key.clone()).to_string());
                    out.push_str(": ");
                    value.write_pretty(out, indent + 2);
                    out.push_str(if i + 1 < map.len() { ",\n" } else { "\n" });
                }
                pad(out, indent);
                out.push('}');
            }
            Value::Array(_) => out.push_str("[]"),
            Value::Object(_) => out.push_str("{}"),
            scalar => out.push_str(&scalar.to_json().to_string()),
        }
    }

    /// Converts to `serde_json::Value` (for examples and defaults that are emitted as JSON).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::UInt(u) => serde_json::Value::from(*u),
            Value::Float(f) => serde_json::Number::from_f64(*f)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.to_string()),
            Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
            Value::Object(map) => serde_json::Value::Object(
                map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::UInt(v), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    // Numbers beyond 64 bits (seen as `maximum` bounds in real specs) only matter as documentation.
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map_or(Value::Float(v as f64), Value::UInt))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.into()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v.into_boxed_str()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Object::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(Key(key)) = map.next_key()? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let value = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// A mapping key: any scalar, kept as its text.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key, E> {
                Ok(Key(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key("null".to_owned()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

/// The syntax a spec is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON text.
    Json,
    /// YAML text (JSON documents are also accepted by the YAML reader, but we prefer the faster JSON one).
    Yaml,
}

impl Syntax {
    /// Guesses the syntax from the first non-blank character.
    pub fn detect(source: &str) -> Syntax {
        match source
            .trim_start_matches('\u{feff}')
            .trim_start()
            .as_bytes()
            .first()
        {
            Some(b'{') => Syntax::Json,
            _ => Syntax::Yaml,
        }
    }
}

/// A parse failure with its 1-based position, when the parser reported one.
#[derive(Debug)]
pub struct ParseError {
    /// What the parser said.
    pub message: String,
    /// 1-based line and column.
    pub position: Option<(usize, usize)>,
}

/// Parses `source` (YAML or JSON) into a [`Value`].
pub fn parse(source: &str) -> Result<Value, ParseError> {
    let source = source.trim_start_matches('\u{feff}');
    match Syntax::detect(source) {
        Syntax::Json => serde_json::from_str(source).map_err(|err| ParseError {
            position: (err.line() > 0).then(|| (err.line(), err.column())),
            message: strip_position(&err.to_string()),
        }),
        Syntax::Yaml => serde_yaml::from_str(source).map_err(|err| ParseError {
            position: err.location().map(|loc| (loc.line(), loc.column())),
            message: strip_position(&err.to_string()),
        }),
    }
}

/// Parsers append " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_numeric_keys_become_strings_and_order_is_kept() {
        let value = parse("responses:\n  '404': {}\n  200: {}\n  default: {}\n").unwrap();
        let keys: Vec<_> = value
            .get("responses")
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["404", "200", "default"]);
    }

    #[test]
    fn json_numbers_keep_their_kind() {
        let value = parse(r#"{"a": 1, "b": 1.0, "c": 18446744073709551615}"#).unwrap();
        assert_eq!(value.get("a"), Some(&Value::Int(1)));
        assert_eq!(value.get("b"), Some(&Value::Float(1.0)));
        assert_eq!(value.get("c"), Some(&Value::UInt(u64::MAX)));
    }

    #[test]
    fn duplicate_keys_are_an_error_with_a_position() {
        let err = parse("{\"a\": 1,\n \"a\": 2}").unwrap_err();
        assert!(err.message.contains("duplicate key `a`"), "{}", err.message);
        assert!(err.position.is_some());
    }

    #[test]
    fn bad_yaml_reports_a_position() {
        let err = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(err.position.is_some(), "{err:?}");
    }
}
