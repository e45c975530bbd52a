"""The inbox room (see DESIGN.md)."""
