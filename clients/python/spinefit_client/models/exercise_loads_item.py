from enum import StrEnum


class ExerciseLoadsItem(StrEnum):
    AXIAL_COMPRESSION = "axial_compression"
    FLEXION_UNDER_LOAD = "flexion_under_load"
    IMPACT = "impact"
    NEURAL_SLIDER = "neural_slider"
    NEURAL_TENSIONER = "neural_tensioner"
    PIRIFORMIS_COMPRESSION = "piriformis_compression"
    ROTATION_UNDER_LOAD = "rotation_under_load"
    SUSTAINED_SITTING = "sustained_sitting"

    def __str__(self) -> str:
        return str(self.value)
