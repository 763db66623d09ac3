from enum import StrEnum


class RemovedViewSeverity(StrEnum):
    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"

    def __str__(self) -> str:
        return str(self.value)
