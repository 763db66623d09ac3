from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.new_key import NewKey


T = TypeVar("T", bound="CreatedTenant")


@_attrs_define
class CreatedTenant:
    """
    Attributes:
        api_key (NewKey): A key just issued. `key` is shown in this answer only: a replay of the request (same
            Idempotency-Key) answers `key: null` and a `note`.
        created_at (datetime.datetime):
        name (str):
        tenant_id (str):
    """

    api_key: NewKey
    created_at: datetime.datetime
    name: str
    tenant_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        api_key = self.api_key.to_dict()

        created_at = self.created_at.isoformat()

        name = self.name

        tenant_id = self.tenant_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "api_key": api_key,
                "created_at": created_at,
                "name": name,
                "tenant_id": tenant_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.new_key import NewKey  # noqa: PLC0415

        d = dict(src_dict)
        api_key = NewKey.from_dict(d.pop("api_key"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        name = d.pop("name")

        tenant_id = d.pop("tenant_id")

        created_tenant = cls(
            api_key=api_key,
            created_at=created_at,
            name=name,
            tenant_id=tenant_id,
        )

        created_tenant.additional_properties = d
        return created_tenant

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
