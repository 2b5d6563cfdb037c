//! Source locations for JSON Pointers.
//!
//! Diagnostics name the offending spec node with a JSON Pointer (RFC 6901); this module maps
//! such a pointer back to the line and column where that node is written in the spec's text, so
//! errors can be printed as `file:line:column`.
//!
//! The text is read as a stream of events and only the nodes along the pointer's path are looked
//! at: subtrees off the path are skipped without being built, and reading stops as soon as the
//! target node has been reached. JSON text (first non-blank character `{` or `[`) is read by a
//! small JSON reader in this module; YAML text, and JSON that this reader rejects, is read with
//! `saphyr-parser`, a YAML 1.2 event parser. Only the first document of a YAML stream is used.
//!
//! Mapping keys are compared with pointer segments by their text as written, after unquoting:
//! `200:`, `'200':` and `"200":` all match the segment `200`. When a mapping repeats a key, the
//! first entry is used. YAML merge keys (`<<`) are not followed.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event as YamlEvent, Parser, ScalarStyle, StrInput};

/// 1-based line and column (columns count chars, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// Line number, starting at 1. Line breaks are `\n`, `\r\n` and a lone `\r`.
    pub line: usize,
    /// Column number, starting at 1, counted in `char`s (a tab counts as one; a byte order mark
    /// at the start of the text counts as none).
    pub column: usize,
}

impl fmt::Display for Location {
    /// Formats as `line:column`, ready to follow a file name in a diagnostic.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where the node at `pointer` is written in `source` (YAML or JSON text).
///
/// Returns the location of the node's VALUE: for a mapping entry, where the value starts; for a
/// block mapping or sequence, where its first token starts (its first key, or its first `-`); for
/// a block scalar, its `|` or `>` indicator. A node with an anchor or tag starts at that property.
/// An empty value (`key:` with nothing after it) is located at its colon.
///
/// `pointer` is an RFC 6901 JSON Pointer (`/components/schemas/Pet`, with `~1` for `/` and `~0`
/// for `~` in segments), or the same as a URI fragment (`#/components/schemas/Pet`, which is
/// percent-decoded first). The empty pointer `""` (or `"#"`) is the root. A YAML alias is followed
/// to its anchored node when the pointer continues past it; if the pointer ends at the alias, the
/// alias itself is located.
///
/// If the pointer cannot be followed to the end (missing key, index out of range, indexing into a
/// scalar), returns the location of the deepest node that exists along it. A string that is not a
/// pointer at all (it does not start with `/`) cannot be followed past the root.
///
/// Returns `None` only when the source cannot be parsed at all. Text after the located node is
/// not read; if the text turns out to be malformed before the target is reached, the deepest node
/// reached before the error is located. An empty (or comment-only) YAML text is a document whose
/// root is located at line 1, column 1.
#[must_use]
pub fn locate(source: &str, pointer: &str) -> Option<Location> {
    find(source, pointer).map(|found| resolve(source, found.value))
}

/// Like [`locate`], but for a mapping entry returns the location of its KEY (useful for "unknown
/// property" messages).
///
/// For nodes that are not mapping entries (the root, sequence items) this is the same as
/// [`locate`]. Falls back as `locate` does: if the pointer cannot be followed to the end, the key
/// of the deepest node that exists along it is located.
#[must_use]
pub fn locate_key(source: &str, pointer: &str) -> Option<Location> {
    find(source, pointer).map(|found| resolve(source, found.key.unwrap_or(found.value)))
}

/// Deeper nesting than this is treated as unreadable (real specs nest a few dozen levels).
const MAX_DEPTH: usize = 1_000;

/// At most this many aliases are followed for one pointer (a YAML alias may refer to a node
/// that contains it, so a pointer could otherwise loop through it forever).
const MAX_ALIAS_HOPS: usize = 64;

/// The deepest node found along a pointer.
struct Found {
    /// Where the node's value is written.
    value: Spot,
    /// Where its key is written, when the node is a mapping entry.
    key: Option<Spot>,
}

/// How following a pointer through the text went.
enum Walk {
    /// The text was read as far as needed to answer.
    Complete(Found),
    /// The text is malformed (or nested too deeply) before the answer was known; holds the
    /// deepest node reached before that, if even the root could be read.
    Broken(Option<Found>),
}

/// The deepest node along `pointer` in `source`; `None` if not even the root can be read.
fn find(source: &str, pointer: &str) -> Option<Found> {
    let segments = pointer_segments(pointer);
    let walk = if looks_like_json(source) {
        match follow_guarded(Syntax::Json, source, &segments) {
            // Not strict JSON; it may still be YAML flow syntax (comments, unquoted keys, ...).
            Walk::Broken(partial) => match follow_guarded(Syntax::Yaml, source, &segments) {
                complete @ Walk::Complete(_) => complete,
                Walk::Broken(_) => Walk::Broken(partial),
            },
            complete @ Walk::Complete(_) => complete,
        }
    } else {
        follow_guarded(Syntax::Yaml, source, &segments)
    };
    match walk {
        Walk::Complete(found) => Some(found),
        Walk::Broken(partial) => partial,
    }
}

/// Whether `source` should be read as JSON: its first non-blank character is `{` or `[`.
fn looks_like_json(source: &str) -> bool {
    source
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .starts_with(['{', '['])
}

// ---------------------------------------------------------------------------------------------
// Pointers

/// The unescaped segments of `pointer`; none for the root (and for strings that are not pointers).
fn pointer_segments(pointer: &str) -> Vec<String> {
    let pointer = match pointer.strip_prefix('#') {
        Some(fragment) => percent_decode(fragment),
        None => Cow::Borrowed(pointer),
    };
    match pointer.strip_prefix('/') {
        Some(rest) => rest.split('/').map(unescape_segment).collect(),
        None => Vec::new(),
    }
}

/// Decodes `%XX` escapes of a URI fragment; a `%` not followed by two hex digits is kept as is,
/// and bytes that do not form UTF-8 become U+FFFD.
fn percent_decode(fragment: &str) -> Cow<'_, str> {
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
    Cow::Owned(String::from_utf8_lossy(&decoded).into_owned())
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// Undoes RFC 6901 escaping: `~1` is `/` and `~0` is `~` (a `~` followed by anything else is kept).
fn unescape_segment(segment: &str) -> String {
    let mut unescaped = String::with_capacity(segment.len());
    let mut chars = segment.chars().peekable();
    while let Some(c) = chars.next() {
        let replacement = match (c, chars.peek()) {
            ('~', Some('0')) => Some('~'),
            ('~', Some('1')) => Some('/'),
            _ => None,
        };
        match replacement {
            Some(replacement) => {
                chars.next();
                unescaped.push(replacement);
            }
            None => unescaped.push(c),
        }
    }
    unescaped
}

/// The sequence index a segment names: `0` or a decimal number without leading zeros that fits
/// in `usize`. Anything else (including `-`, "past the end") names no item.
fn array_index(segment: &str) -> Option<usize> {
    let canonical = segment == "0"
        || (segment.starts_with(|c: char| matches!(c, '1'..='9'))
            && segment.bytes().all(|b| b.is_ascii_digit()));
    if canonical {
        segment.parse().ok()
    } else {
        None
    }
}

// ---------------------------------------------------------------------------------------------
// Following a pointer through a stream of events

/// Which reader turns the text into events.
#[derive(Debug, Clone, Copy)]
enum Syntax {
    Json,
    Yaml,
}

/// One event of the first document of a text.
struct Event<'a> {
    kind: Kind<'a>,
    /// Where the event is written.
    at: Spot,
    /// The YAML anchor id defined on this node, or 0.
    anchor: usize,
}

