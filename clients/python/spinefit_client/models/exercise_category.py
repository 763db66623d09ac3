from enum import StrEnum


class ExerciseCategory(StrEnum):
    AEROBIC = "aerobic"
    CORE_STABILITY = "core_stability"
    GLUTE_HIP = "glute_hip"
    MOBILITY = "mobility"
    NERVE_MOBILIZATION = "nerve_mobilization"
    STRENGTH = "strength"

    def __str__(self) -> str:
        return str(self.value)
