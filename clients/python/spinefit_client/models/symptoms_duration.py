from enum import StrEnum


class SymptomsDuration(StrEnum):
    OVER_12_WEEKS = "over_12_weeks"
    UNDER_2_WEEKS = "under_2_weeks"
    VALUE_1 = "2_to_6_weeks"
    VALUE_2 = "6_to_12_weeks"

    def __str__(self) -> str:
        return str(self.value)
