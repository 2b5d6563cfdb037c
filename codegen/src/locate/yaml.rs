//! The YAML adapter of the locator: `saphyr-parser`'s events as the locator's [`Event`]s.

use super::{Event, Fixup, Kind, Spot, Unreadable};

use saphyr_parser::{Event as YamlEvent, Parser, ScalarStyle, StrInput};

/// Events of the first document of a YAML text, from `saphyr-parser`.
pub(super) struct YamlReader<'a> {
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
    pub(super) fn new(source: &'a str) -> Self {
        YamlReader {
            parser: Parser::new_from_str(source),
            previous_end: 0,
            open: Vec::new(),
        }
    }

    pub(super) fn next_event(&mut self) -> Result<Option<Event<'a>>, Unreadable> {
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
