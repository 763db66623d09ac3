"""The public OpenAPI 3.1 document of SpineFit, and its docs pages, as static files.

Merged from the services' own documents (`app.openapi()` of each app, imported, never
started): each path as the proxy routes it (`deploy/local/proxy.py`, PUBLIC_ROUTES; a public
path the proxy would send elsewhere is an error), operations tagged by their service, one
set of components (two different schemas under one name is an error), one security scheme,
and the webhooks SpineFit sends (`webhooks`, OpenAPI 3.1) from the notifier's payload rules.

Services never call each other, so this is generated, not served by one of them: `make run`
writes it to its data dir at start, the proxy image at build (deploy/Dockerfile), and the
proxy serves `/openapi.json`, `/docs` and `/redoc` from there.

    python -m deploy.public_api > docs/openapi.json
    python -m deploy.public_api --site var/public      # the document and the docs pages
"""

from __future__ import annotations

import argparse
import copy
import importlib
import re
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from deploy.local.proxy import (
    DOCS_URL,
    OPENAPI_URL,
    PUBLIC_ROUTES,
    REDOC_URL,
    SITE_FILES,
    route_for,
)
from deploy.public_webhooks import webhook_components, webhooks
from shared.http.openapi import (
    ASSETS_DIR,
    ASSETS_PATH,
    METHODS,
    dumps,
    missing_refs,
    operations,
    redoc_page,
    swagger_page,
)

TITLE = "SpineFit API"
DESCRIPTION = """\
Sciatica-safe training plans that keep themselves safe.

Every `/v1/...` call takes `Authorization: Bearer <tenant API key>`; `/admin/...` takes the
operator token. Errors are RFC 9457 problem details (`application/problem+json`, schema
`Problem`). Lists page with `limit` and an opaque `cursor` (the answer's `next_cursor`). A
`POST` with an `Idempotency-Key` can be retried safely: the same key gets the same answer.
SpineFit calls your endpoints with signed webhooks (see `webhooks`). More: docs/api.md.
"""
_SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_PARAMETER = re.compile(r"\{[^}/]+\}")


class PublicDocumentError(Exception):
    """The services' documents do not merge into one public document."""


def service_apps(names: Iterable[str] = PUBLIC_ROUTES) -> dict[str, FastAPI]:
    """Each public service's app object (`services.<name>.app:app`), built, not started."""
    return {name: importlib.import_module(f"services.{name}.app").app for name in names}


def _public_owner(path: str) -> str | None:
    """The service the proxy sends `path` (a template) to; None for a path it does not
    route, "proxy" for one it answers itself."""
    return route_for(_PARAMETER.sub("x", path), PUBLIC_ROUTES)


def _merge(into: dict[str, Any], items: Mapping[str, Any], what: str, service: str) -> None:
    for name, value in items.items():
        if name in into and into[name] != value:
            raise PublicDocumentError(
                f"two different {what} named {name!r} (the second from {service}): rename one"
            )
        into[name] = value


def build_document(apps: Mapping[str, FastAPI] | None = None) -> dict[str, Any]:
    """The public document, merged from `apps` (name -> app; the real services if None)."""
    apps = service_apps() if apps is None else apps
    paths: dict[str, Any] = {}
    components: dict[str, dict[str, Any]] = {}
    tags = []
    for service, app in apps.items():
        part = copy.deepcopy(app.openapi())  # the service's own stays as it is
        tags.append({"name": service, "description": part["info"].get("description", "")})
        for path, item in part.get("paths", {}).items():
            owner = _public_owner(path)
            if not path.startswith(("/v1/", "/admin/")) and owner != service:
                continue  # the service's own (`/healthz`, `/readyz`): not public
            if owner != service:
                raise PublicDocumentError(
                    f"{service} serves {path}, but the proxy routes it to {owner or 'nothing'}"
                    " (deploy/local/proxy.py PUBLIC_ROUTES)"
                )
            if path in paths:
                raise PublicDocumentError(f"{path} is served by two services")
            for method, operation in item.items():
                if method in METHODS:
                    operation["tags"] = [service]
            paths[path] = item
        for kind, items in part.get("components", {}).items():
            _merge(components.setdefault(kind, {}), items, kind, service)
    _merge(components.setdefault("schemas", {}), webhook_components(), "schemas", "webhooks")
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/", "description": "The base URL the proxy answers on"}],
        "tags": tags,
        "paths": dict(sorted(paths.items())),
        "webhooks": webhooks(),
        "components": {kind: dict(sorted(v.items())) for kind, v in sorted(components.items())},
    }
    _check(document)
    return document


def _check(document: dict[str, Any]) -> None:
    seen: dict[str, str] = {}
    webhook_ops = [
        (f"webhook {name}", op)
        for name, item in document["webhooks"].items()
        for method, op in item.items()
        if method in METHODS
    ]
    all_ops = [(f"{m.upper()} {p}", op) for p, m, op in operations(document)] + webhook_ops
    for where, operation in all_ops:
        operation_id = operation.get("operationId", "")
        if not _SNAKE_CASE.fullmatch(operation_id):
            raise PublicDocumentError(f"{where}: operationId {operation_id!r} is not snake_case")
        if operation_id in seen:
            raise PublicDocumentError(
                f"operationId {operation_id!r} twice: {seen[operation_id]} and {where}"
            )
        seen[operation_id] = where
    if len(schemes := document["components"].get("securitySchemes", {})) > 1:
        raise PublicDocumentError(f"more than one security scheme: {sorted(schemes)}")
    if dangling := missing_refs(document):
        raise PublicDocumentError(f"references to schemas that are not there: {sorted(dangling)}")


def write_site(directory: Path, document: dict[str, Any] | None = None) -> None:
    """The document, the docs pages and their assets under `directory`, as the proxy serves
    them (SITE_FILES; the assets under /docs/assets/)."""
    document = build_document() if document is None else document
    pages = {
        OPENAPI_URL: dumps(document),
        DOCS_URL: swagger_page(OPENAPI_URL, TITLE, ASSETS_PATH),
        REDOC_URL: redoc_page(OPENAPI_URL, TITLE, ASSETS_PATH),
    }
    for url, text in pages.items():
        target = directory / SITE_FILES[url]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    assets = directory / ASSETS_PATH.lstrip("/")
    shutil.rmtree(assets, ignore_errors=True)
    shutil.copytree(ASSETS_DIR, assets)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="write the document and docs pages here")
    args = parser.parse_args(argv)
    document = build_document()
    if args.site is not None:
        write_site(args.site, document)
    else:
        sys.stdout.write(dumps(document))


if __name__ == "__main__":
    main()
