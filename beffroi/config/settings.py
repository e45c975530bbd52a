"""The settings model.

Every section forbids unknown keys, so a typo in ``beffroi.toml`` stops the program at
start with the key's name instead of being silently ignored.
"""

from __future__ import annotations

import os
from datetime import date
from datetime import time as Time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NETWORKS = ("x", "facebook", "instagram", "instagram_public", "bluesky", "mastodon", "sandbox")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class City(Section):
    name: str
    timezone: str = "Europe/Paris"
    country: str = "FR"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Database(Section):
    path: Path = Path("beffroi.db")


class Account(Section):
    """One of the city's own accounts on a network."""

    key: str = Field(pattern=r"^[a-z0-9_]+$")
    network: Literal[
        "x", "facebook", "instagram", "instagram_public", "bluesky", "mastodon", "sandbox"
    ]
    handle: str
    external_id: str | None = None
    enabled: bool = True
    streams: list[str] | None = None
    interval_minutes: int = Field(default=5, ge=1)
    # Names of environment variables holding secrets; never the secrets themselves.
    token_env: str | None = None
    secret_envs: dict[str, str] = Field(default_factory=dict)
    hashtags: list[str] = Field(default_factory=list)
    # The ``engagement`` stream (who liked, reacted to or shared the account's posts):
    # how far back the account's own posts are watched, and how many changed posts are
    # re-read per pass (each costs one to three requests, so a rate limit is not burnt).
    engagement_days: int = Field(default=14, ge=1)
    engagement_posts_per_pass: int = Field(default=5, ge=1)
    # For the simulated city: which simulated network this account stands for.
    simulates: Literal["x", "facebook", "instagram", "bluesky", "mastodon"] | None = None
    # --- Bluesky and Mastodon (issue 15) ---
    # Mastodon: the account's instance (required), e.g. "https://mastodon.social". Bluesky:
    # the account's PDS, "https://bsky.social" when unset.
    instance_url: str | None = None
    # The longest post the network takes; unset: Bluesky 300 graphemes, Mastodon what the
    # instance says (500 when it does not say).
    max_chars: int | None = Field(default=None, ge=1)
    # --- X on a metered budget (issue 15) ---
    # True: the account only publishes and replies; it never reads (no X read is paid).
    publish_only: bool = False
    # The month's estimated X cost at which collection pauses (see ``[x]``); unset: no cap.
    budget_usd: float | None = Field(default=None, ge=0)
    # At ``budget_usd``: False, publishing and replies go on (only collection pauses);
    # True, they pause too (posts stay approved, reply drafts are kept) until next month.
    pause_publishing_at_budget: bool = False

    def token(self) -> str | None:
        """The account's token from the environment, or None when unset."""
        return os.environ.get(self.token_env) if self.token_env else None

    def secret(self, name: str) -> str | None:
        env = self.secret_envs.get(name)
        return os.environ.get(env) if env else None

    @property
    def shown_network(self) -> str:
        """The network a person sees: sandbox accounts show the network they simulate."""
        return self.simulates or self.network


class BusinessHours(Section):
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
    ]
    start: Time = Time(8, 30)
    end: Time = Time(17, 30)
    public_holidays: bool = True
    closures: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> BusinessHours:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class SLA(Section):
    """Targets in business minutes, per priority."""

    urgent_minutes: int = Field(default=60, ge=1)
    high_minutes: int = Field(default=120, ge=1)
    normal_minutes: int = Field(default=240, ge=1)
    low_minutes: int = Field(default=960, ge=1)

    def minutes_for(self, priority: str) -> int:
        return int(getattr(self, f"{priority}_minutes"))


class Theme(Section):
    name: str
    keywords: list[str]  # weight 1: words that hint at the theme
    strong_keywords: list[str] = Field(default_factory=list)  # weight 3: words that name it
    service: str | None = None


class Triage(Section):
    # Other names the city is addressed by, beside its accounts' handles ("@marcqenbaroeul").
    city_handles: list[str] = Field(default_factory=list)
    urgent_keywords: list[str] = Field(default_factory=list)
    complaint_keywords: list[str] = Field(default_factory=list)
    spam_keywords: list[str] = Field(default_factory=list)