enum Kind<'a> {
    /// The start of a mapping; its entries follow as key and value nodes, then [`Kind::End`].
    Mapping,
    /// The start of a sequence; its items follow, then [`Kind::End`].
    Sequence,
    /// A scalar, with its text after unquoting and unescaping.
    Scalar(Cow<'a, str>),
    /// A YAML alias of the node that defined the anchor with this id.
    Alias(usize),
    /// The end of the innermost open mapping or sequence.
    End,
}

/// The text cannot be read (far enough): it is malformed or nested deeper than [`MAX_DEPTH`].
struct Unreadable;

/// Follows `segments` through `source`, shielding the caller from a panic in the parser (the
/// locator runs while reporting another error and must not turn it into a crash).
fn follow_guarded(syntax: Syntax, source: &str, segments: &[String]) -> Walk {
    std::panic::catch_unwind(|| follow(syntax, source, segments)).unwrap_or(Walk::Broken(None))
}

fn follow(syntax: Syntax, source: &str, segments: &[String]) -> Walk {
    let mut cursor = Cursor::new(syntax, source);
    let mut node = match cursor.next() {
        Ok(Some(root)) => root,
        // An empty YAML document: its (null) root is at the start of the text.
        Ok(None) => {
            return Walk::Complete(Found {
                value: Spot::Byte(0),
                key: None,
            });
        }
        Err(Unreadable) => return Walk::Broken(None),
    };
    let mut found = Found {
        value: node.at,
        key: None,
    };
    for segment in segments {
        match cursor.child(node, segment) {
            Ok(Some((key, child))) => {
                found = Found {
                    value: child.at,
                    key,
                };
                node = child;
            }
            Ok(None) => break,
            Err(Unreadable) => return Walk::Broken(Some(found)),
        }
    }
    Walk::Complete(found)
}

/// Reads events one at a time, keeping what is needed to skip subtrees and to follow aliases.
struct Cursor<'a> {
    syntax: Syntax,
    source: &'a str,
    reader: Reader<'a>,
    /// How many events have been read from `reader`.
    read: usize,
    /// How many mappings and sequences are open.
    depth: usize,
    /// For each anchor id seen: the number of events read before the anchored node's event.
    anchors: HashMap<usize, usize>,
    alias_hops: usize,
}

impl<'a> Cursor<'a> {
    fn new(syntax: Syntax, source: &'a str) -> Self {
        Cursor {
            syntax,
            source,
            reader: Reader::open(syntax, source),
            read: 0,
            depth: 0,
            anchors: HashMap::new(),
            alias_hops: 0,
        }
    }

