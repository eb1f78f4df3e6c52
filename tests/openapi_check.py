#!/usr/bin/env python3
"""Sanity checks of server/openapi.json (python3 stdlib only).

usage: python3 tests/openapi_check.py server/openapi.json

Asserts: the file is JSON with openapi == "3.1.0"; every route of the API is
there with its methods; every "$ref" resolves inside the document; every
operation has a unique operationId and answers X-Request-Id on every response;
every POST that creates (answers 201) takes Idempotency-Key; the ops routes
need no token. Prints "N passed, N failed" and exits non-zero on
any failure.
"""
import json
import sys

# path -> methods that must be described (others may be added later).
ROUTES = {
    "/user": {"post"},
    "/user/{user_id}/token": {"post"},
    "/me": {"get"},
    "/organization": {"get", "post"},
    "/organization/{org}": {"get"},
    "/organization/{org}/organization_member": {"get", "post"},
    "/organization/{org}/organization_member/{id}": {"get", "patch", "put", "delete"},
    "/organization/{org}/organization_member/{id}/transfer_ownership": {"post"},
    "/me/memberships": {"get"},
    "/me/memberships/{org}": {"get", "post", "delete"},
    "/organization/{org}/space": {"get", "post"},
    "/organization/{org}/space/{space}": {"get"},
    "/space/{space}/space_member": {"get", "post"},
    "/space/{space}/space_member/{id}": {"get", "patch", "put", "delete"},
    "/organization/{org}/space_member": {"get"},
    "/organization/{org}/space_member/{id}": {"get"},
    "/organization/{org}/filter": {"get", "post"},
    "/organization/{org}/filter/{id}": {"get", "patch", "put", "delete"},
    "/where/explain": {"get"},
    "/healthz": {"get"},
    "/metrics": {"get"},
    "/openapi.json": {"get"},
}
PUBLIC = {"/healthz", "/metrics", "/openapi.json"}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}

failures = []
checks = 0


def check(cond, message):
    global checks
    checks += 1
    if not cond:
        failures.append(message)


def resolve(doc, ref):
    """The target of a local JSON-pointer $ref ("#/a/b"), or raises KeyError."""
    if not ref.startswith("#/"):
        raise KeyError(f"not a local reference: {ref}")
    node = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(ref)
    return node


def walk_refs(doc, node, where):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                try:
                    resolve(doc, value)
                    check(True, "")
                except (KeyError, ValueError, IndexError):
                    check(False, f"{where}: $ref {value} does not resolve")
            else:
                walk_refs(doc, value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk_refs(doc, value, f"{where}/{i}")


def deref(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(doc, node["$ref"])
    return node


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        print(f"openapi_check: cannot load {argv[1]}: {e}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1

    check(doc.get("openapi") == "3.1.0", f"openapi is {doc.get('openapi')!r}, not '3.1.0'")
    paths = doc.get("paths", {})
    for path, methods in ROUTES.items():
        item = paths.get(path)
        check(item is not None, f"missing path {path}")
        for m in sorted(methods):
            check(item is not None and m in item, f"missing {m.upper()} {path}")

    walk_refs(doc, doc, "#")

    schemes = doc.get("components", {}).get("securitySchemes", {})
    check(any(s.get("type") == "http" and s.get("scheme", "").lower() == "bearer"
              for s in schemes.values()), "no HTTP bearer security scheme")
    check(bool(doc.get("security")), "no top-level security requirement")

    op_ids = {}
    for path, item in paths.items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            name = f"{method.upper()} {path}"
            op_id = op.get("operationId")
            check(op_id is not None, f"{name}: no operationId")
            check(op_id not in op_ids, f"{name}: operationId {op_id} also on {op_ids.get(op_id)}")
            op_ids[op_id] = name
            if method == "post" and "201" in op.get("responses", {}):
                params = [p.get("$ref", "") for p in op.get("parameters", [])]
                check("#/components/parameters/IdempotencyKey" in params,
                      f"{name}: creates but takes no Idempotency-Key")
            if path in PUBLIC:
                check(op.get("security") == [], f"{name}: should have security: []")
            for status, resp in op.get("responses", {}).items():
                try:
                    resp = deref(doc, resp)
                except (KeyError, ValueError, IndexError):
                    continue  # already reported by walk_refs
                check("X-Request-Id" in resp.get("headers", {}),
                      f"{name} {status}: no X-Request-Id header")

    for message in failures:
        print(f"FAIL: {message}")
    print(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
