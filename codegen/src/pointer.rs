//! JSON pointers (RFC 6901) and the URI fragments `$ref`s write them in: escaping, joining,
//! decoding, and following one through a parsed spec. The one place that knows the rules, for
//! the resolver, the source locator and the examples.

use crate::value::Value;
use std::borrow::Cow;

/// Escapes one segment: `~` is `~0`, `/` is `~1`.
pub fn escape_segment(segment: &str) -> String {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1")
    } else {
        segment.to_owned()
    }
}

/// `base` plus one segment.
pub fn join(base: &str, segment: &str) -> String {
    let mut pointer = String::with_capacity(base.len() + segment.len() + 1);
    pointer.push_str(base);
    pointer.push('/');
    pointer.push_str(&escape_segment(segment));
    pointer
}

/// Undoes segment escaping: `~1` is `/` and `~0` is `~`, read left to right (so `~01` is `~1`);
/// a `~` followed by anything else is kept.
pub fn unescape_segment(segment: &str) -> Cow<'_, str> {
    if !segment.contains('~') {
        return Cow::Borrowed(segment);
    }
    let mut unescaped = String::with_capacity(segment.len());
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('0')) => {
                chars.next();
                unescaped.push('~');
            }
            ('~', Some('1')) => {
                chars.next();
                unescaped.push('/');
            }
            _ => unescaped.push(c),
        }
    }
    Cow::Owned(unescaped)
}

/// Decodes the `%XX` escapes of a URI fragment (`#/paths/~1pets%7Bid%7D`). A `%` not followed by
/// two hex digits is kept as is; if the decoded bytes are not UTF-8, the fragment is returned as
/// written (it then names nothing, and the message shows it as the spec wrote it).
pub fn percent_decode(fragment: &str) -> Cow<'_, str> {
    if !fragment.contains('%') {
        return Cow::Borrowed(fragment);
    }
    let bytes = fragment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&high), Some(&low)) => hex_digit(high).zip(hex_digit(low)),
            _ => None,
        };
        match escaped {
            Some((high, low)) => {
                decoded.push(high << 4 | low);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    match String::from_utf8(decoded) {
        Ok(text) => Cow::Owned(text),
        Err(_) => Cow::Borrowed(fragment),
    }
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// The pointer a reference names: `#/a/b` (percent-decoded) or a plain pointer `/a/b` as is.
pub fn from_reference(reference: &str) -> Cow<'_, str> {
    match reference.strip_prefix('#') {
        Some(fragment) => percent_decode(fragment),
        None => Cow::Borrowed(reference),
    }
}

/// The unescaped segments of `pointer` (or of a `#` fragment); none for the root and for text
/// that is no pointer.
pub fn segments(pointer: &str) -> Vec<String> {
    let pointer = from_reference(pointer);
    match pointer.strip_prefix('/') {
        Some(rest) => rest
            .split('/')
            .map(|segment| unescape_segment(segment).into_owned())
            .collect(),
        None => Vec::new(),
    }
}

/// The node of `root` at `pointer` (not a fragment: decode those with [`from_reference`]).
pub fn get<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut current = root;
    for segment in pointer.strip_prefix('/')?.split('/') {
        let segment = unescape_segment(segment);
        current = match current {
            Value::Object(map) => map.get(segment.as_ref())?,
            Value::Array(items) => items.get(index(&segment)?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The array index a segment names: `0` or a decimal number without leading zeros that fits in
/// `usize` (RFC 6901); anything else names no item.
pub fn index(segment: &str) -> Option<usize> {
    let digits = segment.as_bytes();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if digits.len() > 1 && digits[0] == b'0' {
        return None;
    }
    segment.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for segment in ["a/b", "~", "~1", "a~0/b", "", "plain", "{id}"] {
            assert_eq!(unescape_segment(&escape_segment(segment)), segment);
        }
        assert_eq!(join("/paths", "/pets/{id}"), "/paths/~1pets~1{id}");
        assert_eq!(unescape_segment("~01"), "~1");
        assert_eq!(unescape_segment("~2"), "~2");
    }

    #[test]
    fn fragments_are_percent_decoded() {
        assert_eq!(from_reference("#/a%20b/%7Bid%7D"), "/a b/{id}");
        assert_eq!(from_reference("#/100%"), "/100%");
        assert_eq!(from_reference("#/%zz"), "/%zz");
        // Not UTF-8 once decoded: kept as written, by every user of this module alike.
        assert_eq!(from_reference("#/%ff%fe"), "/%ff%fe");
        assert_eq!(from_reference("/plain"), "/plain");
        assert_eq!(
            segments("#/paths/~1pets%7B/get"),
            ["paths", "/pets{", "get"]
        );
        assert!(segments("#").is_empty());
    }

    #[test]
    fn indexes_follow_rfc_6901() {
        assert_eq!(index("0"), Some(0));
        assert_eq!(index("12"), Some(12));
        assert_eq!(index("01"), None);
        assert_eq!(index("-"), None);
        assert_eq!(index("+1"), None);
        assert_eq!(index(""), None);
    }
}
