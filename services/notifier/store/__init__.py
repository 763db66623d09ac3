"""The notifier's storage: `tables` (the schema), and the queries by what they serve:
`endpoints` (a tenant's endpoints), `deliveries` (deliveries and their attempts, as recorded
and as read) and `claims` (the delivery worker's leases). Each returns records
(`services.notifier.domain.records`), never rows."""

from services.notifier.store import claims, deliveries, endpoints, tables
from services.notifier.store.tables import metadata, platform

__all__ = ["claims", "deliveries", "endpoints", "metadata", "platform", "tables"]
