"""`request_path` is `request.url.path` (what an Idempotency-Key's fingerprint is made of,
so a key stored before keeps replaying), computed without building the URL."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from shared.http.idempotency import request_path

PATHS = [
    "/v1/users/patient-17/pain",
    "/v1/users/a.b:c@d-e_f/quiz",
    "//double/slash",
    "/with space/and trailing ",
    "/ünïcode/ß",
    "/percent%20kept",
    "/question?mark",
    "/hash#mark",
    "/back\\slash",
    "/tab\there",
    "/new\nline\r",
    "/",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("host", [b"127.0.0.1:8000", b"example.org", None])
def test_the_path_is_the_one_the_url_gives(path: str, host: bytes | None) -> None:
    headers = [(b"host", host)] if host else []
    request = Request(
        {
            "type": "http",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "root_path": "",
            "query_string": b"a=1",
            "headers": headers,
            "server": ("127.0.0.1", 8000),
        }
    )
    assert request_path(request) == request.url.path
