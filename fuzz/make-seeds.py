#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus to fuzz/seeds/: the small public specs whole, and slices of the
large ones (a few paths each, with every schema they reach through `$ref`), as JSON and YAML.

    python3 fuzz/make-seeds.py [SPECS_DIR]   (default tests/data/specs)
"""
import json, os, sys
import yaml

specs = sys.argv[1] if len(sys.argv) > 1 else "tests/data/specs"
here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "seeds")
repo = os.path.dirname(here)
os.makedirs(out, exist_ok=True)

def load(path):
    with open(path) as f:
        return json.load(f) if path.endswith(".json") else yaml.safe_load(f)

def refs(node, found):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/"):
                found.add(v)
            else:
                refs(v, found)
    elif isinstance(node, list):
        for v in node:
            refs(v, found)

def get(doc, pointer):
    node = doc
    for seg in pointer[2:].split("/"):
        seg = seg.replace("~1", "/").replace("~0", "~")
        node = node[int(seg)] if isinstance(node, list) else node[seg]
    return node

def put(dst, src, pointer):
    segs = [s.replace("~1", "/").replace("~0", "~") for s in pointer[2:].split("/")]
    node_s, node_d = src, dst
    for seg in segs[:-1]:
        node_s = node_s[seg]
        node_d = node_d.setdefault(seg, {})
    node_d[segs[-1]] = node_s[segs[-1]]

def slice_spec(doc, paths):
    new = {k: v for k, v in doc.items() if k not in ("paths", "components")}
    new["paths"] = {p: doc["paths"][p] for p in paths}
    todo, done = set(), set()
    refs(new["paths"], todo)
    while todo:
        r = todo.pop()
        if r in done:
            continue
        done.add(r)
        try:
            target = get(doc, r)
        except (KeyError, IndexError, ValueError):
            continue
        put(new, doc, r)
        refs(target, todo)
    return new

def write(name, doc, as_yaml):
    text = yaml.safe_dump(doc, sort_keys=False) if as_yaml else json.dumps(doc, indent=1)
    if len(text) > 48_000:
        return
    with open(os.path.join(out, name + (".yaml" if as_yaml else ".json")), "w") as f:
        f.write(text)

for small in ["petstore.yaml", "petstore-expanded.yaml"]:
    with open(os.path.join(specs, small)) as f:
        open(os.path.join(out, small), "w").write(f.read())

for big in ["oxide-nexus.json", "box-openapi.json", "digitalocean-public.v2.bundled.yaml"]:
    doc = load(os.path.join(specs, big))
    paths = list(doc["paths"])
    stem = big.split(".")[0].split("-")[0]
    count = 0
    for i in range(0, len(paths), max(1, len(paths) // 12)):
        write(f"{stem}-{i}", slice_spec(doc, paths[i:i + 2]), as_yaml=(count % 2 == 1))
        count += 1

# Fixtures of the repository: the coverage specs and the broken ones.
for sub in ["tests/specs", "tests/specs/broken"]:
    d = os.path.join(repo, sub)
    for f in sorted(os.listdir(d)):
        p = os.path.join(d, f)
        if os.path.isfile(p) and os.path.getsize(p) < 48_000:
            open(os.path.join(out, ("broken-" if "broken" in sub else "fixture-") + f), "w").write(open(p).read())
