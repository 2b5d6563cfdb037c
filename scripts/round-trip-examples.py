#!/usr/bin/env python3
"""Writes a round-trip test crate for each spec: every example the spec gives (JSON answers and
schemas, listed by `openapi-gen --examples`) that is valid against its schema must decode into
the generated type and encode back to the same JSON (numbers keep their kind, nothing dropped,
no null added). Invalid examples are counted and left out: they say nothing about the models.

    scripts/round-trip-examples.py GEN SCRATCH SPEC...

GEN is the openapi-gen binary, SCRATCH the workspace directory to fill (crates/<name>/, the crate
`openapi-gen --crate` writes, plus tests/examples.rs). Run by scripts/round-trip-examples.sh,
which then runs `cargo test` there.
"""

import copy
import json
import os
import re
import subprocess
import sys

import jsonschema
import yaml


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".json"):
        return json.loads(text)
    # Dates stay strings, as the generator reads them.
    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return yaml.load(text, Loader=Loader)


def nullable_to_json_schema(node):
    """OpenAPI 3.0 `nullable: true` as JSON Schema: `null` becomes one more allowed value."""
    if isinstance(node, list):
        return [nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {k: nullable_to_json_schema(v) for k, v in node.items()}
    if node.get("nullable") is True:
        del node["nullable"]
        kind = node.get("type")
        if isinstance(kind, str) and "$ref" not in node and not any(
            k in node for k in ("allOf", "oneOf", "anyOf")
        ):
            node["type"] = [kind, "null"]
            if isinstance(node.get("enum"), list) and None not in node["enum"]:
                node["enum"] = node["enum"] + [None]
        else:
            return {"anyOf": [{"type": "null"}, node]}
    return node


def pointer_get(root, pointer):
    node = root
    for segment in pointer.split("/")[1:]:
        segment = segment.replace("~1", "/").replace("~0", "~")
        node = node[int(segment)] if isinstance(node, list) else node[segment]
    return node


def validator_for(spec):
    if str(spec.get("openapi", "")).startswith("3.1"):
        convert = copy.deepcopy
        cls = jsonschema.Draft202012Validator
    else:
        convert = nullable_to_json_schema
        cls = jsonschema.Draft4Validator
    # `$ref`s inside a schema resolve against the converted document; the schema itself is taken
    # from the original one (converting can wrap a node, which moves the nodes below it).
    root = convert(spec)

    def validate(schema_pointer, value):
        try:
            target = convert(pointer_get(spec, schema_pointer))
            schema = dict(root)
            schema["x-round-trip-target"] = target
            schema["$ref"] = "#/x-round-trip-target"
            error = jsonschema.exceptions.best_match(cls(schema).iter_errors(value))
        except Exception as err:  # a schema the validator cannot read: no verdict
            return f"cannot validate: {type(err).__name__}"
        return None if error is None else error.message[:200]

    return validate


def rust_string(text):
    hashes = "#"
    while f'"{hashes}' in text:
        hashes += "#"
    return f'r{hashes}"{text}"{hashes}'


def crate_name(spec_path):
    base = os.path.basename(spec_path).rsplit(".", 1)[0].lower()
    return "examples-" + re.sub(r"[^a-z0-9]+", "-", base).strip("-")


def write_if_changed(path, text):
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    gen, scratch, *specs = sys.argv[1:]
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    names = []
    for spec_path in specs:
        listed = json.loads(
            subprocess.run([gen, spec_path, "--examples"], check=True, capture_output=True, text=True).stdout
        )
        validate = validator_for(load(spec_path))
        valid, invalid = [], 0
        for example in listed:
            problem = validate(example["schema"], example["value"])
            if problem is None:
                valid.append(example)
            else:
                invalid += 1
                if os.environ.get("VERBOSE"):
                    print(f"  invalid example #{example['pointer']}: {problem}", file=sys.stderr)
        name = crate_name(spec_path)
        print(f"{name:45} {len(listed):5} examples, {invalid:4} invalid (skipped), {len(valid):5} to round-trip")
        if not valid:
            continue
        names.append(name)
        directory = os.path.join(scratch, "crates", name)
        os.makedirs(os.path.join(directory, "tests"), exist_ok=True)
        # The crate as users get it (`openapi-gen --crate`), the runtime from this checkout.
        # Warnings (constructs read as serde_json::Value) are check-public-specs.sh's business.
        generated = subprocess.run(
            [gen, spec_path, "--crate", directory, "--name", name, "--runtime-dir", os.path.join(repo, "runtime")],
            capture_output=True,
            text=True,
        )
        if generated.returncode != 0:
            sys.exit(f"openapi-gen {spec_path} --crate failed:\n{generated.stderr}")
        lines = [
            f"//! Every valid example of {os.path.basename(spec_path)} round-trips through the generated models.",
            "#![allow(deprecated)]",
            "",
            f"use {name.replace('-', '_')}::types;",
            "",
            "fn check<T: serde::de::DeserializeOwned + serde::Serialize>(",
            "    pointer: &str,",
            "    text: &str,",
            "    failures: &mut Vec<String>,",
            ") {",
            '    let expected: serde_json::Value = serde_json::from_str(text).expect("the example is JSON");',
            "    match serde_json::from_str::<T>(text) {",
            '        Err(err) => failures.push(format!("#{pointer}: does not decode: {err}")),',
            "        Ok(typed) => {",
            '            let back = serde_json::to_value(&typed).expect("encodes");',
            "            if back != expected {",
            '                failures.push(format!("#{pointer}: changed\\n  was {expected}\\n  now {back}"));',
            "            }",
            "        }",
            "    }",
            "}",
            "",
            "#[test]",
            "fn valid_examples_round_trip() {",
            "    let mut failures: Vec<String> = Vec::new();",
        ]
        for example in valid:
            text = json.dumps(example["value"], ensure_ascii=False)
            lines.append(
                f"    check::<{example['type']}>({rust_string(example['pointer'])}, {rust_string(text)}, &mut failures);"
            )
        lines += [
            f'    assert!(failures.is_empty(), "{{}} of {len(valid)} examples do not round-trip:\\n{{}}", failures.len(), failures.join("\\n"));',
            "}",
            "",
        ]
        write_if_changed(os.path.join(directory, "tests", "examples.rs"), "\n".join(lines))
    with open(os.path.join(scratch, "crates.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")


if __name__ == "__main__":
    main()
