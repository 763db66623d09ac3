from enum import StrEnum


class ExerciseDirectionsLoadedItem(StrEnum):
    EXTENSION = "extension"
    FLEXION = "flexion"
    ROTATION = "rotation"
    SIDE_BENDING = "side_bending"

    def __str__(self) -> str:
        return str(self.value)
