#!/usr/bin/env python3
"""Slate's validator against Python's jsonschema (Draft 2020-12), on generated instances.

For each schema below, a seeded generator writes instances that mostly follow the schema's
shape and often break it; each instance goes through `slate validate --action t --no-coerce`
(the schema as the one action of a pack) and through jsonschema's iter_errors. Verdicts
and the sets of (instancePath, keyword) pairs must agree. jsonschema's spelling is
normalised where it names the same thing differently: a `false` schema has no keyword
("false" in Slate); `propertyNames` reports its subschema's keyword at the object ("propertyNames"
in Slate, as ajv). Prints a summary; exit 1 on any difference.
"""
import argparse
import importlib.metadata
import json
import os
import random
import subprocess
import sys

import jsonschema
from jsonschema import Draft202012Validator

SCHEMAS = {
    "object": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "pattern": "^s[0-9]{1,3}$"},
            "n": {"type": "integer", "minimum": 0, "exclusiveMaximum": 10},
            "x": {"type": "number", "multipleOf": 0.5},
            "tags": {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": 3, "uniqueItems": True},
            "kind": {"enum": ["a", "b", 3]},
        },
        "required": ["id", "n"],
        "additionalProperties": False,
    },
    "union": {
        "oneOf": [
            {"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number", "exclusiveMinimum": 0}},
             "required": ["kind", "r"]},
            {"type": "object", "properties": {"kind": {"const": "square"}, "side": {"type": "number"}},
             "required": ["kind", "side"]},
        ]
    },
    "conditional": {
        "type": "object",
        "properties": {"country": {"enum": ["us", "ca"]}, "zip": {"type": "string"}},
        "if": {"properties": {"country": {"const": "us"}}, "required": ["country"]},
        "then": {"properties": {"zip": {"pattern": "^[0-9]{5}$"}}, "required": ["zip"]},
        "else": {"properties": {"zip": {"maxLength": 7}}},
        "dependentRequired": {"zip": ["country"]},
        "propertyNames": {"maxLength": 7},
    },
    "arrays": {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "integer"}],
        "items": {"type": "boolean"},
        "contains": {"const": True},
        "minContains": 1,
        "maxContains": 2,
        "minItems": 2,
    },
    "unevaluated": {
        "type": "object",
        "properties": {"a": {"type": "integer"}},
        "patternProperties": {"^x-": {"type": "string"}},
        "allOf": [{"properties": {"b": {"type": "boolean"}}}],
        "anyOf": [{"properties": {"c": {"type": "null"}}, "required": ["c"]}, {"minProperties": 2}],
        "unevaluatedProperties": False,
    },
    "refs": {
        "$defs": {
            "node": {"type": "object", "properties": {"v": {"type": "integer"}, "next": {"$ref": "#/$defs/node"}},
                     "required": ["v"], "additionalProperties": False},
        },
        "type": "object",
        "properties": {"head": {"$ref": "#/$defs/node"}, "items": {"type": "array", "unevaluatedItems": False,
                                                                 "prefixItems": [{"type": "number"}]}},
        "not": {"required": ["forbidden"]},
        "maxProperties": 3,
    },
}

SCALARS = [None, True, False, 0, 1, -1, 2.5, 3, 10, 11, 1e3, 0.5, "", "a", "b", "s1", "s12", "s1234", "x", "circle",
           "square", "us", "ca", "12345", "1234", "abcdefgh", [], {}]
KEYS = ["id", "n", "x", "tags", "kind", "r", "side", "country", "zip", "a", "b", "c", "x-1", "x-y", "head", "items",
        "v", "next", "forbidden", "longname1", "z"]


