#!/usr/bin/env python3
"""Splits a generated Rust file into chunks rustfmt can check one by one.

rustfmt runs out of memory on a whole client of 100k lines and more, but the generator's layout
of an item depends only on the item and its indentation. So the file is cut between items, and
each chunk is wrapped so that it parses on its own and every line keeps its column:

- top-level items (`pub static API`, `pub struct Client` ...) are cut at the blank lines before
  an unindented line;
- a top-level block longer than the chunk size (`pub mod types { ... }`, `impl Client { ... }`) is
  cut between its own items (a blank line before a line indented one level), and each piece is
  wrapped in the block's header lines and its closing `}`.

Each chunk is written as OUT_DIR/NAME-NNNN-lLINE.rs, LINE being the line of the original file
where the chunk's first item starts, so a difference rustfmt reports can be found in the output.

usage: rustfmt_chunks.py FILE OUT_DIR NAME [MAX_LINES]
"""

import os
import sys


def split_at(lines, starts_item):
    """Splits `lines` (pairs of original line number and text) before each line for which
    `starts_item` holds when it follows a blank line; the blank line stays with the piece before."""
    pieces, current = [], []
    for index, (number, text) in enumerate(lines):
        if current and index > 0 and lines[index - 1][1] == "" and starts_item(text):
            pieces.append(current)
            current = []
        current.append((number, text))
    if current:
        pieces.append(current)
    return pieces


def is_top_level(text):
    return text != "" and not text[0].isspace()


def is_depth_one(text):
    return text.startswith("    ") and not text.startswith("     ")


def chunks(lines, max_lines):
    """Yields (first line number, text) of each chunk."""
    group = []

    def flush():
        if group:
            yield group[0][0], "\n".join(text for _, text in group) + "\n"
            group.clear()

    for item in split_at(lines, is_top_level):
        header_end = next(
            (i for i, (_, text) in enumerate(item) if is_top_level(text) and text.endswith("{")),
            None,
        )
        # Trailing blank lines do not count: the closing brace is the last written line.
        while item and item[-1][1] == "":
            item = item[:-1]
        big_block = (
            len(item) > max_lines
            and header_end is not None
            and item[-1][1] in ("}", "};")
        )
        if not big_block:
            if len(group) + len(item) > max_lines:
                yield from flush()
            group.extend(item)
            continue
        yield from flush()
        header, body, footer = item[: header_end + 1], item[header_end + 1 : -1], item[-1:]
        pieces = []
        for piece in split_at(body, is_depth_one):
            if pieces and len(pieces[-1]) + len(piece) <= max_lines:
                pieces[-1].extend(piece)
            else:
                pieces.append(list(piece))
        for piece in pieces:
            # The blank line between two pieces is not part of either (rustfmt would remove it
            # before the closing brace).
            while piece[-1][1] == "":
                piece.pop()
            text = "\n".join(t for _, t in header + piece + footer) + "\n"
            yield piece[0][0], text
    yield from flush()


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    path, out_dir, name = sys.argv[1:4]
    max_lines = int(sys.argv[4]) if len(sys.argv) == 5 else 10000
    with open(path, encoding="utf-8") as source:
        lines = list(enumerate(source.read().split("\n"), start=1))
    # `split` leaves an empty string after the final newline.
    if lines and lines[-1][1] == "":
        lines.pop()
    os.makedirs(out_dir, exist_ok=True)
    count = 0
    for count, (first_line, text) in enumerate(chunks(lines, max_lines), start=1):
        chunk_path = os.path.join(out_dir, f"{name}-{count:04}-l{first_line}.rs")
        with open(chunk_path, "w", encoding="utf-8") as chunk:
            chunk.write(text)
    print(f"{path}: {len(lines)} lines in {count} chunks")


if __name__ == "__main__":
    main()
