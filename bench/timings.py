#!/usr/bin/env python3
"""What the generator adds to a clean build of `rescale`, from a `cargo build --timings` report.

    timings.py cargo-timing.html REPO

Units built only because of the build-dependency (crates in openapi-gen's tree that the client's
own dependencies do not pull in, openapi-gen itself, and rescale's build script: compile and run)
are summed; the total is CPU-seconds of those units, and their share of the sum of all units.
Crates shared with the runtime (serde, serde_json, syn...) are not counted: the runtime's own proc
macros (serde_derive, tokio-macros, futures-macro) already build syn with `full`, so the generator
widens none of them.
"""
import json
import re
import subprocess
import sys


def tree(repo, *args):
    out = subprocess.run(["cargo", "tree", "--prefix", "none", "--format", "{p}", *args],
                         cwd=repo, capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


html, repo = sys.argv[1], sys.argv[2]
text = open(html).read()
units = json.loads(re.search(r"const UNIT_DATA = (\[.*?\]);\n", text, re.S).group(1))
runtime = tree(repo, "-p", "rescale", "-e", "normal")
generator = tree(repo, "-p", "openapi-gen", "-e", "normal")
only_gen = (generator - runtime) | {"openapi-gen"}
total = sum(u["duration"] for u in units)
wall = max(u["start"] + u["duration"] for u in units)
extra = [u for u in units
         if u["name"] in only_gen or (u["name"] == "rescale" and "build-script" in u["target"])]
extra_sum = sum(u["duration"] for u in extra)
print(f"  all units: {len(units)}, {total:.1f} CPU-s summed, {wall:.1f} s wall")
print(f"  only for the generator: {len(extra)} units, {extra_sum:.1f} CPU-s ({100 * extra_sum / total:.0f}% of the sum)")
for u in sorted(extra, key=lambda u: -u["duration"]):
    print(f"    {u['duration']:6.1f} s  {u['name']} {u['target'].strip()}")
for u in units:
    if u["name"] == "syn":
        print(f"  shared with the runtime's proc macros, not counted: syn {u['version']} {u['duration']:.1f} s "
              f"with features {','.join(u['features'])}")
print(f"  the generated crate itself: {sum(u['duration'] for u in units if u['name'] == 'rescale' and not u['target'].strip()):.1f} s")
