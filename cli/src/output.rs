//! Printing: JSON documents and aligned text tables on stdout, streamed when they are lists.
//!
//! Nothing a server sent reaches a terminal raw: text output has its control characters (and
//! the Unicode text-direction overrides) escaped, so a name or an error detail cannot move the
//! cursor, clear the screen or fake a status line; JSON output escapes the ones JSON lets
//! through unescaped (DEL, C1 controls, direction overrides).

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use futures::{Stream, StreamExt};
use serde::Serialize;

use crate::error::{CliError, CliResult, Exit};

/// Rows a streamed table reads before it prints, to size its columns (later rows keep those
/// widths; a wider cell only pushes the rest of its line).
const SIZING_ROWS: usize = 100;

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls, DEL, and the Unicode
/// direction marks and overrides (which reorder what is shown).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character shown as an escape (`\x1b`, `\n`, `\u{202e}`).
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if c == '\n' {
            out.push_str("\\n");
        } else if c == '\r' {
            out.push_str("\\r");
        } else if c == '\t' {
            out.push_str("\\t");
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// JSON text with the characters JSON does not escape but a terminal obeys written as `\uXXXX`
/// (they only occur inside strings, so the document means the same).
fn json_safe(text: String) -> String {
    if !text.chars().any(is_unsafe) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        // serde_json already escaped C0 controls; the newlines left are its own layout.
        if is_unsafe(c) && c != '\n' {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// `value` as pretty JSON, made terminal-safe.
fn to_json<T: Serialize + ?Sized>(value: &T) -> CliResult<String> {
    serde_json::to_string_pretty(value)
        .map(json_safe)
        .map_err(|e| CliError::new(Exit::Io, format!("encoding JSON output: {e}")))
}

/// Prints `value` as pretty JSON on stdout, followed by a line break.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> CliResult<()> {
    write_out(&to_json(value)?)
}

/// Prints one line of text on stdout, its unsafe characters escaped. A closed stdout (such as
/// `rescale ... | head`) is not an error worth a message, but it still ends the command.
pub fn print_line(text: &str) -> CliResult<()> {
    write_out(&terminal_safe(text))
}

fn write_out(text: &str) -> CliResult<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| CliError::io("writing to stdout", &e))
}

/// Prints rows under a header, each column as wide as its widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) -> CliResult<()> {
    let rows: Vec<Vec<String>> = rows.iter().map(|r| safe_row(r.clone())).collect();
    let widths = widths(header, &rows);
    print_row(&widths, &mut header.iter().copied())?;
    for row in &rows {
        print_row(&widths, &mut row.iter().map(String::as_str))?;
    }
    Ok(())
}

fn safe_row(row: Vec<String>) -> Vec<String> {
    row.into_iter()
        .map(|cell| match terminal_safe(&cell) {
            Cow::Borrowed(_) => cell,
            Cow::Owned(escaped) => escaped,
        })
        .collect()
}

fn widths(header: &[&str], rows: &[Vec<String>]) -> Vec<usize> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    widths
}

fn print_row(widths: &[usize], cells: &mut dyn Iterator<Item = &str>) -> CliResult<()> {
    let mut text = String::new();
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            text.push_str("  ");
        }
        text.push_str(cell);
        let pad = widths
            .get(i)
            .copied()
            .unwrap_or(0)
            .saturating_sub(cell.chars().count());
        text.extend(std::iter::repeat_n(' ', pad));
    }
    write_out(text.trim_end())
}

/// Prints a list as it arrives, page by page, so memory stays flat however long it is: with
/// `json` one JSON array (the same text as [`print_json`] of the whole list), else a table
/// (columns sized by the first rows). Stops after `limit` items. Returns how many were printed.
/// An error mid-list ends the output where it is (a JSON array is then left open).
pub async fn print_stream<T, S>(
    items: S,
    limit: Option<usize>,
    json: bool,
    header: &[&str],
    row: impl Fn(&T) -> Vec<String>,
) -> CliResult<usize>
where
    T: Serialize,
    S: Stream<Item = CliResult<T>>,
{
    let mut items = std::pin::pin!(items.take(limit.unwrap_or(usize::MAX)));
    let mut count = 0usize;
    if json {
        let mut out = std::io::stdout().lock();
        let mut write = |text: &str| {
            out.write_all(text.as_bytes())
                .and_then(|()| out.flush())
                .map_err(|e| CliError::io("writing to stdout", &e))
        };
        while let Some(item) = items.next().await {
            let text = to_json(&item?)?;
            write(if count == 0 { "[\n" } else { ",\n" })?;
            let mut indented = String::with_capacity(text.len() + 64);
            for (i, line) in text.lines().enumerate() {
                if i > 0 {
                    indented.push('\n');
                }
                indented.push_str("  ");
                indented.push_str(line);
            }
            write(&indented)?;
            count += 1;
        }
        write(if count == 0 { "[]\n" } else { "\n]\n" })?;
        return Ok(count);
    }
    let mut first: Vec<Vec<String>> = Vec::new();
    let mut widths_now: Option<Vec<usize>> = None;
    while let Some(item) = items.next().await {
        let cells = safe_row(row(&item?));
        count += 1;
        match &widths_now {
            Some(w) => print_row(w, &mut cells.iter().map(String::as_str))?,
            None => {
                first.push(cells);
                if first.len() >= SIZING_ROWS {
                    widths_now = Some(flush_first(header, &mut first)?);
                }
            }
        }
    }
    if widths_now.is_none() {
        flush_first(header, &mut first)?;
    }
    Ok(count)
}

/// Prints the header and the rows held back to size the columns; returns the widths.
fn flush_first(header: &[&str], first: &mut Vec<Vec<String>>) -> CliResult<Vec<usize>> {
    let w = widths(header, first);
    print_row(&w, &mut header.iter().copied())?;
    for row in first.drain(..) {
        print_row(&w, &mut row.iter().map(String::as_str))?;
    }
    Ok(w)
}

/// A cell for an optional value: the value, or `-`.
pub fn cell<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("plain text é"), "plain text é");
        assert_eq!(
            terminal_safe("a\x1b[2Jb\nc\td\u{9b}e\u{202e}f\x7f"),
            "a\\x1b[2Jb\\nc\\td\\x9be\\u{202e}f\\x7f"
        );
        let json = json_safe(
            serde_json::to_string_pretty(&serde_json::json!({"n": "a\u{9b}b\u{202e}\x1b"}))
                .expect("json"),
        );
        assert!(!json.chars().any(|c| is_unsafe(c) && c != '\n'), "{json}");
        let back: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
        assert_eq!(back["n"], "a\u{9b}b\u{202e}\x1b");
    }
}
