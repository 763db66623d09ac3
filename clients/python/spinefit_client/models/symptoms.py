from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.symptoms_aggravating_movements_item import SymptomsAggravatingMovementsItem
from ..models.symptoms_directions_that_ease_item import SymptomsDirectionsThatEaseItem
from ..models.symptoms_directions_that_spread_item import SymptomsDirectionsThatSpreadItem
from ..models.symptoms_duration import SymptomsDuration
from ..models.symptoms_leg_side import SymptomsLegSide
from ..models.symptoms_trend import SymptomsTrend

T = TypeVar("T", bound="Symptoms")


@_attrs_define
class Symptoms:
    """
    Attributes:
        aggravating_movements (list[SymptomsAggravatingMovementsItem]): Activities that make symptoms worse; empty if
            none.
        back_pain (int): Back pain on a typical day this week, 0-10.
        directions_that_ease (list[SymptomsDirectionsThatEaseItem]): Movement directions that ease pain or draw it back
            towards the back; must not share a direction with `directions_that_spread`.
        directions_that_spread (list[SymptomsDirectionsThatSpreadItem]): Movement directions that send pain further down
            the leg.
        duration (SymptomsDuration): How long the current symptoms have lasted.
        first_episode (bool): This is the first episode of sciatica/back pain.
        leg_pain (int): Leg pain on a typical day this week, 0-10.
        leg_side (SymptomsLegSide): Which leg has symptoms. `both` is treated as the emergency red flag
            `bilateral_leg_symptoms` by screening.
        pain_below_knee (bool): Pain, numbness or tingling reaches below the knee.
        pain_spreads_with_movement (bool): Moving generally makes pain spread further down the leg.
        trend (SymptomsTrend): Whether symptoms are worsening, stable or easing.
    """

    aggravating_movements: list[SymptomsAggravatingMovementsItem]
    back_pain: int
    directions_that_ease: list[SymptomsDirectionsThatEaseItem]
    directions_that_spread: list[SymptomsDirectionsThatSpreadItem]
    duration: SymptomsDuration
    first_episode: bool
    leg_pain: int
    leg_side: SymptomsLegSide
    pain_below_knee: bool
    pain_spreads_with_movement: bool
    trend: SymptomsTrend

    def to_dict(self) -> dict[str, Any]:
        aggravating_movements = []
        for aggravating_movements_item_data in self.aggravating_movements:
            aggravating_movements_item = aggravating_movements_item_data.value
            aggravating_movements.append(aggravating_movements_item)

        back_pain = self.back_pain

        directions_that_ease = []
        for directions_that_ease_item_data in self.directions_that_ease:
            directions_that_ease_item = directions_that_ease_item_data.value
            directions_that_ease.append(directions_that_ease_item)

        directions_that_spread = []
        for directions_that_spread_item_data in self.directions_that_spread:
            directions_that_spread_item = directions_that_spread_item_data.value
            directions_that_spread.append(directions_that_spread_item)

        duration = self.duration.value

        first_episode = self.first_episode

        leg_pain = self.leg_pain

        leg_side = self.leg_side.value

        pain_below_knee = self.pain_below_knee

        pain_spreads_with_movement = self.pain_spreads_with_movement

        trend = self.trend.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "aggravating_movements": aggravating_movements,
                "back_pain": back_pain,
                "directions_that_ease": directions_that_ease,
                "directions_that_spread": directions_that_spread,
                "duration": duration,
                "first_episode": first_episode,
                "leg_pain": leg_pain,
                "leg_side": leg_side,
                "pain_below_knee": pain_below_knee,
                "pain_spreads_with_movement": pain_spreads_with_movement,
                "trend": trend,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aggravating_movements = []
        _aggravating_movements = d.pop("aggravating_movements")
        for aggravating_movements_item_data in _aggravating_movements:
            aggravating_movements_item = SymptomsAggravatingMovementsItem(aggravating_movements_item_data)

            aggravating_movements.append(aggravating_movements_item)

        back_pain = d.pop("back_pain")

        directions_that_ease = []
        _directions_that_ease = d.pop("directions_that_ease")
        for directions_that_ease_item_data in _directions_that_ease:
            directions_that_ease_item = SymptomsDirectionsThatEaseItem(directions_that_ease_item_data)

            directions_that_ease.append(directions_that_ease_item)

        directions_that_spread = []
        _directions_that_spread = d.pop("directions_that_spread")
        for directions_that_spread_item_data in _directions_that_spread:
            directions_that_spread_item = SymptomsDirectionsThatSpreadItem(directions_that_spread_item_data)

            directions_that_spread.append(directions_that_spread_item)

        duration = SymptomsDuration(d.pop("duration"))

        first_episode = d.pop("first_episode")

        leg_pain = d.pop("leg_pain")

        leg_side = SymptomsLegSide(d.pop("leg_side"))

        pain_below_knee = d.pop("pain_below_knee")

        pain_spreads_with_movement = d.pop("pain_spreads_with_movement")

        trend = SymptomsTrend(d.pop("trend"))

        symptoms = cls(
            aggravating_movements=aggravating_movements,
            back_pain=back_pain,
            directions_that_ease=directions_that_ease,
            directions_that_spread=directions_that_spread,
            duration=duration,
            first_episode=first_episode,
            leg_pain=leg_pain,
            leg_side=leg_side,
            pain_below_knee=pain_below_knee,
            pain_spreads_with_movement=pain_spreads_with_movement,
            trend=trend,
        )

        return symptoms
