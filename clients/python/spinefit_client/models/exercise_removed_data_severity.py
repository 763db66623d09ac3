from enum import StrEnum


class ExerciseRemovedDataSeverity(StrEnum):
    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"

    def __str__(self) -> str:
        return str(self.value)
