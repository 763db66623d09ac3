from enum import StrEnum


class ExercisePosition(StrEnum):
    IN_WATER = "in_water"
    KNEELING = "kneeling"
    PRONE = "prone"
    QUADRUPED = "quadruped"
    SEATED = "seated"
    SIDE_LYING = "side_lying"
    STANDING = "standing"
    SUPINE = "supine"

    def __str__(self) -> str:
        return str(self.value)
