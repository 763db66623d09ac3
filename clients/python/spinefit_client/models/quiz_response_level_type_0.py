from enum import StrEnum


class QuizResponseLevelType0(StrEnum):
    CLEARANCE = "clearance"
    EMERGENCY = "emergency"
    SAME_DAY = "same_day"

    def __str__(self) -> str:
        return str(self.value)
