from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings


class QuizSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "quiz"
