from enum import StrEnum


class PainReportContext(StrEnum):
    AFTER_EXERCISE = "after_exercise"
    NEXT_MORNING = "next_morning"
    OTHER = "other"

    def __str__(self) -> str:
        return str(self.value)
