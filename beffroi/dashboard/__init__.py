"""The dashboard room (see DESIGN.md)."""
