from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings


class NotifierSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "notifier"
