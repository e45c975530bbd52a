"""What Beffroi changes in Streamlit's look, for RGAA 4 / WCAG 2.1 AA.

- Captions: Streamlit draws them in the text colour at 60 % opacity (#828180 on white), a
  contrast of 3.88:1, below the 4.5:1 that normal-size text needs (axe-core's
  ``color-contrast``). #5c5b58, opaque, gives 6.8:1 and still reads as secondary text.
- The page's language: Streamlit's page says ``lang="en"`` whatever the app writes, so a
  screen reader would read French with English rules. There is no setting for it; a
  zero-height component sets ``lang="fr"`` on the page from its same-origin frame.
- The framework's own words: Streamlit has no translations ("Drag and drop file here",
  "Choose an option", "Select all", "Page not found"...). The same component watches the
  page and replaces exactly those strings, whole, by French ones (``FRENCH``), in text and
  in ``placeholder``/``aria-label``/``title`` attributes. Citizen text is never touched: the
  elements that show it (``st.text``, grids, text areas) are skipped.

Only Beffroi's own fixed strings go through here, never citizen text.
"""

from __future__ import annotations

import json

import streamlit as st
import streamlit.components.v1 as components

CAPTION_COLOUR = "#5c5b58"
STYLE = (
    f"<style>[data-testid=stCaptionContainer] {{ color: {CAPTION_COLOUR}; opacity: 1; }}</style>"
)
# Streamlit's own English strings (Streamlit 1.67), whole, and what a French user reads.
FRENCH = {
    "Drag and drop file here": "Glissez-déposez un fichier ici",
    "Drag and drop files here": "Glissez-déposez des fichiers ici",
    "Upload": "Choisir un fichier",
    "Browse files": "Choisir un fichier",
    "Choose an option": "Choisissez une option",
    "Choose options": "Choisissez des options",
    "Choose or add an option": "Choisissez ou ajoutez une option",
    "Select all": "Tout sélectionner",
    "Clear all": "Tout effacer",
    "No results": "Aucun résultat",
    "Page not found": "Page introuvable",
    "The page that you have requested does not seem to exist. Running the app's main page.": (
        "Cette page n'existe pas : voici la page d'accueil."
    ),
    "Search": "Rechercher",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Download as CSV": "Télécharger en CSV",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Running...": "En cours…",
    "Stop": "Arrêter",
    "Close": "Fermer",
}
# "200MB per file" under a file uploader.
PER_FILE = r"^(\\d+(?:\\.\\d+)?)\\s*([KMG])B per file$"
LANG_SCRIPT = """<script>
(() => {
  const doc = window.parent.document;
  doc.documentElement.lang = "fr";
  if (window.parent.__beffroiFrench) return;
  window.parent.__beffroiFrench = true;
  const french = %(french)s;
  const perFile = new RegExp("%(per_file)s");
  const units = {K: "ko", M: "Mo", G: "Go"};
  const skip = '[data-testid="stText"], [data-testid="stDataFrame"] [role="gridcell"], textarea';
  const say = (text) => {
    const whole = text.trim();
    if (french[whole]) return text.replace(whole, french[whole]);
    const m = whole.match(perFile);
    return m ? text.replace(whole, `${m[1]} ${units[m[2]]} par fichier`) : null;
  };
  const visit = (root) => {
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.closest(skip)) continue;
      const said = say(node.nodeValue);
      if (said !== null && said !== node.nodeValue) node.nodeValue = said;
    }
    const elements = root.querySelectorAll ? root.querySelectorAll("[placeholder], [aria-label], [title]") : [];
    for (const el of elements) {
      for (const name of ["placeholder", "aria-label", "title"]) {
        const value = el.getAttribute(name);
        const said = value && say(value);
        if (said) el.setAttribute(name, said);
      }
    }
  };
  visit(doc.body);
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === "characterData") visit(change.target.parentElement || doc.body);
      for (const node of change.addedNodes) visit(node.nodeType === 1 ? node : node.parentElement || doc.body);
      if (change.type === "attributes") visit(change.target);
    }
  }).observe(doc.body, {subtree: true, childList: true, characterData: true,
                        attributes: true, attributeFilter: ["placeholder", "aria-label", "title"]});
})();
</script>"""


def apply() -> None:
    """Once per run, before any page draws."""
    st.html(STYLE)
    script = LANG_SCRIPT % {"french": json.dumps(FRENCH), "per_file": PER_FILE}
    components.html(script, height=0)
