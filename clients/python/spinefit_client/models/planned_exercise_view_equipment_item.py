from enum import StrEnum


class PlannedExerciseViewEquipmentItem(StrEnum):
    BARBELL = "barbell"
    BENCH = "bench"
    CABLE_MACHINE = "cable_machine"
    DUMBBELLS = "dumbbells"
    FOAM_ROLLER = "foam_roller"
    KETTLEBELL = "kettlebell"
    LEG_PRESS = "leg_press"
    MAT = "mat"
    MINI_BAND = "mini_band"
    POOL = "pool"
    PULL_UP_BAR = "pull_up_bar"
    RESISTANCE_BAND = "resistance_band"
    STABILITY_BALL = "stability_ball"
    STATIONARY_BIKE = "stationary_bike"
    STEP = "step"
    TREADMILL = "treadmill"

    def __str__(self) -> str:
        return str(self.value)
