"""The dashboard room (see DESIGN.md)."""

from beffroi.dashboard.auth import ROLE_LABELS, hash_password

__all__ = ["ROLE_LABELS", "hash_password"]
