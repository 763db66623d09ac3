from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.plan_changes_phase_from_type_0 import PlanChangesPhaseFromType0
from ..models.plan_changes_phase_to_type_0 import PlanChangesPhaseToType0
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.replacement import Replacement


T = TypeVar("T", bound="PlanChanges")


@_attrs_define
class PlanChanges:
    """
    Attributes:
        added (list[str] | Unset):
        dose_changed (list[str] | Unset):
        dropped (list[str] | Unset):
        phase_from (None | PlanChangesPhaseFromType0 | Unset):
        phase_to (None | PlanChangesPhaseToType0 | Unset):
        replaced (list[Replacement] | Unset):
    """

    added: list[str] | Unset = UNSET
    dose_changed: list[str] | Unset = UNSET
    dropped: list[str] | Unset = UNSET
    phase_from: None | PlanChangesPhaseFromType0 | Unset = UNSET
    phase_to: None | PlanChangesPhaseToType0 | Unset = UNSET
    replaced: list[Replacement] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        added: list[str] | Unset = UNSET
        if not isinstance(self.added, Unset):
            added = self.added

        dose_changed: list[str] | Unset = UNSET
        if not isinstance(self.dose_changed, Unset):
            dose_changed = self.dose_changed

        dropped: list[str] | Unset = UNSET
        if not isinstance(self.dropped, Unset):
            dropped = self.dropped

        phase_from: None | str | Unset
        if isinstance(self.phase_from, Unset):
            phase_from = UNSET
        elif isinstance(self.phase_from, PlanChangesPhaseFromType0):
            phase_from = self.phase_from.value
        else:
            phase_from = self.phase_from

        phase_to: None | str | Unset
        if isinstance(self.phase_to, Unset):
            phase_to = UNSET
        elif isinstance(self.phase_to, PlanChangesPhaseToType0):
            phase_to = self.phase_to.value
        else:
            phase_to = self.phase_to

        replaced: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.replaced, Unset):
            replaced = []
            for replaced_item_data in self.replaced:
                replaced_item = replaced_item_data.to_dict()
                replaced.append(replaced_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if added is not UNSET:
            field_dict["added"] = added
        if dose_changed is not UNSET:
            field_dict["dose_changed"] = dose_changed
        if dropped is not UNSET:
            field_dict["dropped"] = dropped
        if phase_from is not UNSET:
            field_dict["phase_from"] = phase_from
        if phase_to is not UNSET:
            field_dict["phase_to"] = phase_to
        if replaced is not UNSET:
            field_dict["replaced"] = replaced

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.replacement import Replacement  # noqa: PLC0415

        d = dict(src_dict)
        added = cast(list[str], d.pop("added", UNSET))

        dose_changed = cast(list[str], d.pop("dose_changed", UNSET))

        dropped = cast(list[str], d.pop("dropped", UNSET))

        def _parse_phase_from(data: object) -> None | PlanChangesPhaseFromType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                phase_from_type_0 = PlanChangesPhaseFromType0(data)

                return phase_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanChangesPhaseFromType0 | Unset, data)

        phase_from = _parse_phase_from(d.pop("phase_from", UNSET))

        def _parse_phase_to(data: object) -> None | PlanChangesPhaseToType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                phase_to_type_0 = PlanChangesPhaseToType0(data)

                return phase_to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PlanChangesPhaseToType0 | Unset, data)

        phase_to = _parse_phase_to(d.pop("phase_to", UNSET))

        _replaced = d.pop("replaced", UNSET)
        replaced: list[Replacement] | Unset = UNSET
        if _replaced is not UNSET:
            replaced = []
            for replaced_item_data in _replaced:
                replaced_item = Replacement.from_dict(replaced_item_data)

                replaced.append(replaced_item)

        plan_changes = cls(
            added=added,
            dose_changed=dose_changed,
            dropped=dropped,
            phase_from=phase_from,
            phase_to=phase_to,
            replaced=replaced,
        )

        return plan_changes
