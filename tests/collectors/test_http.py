"""The HTTP layer shared by X and Meta: one masking filter, one status mapping, one retry
loop, the quota headers. The collectors' own tests drive it through real HTTP
(``responses``); these pin what both networks now share."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from beffroi.collectors import AuthExpired, PermanentError, RateLimited, TransientError
from beffroi.collectors.facebook import FacebookCollector
from beffroi.collectors.http import (
    SECRET_PRINTING_LOGGERS,
    MaskingFilter,
    error_for_status,
    rate_window,
    read_usage,
    with_retries,
)
from tests.collectors.x_http import SECRETS, x_collector


def _filters(name: str) -> list[logging.Filter]:
    return [f for f in logging.getLogger(name).filters if isinstance(f, MaskingFilter)]


def test_x_and_graph_install_one_filter_once_and_both_secrets_are_masked(caplog):
    x_collector()
    FacebookCollector("facebook_ville", account_id="1001", token="EAAB-graph-sekret")
    x_collector()
    for name in SECRET_PRINTING_LOGGERS:
        assert len(_filters(name)) == 1, name
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3.connectionpool").debug(
        "GET /v24.0/1001/feed?access_token=%s&x=%s", "EAAB-graph-sekret", SECRETS["bearer_token"]
    )
    logging.getLogger("tweepy.client").debug("Authorization: %s", SECRETS["consumer_secret"])
    assert "EAAB-graph-sekret" not in caplog.text
    assert SECRETS["bearer_token"] not in caplog.text
    assert SECRETS["consumer_secret"] not in caplog.text
    assert caplog.text.count("***") == 3


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (401, AuthExpired),
        (403, AuthExpired),
        (429, RateLimited),
        (500, TransientError),
        (503, TransientError),
        (None, TransientError),
        (400, PermanentError),
        (404, PermanentError),
    ],
)
def test_a_status_means_one_typed_error(status, kind):
    error = error_for_status(status, "GET /x?access_token=abc123 failed")
    assert type(error) is kind
    assert "abc123" not in str(error)


def test_retries_follow_the_delays_then_give_up_with_the_callers_words():
    sleeps: list[float] = []
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise TransientError("502")
        return "ok"

    assert with_retries(flaky, delays=(1.0, 4.0), sleep=sleeps.append) == "ok"
    assert sleeps == [1.0, 4.0]

    def down() -> str:
        raise TransientError("503")

    with pytest.raises(TransientError, match="after 3 attempts"):
        with_retries(
            down,
            delays=(0.0, 0.0),
            sleep=lambda _s: None,
            give_up=lambda e, n: TransientError(f"{e} after {n} attempts"),
        )


def test_a_write_is_tried_once_and_other_errors_are_never_retried():
    calls: list[str] = []

    def write() -> None:
        calls.append("post")
        raise TransientError("500")

    with pytest.raises(TransientError):
        with_retries(write, delays=(0.0, 0.0), sleep=lambda _s: None, retry=False)
    assert calls == ["post"]

    def refused() -> None:
        calls.append("get")
        raise PermanentError("400")

    with pytest.raises(PermanentError):
        with_retries(refused, delays=(0.0, 0.0), sleep=lambda _s: None)
    assert calls == ["post", "get"]


def test_quota_headers_of_both_networks():
    window = rate_window({"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1764590400"})
    assert window.remaining == 0
    assert window.reset_at == datetime(2025, 12, 1, 12, 0, tzinfo=UTC)
    assert rate_window({"x-rate-limit-reset": "9" * 40}).reset_at is None  # not a crash
    usage = read_usage(
        {
            "x-app-usage": '{"call_count": 80, "total_time": 12}',
            "x-business-use-case-usage": '{"1001": [{"call_count": 96, '
            '"estimated_time_to_regain_access": 7}]}',
        }
    )
    assert (usage.percent, usage.regain_minutes) == (96.0, 7.0)
