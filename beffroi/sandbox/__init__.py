"""The simulated city: X, Facebook, Instagram, Bluesky and Mastodon as a small town's
citizens would use them.

A room of its own, playing the networks' servers for the demo and the full-cycle tests. It
knows the configuration and nothing of collectors, the store or the inbox: the collector
``beffroi.collectors.sandbox`` speaks to it as the real collectors speak to the networks.

- ``text``: the French words of the town (names, streets, themes, sentences);
- ``compose``: citizens and the messages they and the city write;
- ``history``: 90 days of past activity, built deterministically from a seed;
- ``engagement``: who likes and shares the city's posts;
- ``network``: the state file (``SandboxNetwork``) that plays the servers, live activity,
  injected failures and delays;
- ``accounts``: the simulated city's accounts as a configuration writes them.
"""

from __future__ import annotations

from beffroi.sandbox.accounts import SANDBOX_ACCOUNTS, sandbox_config, sandbox_settings
from beffroi.sandbox.compose import STREAMS
from beffroi.sandbox.engagement import SETTLE, engagement_of
from beffroi.sandbox.errors import FAILURE_KINDS, SandboxError
from beffroi.sandbox.history import CityProfile
from beffroi.sandbox.network import (
    OPERATIONS,
    Published,
    SandboxNetwork,
    SimAccount,
    from_text,
    state_path,
)

__all__ = [
    "FAILURE_KINDS",
    "OPERATIONS",
    "SANDBOX_ACCOUNTS",
    "SETTLE",
    "STREAMS",
    "CityProfile",
    "Published",
    "SandboxError",
    "SandboxNetwork",
    "SimAccount",
    "engagement_of",
    "from_text",
    "sandbox_config",
    "sandbox_settings",
    "state_path",
]
