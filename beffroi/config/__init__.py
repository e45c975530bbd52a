"""Settings: a typed, validated model loaded from TOML plus environment secrets.

Everything else in Beffroi is a function of the database file and this configuration.
"""

from beffroi.config.loading import (
    CONFIG_ENV_VAR,
    ConfigError,
    example_config_path,
    load_settings,
    settings_from_dict,
)
from beffroi.config.settings import (
    NETWORKS,
    WEEKDAYS,
    Account,
    BusinessHours,
    Engagement,
    Open311,
    Recurrence,
    Rendezvous,
    Retention,
    Service,
    Settings,
    Theme,
)

__all__ = [
    "CONFIG_ENV_VAR",
    "NETWORKS",
    "WEEKDAYS",
    "Account",
    "BusinessHours",
    "ConfigError",
    "Engagement",
    "Open311",
    "Recurrence",
    "Rendezvous",
    "Retention",
    "Service",
    "Settings",
    "Theme",
    "example_config_path",
    "load_settings",
    "settings_from_dict",
]
