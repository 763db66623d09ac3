from enum import StrEnum


class ExerciseReproducesItem(StrEnum):
    BENDING_BACKWARD = "bending_backward"
    BENDING_FORWARD = "bending_forward"
    COUGHING_SNEEZING = "coughing_sneezing"
    LIFTING = "lifting"
    LYING_DOWN = "lying_down"
    SITTING = "sitting"
    STANDING = "standing"
    WALKING = "walking"

    def __str__(self) -> str:
        return str(self.value)