    /// The next event, or `None` at the end of the document.
    fn next(&mut self) -> Result<Option<Event<'a>>, Unreadable> {
        let Some(event) = self.reader.next_event()? else {
            return Ok(None);
        };
        if event.anchor != 0 {
            self.anchors.insert(event.anchor, self.read);
        }
        self.read += 1;
        match event.kind {
            Kind::Mapping | Kind::Sequence => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(Unreadable);
                }
            }
            Kind::End => self.depth = self.depth.saturating_sub(1),
            Kind::Scalar(_) | Kind::Alias(_) => {}
        }
        Ok(Some(event))
    }

    /// The next event inside an open mapping or sequence, where the document cannot end.
    fn next_inside(&mut self) -> Result<Event<'a>, Unreadable> {
        self.next()?.ok_or(Unreadable)
    }

    /// Reads past the rest of the node that `start` begins: nothing more for a scalar or alias,
    /// everything up to the matching end for a mapping or sequence.
    fn skip(&mut self, start: &Event<'a>) -> Result<(), Unreadable> {
        if !matches!(start.kind, Kind::Mapping | Kind::Sequence) {
            return Ok(());
        }
        let mut open = 1_usize;
        while open > 0 {
            match self.next_inside()?.kind {
                Kind::Mapping | Kind::Sequence => open += 1,
                Kind::End => open -= 1,
                Kind::Scalar(_) | Kind::Alias(_) => {}
            }
        }
        Ok(())
    }

    /// The child named `segment` of the node that `node` begins, with where its key is written
    /// if it is a mapping entry; `None` if there is no such child.
    fn child(
        &mut self,
        node: Event<'a>,
        segment: &str,
    ) -> Result<Option<(Option<Spot>, Event<'a>)>, Unreadable> {
        let node = match node.kind {
            Kind::Alias(id) => match self.dereference(id)? {
                Some(anchored) => anchored,
                None => return Ok(None),
            },
            _ => node,
        };
        match node.kind {
            Kind::Mapping => loop {
                let key = self.next_inside()?;
                if matches!(key.kind, Kind::End) {
                    return Ok(None);
                }
                let wanted = matches!(&key.kind, Kind::Scalar(text) if text == segment);
                self.skip(&key)?;
                let value = self.next_inside()?;
                if wanted {
                    return Ok(Some((Some(key.at), value)));
                }
                self.skip(&value)?;
            },
            Kind::Sequence => {
                let Some(index) = array_index(segment) else {
                    return Ok(None);
                };
                let mut position = 0;
                loop {
                    let item = self.next_inside()?;
                    if matches!(item.kind, Kind::End) {
                        return Ok(None);
                    }
                    if position == index {
                        return Ok(Some((None, item)));
                    }
                    self.skip(&item)?;
                    position += 1;
                }
            }
            Kind::Scalar(_) | Kind::Alias(_) | Kind::End => Ok(None),
        }
    }

    /// The event of the node that defined anchor `id`, found by reading the text again from the
    /// start (an anchor always comes before its aliases). `None` for an unknown anchor, or when
    /// too many aliases have been followed already.
    fn dereference(&mut self, id: usize) -> Result<Option<Event<'a>>, Unreadable> {
        let Some(&ordinal) = self.anchors.get(&id) else {
            return Ok(None);
        };
        self.alias_hops += 1;
        if self.alias_hops > MAX_ALIAS_HOPS {
            return Ok(None);
        }
        self.reader = Reader::open(self.syntax, self.source);
        self.read = 0;
        self.depth = 0;
        while self.read < ordinal {
            self.next_inside()?;
        }
        self.next_inside().map(Some)
    }
}

