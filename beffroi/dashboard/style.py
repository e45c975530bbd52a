"""What Beffroi changes in Streamlit's look, for RGAA 4 / WCAG 2.1 AA.

- Captions: Streamlit draws them in the text colour at 60 % opacity (#828180 on white), a
  contrast of 3.88:1, below the 4.5:1 that normal-size text needs (axe-core's
  ``color-contrast``). #5c5b58, opaque, gives 6.8:1 and still reads as secondary text.
- The page's language: Streamlit's page says ``lang="en"`` whatever the app writes, so a
  screen reader would read French with English rules. There is no setting for it; a
  zero-height component sets ``lang="fr"`` on the page from its same-origin frame.

Only Beffroi's own fixed strings go through here, never citizen text.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

CAPTION_COLOUR = "#5c5b58"
STYLE = (
    f"<style>[data-testid=stCaptionContainer] {{ color: {CAPTION_COLOUR}; opacity: 1; }}</style>"
)
LANG_SCRIPT = "<script>window.parent.document.documentElement.lang = 'fr';</script>"


def apply() -> None:
    """Once per run, before any page draws."""
    st.html(STYLE)
    components.html(LANG_SCRIPT, height=0)