class Open311(Section):
    """A service's request system speaking Open311 GeoReport v2 (issue 13).

    ``endpoint`` is the base address the spec's paths hang from (``.../requests.json``);
    the API key is read from the environment variable ``api_key_env``, never written here.
    """

    endpoint: str
    service_code: str
    api_key_env: str
    jurisdiction_id: str | None = None
    timeout_seconds: float = Field(default=10, gt=0)

    @field_validator("endpoint")
    @classmethod
    def _http(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (or http:// on the town hall's network)")
        return value

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) or None


class Service(Section):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    # Where the escalation goes: an e-mail address, the service's Open311 request system,
    # or both (then Open311 is used and the e-mail is not sent).
    email: str | None = None
    open311: Open311 | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Service:
        if not self.email and self.open311 is None:
            raise ValueError(f"service {self.key!r}: give an email or an [services.open311]")
        return self


class Recurrence(Section):
    """When a rendez-vous occurs: weekly, monthly on the n-th weekday, or a cron line."""

    kind: Literal["weekly", "monthly", "cron"]
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]] = Field(
        default_factory=list
    )
    time: Time | None = None
    nth: int | None = Field(default=None, ge=-1, le=5)
    weekday: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] | None = None
    cron: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Recurrence:
        if self.kind == "weekly" and (not self.days or self.time is None):
            raise ValueError("a weekly recurrence needs days and time")
        if self.kind == "monthly" and (
            self.nth in (None, 0) or not self.weekday or self.time is None
        ):
            raise ValueError("a monthly recurrence needs nth (1..5 or -1), weekday and time")
        if self.kind == "cron" and not (self.cron and len(self.cron.split()) == 5):
            raise ValueError("a cron recurrence needs a five-field cron expression")
        return self


class Rendezvous(Section):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str
    accounts: list[str] = Field(min_length=1)
    recurrence: Recurrence
    timezone: str | None = None
    hashtags: list[str] = Field(default_factory=list)
    alert_hours_before: int = Field(default=48, ge=0)
    grace_minutes: int = Field(default=120, ge=0)
    # No rendez-vous on a public holiday or a configured closure of the town hall: nobody is
    # there to approve, answer or notice a mistake. False for a series that always goes out.
    skip_closed_days: bool = True


class Engagement(Section):
    window_days: int = Field(default=90, ge=1)
    half_life_days: float = Field(default=30, gt=0)
    active_week_bonus: float = Field(default=0.5, ge=0)
    weights: dict[str, float] = Field(
        default_factory=lambda: {
            "comment": 1.0,
            "reply": 1.0,
            "mention": 2.0,
            "share": 3.0,
            "ugc": 4.0,
            "reaction": 0.2,
            "dm": 0.5,
        }
    )


class SMTP(Section):
    host: str = "localhost"
    port: int = 25
    sender: str = "beffroi@localhost"
    starttls: bool = False
    username_env: str | None = None
    password_env: str | None = None


class Alerts(Section):
    on_duty_email: str | None = None
    # Urgent items are mailed at once to this address (the on-call phone's mailbox, say);
    # without it, to on_duty_email.
    urgent_email: str | None = None
    comms_email: str | None = None
    sweep_minutes: int = Field(default=5, ge=1)


class Reports(Section):
    recipients: list[str] = Field(default_factory=list)
    pseudonym_key_env: str = "BEFFROI_PSEUDONYM_KEY"
    weekly_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    weekly_time: Time = Time(8, 0)


class Retention(Section):
    items_days: int = Field(default=730, ge=30)
    raw_payload_days: int = Field(default=90, ge=1)
    rejected_days: int = Field(default=90, ge=1)


class Scheduler(Section):
    publish_every_seconds: int = Field(default=60, ge=1)
    heartbeat_seconds: int = Field(default=60, ge=1)
    max_publish_attempts: int = Field(default=5, ge=1)
    # After a crash mid-publication, a network that sees every post (the simulated city) can
    # prove a post never arrived, and it is sent again; false: always ask a person.
    trust_network_absence: bool = True
    # On SIGTERM, how long running jobs may take to finish before they are abandoned.
    stop_timeout_seconds: float = Field(default=20, ge=0)
    # How often the Open311 requests still open are asked for their status.
    open311_poll_minutes: int = Field(default=15, ge=1)


