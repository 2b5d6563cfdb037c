//! Diagnostics: what is wrong in a spec, where, and how to fix it.
//!
//! Stages report problems by JSON pointer into the document; only when generation fails are the
//! pointers turned into line and column (see [`crate::locate`]), so the fast path never pays for
//! source positions.

use std::fmt;

/// Pointer building, kept here for the stages that report by pointer (see [`crate::pointer`]).
pub use crate::pointer::{escape_segment, join};

/// One problem found in a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// JSON pointer of the offending node, e.g. `/components/schemas/Job/properties/name`.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Point at the mapping key rather than its value (for "unknown property" style messages).
    pub at_key: bool,
    /// What the generator did about it, for warnings in lenient mode ("the operation is left
    /// out").
    pub note: Option<String>,
}

impl Diagnostic {
    /// A problem at `pointer`.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            pointer: pointer.into(),
            message: message.into(),
            help: None,
            at_key: false,
            note: None,
        }
    }

    /// Adds a hint on how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Points the location at the key of the entry rather than its value.
    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }

    /// Says what the generator did about the problem (kept if one was already said).
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note.get_or_insert_with(|| note.into());
        self
    }
}

/// A diagnostic with its place in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The problem.
    pub diagnostic: Diagnostic,
    /// 1-based line and column, when the node could be found.
    pub position: Option<(usize, usize)>,
    /// The text of that line, for the excerpt.
    pub line_text: Option<String>,
}

/// Generation failed: every problem found, each with file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The spec's file name as given in [`crate::Config::file_name`].
    pub file: String,
    /// The problems, in the order found.
    pub problems: Vec<Located>,
}

/// What generation left out or approximated, each with file, line and column: the problems a
/// lenient generation stepped over, and constructs read as `serde_json::Value`. Displayed like
/// [`Error`], as `warning:`s.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Warnings {
    /// The spec's file name as given in [`crate::Config::file_name`].
    pub file: String,
    /// The warnings, in the order found.
    pub problems: Vec<Located>,
}

impl Warnings {
    /// Places `diagnostics` in `source`.
    pub fn locate(file: &str, source: &str, diagnostics: Vec<Diagnostic>) -> Self {
        Warnings {
            file: file.to_owned(),
            problems: locate_all(source, diagnostics),
        }
    }

    /// Whether there is nothing to warn about.
    pub fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
}

impl fmt::Display for Warnings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(f, "warning", &self.file, &self.problems)
    }
}

/// Places each diagnostic in `source`.
fn locate_all(source: &str, diagnostics: Vec<Diagnostic>) -> Vec<Located> {
    diagnostics
        .into_iter()
        .map(|diagnostic| {
            let position = if diagnostic.at_key {
                crate::locate::locate_key(source, &diagnostic.pointer)
            } else {
                crate::locate::locate(source, &diagnostic.pointer)
            }
            .map(|loc| (loc.line, loc.column));
            Located::at(diagnostic, position, source)
        })
        .collect()
}

impl Error {
    /// Places `diagnostics` in `source`.
    pub fn locate(file: &str, source: &str, diagnostics: Vec<Diagnostic>) -> Self {
        Error {
            file: file.to_owned(),
            problems: locate_all(source, diagnostics),
        }
    }

    /// An error whose position is already known (a parse error).
    pub fn at_position(
        file: &str,
        source: &str,
        diagnostic: Diagnostic,
        position: Option<(usize, usize)>,
    ) -> Self {
        Error {
            file: file.to_owned(),
            problems: vec![Located::at(diagnostic, position, source)],
        }
    }
}

impl Located {
    fn at(diagnostic: Diagnostic, position: Option<(usize, usize)>, source: &str) -> Self {
        let line_text = position
            .and_then(|(line, _)| source.lines().nth(line.saturating_sub(1)))
            .map(|text| text.trim_end().to_owned());
        Located {
            diagnostic,
            position,
            line_text,
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Rendered by `Error`, which knows the file name; alone it shows the message.
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        render(f, "error", &self.file, &self.problems)
    }
}

/// Writes `problems` as `label: message`, the excerpt with a caret, the pointer, the note and the
/// help, then a count when there are several.
fn render(
    f: &mut fmt::Formatter<'_>,
    label: &str,
    file: &str,
    problems: &[Located],
) -> fmt::Result {
    for (index, problem) in problems.iter().enumerate() {
        if index > 0 {
            writeln!(f)?;
        }
        let d = &problem.diagnostic;
        writeln!(f, "{label}: {}", d.message)?;
        match problem.position {
            Some((line, column)) => {
                writeln!(f, "  --> {file}:{line}:{column}")?;
                if let Some(text) = &problem.line_text {
                    let gutter = line.to_string();
                    let pad = " ".repeat(gutter.len());
                    writeln!(f, "{pad} |")?;
                    writeln!(f, "{gutter} | {text}")?;
                    let caret_pad: String = text
                        .chars()
                        .take(column.saturating_sub(1))
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    writeln!(f, "{pad} | {caret_pad}^")?;
                }
            }
            None => writeln!(f, "  --> {file}")?,
        }
        if !d.pointer.is_empty() {
            writeln!(f, "   = at: #{}", d.pointer)?;
        }
        if let Some(note) = &d.note {
            writeln!(f, "   = note: {note}")?;
        }
        if let Some(help) = &d.help {
            writeln!(f, "   = help: {help}")?;
        }
    }
    let count = problems.len();
    if count > 1 {
        writeln!(f, "\n{count} {label}s in {file}")?;
    }
    Ok(())
}

impl std::error::Error for Error {}
