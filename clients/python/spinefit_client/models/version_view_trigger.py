from enum import StrEnum


class VersionViewTrigger(StrEnum):
    PROGRESSION = "progression"
    QUIZ = "quiz"
    REMOVAL = "removal"

    def __str__(self) -> str:
        return str(self.value)
