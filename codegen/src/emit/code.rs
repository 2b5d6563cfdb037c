//! A writer of formatted Rust source.
//!
//! The emitter writes text directly instead of building a token stream and pretty-printing it:
//! parsing and printing a whole client took 70 to 80% of the generation time (see
//! `BENCHMARKS.md`). To keep the output reading like formatted code, every layout decision lives
//! here and follows rustfmt's defaults: lines of at most [`MAX_WIDTH`] columns, argument and
//! array lists on one line up to [`LIST_WIDTH`], struct literals up to [`STRUCT_LIT_WIDTH`],
//! attribute arguments up to [`ATTR_WIDTH`], method chains up to [`CHAIN_WIDTH`]; longer ones
//! one item per line. The emitter says what to write (an item, a call, a match arm); [`Code`]
//! decides where the lines break.
//!
//! Blocks are balanced by construction: the only way to indent is [`Code::block`] and its
//! relatives, which write the opening line, run a closure for the contents and write the closing
//! brace. Text written with [`Code::line`] must hold balanced brackets of its own; in debug builds
//! (the tests) the writer checks that and panics on a line that opens or closes a block by hand.

use std::fmt::{self, Write as _};

/// rustfmt's `max_width`.
const MAX_WIDTH: usize = 100;
/// rustfmt's `fn_call_width` and `array_width`.
const LIST_WIDTH: usize = 60;
/// rustfmt's `struct_lit_width`.
const STRUCT_LIT_WIDTH: usize = 18;
/// rustfmt's `attr_fn_like_width`.
const ATTR_WIDTH: usize = 70;
/// rustfmt's `chain_width`.
const CHAIN_WIDTH: usize = 60;
/// Columns of one indentation level.
const INDENT: usize = 4;

/// Source text under construction, with the current indentation depth.
pub(crate) struct Code {
    out: String,
    depth: usize,
    /// The `#[cfg(...)]` line every item opened at depth [`Code::cfg_depth`] starts with (the
    /// cargo features of the type or operation being written), if any.
    cfg: Option<String>,
    cfg_depth: usize,
}

/// The return type of a function written by [`Code::function`].
#[derive(Clone, Copy)]
pub(crate) enum Returns<'a> {
    /// `-> Type`.
    Type(&'a str),
    /// `-> Result<ok, error>`, which rustfmt breaks inside its generics when it is too long.
    Result(&'a str, &'a str),
}

/// A field of a struct literal written by [`Code::struct_lit_nested`].
pub(crate) enum FieldInit {
    /// `name: value`, `name` or `name: None`, as written.
    Text(String),
    /// `name: &[Path { fields }, ...]`: a slice of struct literals (each a path and its fields).
    StructSlice {
        /// The field name.
        name: &'static str,
        /// Each element's path and fields.
        structs: Vec<(String, Vec<String>)>,
    },
}

/// A call `head(argument)` as an element of an array (see [`Code::call_with_array`]).
pub(crate) struct ArrayCall {
    /// The callee and its opening parenthesis: `runtime::PathPart::Literal(`.
    pub(crate) head: &'static str,
    /// The single argument.
    pub(crate) argument: String,
}

