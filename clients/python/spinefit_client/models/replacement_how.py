from enum import StrEnum


class ReplacementHow(StrEnum):
    ALTERNATIVE = "alternative"
    REGRESSION = "regression"
    VARIANT = "variant"

    def __str__(self) -> str:
        return str(self.value)
