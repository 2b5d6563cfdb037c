#!/usr/bin/env bash
# Checks spec/rescale.yaml:
#   1. openapi-spec-validator must accept it as OpenAPI 3.0.3;
#   2. every example in it (the sample bodies of the source document among them) must validate
#      against the schema it is attached to, $refs resolved against the spec, and every field of
#      an example must be declared in that schema (not merely let through as an extra); examples
#      kept in files (`externalValue` of an operation's example, `x-example-files` of a schema)
#      are read relative to the spec, and every file in spec/examples/ must be attached somewhere;
#   3. every operation must have a snake_case operationId, a summary, a description, tags and the
#      401/403/429 answers.
# Installs openapi-spec-validator into a venv under ${TMPDIR:-/tmp} the first time.
# Prints one summary line on success; prints the problems and exits non-zero otherwise.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
spec="$here/rescale.yaml"
venv="${TMPDIR:-/tmp}/rescale-spec-venv"

if [[ ! -x "$venv/bin/openapi-spec-validator" ]]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q openapi-spec-validator
fi

if ! out=$("$venv/bin/openapi-spec-validator" "$spec" 2>&1); then
    printf '%s\n' "$out" >&2
    echo "FAIL: openapi-spec-validator rejected $spec" >&2
    exit 1
fi

"$venv/bin/python" - "$spec" <<'PY'
import copy
import json
import os
import re
import sys

import yaml
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator, oas30_format_checker

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    spec = yaml.safe_load(f)
spec_dir = os.path.dirname(os.path.abspath(path))
examples_dir = os.path.join(spec_dir, "examples")
attached = set()


def example_file(relative):
    """The JSON of an example kept beside the spec, remembered as attached."""
    full = os.path.normpath(os.path.join(spec_dir, relative))
    attached.add(full)
    with open(full, encoding="utf-8") as f:
        return json.load(f)


def nullable_refs(node):
    """OAS 3.0.3 only lets `nullable` widen an explicit `type`, so a strict validator rejects null
    for the common `{nullable: true, allOf: [{$ref: ...}]}` idiom used for nullable references.
    Read it the way generators do: null, or whatever the allOf allows."""
    if isinstance(node, dict):
        node = {k: nullable_refs(v) for k, v in node.items()}
        if node.get("nullable") is True and "type" not in node and "allOf" in node:
            rest = {k: v for k, v in node.items() if k != "nullable"}
            return {"anyOf": [{"enum": [None]}, rest]}
        return node
    if isinstance(node, list):
        return [nullable_refs(v) for v in node]
    return node


components = nullable_refs(copy.deepcopy(spec.get("components", {})))
problems = []
checked = 0


def resolve(obj):
    while isinstance(obj, dict) and "$ref" in obj:
        node = spec
        for part in obj["$ref"].lstrip("#/").split("/"):
            node = node[part]
        obj = node
    return obj


def undeclared(where, schema, instance):
    """Keys of `instance` that its schema does not name: a schema that only tolerates a field
    (no `additionalProperties: false`) would still let it through the validator, unmodelled."""
    schema = resolve(schema)
    parts = [schema] + [resolve(s) for s in schema.get("allOf", [])]
    if isinstance(instance, dict):
        props = {}
        for part in parts:
            props.update(part.get("properties", {}))
        extra = next((p["additionalProperties"] for p in parts if "additionalProperties" in p), None)
        for key, value in instance.items():
            if key in props:
                undeclared(f"{where}/{key}", props[key], value)
            elif isinstance(extra, dict):
                undeclared(f"{where}/{key}", extra, value)
            elif extra is not True:
                problems.append(f"{where}: field {key!r} is not declared in the schema")
    elif isinstance(instance, list):
        items = next((p["items"] for p in parts if "items" in p), {})
        for i, value in enumerate(instance):
            undeclared(f"{where}/{i}", items, value)


def check(where, schema, instance, validator_cls):
    global checked
    checked += 1
    root = dict(nullable_refs(schema), components=components)
    validator = validator_cls(root, format_checker=oas30_format_checker)
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        at = "/".join(str(p) for p in err.absolute_path) or "(root)"
        problems.append(f"{where}: at {at}: {err.message}")
    undeclared(where, schema, instance)


def media_examples(where, content, validator_cls):
    for media, body in (content or {}).items():
        if "schema" not in body:
            continue
        if "example" in body:
            check(f"{where} {media} example", body["schema"], body["example"], validator_cls)
        for name, ex in (body.get("examples") or {}).items():
            ex = resolve(ex)
            value = example_file(ex["externalValue"]) if "externalValue" in ex else ex["value"]
            check(f"{where} {media} examples/{name}", body["schema"], value, validator_cls)


op_id = re.compile(r"^[a-z]+(_[a-z]+)*$")
operations = 0
for route, item in spec["paths"].items():
    for method, op in item.items():
        if method not in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}:
            continue
        operations += 1
        where = f"{method.upper()} {route}"
        if not op_id.match(op.get("operationId", "")):
            problems.append(f"{where}: operationId missing or not snake_case")
        for key in ("summary", "description", "tags"):
            if not op.get(key):
                problems.append(f"{where}: no {key}")
        for status in ("401", "403", "429"):
            if status not in op.get("responses", {}):
                problems.append(f"{where}: no {status} answer")
        if "requestBody" in op:
            media_examples(f"{where} request", resolve(op["requestBody"]).get("content"), OAS30WriteValidator)
        for status, answer in op.get("responses", {}).items():
            if "$ref" not in answer:  # shared answers are checked once, below
                media_examples(f"{where} {status}", answer.get("content"), OAS30ReadValidator)

for name, answer in spec.get("components", {}).get("responses", {}).items():
    media_examples(f"responses/{name}", answer.get("content"), OAS30ReadValidator)


def schema_examples(where, schema):
    if isinstance(schema, dict):
        if "example" in schema and "$ref" not in schema:
            check(f"{where} example", schema, schema["example"], OAS30ReadValidator)
        for relative in schema.get("x-example-files", []):
            check(f"{where} {relative}", schema, example_file(relative), OAS30ReadValidator)
        for key, sub in schema.items():
            if key != "example":
                schema_examples(f"{where}/{key}", sub)
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            schema_examples(f"{where}/{i}", sub)


for name, schema in spec.get("components", {}).get("schemas", {}).items():
    schema_examples(f"schemas/{name}", schema)

if os.path.isdir(examples_dir):
    for name in sorted(os.listdir(examples_dir)):
        full = os.path.join(examples_dir, name)
        if name.endswith(".json") and full not in attached:
            problems.append(f"examples/{name} is attached to no operation or schema")

if problems:
    print("\n".join(problems), file=sys.stderr)
    print(f"FAIL: {len(problems)} problem(s) in {path}", file=sys.stderr)
    sys.exit(1)
print(f"OK: {path} is valid OpenAPI {spec['openapi']}; {operations} operations; "
      f"{checked} examples valid against their schemas")
PY