impl Code {
    /// An empty writer with room for `capacity` bytes.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Code {
            out: String::with_capacity(capacity),
            depth: 0,
            cfg: None,
            cfg_depth: 0,
        }
    }

    /// Makes every item opened from now on at the current depth start with a `#[cfg]` for
    /// `features` (any of them), until the next call; an empty list writes none.
    pub(crate) fn set_cfg(&mut self, features: &[&str]) {
        self.cfg = (!features.is_empty()).then(|| cfg_attr(self.indent(), features));
        self.cfg_depth = self.depth;
    }

    /// Writes the `#[cfg]` line set by [`Code::set_cfg`], for an item written without
    /// [`Code::item`] (a one-line item, or one whose attributes come first).
    pub(crate) fn cfg_line(&mut self) {
        if self.depth == self.cfg_depth
            && let Some(cfg) = self.cfg.take()
        {
            self.line(&cfg);
            self.cfg = Some(cfg);
        }
    }

    /// The column at which a line written now starts.
    fn indent(&self) -> usize {
        self.depth * INDENT
    }

    /// Writes `text` at the current depth. Lines after the first (a template, or a layout of
    /// this module) keep their indentation relative to the first; empty lines stay empty.
    pub(crate) fn line(&mut self, text: &str) {
        if text.contains('\n') {
            self.linef(format_args!("{text}"));
            return;
        }
        // One line, the common case: no formatting machinery.
        if !text.is_empty() {
            for _ in 0..self.depth {
                self.out.push_str("    ");
            }
            self.out.push_str(text);
        }
        self.out.push('\n');
        check_balanced(text);
    }

    /// Writes formatted text at the current depth (see [`Code::line`]): a line, or a template of
    /// several lines whose holes are the `format_args!` arguments. Formats straight into the
    /// output, indenting as it goes.
    pub(crate) fn linef(&mut self, args: fmt::Arguments<'_>) {
        let start = self.out.len();
        let mut writer = Indented {
            out: &mut self.out,
            depth: self.depth,
            at_line_start: true,
        };
        // Writing to a `String` cannot fail.
        let _ = writer.write_fmt(args);
        self.out.push('\n');
        check_balanced(&self.out[start..]);
    }

    /// An empty line.
    pub(crate) fn blank(&mut self) {
        self.out.push('\n');
    }

    /// Writes `header {`, then what `body` writes one level deeper, then `}`.
    pub(crate) fn block(&mut self, header: fmt::Arguments<'_>, body: impl FnOnce(&mut Code)) {
        let start = self.out.len();
        let mut writer = Indented {
            out: &mut self.out,
            depth: self.depth,
            at_line_start: true,
        };
        let _ = writer.write_fmt(header);
        self.out.push_str(" {\n");
        check_balanced(&self.out[start..self.out.len() - 3]);
        self.inside(body);
    }

    /// Writes the contents of a block one level deeper, then its closing `}`.
    fn inside(&mut self, body: impl FnOnce(&mut Code)) {
        self.depth += 1;
        body(self);
        self.depth -= 1;
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        self.out.push_str("}\n");
    }

    /// An item (`impl X for Y`, `pub struct Y` ...) with its contents: [`Code::block`], but a
    /// header too long for one line is broken as rustfmt does: the brace on a line of its own,
    /// and `for Y` of a trait impl on its own line too. First the `#[cfg]` line set by
    /// [`Code::set_cfg`], if any.
    pub(crate) fn item(&mut self, header: fmt::Arguments<'_>, body: impl FnOnce(&mut Code)) {
        self.cfg_line();
        // rustfmt lets the brace of an item header reach one column past the limit (measured).
        if self.try_line(header, " {", 1) {
            self.inside(body);
            return;
        }
        let header = header.to_string();
        if let Some((head, ty)) = header.split_once(" for ") {
            // rustfmt measures whether the self type of a trait impl fits without the
            // indentation (measured: at depth 1, headers up to 104 columns stay on one line).
            if width(&header) + 2 <= MAX_WIDTH {
                self.block(format_args!("{header}"), body);
                return;
            }
            self.linef(format_args!("{head}\n    for {ty}"));
        } else {
            self.line(&header);
        }
        self.brace_line();
        self.inside(body);
    }

    /// A `{` on a line of its own (after a header rustfmt broke).
    fn brace_line(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        self.out.push_str("{\n");
    }

    /// A function: `head(params) -> returns {`, the contents, `}`. The parameters stay on the
    /// header's line when the whole signature fits, else go one a line; when even the line of
    /// the return type is too long, the brace goes on a line of its own.
    pub(crate) fn function(
        &mut self,
        head: &str,
        params: &[String],
        returns: Returns<'_>,
        body: impl FnOnce(&mut Code),
    ) {
        let tail = match returns {
            Returns::Type(ty) => format!(") -> {ty} {{"),
            // rustfmt lets `) -> Result<ok, error>` reach two columns past the limit before it
            // breaks it (measured on GitHub's client: 102 columns stay, 103 break).
            Returns::Result(ok, error)
                if self.indent() + width(") -> Result<, >") + width(ok) + width(error)
                    <= MAX_WIDTH + 2 =>
            {
                format!(") -> Result<{ok}, {error}> {{")
            }
            // rustfmt breaks a return type too long for its line inside the generics.
            Returns::Result(ok, error) => {
                let ty = break_generics(self.indent(), &format!("Result<{ok}, {error}>"));
                format!(") -> {ty} {{")
            }
        };
        let indent = self.indent();
        // One a line, a parameter too long for its line breaks inside its type's generics.
        let broken: Vec<String>;
        let params = if params
            .iter()
            .any(|param| indent + INDENT + width(param) + 1 > MAX_WIDTH)
        {
            broken = params
                .iter()
                .map(|param| match param.split_once(": ") {
                    Some((name, ty)) if indent + INDENT + width(param) + 1 > MAX_WIDTH => {
                        format!("{name}: {}", break_generics(indent + INDENT, ty))
                    }
                    _ => param.clone(),
                })
                .collect();
            &broken[..]
        } else {
            params
        };
        let text = list(indent, head, params, &tail, MAX_WIDTH, true);
        match (text.rsplit_once('\n'), tail.strip_suffix(" {")) {
            // rustfmt counts the indentation twice here (measured: at depth 2 a 93-column line
            // already moves the brace), so the same is done to match it.
            (Some((_, last)), Some(without_brace)) if 2 * indent + width(last) > MAX_WIDTH => {
                let (before, _) = text.split_at(text.len() - last.len());
                self.linef(format_args!("{before}{without_brace}"));
                self.brace_line();
                self.inside(body);
            }
            // `tail` ends with ` {`, which `block` writes.
            _ => self.block(format_args!("{}", &text[..text.len() - 2]), body),
        }
    }

    /// Writes `args` + `tail` as one line when it fits in [`MAX_WIDTH`] + `slack` columns and
    /// returns `true`; otherwise writes nothing and returns `false`. Formats straight into the
    /// output: no temporary `String` for the common case.
    fn try_line(&mut self, args: fmt::Arguments<'_>, tail: &str, slack: usize) -> bool {
        let start = self.out.len();
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        let text_start = self.out.len();
        // Writing to a `String` cannot fail.
        let _ = self.out.write_fmt(args);
        self.out.push_str(tail);
        let text = &self.out[text_start..];
        if !text.contains('\n') && self.indent() + width(text) <= MAX_WIDTH + slack {
            self.out.push('\n');
            true
        } else {
            self.out.truncate(start);
            false
        }
    }

    /// Writes `lead` (`pub name:`) and `ty` + `tail` after it: on one line when it fits, else
    /// the type on the next line, else the type broken inside its generics (rustfmt's layouts
    /// for a long field). Formatted straight into the output in the common case.
    pub(crate) fn typed(&mut self, lead: fmt::Arguments<'_>, ty: fmt::Arguments<'_>, tail: &str) {
        if self.try_line(format_args!("{lead} {ty}"), tail, 0) {
            return;
        }
        let ty = ty.to_string();
        if self.indent() + INDENT + width(&ty) + width(tail) <= MAX_WIDTH {
            self.linef(format_args!("{lead}\n    {ty}{tail}"));
        } else {
            let ty = break_generics(self.indent(), &ty);
            self.linef(format_args!("{lead} {ty}{tail}"));
        }
    }

    /// A match arm `pattern => value,`, with the value in a block on its own line when the arm
    /// is too long for one (rustfmt's layout).
    pub(crate) fn arm(&mut self, pattern: &str, value: &str) {
        if let Some((_, last)) = pattern.rsplit_once('\n') {
            // A pattern broken over lines: the value follows its last line when it fits there.
            if self.indent() + width(last) + width(" => ,") + width(value) <= MAX_WIDTH {
                self.linef(format_args!("{pattern} => {value},"));
                return;
            }
        } else if self.try_line(format_args!("{pattern} => {value},"), "", 0) {
            return;
        }
        self.block(format_args!("{pattern} =>"), |code| code.line(value));
    }

    /// A statement `head(args)tail` (`tail` closes the call: `);`, `)?;`): the arguments on one
    /// line when they fit in [`LIST_WIDTH`], else one a line with a trailing comma.
    pub(crate) fn call(&mut self, head: &str, args: &[String], tail: &str) {
        let text = list(self.indent(), head, args, tail, LIST_WIDTH, true);
        self.line(&text);
    }

    /// [`Code::call`] whose last argument is an array of calls (`&[f(a), g(b)]`). A sole
    /// element too long for the array's line is written inside the brackets (`&[f(` ... `)]`),
    /// and, one a line, an element too long for its line breaks its argument onto the next.
    pub(crate) fn call_with_array(
        &mut self,
        head: &str,
        args: &[String],
        array: &[ArrayCall],
        tail: &str,
    ) {
        let array_indent = self.indent() + INDENT;
        let array_text = match array {
            [only] if width(only.head) + width(&only.argument) + 1 > LIST_WIDTH => list(
                array_indent,
                &format!("&[{}", only.head),
                std::slice::from_ref(&only.argument),
                ")]",
                0,
                true,
            ),
            _ => {
                let elements: Vec<String> = array
                    .iter()
                    .map(|element| {
                        let one_line = format!("{}{})", element.head, element.argument);
                        if array_indent + INDENT + width(&one_line) + 1 > MAX_WIDTH {
                            format!("{}\n    {},\n)", element.head, element.argument)
                        } else {
                            one_line
                        }
                    })
                    .collect();
                list(array_indent, "&[", &elements, "]", LIST_WIDTH, true)
            }
        };
        let mut all = args.to_vec();
        all.push(array_text);
        self.call(head, &all, tail);
    }

    /// `head inner tail` (`Variant(` `Payload` `),`, `return Ok(Self::V(` `decoded` `));`) on one
    /// line when it fits, else `inner` on a line of its own with a trailing comma, as rustfmt
    /// breaks the last argument of nested calls and a tuple variant's field.
    pub(crate) fn wrapped(&mut self, head: &str, inner: &str, tail: &str) {
        if !self.try_line(format_args!("{head}{inner}"), tail, 0) {
            self.linef(format_args!("{head}\n    {inner},\n{tail}"));
        }
    }

    /// [`Code::wrapped`] for nested calls (`return Ok(Self::V(` `decoded` `));`): the line must
    /// also keep the outer call's argument (`Self::V(decoded)`) within [`LIST_WIDTH`].
    pub(crate) fn wrapped_call(&mut self, head: &str, inner: &str, tail: &str) {
        let argument_width = head.split_once('(').map_or(0, |(_, after)| width(after))
            + width(inner)
            + head.matches('(').count().saturating_sub(1);
        if argument_width <= LIST_WIDTH && self.try_line(format_args!("{head}{inner}"), tail, 0) {
            return;
        }
        self.linef(format_args!("{head}\n    {inner},\n{tail}"));
    }

    /// `head root call body)tail`, a method call whose argument is a closure (`Ok(` `answer`
    /// `.map(|()| ` `Variant` `)`): on one line when it fits, else the call on the next line
    /// under the root, else (still too long) the closure's body in a block.
    pub(crate) fn call_with_closure(
        &mut self,
        head: &str,
        root: &str,
        call: &str,
        body: &str,
        tail: &str,
    ) {
        if self.try_line(format_args!("{head}{root}{call}{body})"), tail, 0) {
            return;
        }
        if self.indent() + INDENT + width(call) + width(body) + 1 + width(tail) <= MAX_WIDTH {
            self.linef(format_args!("{head}{root}\n    {call}{body}){tail}"));
        } else {
            self.linef(format_args!("{head}{root}{call}{{\n    {body}\n}}){tail}"));
        }
    }

    /// A match arm whose pattern is `head` + alternatives separated by ` | ` + `tail`
    /// (`Some("a" | "b")`) and whose value is `value`: as [`Code::arm`] when the pattern fits on
    /// its line, else the alternatives inside the pattern's parentheses, as many a line as fit,
    /// continuation lines starting with `| ` (rustfmt's layout).
    pub(crate) fn or_pattern_arm(
        &mut self,
        head: &str,
        alternatives: &[String],
        tail: &str,
        value: &str,
    ) {
        let pattern = format!("{head}{}{tail}", alternatives.join(" | "));
        // `pattern => {` is the shortest form of the arm.
        if self.indent() + width(&pattern) + 5 <= MAX_WIDTH {
            self.arm(&pattern, value);
            return;
        }
        let inner_indent = self.indent() + INDENT;
        let mut text = format!("{head}\n    ");
        let mut line_width = inner_indent;
        for (index, alternative) in alternatives.iter().enumerate() {
            if index == 0 {
                line_width += width(alternative);
                text.push_str(alternative);
            } else if line_width + 3 + width(alternative) <= MAX_WIDTH {
                line_width += 3 + width(alternative);
                text.push_str(" | ");
                text.push_str(alternative);
            } else {
                line_width = inner_indent + 2 + width(alternative);
                text.push_str("\n    | ");
                text.push_str(alternative);
            }
        }
        text.push_str(",\n");
        text.push_str(tail);
        self.arm(&text, value);
    }

    /// `lead value tail` (`pub type X =` `T` `;`) on one line when it fits, else the value on
    /// the next line, indented.
    pub(crate) fn assign(&mut self, lead: &str, value: &str, tail: &str) {
        if !self.try_line(format_args!("{lead} {value}"), tail, 0) {
            self.linef(format_args!("{lead}\n    {value}{tail}"));
        }
    }

    /// Arguments of an attribute (`#[serde(a, b)]`): one per line, without a trailing comma,
    /// when they are longer than [`ATTR_WIDTH`].
    pub(crate) fn attr(&mut self, head: &str, items: &[String], tail: &str) {
        let text = list(self.indent(), head, items, tail, ATTR_WIDTH, false);
        self.line(&text);
    }

    /// A struct literal `head { fields }tail` as a line of its own; each field is `name: value`,
    /// `name` or `name: None`, as written.
    pub(crate) fn struct_lit(&mut self, head: &str, fields: &[String], tail: &str) {
        let text = struct_lit(self.indent(), head, fields, tail);
        self.line(&text);
    }

    /// [`Code::struct_lit`] whose fields may be slices of struct literals, laid out at the
    /// fields' column.
    pub(crate) fn struct_lit_nested(&mut self, head: &str, fields: &[FieldInit], tail: &str) {
        let field_indent = self.indent() + INDENT;
        let fields: Vec<String> = fields
            .iter()
            .map(|field| match field {
                FieldInit::Text(text) => text.clone(),
                FieldInit::StructSlice { name, structs } => {
                    struct_slice(field_indent, name, structs)
                }
            })
            .collect();
        self.struct_lit(head, &fields, tail);
    }

    /// A statement or expression that is a method chain `head root.a().b()tail`: on one line
    /// when the line fits and the chain is at most [`CHAIN_WIDTH`] wide (or a single call),
    /// otherwise one `.call` a line under the root.
    pub(crate) fn chain(&mut self, head: &str, root: &str, calls: &[&str], tail: &str) {
        let one_line: String = std::iter::once(root).chain(calls.iter().copied()).collect();
        // A single call is kept on one line whenever the line fits (measured).
        if (calls.len() == 1 || width(&one_line) <= CHAIN_WIDTH)
            && self.indent() + width(head) + width(&one_line) + width(tail) <= MAX_WIDTH
        {
            self.linef(format_args!("{head}{one_line}{tail}"));
            return;
        }
        let mut text = format!("{head}{root}");
        for call in calls {
            text.push_str("\n    ");
            text.push_str(call);
        }
        text.push_str(tail);
        self.line(&text);
    }

    /// `///` lines. Bare carriage returns are not allowed in doc comments (they become spaces)
    /// and trailing spaces are noise (dropped).
    pub(crate) fn doc(&mut self, lines: &[String]) {
        for line in lines {
            self.doc_line(line);
        }
    }

    /// One `///` line (see [`Code::doc`]).
    pub(crate) fn doc_line(&mut self, line: &str) {
        let line = line.trim_end();
        for _ in 0..self.depth {
            self.out.push_str("    ");
        }
        if line.is_empty() {
            self.out.push_str("///\n");
            return;
        }
        self.out.push_str("/// ");
        if line.contains(|c: char| c == '\r' || is_bidi_control(c)) {
            for c in line.chars() {
                if is_bidi_control(c) {
                    // rustc rejects these in comments (`text_direction_codepoint_in_comment`):
                    // show them as escapes instead.
                    self.out.push_str(&c.escape_unicode().to_string());
                } else if c == '\r' {
                    // A lone carriage return separated words; keep them apart.
                    self.out.push(' ');
                } else {
                    self.out.push(c);
                }
            }
        } else {
            self.out.push_str(line);
        }
        self.out.push('\n');
    }

    /// The text written. Every block is closed: blocks only exist inside [`Code::block`] and
    /// its relatives, which cannot return without closing them.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// A `fmt::Write` into the output that indents every non-empty line by `depth` levels.
