#!/usr/bin/env python3
"""Extract the part of Auth0's Management API specification that idp-server serves.

Usage: scripts/extract-oas.py [SPEC_DIR] > internal/oas/testdata/management-api-extract.json

SPEC_DIR defaults to ../shared/auth0-oas (see its README.md for where the file comes from).
The extract keeps what a machine checks -- paths, methods, parameters, request and response
schemas, limits, patterns, enums, defaults, nullability and each operation's scopes -- and drops
every piece of prose (descriptions, summaries, titles, examples, code samples), so that Auth0's
text stays out of this repository. Its "source" block names the file and its SHA-256, so a newer
spec is a re-run of this script and a reviewable diff.
"""
import hashlib
import json
import os
import sys

# The Management API paths idp-server serves (internal/server/routes.go) or is about to.
PATHS = [
    "/resource-servers",
    "/resource-servers/{id}",
    "/clients",
    "/clients/{id}",
    "/clients/{id}/rotate-secret",
    "/clients/{id}/connections",
    "/clients/{client_id}/credentials",
    "/clients/{client_id}/credentials/{credential_id}",
    "/client-grants",
    "/client-grants/{id}",
    "/client-grants/{id}/organizations",
    "/connections",
    "/connections/{id}",
    "/connections/{id}/clients",
    "/actions/actions",
    "/tenants/settings",
    "/organizations",
    "/organizations/name/{name}",
    "/organizations/{id}",
    "/organizations/{id}/client-grants",
    "/organizations/{id}/client-grants/{grant_id}",
    "/organizations/{id}/enabled_connections",
    "/organizations/{id}/enabled_connections/{connectionId}",
]

METHODS = ["get", "post", "put", "patch", "delete"]

# Keys that carry prose or presentation only.
PROSE = {"description", "summary", "title", "example", "examples", "externalDocs", "tags",
         "deprecated-description"}


def strip(node):
    """Returns node without prose and vendor extensions, recursively."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k in PROSE or k.startswith("x-"):
                continue
            # A property that is literally named like a prose key stays: only keyword positions
            # are dropped, and "properties" maps names to schemas.
            out[k] = strip(v)
        return out
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def strip_schema(node):
    """Like strip, but keeps property names such as "description" under "properties"."""
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                out[k] = {name: strip_schema(s) for name, s in v.items()}
            elif k in PROSE or k.startswith("x-"):
                continue
            else:
                out[k] = strip_schema(v)
        return out
    if isinstance(node, list):
        return [strip_schema(v) for v in node]
    return node


def refs(node, found):
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str) and r.startswith("#/components/schemas/"):
            found.add(r.rsplit("/", 1)[1])
        for v in node.values():
            refs(v, found)
    elif isinstance(node, list):
        for v in node:
            refs(v, found)


def scopes(op):
    out = []
    for req in op.get("security", []):
        for v in req.values():
            out.extend(v)
    return sorted(set(out))


def main():
    spec_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "auth0-oas")
    path = os.path.join(spec_dir, "management-api-oas.json")
    raw = open(path, "rb").read()
    spec = json.loads(raw)

    paths = {}
    for p in PATHS:
        item = spec["paths"][p]
        ops = {}
        for m in METHODS:
            op = item.get(m)
            if op is None:
                continue
            params = [strip_schema(x) for x in item.get("parameters", []) + op.get("parameters", [])]
            entry = {"operationId": op.get("operationId"), "scopes": scopes(op), "parameters": params}
            body = op.get("requestBody")
            if body:
                entry["requestBody"] = {
                    "required": body.get("required", False),
                    "content": {ct: strip_schema(c.get("schema", {})) for ct, c in body.get("content", {}).items()},
                }
            responses = {}
            for status, r in op.get("responses", {}).items():
                content = r.get("content", {})
                responses[status] = {ct: strip_schema(c.get("schema", {})) for ct, c in content.items()}
            entry["responses"] = responses
            ops[m.upper()] = entry
        paths[p] = ops

    # Every schema the operations reach, transitively.
    needed, todo = set(), set()
    refs(paths, todo)
    schemas = spec["components"]["schemas"]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        refs(schemas[name], todo)

    out = {
        "source": {
            "file": "management-api-oas.json",
            "from": "github.com/auth0/docs-v2 main/docs/oas/management/v2/management-api-oas.json",
            "repositoryCommit": "7025885d35775606d69cce7c5d428e2ab5d3e522",
            "sha256": hashlib.sha256(raw).hexdigest(),
            "generator": "scripts/extract-oas.py",
        },
        "openapi": spec["openapi"],
        "basePath": "/api/v2",
        "paths": paths,
        "components": {"schemas": {n: strip_schema(schemas[n]) for n in sorted(needed)}},
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
