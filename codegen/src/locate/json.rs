//! The locator's JSON reader: events straight from the bytes of a JSON text, with positions.

use super::{Event, Kind, Spot, Unreadable};
use std::borrow::Cow;

/// Events of a JSON text (RFC 8259), read directly from its bytes.
pub(super) struct JsonReader<'a> {
    text: &'a str,
    /// Byte offset of the next byte to read.
    pos: usize,
    /// The objects and arrays open, innermost last.
    open: Vec<JsonCollection>,
    root_read: bool,
}

#[derive(Debug, Clone, Copy)]
struct JsonCollection {
    is_object: bool,
    after: JsonAfter,
}

/// What was last read inside an open object or array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JsonAfter {
    /// Its opening `{` or `[`.
    Open,
    /// A `,`.
    Comma,
    /// An object key.
    Key,
    /// A complete value.
    Value,
}

impl<'a> JsonReader<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        JsonReader {
            text,
            pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
            open: Vec::new(),
            root_read: false,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    pub(super) fn next_event(&mut self) -> Result<Option<Event<'a>>, Unreadable> {
        loop {
            self.skip_whitespace();
            let Some(&JsonCollection { is_object, after }) = self.open.last() else {
                if self.root_read {
                    return Ok(None);
                }
                self.root_read = true;
                return self.value().map(Some);
            };
            let closer = if is_object { b'}' } else { b']' };
            let next = self.peek();
            match after {
                JsonAfter::Open | JsonAfter::Value if next == Some(closer) => {
                    let at = Spot::Byte(self.pos);
                    self.pos += 1;
                    self.open.pop();
                    return Ok(Some(Event {
                        kind: Kind::End,
                        at,
                        anchor: 0,
                    }));
                }
                JsonAfter::Value if next == Some(b',') => {
                    self.pos += 1;
                    self.set_after(JsonAfter::Comma);
                }
                JsonAfter::Value => return Err(Unreadable),
                JsonAfter::Open | JsonAfter::Comma if is_object => {
                    if next != Some(b'"') {
                        return Err(Unreadable);
                    }
                    let at = Spot::Byte(self.pos);
                    let key = self.string()?;
                    self.set_after(JsonAfter::Key);
                    return Ok(Some(Event {
                        kind: Kind::Scalar(key),
                        at,
                        anchor: 0,
                    }));
                }
                JsonAfter::Key => {
                    if next != Some(b':') {
                        return Err(Unreadable);
                    }
                    self.pos += 1;
                    self.skip_whitespace();
                    self.set_after(JsonAfter::Value);
                    return self.value().map(Some);
                }
                JsonAfter::Open | JsonAfter::Comma => {
                    self.set_after(JsonAfter::Value);
                    return self.value().map(Some);
                }
            }
        }
    }

    fn set_after(&mut self, after: JsonAfter) {
        if let Some(innermost) = self.open.last_mut() {
            innermost.after = after;
        }
    }

    /// Reads the start of a value: all of a scalar, or the opening bracket of a collection.
    fn value(&mut self) -> Result<Event<'a>, Unreadable> {
        let at = Spot::Byte(self.pos);
        let start = self.pos;
        let kind = match self.peek() {
            Some(open @ (b'{' | b'[')) => {
                self.pos += 1;
                self.open.push(JsonCollection {
                    is_object: open == b'{',
                    after: JsonAfter::Open,
                });
                if open == b'{' {
                    Kind::Mapping
                } else {
                    Kind::Sequence
                }
            }
            Some(b'"') => Kind::Scalar(self.string()?),
            Some(b'-' | b'0'..=b'9') => {
                while matches!(
                    self.peek(),
                    Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                ) {
                    self.pos += 1;
                }
                Kind::Scalar(Cow::Borrowed(&self.text[start..self.pos]))
            }
            _ => {
                let rest = &self.text.as_bytes()[start..];
                let word = [&b"true"[..], b"false", b"null"]
                    .into_iter()
                    .find(|word| rest.starts_with(word))
                    .ok_or(Unreadable)?;
                self.pos += word.len();
                Kind::Scalar(Cow::Borrowed(&self.text[start..self.pos]))
            }
        };
        Ok(Event {
            kind,
            at,
            anchor: 0,
        })
    }

    /// Reads a string, starting at its opening quote, and returns its unescaped text.
    fn string(&mut self) -> Result<Cow<'a, str>, Unreadable> {
        self.pos += 1;
        let mut unescaped: Option<String> = None;
        // Start of the text not yet copied into `unescaped`.
        let mut run_start = self.pos;
        loop {
            match self.peek().ok_or(Unreadable)? {
                b'"' => {
                    let run = &self.text[run_start..self.pos];
                    self.pos += 1;
                    return Ok(match unescaped {
                        None => Cow::Borrowed(run),
                        Some(mut text) => {
                            text.push_str(run);
                            Cow::Owned(text)
                        }
                    });
                }
                b'\\' => {
                    let text = unescaped.get_or_insert_with(String::new);
                    text.push_str(&self.text[run_start..self.pos]);
                    let escape = self
                        .text
                        .as_bytes()
                        .get(self.pos + 1)
                        .copied()
                        .ok_or(Unreadable)?;
                    self.pos += 2;
                    text.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(Unreadable),
                    });
                    run_start = self.pos;
                }
                0..=0x1f => return Err(Unreadable),
                _ => self.pos += 1,
            }
        }
    }

    /// Reads the digits of a `\u` escape (and of a following `\u` low surrogate that completes a
    /// pair). A surrogate that is not part of a pair becomes U+FFFD.
    fn unicode_escape(&mut self) -> Result<char, Unreadable> {
        let first = self.hex4()?;
        if (0xD800..0xDC00).contains(&first)
            && self
                .text
                .as_bytes()
                .get(self.pos..)
                .is_some_and(|rest| rest.starts_with(b"\\u"))
        {
            let before_second = self.pos;
            self.pos += 2;
            let second = self.hex4()?;
            if (0xDC00..0xE000).contains(&second) {
                let combined = 0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return Ok(char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            // Not a pair: the second escape is read on its own.
            self.pos = before_second;
        }
        Ok(char::from_u32(first).unwrap_or(char::REPLACEMENT_CHARACTER))
    }

    fn hex4(&mut self) -> Result<u32, Unreadable> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or(Unreadable)?;
        let value = u32::from_str_radix(digits, 16).map_err(|_| Unreadable)?;
        self.pos += 4;
        Ok(value)
    }
}
