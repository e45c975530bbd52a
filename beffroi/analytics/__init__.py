"""The analytics room (see docs/architecture.md): pandas on a read-only connection.

Engagement ranking and its explanations, invitations' follow-up, responsiveness and
activity indicators, the directors' report (HTML, PDF, CSV, as bytes: the caller writes
the file, and the scheduler mails the weekly one).
"""

from beffroi.analytics.indicators import (
    Period,
    Scope,
    compared_ends,
    last_complete_period,
    period_containing,
)
from beffroi.analytics.invitations import (
    EventOutcome,
    draft_messages,
    event_outcome,
    find_members,
    list_events,
    list_invitations,
)
from beffroi.analytics.pseudonym import (
    ensure_key_file,
    key_file_path,
    mask_text,
    pseudonym,
    pseudonym_key,
)
from beffroi.analytics.ranking import KINDS as RANKED_KINDS
from beffroi.analytics.ranking import (
    Explanation,
    RankingFilter,
    describe,
    describe_engagement,
    explain,
    rank_members,
)
from beffroi.analytics.report import (
    ReportError,
    build_report,
    choose_period,
    render_report,
)

__all__ = [
    "RANKED_KINDS",
    "find_members",
    "EventOutcome",
    "Explanation",
    "Period",
    "RankingFilter",
    "ReportError",
    "Scope",
    "build_report",
    "choose_period",
    "compared_ends",
    "describe",
    "describe_engagement",
    "draft_messages",
    "ensure_key_file",
    "event_outcome",
    "explain",
    "key_file_path",
    "last_complete_period",
    "list_events",
    "list_invitations",
    "mask_text",
    "period_containing",
    "pseudonym",
    "pseudonym_key",
    "rank_members",
    "render_report",
]
