"""The committed client (clients/python) is what `make sdk` generates from today's public
document, file for file: a route, model or proxy change that alters the document must be
committed with the regenerated client."""

from __future__ import annotations

from pathlib import Path

import pytest

from deploy import sdk

# Left by tools run in the client (a build, a test run), never committed (see its .gitignore).
_NOT_COMMITTED = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache", "build", "dist"}


def _files(directory: Path) -> dict[str, str]:
    found = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory).as_posix()
        parts = relative.split("/")
        left = any(part in _NOT_COMMITTED or part.endswith(".egg-info") for part in parts)
        if left or not path.is_file() or relative.startswith(sdk.HAND_KEPT):
            continue
        found[relative] = path.read_text(encoding="utf-8")
    return found


@pytest.mark.timeout(180)
def test_the_committed_client_is_what_make_sdk_generates(tmp_path: Path) -> None:
    if not sdk.GENERATOR.exists():
        pytest.skip(f"{sdk.GENERATOR} is missing (make install installs it): not compared")
    fresh = tmp_path / "python"
    sdk.generate(fresh)

    committed, generated = _files(sdk.CLIENT_DIR), _files(fresh)
    stale = "clients/python is stale: run `make sdk` and commit it"
    extra, missing = committed.keys() - generated.keys(), generated.keys() - committed.keys()
    assert not extra and not missing, (
        f"{stale} (not generated: {sorted(extra)}, new: {sorted(missing)})"
    )
    differing = [name for name in generated if committed[name] != generated[name]]
    assert not differing, f"{stale} ({', '.join(differing)} differ)"
