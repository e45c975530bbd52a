"""The analytics room (see DESIGN.md)."""
