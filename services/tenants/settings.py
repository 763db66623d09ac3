from __future__ import annotations

from typing import ClassVar

from shared.settings import ServiceSettings


class TenantsSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "tenants"