struct Indented<'a> {
    out: &'a mut String,
    depth: usize,
    at_line_start: bool,
}

impl fmt::Write for Indented<'_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if !text.contains('\n') {
            // Most pieces are part of a line (a hole, or the template between two holes).
            if !text.is_empty() {
                if self.at_line_start {
                    for _ in 0..self.depth {
                        self.out.push_str("    ");
                    }
                    self.at_line_start = false;
                }
                self.out.push_str(text);
            }
            return Ok(());
        }
        for (index, piece) in text.split('\n').enumerate() {
            if index > 0 {
                self.out.push('\n');
                self.at_line_start = true;
            }
            if piece.is_empty() {
                continue;
            }
            if self.at_line_start {
                for _ in 0..self.depth {
                    self.out.push_str("    ");
                }
                self.at_line_start = false;
            }
            self.out.push_str(piece);
        }
        Ok(())
    }
}

/// In debug builds (the tests), panics when `text` does not close every bracket it opens or
/// closes one it did not open: a block opened or closed by hand instead of with
/// [`Code::block`], a bug of the emitter. Brackets in string literals and comments do not count.
#[cfg(debug_assertions)]
fn check_balanced(text: &str) {
    if let Err(problem) = bracket_balance(text) {
        panic!("code writer: {problem} in {text:?} (blocks are written with `Code::block`)");
    }
}

