from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings


class PainlogSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "painlog"
