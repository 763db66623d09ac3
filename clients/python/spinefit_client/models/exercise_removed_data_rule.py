from enum import StrEnum


class ExerciseRemovedDataRule(StrEnum):
    DELAYED = "delayed"
    IMMEDIATE = "immediate"

    def __str__(self) -> str:
        return str(self.value)
