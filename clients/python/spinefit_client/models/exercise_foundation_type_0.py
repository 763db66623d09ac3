from enum import StrEnum


class ExerciseFoundationType0(StrEnum):
    ABDUCTION = "abduction"
    BRIDGE = "bridge"

    def __str__(self) -> str:
        return str(self.value)
