"""The store: the one SQLite file that holds every durable fact, and all SQL that writes.

Other rooms read through the helpers here or with their own SELECTs on a read-only
connection; they never write with their own SQL.
"""

from beffroi.store.calendar import (
    approved_series_drafts,
    drafts_by_status,
    fixed_drafts_between,
    publications_between,
    publications_waiting_for_a_person,
    replies_to_post,
    series_states,
)
from beffroi.store.community import DEFAULT_TEMPLATE, draft_message, get_event
from beffroi.store.connection import (
    DamagedDatabase,
    StoreError,
    apply_migrations,
    check_version,
    connect,
    opened,
    transaction,
)
from beffroi.store.ingest import (
    SavedItems,
    Unstorable,
    clean_id,
    clean_text,
    get_cursor,
    save_cursor,
    save_interactions_seen,
    save_items,
    save_rejected,
    to_json,
)
from beffroi.store.jobs import (
    abandon_job_runs,
    finish_job_run,
    job_health,
    prune_job_runs,
    start_job_run,
)
from beffroi.store.meta import get_meta, set_meta, sync_accounts, write_audit
from beffroi.store.privacy import MemberNotFound, erase_member, find_member, purge_expired
from beffroi.store.reads import data_version, stream_health
from beffroi.store.runs import blocked_until, finish_run, latest_runs, start_run
from beffroi.store.staff import (
    ROLES,
    LoginHistory,
    StaffMember,
    failures_since_success,
    get_staff,
    known_clients,
    list_staff,
    login_history,
    record_login_attempt,
    upsert_staff,
)
from beffroi.store.times import from_db, now_utc, to_db

__all__ = [
    "approved_series_drafts",
    "drafts_by_status",
    "fixed_drafts_between",
    "publications_between",
    "publications_waiting_for_a_person",
    "replies_to_post",
    "series_states",
    "DEFAULT_TEMPLATE",
    "MemberNotFound",
    "abandon_job_runs",
    "draft_message",
    "erase_member",
    "find_member",
    "finish_job_run",
    "get_event",
    "prune_job_runs",
    "purge_expired",
    "start_job_run",
    "data_version",
    "job_health",
    "stream_health",
    "ROLES",
    "StaffMember",
    "get_staff",
    "LoginHistory",
    "failures_since_success",
    "known_clients",
    "login_history",
    "record_login_attempt",
    "list_staff",
    "upsert_staff",
    "SavedItems",
    "Unstorable",
    "clean_id",
    "clean_text",
    "StoreError",
    "DamagedDatabase",
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
    "save_cursor",
    "save_interactions_seen",
    "save_items",
    "save_rejected",
    "set_meta",
    "start_run",
    "sync_accounts",
    "to_db",
    "to_json",
    "transaction",
    "write_audit",
]
