"""Authorisation by workspace membership, from the one mapping in seed ``workspace_access``.

A principal sees the workspaces of every row whose (principal_type, principal) is the caller
(USER / SERVICE_PRINCIPAL rows match the caller's name, GROUP rows one of its groups); a row with
``is_admin`` true grants every workspace. No row: no workspace (every metrics call is 403).
The mapping is read from the warehouse and cached for GENIE_API_ACCESS_CACHE_SECONDS.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .auth import Principal
from .warehouse import Warehouse

ACCESS_SQL = """
select
    lower(trim(principal)) as principal,
    upper(trim(principal_type)) as principal_type,
    cast(workspace_id as string) as workspace_id,
    is_admin
from workspace_access
"""


@dataclass(frozen=True)
class Grants:
    is_admin: bool
    workspace_ids: frozenset[str]

    def allows(self, workspace_id: str) -> bool:
        return self.is_admin or workspace_id in self.workspace_ids


class WorkspaceAccess:
    def __init__(self, warehouse: Warehouse, cache_seconds: float = 60.0) -> None:
        self._warehouse = warehouse
        self._cache_seconds = cache_seconds
        self._rows: list[dict] = []
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()

    def _mapping(self) -> list[dict]:
        with self._lock:
            if time.monotonic() - self._loaded_at > self._cache_seconds:
                self._rows = self._warehouse.query(ACCESS_SQL)
                self._loaded_at = time.monotonic()
            return self._rows

    def fresh_grants(self, principal: Principal) -> Grants | None:
        """The grants from the cached mapping, or None when it must be read again (no I/O: the
        async endpoints call this on the event loop, ``grants`` in a worker thread)."""
        if time.monotonic() - self._loaded_at > self._cache_seconds:
            return None
        return self._grants(self._rows, principal)

    def grants(self, principal: Principal) -> Grants:
        return self._grants(self._mapping(), principal)

    @staticmethod
    def _grants(mapping: list[dict], principal: Principal) -> Grants:
        admin, workspaces = False, set()
        for row in mapping:
            kind = row["principal_type"]
            if (kind in ("USER", "SERVICE_PRINCIPAL") and row["principal"] == principal.name) or (
                kind == "GROUP" and row["principal"] in principal.groups
            ):
                admin = admin or bool(row["is_admin"])
                if row["workspace_id"]:
                    workspaces.add(row["workspace_id"])
        return Grants(admin, frozenset(workspaces))
