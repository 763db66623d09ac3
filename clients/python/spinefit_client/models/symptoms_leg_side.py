from enum import StrEnum


class SymptomsLegSide(StrEnum):
    BOTH = "both"
    LEFT = "left"
    NONE = "none"
    RIGHT = "right"

    def __str__(self) -> str:
        return str(self.value)
