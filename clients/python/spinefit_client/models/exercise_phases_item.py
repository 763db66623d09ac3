from enum import StrEnum


class ExercisePhasesItem(StrEnum):
    ACUTE = "acute"
    RECOVERY = "recovery"
    SUBACUTE = "subacute"

    def __str__(self) -> str:
        return str(self.value)