class Dashboard(Section):
    """Sessions of the dashboard: a session unused this long, or this old, logs out."""

    idle_timeout_minutes: int = Field(default=30, ge=1, le=24 * 60)
    absolute_timeout_hours: int = Field(default=12, ge=1, le=7 * 24)
    # The address staff open the dashboard at, e.g. "https://beffroi.ville.fr/": the mails
    # that tell a colleague of a note then link to the message. Empty: no link in mails.
    public_url: str | None = None

    @field_validator("public_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https:// (the dashboard's address in a browser)")
        return value or None


class Media(Section):
    # Where the draft images (the `images` folder beside the database) can be fetched from
    # the internet, e.g. "https://www.ville.fr/beffroi-images/". Instagram's API does not take
    # uploads: it downloads the image from a public https address. Empty: no Instagram image.
    public_base_url: str | None = None

    @field_validator("public_base_url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        if value and not value.startswith("https://"):
            raise ValueError("must start with https:// (Instagram only fetches https images)")
        return value or None


class Sandbox(Section):
    seed: int = 42
    citizens: int = Field(default=650, ge=10)
    history_days: int = Field(default=90, ge=1)
    live_every_seconds: float = Field(default=8.0, gt=0)


class XPricing(Section):
    """X's pay-per-use prices in US dollars (defaults: the published rates of February 2026)."""

    post_read: float = Field(default=0.005, ge=0)
    # The city's own mentions and timeline read with its user keys ("Owned Reads").
    owned_read: float = Field(default=0.001, ge=0)
    user_read: float = Field(default=0.010, ge=0)
    dm_event_read: float = Field(default=0.010, ge=0)
    post_create: float = Field(default=0.015, ge=0)


class XSettings(Section):
    """``[x]``: X's prices. When an account's ``budget_usd`` is reached, collection pauses;
    publishing and replies go on, or pause too with the account's
    ``pause_publishing_at_budget = true``."""

    pricing: XPricing = XPricing()


class Settings(Section):
    city: City
    database: Database = Database()
    accounts: list[Account] = Field(default_factory=list)
    business_hours: BusinessHours = BusinessHours()
    sla: SLA = SLA()
    themes: list[Theme] = Field(default_factory=list)
    triage: Triage = Triage()
    services: list[Service] = Field(default_factory=list)
    rendezvous: list[Rendezvous] = Field(default_factory=list)
    engagement: Engagement = Engagement()
    smtp: SMTP = SMTP()
    alerts: Alerts = Alerts()
    reports: Reports = Reports()
    retention: Retention = Retention()
    scheduler: Scheduler = Scheduler()
    media: Media = Media()
    dashboard: Dashboard = Dashboard()
    sandbox: Sandbox = Sandbox()
    x: XSettings = XSettings()
    # Where the configuration was read from; relative paths are resolved against it.
    source: Path | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        keys = [a.key for a in self.accounts]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"accounts: duplicate key {sorted(dupes)[0]!r}")
        for rdv in self.rendezvous:
            for key in rdv.accounts:
                if key not in keys:
                    raise ValueError(f"rendezvous {rdv.key!r}: unknown account {key!r}")
        service_keys = {s.key for s in self.services}
        for theme in self.themes:
            if theme.service and theme.service not in service_keys:
                raise ValueError(f"themes {theme.name!r}: unknown service {theme.service!r}")
        return self

    def account(self, key: str) -> Account:
        for account in self.accounts:
            if account.key == key:
                return account
        raise KeyError(key)

    def enabled_accounts(self, network: str | None = None) -> list[Account]:
        return [
            a
            for a in self.accounts
            if a.enabled and (network is None or a.network == network or a.simulates == network)
        ]

    @property
    def database_path(self) -> Path:
        path = self.database.path
        if not path.is_absolute() and self.source is not None:
            path = self.source.parent / path
        return path

    @property
    def tz(self):
        return self.city.tz