/// Release builds skip the check: the tests run every path of the emitter in debug builds.
#[cfg(not(debug_assertions))]
fn check_balanced(_text: &str) {}

/// `Ok` when the brackets of `text` outside string literals and comments are balanced, else
/// which one is not.
#[cfg_attr(not(debug_assertions), allow(dead_code))]
fn bracket_balance(text: &str) -> Result<(), String> {
    let mut open = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                // A string literal: skip to its end, escapes included.
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                // A comment: skip to the end of the line.
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' | '[' | '{' => open.push(c),
            ')' | ']' | '}' => {
                let expected = match c {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if open.pop() != Some(expected) {
                    return Err(format!("`{c}` closes nothing this text opened"));
                }
            }
            _ => {}
        }
    }
    match open.last() {
        Some(c) => Err(format!("`{c}` is not closed")),
        None => Ok(()),
    }
}

/// The characters that change text direction, which rustc does not accept in comments.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Width of `text` in columns (characters; the emitter writes no wide characters outside
/// string literals and comments).
fn width(text: &str) -> usize {
    text.chars().count()
}

/// `head` + items separated by `, ` + `tail` on one line when the items fit in `limit` columns
/// and the line in [`MAX_WIDTH`] (starting at column `indent`); otherwise `head`, one item a line
/// (indented one level, followed by a comma, the last one only if `trailing_comma`), and `tail`.
/// Items may be multi-line.
fn list(
    indent: usize,
    head: &str,
    items: &[String],
    tail: &str,
    limit: usize,
    trailing_comma: bool,
) -> String {
    let joined = items.join(", ");
    if !joined.contains('\n')
        && width(&joined) <= limit
        && indent + width(head) + width(&joined) + width(tail) <= MAX_WIDTH
    {
        return format!("{head}{joined}{tail}");
    }
    let mut out = String::with_capacity(head.len() + joined.len() + items.len() * 8 + tail.len());
    out.push_str(head);
    out.push('\n');
    for (index, item) in items.iter().enumerate() {
        for (line_index, line) in item.split('\n').enumerate() {
            if line_index > 0 {
                out.push('\n');
            }
            if !line.is_empty() {
                out.push_str("    ");
                out.push_str(line);
            }
        }
        if index + 1 < items.len() || trailing_comma {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str(tail);
    out
}

/// A type too long for its line, which starts at column `indent`: the generic arguments of its
/// outermost type one a line (`Outer<` ... `>`), each broken the same way when it is still too
/// long for its own line (rustfmt's layout). A type without generics is left as it is.
fn break_generics(indent: usize, ty: &str) -> String {
    let (Some((outer, inner)), true) = (ty.split_once('<'), ty.ends_with('>')) else {
        return ty.to_owned();
    };
    let inner = &inner[..inner.len() - 1];
    let mut out = String::with_capacity(ty.len() + 32);
    out.push_str(outer);
    out.push_str("<\n");
    for argument in top_level_arguments(inner) {
        let argument = if indent + INDENT + width(argument) + 1 > MAX_WIDTH {
            break_generics(indent + INDENT, argument)
        } else {
            argument.to_owned()
        };
        for line in argument.split('\n') {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
        out.truncate(out.len() - 1);
        out.push_str(",\n");
    }
    out.push('>');
    out
}

/// The comma-separated arguments of a generic argument list, not splitting nested ones.
fn top_level_arguments(list: &str) -> Vec<&str> {
    let mut arguments = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (index, c) in list.char_indices() {
        match c {
            '<' | '(' => depth += 1,
            '>' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                arguments.push(list[start..index].trim());
                start = index + 1;
            }
            _ => {}
        }
    }
    arguments.push(list[start..].trim());
    arguments
}

/// `#[cfg(feature = "a")]`, or `#[cfg(any(feature = "a", ...))]` for several features: on one
/// line when the features inside `any(...)` are at most [`ATTR_WIDTH`] wide, else one feature
/// per line without a trailing comma (rustfmt's layout, measured: 66 columns of features stay
/// on one line).
fn cfg_attr(indent: usize, features: &[&str]) -> String {
    let items: Vec<String> = features
        .iter()
        .map(|feature| format!("feature = \"{feature}\""))
        .collect();
    if let [only] = items.as_slice() {
        return format!("#[cfg({only})]");
    }
    let joined = items.join(", ");
    if width(&joined) <= ATTR_WIDTH && indent + width(&joined) + 13 <= MAX_WIDTH {
        format!("#[cfg(any({joined}))]")
    } else {
        format!("#[cfg(any(\n    {}\n))]", items.join(",\n    "))
    }
}

/// A struct literal `head { a, b: c }tail` starting at column `indent`: on one line only when
/// its fields are at most [`STRUCT_LIT_WIDTH`] wide.
fn struct_lit(indent: usize, head: &str, fields: &[String], tail: &str) -> String {
    if fields.is_empty() {
        return format!("{head} {{}}{tail}");
    }
    let joined = fields.join(", ");
    if !joined.contains('\n')
        && width(&joined) <= STRUCT_LIT_WIDTH
        && indent + width(head) + width(&joined) + width(tail) + 6 <= MAX_WIDTH
    {
        return format!("{head} {{ {joined} }}{tail}");
    }
    // A field too long for its line continues on the next one, or, when its value is a method
    // call on a name (`x.into()`), breaks before the call (rustfmt's layouts).
    let fields: Vec<String> = fields
        .iter()
        .map(|field| match field.split_once(": ") {
            Some((name, value))
                if !field.contains('\n') && indent + INDENT + width(field) + 1 > MAX_WIDTH =>
            {
                match value.split_once('.') {
                    Some((root, call))
                        if root.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                            && indent + INDENT + width(name) + 2 + width(root) <= MAX_WIDTH =>
                    {
                        format!("{name}: {root}\n    .{call}")
                    }
                    _ => format!("{name}:\n    {value}"),
                }
            }
            _ => field.clone(),
        })
        .collect();
    list(
        indent,
        &format!("{head} {{"),
        &fields,
        &format!("}}{tail}"),
        0,
        true,
    )
}

/// The field `name: &[Path { fields }, ...]` of a struct literal, starting at column `indent`. A
/// single element is written inside the brackets as rustfmt does (`&[Info {` ... `}]`), several
/// one a line.
fn struct_slice(indent: usize, name: &str, structs: &[(String, Vec<String>)]) -> String {
    let head = format!("{name}: &[");
    if let [(path, fields)] = structs {
        return struct_lit(indent, &format!("{head}{path}"), fields, "]");
    }
    let items: Vec<String> = structs
        .iter()
        .map(|(path, fields)| struct_lit(indent + INDENT, path, fields, ""))
        .collect();
    list(indent, &head, &items, "]", LIST_WIDTH, true)
}

/// A Rust string literal holding `text` (`Debug` of a `str` is valid literal syntax; plain
/// printable ASCII, the usual case, needs no escaping and skips the formatter).
pub(crate) fn string_lit(text: &str) -> String {
    if text
        .bytes()
        .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\')
    {
        let mut literal = String::with_capacity(text.len() + 2);
        literal.push('"');
        literal.push_str(text);
        literal.push('"');
        return literal;
    }
    format!("{text:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// What `write` writes into an empty writer at depth `depth`.
    fn written(depth: usize, write: impl FnOnce(&mut Code)) -> String {
        let mut code = Code::with_capacity(0);
        code.depth = depth;
        write(&mut code);
        code.finish()
    }

    #[test]
    fn short_lists_stay_on_one_line() {
        assert_eq!(
            written(1, |code| code.call("foo(", &strings(&["a", "b"]), ");")),
            "    foo(a, b);\n"
        );
        assert_eq!(
            written(1, |code| code.attr(
                "#[serde(",
                &strings(&["rename = \"x\"", "default"]),
                ")]"
            )),
            "    #[serde(rename = \"x\", default)]\n"
        );
    }

    #[test]
    fn long_lists_go_one_item_a_line() {
        let a = "a".repeat(40);
        let b = "b".repeat(21);
        assert_eq!(
            written(0, |code| code.call("foo(", &[a.clone(), b.clone()], ")?;")),
            format!("foo(\n    {a},\n    {b},\n)?;\n")
        );
        // Attributes allow 70 columns and take no trailing comma.
        let b = "b".repeat(31);
        assert_eq!(
            written(0, |code| code.attr(
                "#[serde(",
                &[a.clone(), b.clone()],
                ")]"
            )),
            format!("#[serde(\n    {a},\n    {b}\n)]\n")
        );
    }

    #[test]
    fn nested_multi_line_items_are_indented() {
        let inner = "Self {\n    a: None,\n}".to_owned();
        assert_eq!(
            written(0, |code| code.call("foo(", &[inner, "x".repeat(70)], ")")),
            format!(
                "foo(\n    Self {{\n        a: None,\n    }},\n    {},\n)\n",
                "x".repeat(70)
            )
        );
    }

    #[test]
    fn a_long_return_type_pushes_the_brace_down() {
        let ty = format!("Result<{}, Error>", "T".repeat(90));
        assert_eq!(
            written(0, |code| code.function(
                "fn send(",
                &strings(&["self"]),
                Returns::Type(&ty),
                |_| {}
            )),
            format!("fn send(\n    self,\n) -> {ty}\n{{\n}}\n")
        );
    }

    #[test]
    fn a_long_result_breaks_inside_its_generics() {
        let ok = "T".repeat(80);
        assert_eq!(
            written(1, |code| code.function(
                "fn send(",
                &strings(&["self"]),
                Returns::Result(&ok, "Error"),
                |code| code.line("todo()")
            )),
            format!(
                "    fn send(\n        self,\n    ) -> Result<\n        {ok},\n        Error,\n    > {{\n        todo()\n    }}\n"
            )
        );
        assert_eq!(
            written(0, |code| code.function(
                "fn send(",
                &strings(&["self"]),
                Returns::Result("T", "E"),
                |_| {}
            )),
            "fn send(self) -> Result<T, E> {\n}\n"
        );
    }

    #[test]
    fn struct_literals_follow_the_width_of_their_fields() {
        assert_eq!(
            struct_lit(0, "Self", &strings(&["abcdefg: None"]), ""),
            "Self { abcdefg: None }"
        );
        assert_eq!(
            struct_lit(0, "Self", &strings(&["abcdefghijklm: None"]), ""),
            "Self {\n    abcdefghijklm: None,\n}"
        );
        assert_eq!(struct_lit(0, "Self", &[], ""), "Self {}");
    }

    #[test]
    fn a_slice_of_one_struct_opens_inside_its_brackets() {
        let one = vec![("Info".to_owned(), strings(&["name: \"a long name\""]))];
        assert_eq!(
            written(0, |code| code.struct_lit_nested(
                "static X: T = T",
                &[FieldInit::StructSlice {
                    name: "items",
                    structs: one
                }],
                ";"
            )),
            "static X: T = T {\n    items: &[Info {\n        name: \"a long name\",\n    }],\n};\n"
        );
    }

    #[test]
    fn long_chains_break_before_each_call() {
        // rustfmt keeps a 60-column chain on one line and breaks a 61-column one.
        assert_eq!(
            written(1, |code| code.chain(
                "let x = ",
                &"r".repeat(50),
                &[".bb()", ".cc()"],
                ";"
            )),
            format!("    let x = {}.bb().cc();\n", "r".repeat(50))
        );
        let root = "r".repeat(51);
        assert_eq!(
            written(1, |code| code.chain(
                "let x = ",
                &root,
                &[".bb()", ".cc()"],
                ";"
            )),
            format!("    let x = {root}\n        .bb()\n        .cc();\n")
        );
    }

    #[test]
    fn long_arms_put_their_value_in_a_block() {
        // `    2 => ` and the comma leave 90 columns of a 100-column line.
        let value = "v".repeat(92);
        assert_eq!(
            written(1, |code| {
                code.arm("1", "a");
                code.arm("2", &value);
            }),
            format!("    1 => a,\n    2 => {{\n        {value}\n    }}\n")
        );
    }

    #[test]
    fn an_array_argument_breaks_its_long_elements() {
        let long = ArrayCall {
            head: "part(",
            argument: "\"x\"".repeat(30),
        };
        let short = ArrayCall {
            head: "part(",
            argument: "y".to_owned(),
        };
        // A sole element too long for the array's line opens inside the brackets.
        assert_eq!(
            written(0, |code| code.call_with_array(
                "f(",
                &[],
                std::slice::from_ref(&long),
                ");"
            )),
            format!("f(\n    &[part(\n        {},\n    )],\n);\n", long.argument)
        );
        assert_eq!(
            written(0, |code| code.call_with_array(
                "f(",
                &strings(&["a"]),
                &[long, short],
                ");"
            )),
            format!(
                "f(\n    a,\n    &[\n        part(\n            {},\n        ),\n        part(y),\n    ],\n);\n",
                "\"x\"".repeat(30)
            )
        );
    }

    #[test]
    fn blocks_indent_their_contents_and_close_themselves() {
        let text = written(0, |code| {
            code.item(format_args!("mod {}", "m"), |code| {
                code.linef(format_args!("fn {}() {{}}", "f"));
                code.block(format_args!("if x"), |code| code.line("y();"));
                code.linef(format_args!("a\n\n{}", "b"));
            });
        });
        assert_eq!(
            text,
            "mod m {\n    fn f() {}\n    if x {\n        y();\n    }\n    a\n\n    b\n}\n"
        );
    }

    #[test]
    fn long_item_headers_move_the_brace_and_the_self_type_down() {
        let ty = "T".repeat(90);
        assert_eq!(
            written(0, |code| code
                .item(format_args!("impl Trait for {ty}"), |_| {})),
            format!("impl Trait\n    for {ty}\n{{\n}}\n")
        );
        assert_eq!(
            written(0, |code| code
                .item(format_args!("pub struct {ty}{ty}"), |_| {})),
            format!("pub struct {ty}{ty}\n{{\n}}\n")
        );
    }

    #[test]
    fn long_types_break_inside_their_generics() {
        // Each argument on its own line; one still too long breaks the same way.
        let item = "I".repeat(90);
        assert_eq!(
            break_generics(
                8,
                &format!("Option<std::collections::BTreeMap<String, Vec<{item}>>>")
            ),
            format!(
                "Option<\n    std::collections::BTreeMap<\n        String,\n        Vec<\n            {item},\n        >,\n    >,\n>"
            )
        );
        assert_eq!(break_generics(0, "Plain"), "Plain");
        let ty = format!("Vec<{}>", "T".repeat(85));
        assert_eq!(
            written(1, |code| code.function(
                "fn new(",
                &[format!("items: {ty}"), "b: i64".to_owned()],
                Returns::Type("Self"),
                |_| {}
            )),
            format!(
                "    fn new(\n        items: Vec<\n            {},\n        >,\n        b: i64,\n    ) -> Self {{\n    }}\n",
                "T".repeat(85)
            )
        );
        // A field's type goes to the next line first.
        let ty = format!("Option<{}>", "T".repeat(82));
        assert_eq!(
            written(1, |code| code.typed(
                format_args!("field:"),
                format_args!("{ty}"),
                ","
            )),
            format!("    field:\n        {ty},\n")
        );
    }

    #[test]
    fn trait_impl_headers_measure_the_self_type_without_indentation() {
        // 99 columns without the indentation: one line, though the line is 103 wide.
        let ty = "T".repeat(99 - "impl Trait for ".len() - 2);
        assert_eq!(
            written(1, |code| code
                .item(format_args!("impl Trait for {ty}"), |_| {})),
            format!("    impl Trait for {ty} {{\n    }}\n")
        );
    }

    #[test]
    fn nested_calls_break_their_last_argument() {
        let variant = "V".repeat(50);
        // The argument of `Ok` is 61 columns: over the call width, though the line fits.
        assert_eq!(
            written(1, |code| code.wrapped_call(
                &format!("return Ok(Self::{variant}("),
                "decoded",
                "));"
            )),
            format!("    return Ok(Self::{variant}(\n        decoded,\n    ));\n")
        );
        assert_eq!(
            written(1, |code| code.wrapped_call(
                "return Ok(Self::V(",
                "decoded",
                "));"
            )),
            "    return Ok(Self::V(decoded));\n"
        );
    }

    #[test]
    fn closures_move_to_a_block_when_the_call_does_not_fit_under_the_root() {
        // 101 columns on one line, 98 with the call under the root.
        let short = "S".repeat(66);
        let long = "L".repeat(69);
        let closure = |body: &str| {
            written(4, |code| {
                code.call_with_closure("Ok(", "answer", ".map(|()| ", body, ")")
            })
        };
        assert_eq!(
            closure(&short),
            format!("                Ok(answer\n                    .map(|()| {short}))\n")
        );
        assert_eq!(
            closure(&long),
            format!(
                "                Ok(answer.map(|()| {{\n                    {long}\n                }}))\n"
            )
        );
    }

    #[test]
    fn long_or_patterns_fill_lines_inside_their_parentheses() {
        let tags: Vec<String> = (0..8).map(|i| format!("\"tag_number_{i}\"")).collect();
        assert_eq!(
            written(4, |code| code
                .or_pattern_arm("Some(", &tags, ")", "f(value)")),
            "                Some(\n                    \"tag_number_0\" | \"tag_number_1\" | \"tag_number_2\" | \"tag_number_3\"\n                    | \"tag_number_4\" | \"tag_number_5\" | \"tag_number_6\" | \"tag_number_7\",\n                ) => f(value),\n"
        );
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        assert_eq!(bracket_balance("f(\"{(\", x) // ]"), Ok(()));
        assert_eq!(bracket_balance("x(\"\\\"\")"), Ok(()));
        assert!(bracket_balance("match x {").is_err());
        assert!(bracket_balance("}").is_err());
        assert!(bracket_balance("(]").is_err());
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "`{` is not closed")]
    fn a_block_opened_by_hand_is_reported() {
        written(0, |code| code.line("match x {"));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "`}` closes nothing")]
    fn a_block_closed_by_hand_is_reported() {
        written(1, |code| code.line("}"));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "is not closed")]
    fn a_block_header_that_opens_its_own_brace_is_reported() {
        written(0, |code| code.block(format_args!("if x {{"), |_| {}));
    }

    #[test]
    fn doc_lines_replace_carriage_returns_and_escape_direction_controls() {
        let mut code = Code::with_capacity(0);
        code.doc_line("a\rb \u{202E}x\u{2066}  ");
        code.doc_line("");
        assert_eq!(code.finish(), "/// a b \\u{202e}x\\u{2066}\n///\n");
    }

    #[test]
    fn string_literals_escape_what_needs_escaping() {
        assert_eq!(string_lit("a\"b\\c\nd"), r#""a\"b\\c\nd""#);
        assert_eq!(string_lit("plain text"), "\"plain text\"");
        assert_eq!(string_lit("é\u{7f}"), "\"é\\u{7f}\"");
    }
}