def mutate(schema, rng, depth=0):
    """A value shaped like `schema` (as far as it says), with random breakage."""
    if depth > 4 or rng.random() < 0.12:
        return rng.choice(SCALARS)
    for key in ("oneOf", "anyOf", "allOf"):
        if key in schema and rng.random() < 0.7:
            merged = dict(schema)
            merged.pop(key)
            branch = rng.choice(schema[key])
            for k, v in branch.items():
                merged.setdefault(k, v)
            return mutate(merged, rng, depth)
    if "$ref" in schema:
        return mutate(SCHEMAS["refs"]["$defs"]["node"], rng, depth + 1)
    if "const" in schema and rng.random() < 0.8:
        return schema["const"]
    if "enum" in schema and rng.random() < 0.8:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        out = {}
        props = schema.get("properties", {})
        for name, sub in props.items():
            if name in schema.get("required", []) and rng.random() < 0.9 or rng.random() < 0.5:
                out[name] = mutate(sub, rng, depth + 1)
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            out[rng.choice(KEYS)] = rng.choice(SCALARS)
        return out
    if kind == "array" or "prefixItems" in schema or "items" in schema:
        out = [mutate(sub, rng, depth + 1) for sub in schema.get("prefixItems", []) if rng.random() < 0.9]
        for _ in range(rng.randint(0, 4)):
            out.append(mutate(schema.get("items", {}), rng, depth + 1) if rng.random() < 0.7 else rng.choice(SCALARS))
        return out
    if kind == "string":
        return rng.choice(["s1", "s999", "s1000", "", "a", "12345", "x" * 9, "é"]) if rng.random() < 0.9 else 3
    if kind == "integer":
        return rng.choice([0, 1, 9, 10, -1, 2.0, 2.5])
    if kind == "number":
        return rng.choice([0, 0.5, 1.5, 2.25, -3, 7])
    if kind == "boolean":
        return rng.choice([True, False, True, 0])
    return rng.choice(SCALARS)


def pointer(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def python_pairs(validator, instance):
    pairs = set()
    for error in validator.iter_errors(instance):
        keyword = error.validator if error.validator is not None else "false"
        if "propertyNames" in error.absolute_schema_path:
            keyword = "propertyNames"
        pairs.add((pointer(error.absolute_path), keyword))
    return pairs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slate", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--count", type=int, default=60, help="instances per schema")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.work, exist_ok=True)
    differences = []
    total = invalid = 0
    for name, schema in SCHEMAS.items():
        Draft202012Validator.check_schema(schema)
        validator = Draft202012Validator(schema)
        pack = os.path.join(args.work, name + ".pack.json")
        with open(pack, "w") as f:
            json.dump({"x-slate-actions": {"t": schema}}, f)
        instances, files = [], []
        seen = set()
        while len(instances) < args.count:
            value = mutate(schema, rng)
            text = json.dumps(value, sort_keys=True)
            if text in seen and rng.random() < 0.9:
                continue
            seen.add(text)
            path = os.path.join(args.work, "%s-%03d.json" % (name, len(instances)))
            with open(path, "w") as f:
                f.write(text)
            instances.append(value)
            files.append(path)
        run = subprocess.run([args.slate, "validate", "--schema", pack, "--action", "t", "--no-coerce"] + files,
                             capture_output=True, text=True)
        if run.returncode not in (0, 1):
            sys.exit("slate validate failed (%d): %s" % (run.returncode, run.stderr))
        lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
        assert len(lines) == len(files), (len(lines), len(files))
        for value, line in zip(instances, lines):
            total += 1
            slate = {(e["instancePath"], e["keyword"]) for e in line["errors"]}
            python = python_pairs(validator, value)
            invalid += 1 if python else 0
            if line["valid"] != (not python) or slate != python:
                differences.append("%s %s\n  slate:      %s %s\n  jsonschema: %s" % (
                    name, json.dumps(value), line["valid"], sorted(slate), sorted(python)))
    print("schema-compare: %d instances over %d schemas (%d invalid), jsonschema %s: %d differences"
          % (total, len(SCHEMAS), invalid, importlib.metadata.version("jsonschema"),
             len(differences)))
    for difference in differences[:40]:
        print(difference)
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
