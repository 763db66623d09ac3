"""Loads the exercise library shipped with the service, validating it (once per process)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from services.planner.domain.library import Library

LIBRARY_FILE = "exercises.json"


@cache
def default_library() -> Library:
    """The shipped library; raises (and the service does not start) if it breaks a rule."""
    text = resources.files("services.planner.domain").joinpath(LIBRARY_FILE).read_text("utf-8")
    return Library.model_validate_json(text)