/// A source of [`Event`]s for one syntax.
enum Reader<'a> {
    Json(JsonReader<'a>),
    // Boxed: the YAML parser's state is large and the JSON reader's small.
    Yaml(Box<YamlReader<'a>>),
}

impl<'a> Reader<'a> {
    fn open(syntax: Syntax, source: &'a str) -> Self {
        match syntax {
            Syntax::Json => Reader::Json(JsonReader::new(source)),
            Syntax::Yaml => Reader::Yaml(Box::new(YamlReader::new(source))),
        }
    }

    /// The next event, or `None` at the end of the (first) document.
    fn next_event(&mut self) -> Result<Option<Event<'a>>, Unreadable> {
        match self {
            Reader::Json(reader) => reader.next_event(),
            Reader::Yaml(reader) => reader.next_event(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Positions

/// Where an event is written, in the form its reader can produce cheaply; turned into a
/// [`Location`] only for the one node that is reported.
#[derive(Debug, Clone, Copy)]
enum Spot {
    /// A byte offset into the text (JSON reader).
    Byte(usize),
    /// A char index into the text (YAML reader), with a correction to apply if any.
    Char { index: usize, fixup: Option<Fixup> },
}

/// A correction for a YAML node that `saphyr-parser` reports at its content rather than at its
/// first token: a block scalar (reported at its first content line, not at its `|` or `>`) and a
/// block sequence that is not indented under its key (reported at its first item, not at its
/// first `-`). The token is the first of `tokens` in the gap between the end of the previous
/// event and the reported position, outside comments; when there is none there (the node starts
/// with an anchor or tag, or is reported correctly), the reported position stands.
#[derive(Debug, Clone, Copy)]
struct Fixup {
    /// Char index where the gap starts.
    gap_start: usize,
    tokens: &'static [char],
}

impl Fixup {
    /// The byte offset where the node starts, given the byte offset it was reported at.
    fn apply(self, source: &str, reported: usize) -> usize {
        let start = byte_offset(source, self.gap_start);
        let Some(gap) = source.get(start..reported) else {
            return reported;
        };
        let mut in_comment = false;
        for (i, c) in gap.char_indices() {
            match c {
                '\n' | '\r' => in_comment = false,
                '#' => in_comment = true,
                _ if !in_comment && self.tokens.contains(&c) => return start + i,
                _ => {}
            }
        }
        reported
    }
}

fn resolve(source: &str, spot: Spot) -> Location {
    let offset = match spot {
        Spot::Byte(offset) => offset,
        Spot::Char { index, fixup } => {
            let reported = byte_offset(source, index);
            fixup.map_or(reported, |fixup| fixup.apply(source, reported))
        }
    };
    location_at(source, offset)
}

/// The byte offset of the char with index `char_index` (the text's length if there is none).
fn byte_offset(source: &str, char_index: usize) -> usize {
    source
        .char_indices()
        .nth(char_index)
        .map_or(source.len(), |(offset, _)| offset)
}

/// The line and column of byte offset `offset`.
fn location_at(source: &str, offset: usize) -> Location {
    let mut line = 1;
    let mut column = 1;
    let mut chars = source
        .char_indices()
        .take_while(|&(i, _)| i < offset)
        .peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            // The `\n` of a `\r\n` ends the line.
            '\r' if chars.peek().is_some_and(|&(_, next)| next == '\n') => {}
            '\n' | '\r' => {
                line += 1;
                column = 1;
            }
            '\u{feff}' if i == 0 => {}
            _ => column += 1,
        }
    }
    Location { line, column }
}

// ---------------------------------------------------------------------------------------------
// YAML

/// Events of the first document of a YAML text, from `saphyr-parser`.
struct YamlReader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    /// Char index just past the previous event.
    previous_end: usize,
    /// The mappings and sequences open, innermost last.
    open: Vec<YamlCollection>,
}

enum YamlCollection {
    Sequence,
    /// A mapping, and whether its next node is a value (otherwise a key).
    Mapping {
        value_next: bool,
    },
}

impl<'a> YamlReader<'a> {
    fn new(source: &'a str) -> Self {
        YamlReader {
            parser: Parser::new_from_str(source),
            previous_end: 0,
            open: Vec::new(),
        }
    }

    fn next_event(&mut self) -> Result<Option<Event<'a>>, Unreadable> {
        loop {
            let (event, span) = match self.parser.next_event() {
                None => return Ok(None),
                Some(Err(_)) => return Err(Unreadable),
                Some(Ok(next)) => next,
            };
            if matches!(event, YamlEvent::DocumentStart(false)) {
                // An implicit document start takes up no text, but is reported after the
                // document's first token: it must not move the end of the previous event.
                continue;
            }
            let gap_start = std::mem::replace(&mut self.previous_end, span.end.index());
            let at = |fixup| Spot::Char {
                index: span.start.index(),
                fixup,
            };
            let is_mapping_value = matches!(
                self.open.last(),
                Some(YamlCollection::Mapping { value_next: true })
            );
            let event = match event {
                YamlEvent::StreamStart | YamlEvent::DocumentStart(_) | YamlEvent::Nothing => {
                    continue;
                }
                YamlEvent::DocumentEnd | YamlEvent::StreamEnd => return Ok(None),
                YamlEvent::MappingEnd | YamlEvent::SequenceEnd => {
                    self.open.pop();
                    return Ok(Some(Event {
                        kind: Kind::End,
                        at: at(None),
                        anchor: 0,
                    }));
                }
                YamlEvent::Alias(id) => Event {
                    kind: Kind::Alias(id),
                    at: at(None),
                    anchor: 0,
                },
                YamlEvent::Scalar(text, style, anchor, _) => {
                    let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                    Event {
                        kind: Kind::Scalar(text),
                        at: at(block.then_some(Fixup {
                            gap_start,
                            tokens: &['|', '>'],
                        })),
                        anchor,
                    }
                }
                YamlEvent::MappingStart(anchor, _) => Event {
                    kind: Kind::Mapping,
                    at: at(None),
                    anchor,
                },
                YamlEvent::SequenceStart(anchor, _) => Event {
                    kind: Kind::Sequence,
                    // Only a mapping value can be a block sequence not indented under its key.
                    at: at(is_mapping_value.then_some(Fixup {
                        gap_start,
                        tokens: &['-'],
                    })),
                    anchor,
                },
            };
            // The node fills the parent mapping's key or value slot.
            if let Some(YamlCollection::Mapping { value_next }) = self.open.last_mut() {
                *value_next = !*value_next;
            }
            match event.kind {
                Kind::Mapping => self
                    .open
                    .push(YamlCollection::Mapping { value_next: false }),
                Kind::Sequence => self.open.push(YamlCollection::Sequence),
                _ => {}
            }
            return Ok(Some(event));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JSON

/// Events of a JSON text (RFC 8259), read directly from its bytes.
struct JsonReader<'a> {
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
    fn new(text: &'a str) -> Self {
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

    fn next_event(&mut self) -> Result<Option<Event<'a>>, Unreadable> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Option<Location> {
        Some(Location { line, column })
    }

    /// The text of `source` from `location` to the end of its line.
    fn text_at(source: &str, location: Location) -> String {
        let line = source
            .split('\n')
            .nth(location.line - 1)
            .expect("line exists");
        line.trim_start_matches('\u{feff}')
            .trim_end_matches('\r')
            .chars()
            .skip(location.column - 1)
            .collect()
    }

    const PETS: &str = "\
openapi: 3.0.0
info:
  title: Pets
paths:
  /pets/{id}:
    get:
      parameters:
        - name: id
          in: path
        - name: verbose
      responses:
        200:
          description: ok
        '404':
          description: missing
        \"500\": {description: oops}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer, format: int64}
        name:
          type: string
";

    #[test]
    fn block_mappings() {
        assert_eq!(locate(PETS, "/openapi"), at(1, 10));
        assert_eq!(locate(PETS, "/info/title"), at(3, 10));
        // A block mapping value starts at its first key.
        assert_eq!(locate(PETS, "/info"), at(3, 3));
        assert_eq!(
            locate(PETS, "/components/schemas/Pet/properties/name/type"),
            at(25, 17)
        );
    }

    #[test]
    fn root() {
        assert_eq!(locate(PETS, ""), at(1, 1));
        assert_eq!(locate(PETS, "#"), at(1, 1));
        assert_eq!(locate_key(PETS, ""), at(1, 1));
        assert_eq!(locate("{\"a\": 1}", ""), at(1, 1));
        assert_eq!(locate("\n\n  [1, 2]", ""), at(3, 3));
    }

    #[test]
    fn key_and_value() {
        let pointer = "/components/schemas/Pet/properties/name";
        assert_eq!(locate_key(PETS, pointer), at(24, 9));
        assert_eq!(locate(PETS, pointer), at(25, 11));
        assert_eq!(locate_key(PETS, "/openapi"), at(1, 1));
        // Sequence items have no key.
        let item = "/paths/~1pets~1{id}/get/parameters/1";
        assert_eq!(locate_key(PETS, item), locate(PETS, item));
        assert_eq!(locate(PETS, item), at(10, 11));
    }

    #[test]
    fn flow_style() {
        assert_eq!(locate(PETS, "/components/schemas/Pet/required"), at(21, 17));
        assert_eq!(
            locate(PETS, "/components/schemas/Pet/required/1"),
            at(21, 22)
        );
        let id = "/components/schemas/Pet/properties/id";
        assert_eq!(locate(PETS, &format!("{id}/format")), at(23, 37));
        assert_eq!(locate_key(PETS, &format!("{id}/format")), at(23, 29));
        assert_eq!(locate(PETS, id), at(23, 13));
        let nested = "a: [1, {b: [x, {c: d}]}]\n";
        assert_eq!(locate(nested, "/a/1/b/1/c"), at(1, 20));
        assert_eq!(locate_key(nested, "/a/1/b/1/c"), at(1, 17));
    }

    #[test]
    fn numeric_and_quoted_keys() {
        let responses = "/paths/~1pets~1{id}/get/responses";
        assert_eq!(
            locate(PETS, &format!("{responses}/200/description")),
            at(13, 24)
        );
        assert_eq!(locate_key(PETS, &format!("{responses}/200")), at(12, 9));
        assert_eq!(locate_key(PETS, &format!("{responses}/404")), at(14, 9));
        assert_eq!(
            locate(PETS, &format!("{responses}/404/description")),
            at(15, 24)
        );
        assert_eq!(
            locate(PETS, &format!("{responses}/500/description")),
            at(16, 30)
        );
        // Keys are compared as written: the segment "200.0" names no key.
        assert_eq!(locate(PETS, &format!("{responses}/200.0")), at(12, 9));
        let big = "123456789012345678901234567890: big\n";
        assert_eq!(locate(big, "/123456789012345678901234567890"), at(1, 33));
    }

    #[test]
    fn pointer_escapes() {
        let source = "a/b: 1\nm~n: 2\n\"{x}\": 3\n\"\": 4\n\"a b\": 5\n";
        assert_eq!(locate(source, "/a~1b"), at(1, 6));
        assert_eq!(locate(source, "/m~0n"), at(2, 6));
        assert_eq!(locate(source, "#/a~1b"), at(1, 6));
        assert_eq!(locate(source, "#/%7Bx%7D"), at(3, 8));
        assert_eq!(locate(source, "#/a%20b"), at(5, 8));
        assert_eq!(locate(source, "/"), at(4, 5));
        // `~01` is `~1`, not `/`.
        assert_eq!(locate("~1: a\n/: b\n", "/~01"), at(1, 5));
        assert_eq!(locate(PETS, "#/paths/~1pets~1%7Bid%7D/get"), at(7, 7));
        // Malformed escapes are taken literally.
        assert_eq!(locate("a~2: x\n\"%zz\": y\n", "/a~2"), at(1, 6));
        assert_eq!(locate("a~2: x\n\"%zz\": y\n", "#/%zz"), at(2, 8));
    }

    #[test]
    fn sequences() {
        let source = "\
list:
- a
- b: 1
  c: 2
-   - x
    - y
indented:
  - p
  - |
    literal
";
        // A sequence not indented under its key starts at its first `-`.
        assert_eq!(locate(source, "/list"), at(2, 1));
        assert_eq!(locate(source, "/list/0"), at(2, 3));
        assert_eq!(locate(source, "/list/1"), at(3, 3));
        assert_eq!(locate(source, "/list/1/c"), at(4, 6));
        assert_eq!(locate(source, "/list/2"), at(5, 5));
        assert_eq!(locate(source, "/list/2/1"), at(6, 7));
        assert_eq!(locate(source, "/indented"), at(8, 3));
        assert_eq!(locate(source, "/indented/1"), at(9, 5));
        // Out of range, not canonical, past the end, or too big: the sequence itself.
        for index in [
            "3",
            "01",
            "-",
            "+1",
            "1e0",
            "99999999999999999999999999",
            "",
        ] {
            assert_eq!(
                locate(source, &format!("/list/{index}")),
                at(2, 1),
                "{index}"
            );
        }
        // Indexing into a scalar, or a mapping by number.
        assert_eq!(locate(source, "/list/0/0"), at(2, 3));
        assert_eq!(locate(source, "/list/1/0"), at(3, 3));
    }

    #[test]
    fn missing_key_falls_back_to_deepest_node() {
        let pet = "/components/schemas/Pet";
        assert_eq!(locate(PETS, &format!("{pet}/nope")), at(20, 7));
        assert_eq!(locate(PETS, &format!("{pet}/nope/deeper/0")), at(20, 7));
        assert_eq!(locate_key(PETS, &format!("{pet}/nope")), at(19, 5));
        assert_eq!(locate(PETS, "/nope"), at(1, 1));
        assert_eq!(locate_key(PETS, "/nope"), at(1, 1));
        // Not a pointer: nothing can be followed.
        assert_eq!(locate(PETS, "components/schemas"), at(1, 1));
        let json = "{\"a\": {\"b\": [1, 2]}}";
        assert_eq!(locate(json, "/a/b/7"), at(1, 13));
        assert_eq!(locate(json, "/a/c"), at(1, 7));
        assert_eq!(locate_key(json, "/a/c"), at(1, 2));
    }

    #[test]
    fn aliases() {
        let source = "\
defs:
  base: &base
    type: object
    properties:
      id: {type: integer}
  list: &list [a, b]
use:
  schema: *base
  items: *list
";
        // Through the alias into the anchored node.
        assert_eq!(locate(source, "/use/schema/type"), at(3, 11));
        assert_eq!(locate_key(source, "/use/schema/properties/id"), at(5, 7));
        assert_eq!(locate(source, "/use/items/1"), at(6, 19));
        // Ending at the alias, or missing past it: the alias itself.
        assert_eq!(locate(source, "/use/schema"), at(8, 11));
        assert_eq!(locate_key(source, "/use/schema"), at(8, 3));
        assert_eq!(locate(source, "/use/schema/nope"), at(8, 11));
        // An anchored node starts at its anchor.
        assert_eq!(locate(source, "/defs/base"), at(2, 9));
        // An alias inside the node it refers to: a long pointer through it still ends.
        let cyclic = "a: &a [x, *a]\n";
        let pointer = format!("/a{}", "/1".repeat(10_000));
        assert_eq!(locate(cyclic, &pointer), at(1, 11));
        assert_eq!(locate(cyclic, "/a/1/1/1/0"), at(1, 8));
    }

    #[test]
    fn block_scalars_start_at_their_indicator() {
        let source = "\
a: |
  line one
  line two
b: >-   # folded, | not here
  folded
c:
  - |+

    after a blank line
d: &anchored |
  text
e: |
f: # comment with | and >
  |
  g
h: plain
  continued
i: \"double
  quoted\"
j:
  - k: v
  - |
    after a mapping
--- |
  second document
";
        assert_eq!(locate(source, "/a"), at(1, 4));
        assert_eq!(locate(source, "/b"), at(4, 4));
        assert_eq!(locate(source, "/c/0"), at(7, 5));
        assert_eq!(locate(source, "/d"), at(10, 4));
        assert_eq!(locate(source, "/e"), at(12, 4));
        assert_eq!(locate(source, "/f"), at(14, 3));
        assert_eq!(locate(source, "/h"), at(16, 4));
        assert_eq!(locate(source, "/i"), at(18, 4));
        assert_eq!(locate_key(source, "/i"), at(18, 1));
        assert_eq!(locate(source, "/j/1"), at(22, 5));
        assert_eq!(locate("--- |\n  text\n", ""), at(1, 5));
        assert_eq!(locate("|\n  text\n", ""), at(1, 1));
    }

    #[test]
    fn comments_and_document_markers() {
        let source = "\
# leading comment
%YAML 1.2
--- # the document
a:   # comment
  # another
  b: 1 # trailing
c: ~
empty:
...
---
second: document
";
        assert_eq!(locate(source, ""), at(4, 1));
        assert_eq!(locate(source, "/a"), at(6, 3));
        assert_eq!(locate(source, "/a/b"), at(6, 6));
        assert_eq!(locate(source, "/c"), at(7, 4));
        assert_eq!(locate(source, "/empty"), at(8, 6));
        // Only the first document is read.
        assert_eq!(locate(source, "/second"), at(4, 1));
        assert_eq!(locate("--- [a, b]\n", "/1"), at(1, 9));
        // An empty document: its null root is placed where it would start.
        assert_eq!(locate("---\n", "/a"), at(2, 1));
        assert_eq!(locate("", "/a"), at(1, 1));
        assert_eq!(locate("# only a comment\n", ""), at(1, 1));
    }

    #[test]
    fn json() {
        let source = r#"{
  "openapi": "3.1.0",
  "paths": {
    "/pets/{id}": {"get": {"responses": {"200": {"description": "ok"}}}}
  },
  "a\"b": [true, false, null, -1.5e3, {"k\u00e9y": "v"}],
  "\ud83d\ude00": "emoji",
  "x": "\ud800 lone"
}"#;
        assert_eq!(locate(source, "/openapi"), at(2, 14));
        assert_eq!(locate_key(source, "/openapi"), at(2, 3));
        assert_eq!(locate(source, "/paths"), at(3, 12));
        let get = "/paths/~1pets~1{id}/get";
        assert_eq!(locate(source, get), at(4, 27));
        assert_eq!(
            locate(source, &format!("{get}/responses/200/description")),
            at(4, 65)
        );
        assert_eq!(locate(source, "/a\"b/3"), at(6, 31));
        assert_eq!(locate(source, "/a\"b/4/kéy"), at(6, 52));
        assert_eq!(locate_key(source, "/a\"b/4/kéy"), at(6, 40));
        assert_eq!(locate(source, "/😀"), at(7, 19));
        assert_eq!(locate(source, "/x"), at(8, 8));
        assert_eq!(locate(source, "/a\"b/9"), at(6, 11));
    }

    #[test]
    fn json_that_is_only_yaml_is_read_as_yaml() {
        let source = "{a: 1, # comment\n 'b': [x, y]}\n";
        assert_eq!(locate(source, "/b/1"), at(2, 11));
    }

    #[test]
    fn crlf_line_endings() {
        let yaml = "a:\r\n  b: |\r\n    text\r\n  c: [1,\r\n    2]\r\n";
        assert_eq!(locate(yaml, "/a/b"), at(2, 6));
        assert_eq!(locate(yaml, "/a/c/1"), at(5, 5));
        let json = "{\r\n  \"a\": {\r\n    \"b\": 1\r\n  }\r\n}\r\n";
        assert_eq!(locate(json, "/a/b"), at(3, 10));
        // A lone `\r` also ends a line.
        assert_eq!(locate("a: 1\rb: 2\r", "/b"), at(2, 4));
    }

    #[test]
    fn columns_count_chars() {
        let yaml = "\u{feff}\"ééé\": \t[\"😀😀\", {ключ: значение}]\n";
        assert_eq!(locate(yaml, "/ééé"), at(1, 9));
        assert_eq!(locate(yaml, "/ééé/1/ключ"), at(1, 23));
        assert_eq!(
            text_at(yaml, locate(yaml, "/ééé/1/ключ").unwrap()),
            "значение}]"
        );
        let json = "\u{feff}{\"ключ\":\t\"😀\", \"b\":\t[1]}";
        assert_eq!(locate(json, "/b/0"), at(1, 21));
        assert_eq!(locate(json, "/ключ"), at(1, 10));
    }

    #[test]
    fn malformed_input_returns_none() {
        // Not even the root can be read.
        for source in ["\"unterminated", "'open", "]", "}", "*unknown", "@", "!<"] {
            assert_eq!(locate(source, "/a"), None, "{source:?}");
            assert_eq!(locate_key(source, ""), None, "{source:?}");
        }
    }

    #[test]
    fn malformed_after_the_target_or_part_way() {
        // Text after the target is not read.
        assert_eq!(locate("a: 1\nb: [\n", "/a"), at(1, 4));
        assert_eq!(locate("{\"a\": 1, oops", "/a"), at(1, 7));
        // Broken before the target: the deepest node read before the error.
        assert_eq!(locate("a:\n  b: 1\n  c: [\n", "/a/d"), at(2, 3));
        assert_eq!(locate("{\"a\": {\"b\": 1,", "/a/c"), at(1, 7));
        assert_eq!(locate("{\"a\" 1}", "/a"), at(1, 1));
        assert_eq!(locate("[", "/0"), at(1, 1));
        assert_eq!(locate("key: \"open", "/key"), at(1, 1));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep_flow = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
        let pointer = "/0".repeat(100_000);
        assert!(locate(&deep_flow, &pointer).is_some());
        let deep_block: String = (0..3_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        let pointer = "/k".repeat(3_000);
        assert!(locate(&deep_block, &pointer).is_some());
        assert_eq!(locate(&deep_block, "/k/k/k"), at(4, 4));
    }

    #[test]
    fn mangled_inputs_never_panic() {
        let seeds = [
            PETS,
            "a: &x [1, {b: \"c\"}]\nd: *x\ne: |\n  t\n",
            "{\"a\": [1, {\"b\": \"\\u00e9\"}]}",
        ];
        let pointers = [
            "",
            "/a/1/b",
            "/d/1",
            "/paths/~1pets~1{id}/get/responses/200",
            "#/%",
            "/e/0",
        ];
        let alphabet: Vec<char> = " \n\t\r:-?[]{},&*!|>'\"#%@`~0a\\.é".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut random = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).expect("below bound")
        };
        for round in 0..3_000 {
            let mut chars: Vec<char> = seeds[round % seeds.len()].chars().collect();
            for _ in 0..=random(3) {
                let position = random(chars.len() + 1);
                if random(3) == 0 && position < chars.len() {
                    chars.remove(position);
                } else {
                    chars.insert(position, alphabet[random(alphabet.len())]);
                }
            }
            let source: String = chars.into_iter().collect();
            for pointer in pointers {
                // Without `follow_guarded`, which would hide a panic in this module.
                let segments = pointer_segments(pointer);
                for syntax in [Syntax::Json, Syntax::Yaml] {
                    let found = match follow(syntax, &source, &segments) {
                        Walk::Complete(found) => Some(found),
                        Walk::Broken(partial) => partial,
                    };
                    let spots = found
                        .into_iter()
                        .flat_map(|found| [Some(found.value), found.key]);
                    for spot in spots.flatten() {
                        let location = resolve(&source, spot);
                        assert!(location.line >= 1 && location.column >= 1);
                    }
                }
                let _ = locate(&source, pointer);
                let _ = locate_key(&source, pointer);
            }
        }
    }

    #[test]
    fn real_specs() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/specs");
        // (file, pointer, key?, expected line, expected text where the location points)
        let cases = [
            (
                "petstore.yaml",
                "/paths/~1pets/get/responses/200/content/application~1json/schema/$ref",
                false,
                36,
                "\"#/components/schemas/Pets\"",
            ),
            (
                "petstore.yaml",
                "/paths/~1pets/get/parameters/0/schema/maximum",
                false,
                23,
                "100",
            ),
            (
                "petstore.yaml",
                "/paths/~1pets/get/responses/200",
                true,
                26,
                "'200':",
            ),
            (
                "digitalocean-public.v2.bundled.yaml",
                "/paths/~1v1~1batches~1{batch_id}~1cancel/post/responses/409/$ref",
                false,
                40689,
                "'#/components/responses/conflict'",
            ),
            (
                "digitalocean-public.v2.bundled.yaml",
                "/paths/~1v1~1batches~1{batch_id}~1cancel/post/responses/409/$ref",
                true,
                40689,
                "$ref:",
            ),
            (
                "digitalocean-public.v2.bundled.yaml",
                "#/paths/~1v1~1batches~1%7Bbatch_id%7D~1cancel/post/x-codeSamples/1/source",
                false,
                40703,
                "|-",
            ),
            (
                "digitalocean-public.v2.bundled.yaml",
                "/paths/~1v2~1apps~1{app_id}~1deployments",
                true,
                2804,
                "/v2/apps/{app_id}/deployments:",
            ),
            (
                "digitalocean-public.v2.bundled.yaml",
                "/components/examples/vpc_nat_gateway_update/value/vpc_nat_gateway/egresses/public_gateways/0/ipv4",
                false,
                80939,
                "174.138.113.197",
            ),
            (
                "digitalocean-public.v2.bundled.yaml",
                "/components/examples/vpc_nat_gateway_update/value/vpc_nat_gateway/egresses/public_gateways",
                false,
                80939,
                "- ipv4",
            ),
            (
                "digitalocean-public.v2.bundled.yaml",
                "/components/schemas/no_such_schema",
                true,
                42233,
                "schemas:",
            ),
            (
                "box-openapi.json",
                "/components/schemas/ZipDownloadStatus/properties/state/enum/2",
                false,
                43958,
                "\"succeeded\"",
            ),
            (
                "box-openapi.json",
                "/components/schemas/ZipDownloadStatus",
                true,
                43921,
                "\"ZipDownloadStatus\": {",
            ),
            (
                "box-openapi.json",
                "/paths/~1files~1{file_id}",
                true,
                296,
                "\"/files/{file_id}\"",
            ),
            (
                "oxide-nexus.json",
                "/paths/~1v1~1projects/get/parameters/3/schema/$ref",
                false,
                9056,
                "\"#/components/schemas/NameOrIdSortMode\"",
            ),
            ("oxide-nexus.json", "/openapi", false, 2, "\"3.0.3\""),
        ];
        for (file, pointer, key, line, expected) in cases {
            let path = dir.join(file);
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let location = if key {
                locate_key(&source, pointer)
            } else {
                locate(&source, pointer)
            };
            let location = location.unwrap_or_else(|| panic!("{file} {pointer}: not located"));
            assert_eq!(location.line, line, "{file} {pointer}");
            let text = text_at(&source, location);
            assert!(
                text.starts_with(expected),
                "{file} {pointer}: {location} is at {text:?}"
            );
        }
    }
}
