"""The store: the one SQLite file that holds every durable fact, and all SQL that writes.

Other rooms read through the helpers here or with their own SELECTs on a read-only
connection; they never write with their own SQL.
"""

from beffroi.store.connection import (
    StoreError,
    apply_migrations,
    check_version,
    connect,
    opened,
    transaction,
)
from beffroi.store.ingest import (
    QUEUED_KINDS,
    IngestHooks,
    QueueFields,
    SaveResult,
    get_cursor,
    save_items,
    save_page,
)
from beffroi.store.meta import get_meta, set_meta, sync_accounts, write_audit
from beffroi.store.runs import blocked_until, finish_run, latest_runs, start_run
from beffroi.store.staff import (
    ROLES,
    StaffMember,
    all_staff,
    check_username,
    get_staff,
    list_staff,
    set_staff_active,
    set_staff_password,
    set_staff_role,
    upsert_staff,
)
from beffroi.store.times import from_db, now_utc, to_db

__all__ = [
    "ROLES",
    "StaffMember",
    "get_staff",
    "list_staff",
    "upsert_staff",
    "all_staff",
    "check_username",
    "set_staff_active",
    "set_staff_password",
    "set_staff_role",
    "QUEUED_KINDS",
    "IngestHooks",
    "QueueFields",
    "SaveResult",
    "StoreError",
    "apply_migrations",
    "blocked_until",
    "check_version",
    "connect",
    "finish_run",
    "from_db",
    "get_cursor",
    "get_meta",
    "latest_runs",
    "now_utc",
    "opened",
    "save_items",
    "save_page",
    "set_meta",
    "start_run",
    "sync_accounts",
    "to_db",
    "transaction",
    "write_audit",
]
