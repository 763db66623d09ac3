from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings


class PlannerSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "planner"
