"""What the proxy answers itself, as problem details of the services' shape (RFC 9457, made
by `shared.http.problems`): a path no service owns, a body over the limit, and Caddy's own
errors (an upstream down, none left, too slow). `deploy.local.proxy` puts these blocks in the
Caddyfile it generates; `deploy/caddy/Caddyfile` holds the same text in each of its sites.
"""

from __future__ import annotations

from typing import Any

from shared.http.limits import too_large
from shared.http.problems import TYPE_URI, problem_bytes

# A path no service owns: the services' own answer to a path they have no route for.
NOT_FOUND_BODY = problem_bytes(404).decode()
# The services' body limit (SPINEFIT_MAX_BODY_BYTES' default), held at the edge too. A body
# declared larger is refused by the proxy before any of it goes on: a service refusing it
# after its headers closes the connection while Caddy is still sending it, and Caddy then
# answers 502 (about one in seven such posts) instead of passing on the service's 413.
BODY_LIMIT_BYTES = 1024 * 1024
TOO_LARGE_BODY = problem_bytes(413, **too_large(BODY_LIMIT_BYTES)).decode()


def longer_than(limit: int) -> str:
    """An anchored expression matching a decimal number greater than `limit` (RE2 and
    Python `re` agree on it): any with more digits, or as many and larger at the first
    digit where it differs. Caddy has no numeric header matcher but header_regexp."""
    digits = str(limit)
    alternatives = [f"[1-9][0-9]{{{len(digits)},}}"]
    for i, digit in enumerate(digits):
        if digit != "9":
            low = int(digit) + 1
            rest = len(digits) - i - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            alternatives.append(f"{digits[:i]}[{low}-9]{tail}")
    return "^0*(?:" + "|".join(alternatives) + ")$"


# The proxy's own 413 (the same answer as the services'), in both Caddyfiles.
TOO_LARGE_ROUTE = f"""\
    @too_large header_regexp Content-Length `{longer_than(BODY_LIMIT_BYTES)}`
    handle @too_large {{
        header Content-Type application/problem+json
        header Connection close
        respond `{TOO_LARGE_BODY}` 413
    }}
"""

# What the proxy answers when it cannot pass a request on (Caddy's own errors): an upstream
# refusing connections or failing mid-answer (502), none left to try (503), one too slow
# (504), a body over the limit sent without a length (413, found while streaming it on).
PROXY_PROBLEMS: dict[int, dict[str, Any]] = {
    413: too_large(BODY_LIMIT_BYTES),
    500: {"detail": "the proxy failed to answer; retry later"},
    502: {"detail": "the service for this path did not answer; retry later"},
    503: {"detail": "no instance of the service for this path is available; retry later"},
    504: {"detail": "the service for this path timed out; retry later", "code": "gateway-timeout"},
}
# Any other status Caddy may raise, with Caddy's own status and phrase.
OTHER_PROBLEM_BODY = (
    f'{{"type":"{TYPE_URI.format(type="error")}","title":"{{err.status_text}}",'
    '"status":{err.status_code}}'
)


def _error_route(status: int | None, body: str) -> str:
    # An error answer loses the headers set before the error: the request id is set again
    # (where the request has one: the internal listener mints none).
    close = "        header Connection close\n" if status == 413 else ""
    return f"""\
    handle_errors{f" {status}" if status else ""} {{
        @request_id header X-Request-ID *
        header @request_id X-Request-ID {{http.request.header.X-Request-ID}}
        header Content-Type application/problem+json
{close}        respond `{body}` {status or "{err.status_code}"}
    }}
"""


# Caddy's errors as problem details (the same shape as the services'), in every site block of
# both Caddyfiles.
ERROR_ROUTES = (
    "    # The proxy's own errors (an upstream down or slow): problem details.\n"
    + "".join(
        _error_route(status, problem_bytes(status, **problem).decode())
        for status, problem in PROXY_PROBLEMS.items()
    )
    + _error_route(None, OTHER_PROBLEM_BODY)
)
