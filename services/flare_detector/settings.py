from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings


class FlareDetectorSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "flare_detector"
