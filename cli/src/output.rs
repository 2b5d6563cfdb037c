//! Printing: JSON documents and aligned text tables on stdout.

use std::io::Write;

use serde::Serialize;

use crate::error::{CliError, CliResult, Exit};

/// Prints `value` as pretty JSON on stdout, followed by a line break.
pub fn print_json<T: Serialize + ?Sized>(value: &T) -> CliResult<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::new(Exit::Io, format!("encoding JSON output: {e}")))?;
    print_line(&text)
}

/// Prints one line on stdout. A closed stdout (such as `rescale ... | head`) is not an error
/// worth a message, but it still ends the command.
pub fn print_line(text: &str) -> CliResult<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| CliError::io("writing to stdout", &e))
}

/// Prints rows under a header, each column as wide as its widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) -> CliResult<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
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
        text.trim_end().to_string()
    };
    print_line(&line(&mut header.iter().copied()))?;
    for row in rows {
        print_line(&line(&mut row.iter().map(String::as_str)))?;
    }
    Ok(())
}

/// A cell for an optional value: the value, or `-`.
pub fn cell<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}
