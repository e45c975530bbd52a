"""The Inbox worked from the keyboard (issue 14), with a help overlay on "?".

Streamlit has no keyboard shortcuts of its own to offer a page; like ``style.py``, a
zero-height component adds them, here by putting one script into the page itself (so the
listener lives as long as the page, not as long as the component's frame). Each shortcut
does what a click on one of the page's own buttons does, found by its French label, or
moves the focus to one of its fields: nothing is reachable by keyboard only, and the
server-side rules (roles, refusals, audit) are the buttons' own.

Keys typed in a field are left alone, except Ctrl+Entrée (send the reply) and Échap.
"""

from __future__ import annotations

import json

import streamlit.components.v1 as components

from beffroi.dashboard.reply_editor import INSERT_LABEL, REPLY_LABEL

# (key, what it does, in French) for the overlay; the script below reads the same table.
SHORTCUTS = [
    ("j", "Message suivant", {"click": "Message suivant"}),
    ("k", "Message précédent", {"click": "Message précédent"}),
    ("r", "Écrire la réponse", {"focus": REPLY_LABEL}),
    ("Ctrl+Entrée", "Envoyer la réponse", {"click": "Envoyer la réponse"}),
    ("i", "Insérer la réponse enregistrée", {"click": INSERT_LABEL}),
    ("a", "Me l'attribuer", {"click": "Me l'attribuer"}),
    ("c", "Clore le message (avec le motif choisi)", {"click": "Clore"}),
    ("/", "Rechercher dans les messages", {"focus": "Rechercher dans les messages"}),
    ("?", "Afficher ou masquer cette aide", {"help": True}),
    ("Échap", "Fermer l'aide, quitter le champ", {"escape": True}),
]
PAGE_HEADING = "Boîte de réception"

SCRIPT = """
(() => {
  if (window.__beffroiKeys) return;
  window.__beffroiKeys = true;
  const shortcuts = %(shortcuts)s;
  const heading = %(heading)s;
  const replyLabel = %(reply)s;
  const byKey = Object.fromEntries(shortcuts.map(([key, , act]) => [key, act]));
  const onInbox = () => [...document.querySelectorAll("h1")].some(
    (h) => h.innerText.trim() === heading);
  // The last match: while Streamlit reruns, the previous run's element may linger, faded.
  const button = (label) => [...document.querySelectorAll("button")].filter(
    (b) => b.innerText.trim() === label && !b.disabled).pop();
  const field = (label) => [...document.querySelectorAll(
    `textarea[aria-label="${label}"], input[aria-label="${label}"]`)].pop();
  let overlay = null;
  const toggleHelp = () => {
    if (overlay) { overlay.remove(); overlay = null; return; }
    overlay = document.createElement("div");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", "Raccourcis clavier");
    overlay.setAttribute("data-testid", "beffroi-shortcuts");
    overlay.style.cssText = "position:fixed;inset:0;z-index:100000;display:flex;" +
      "align-items:center;justify-content:center;background:rgba(0,0,0,.45)";
    const box = document.createElement("div");
    box.style.cssText = "background:#fff;color:#1a1a1a;padding:24px 32px;border-radius:8px;" +
      "max-width:520px;font-size:16px;line-height:1.6";
    const title = document.createElement("h2");
    title.textContent = "Raccourcis clavier";
    box.appendChild(title);
    const list = document.createElement("dl");
    for (const [key, what] of shortcuts) {
      const dt = document.createElement("dt");
      const kbd = document.createElement("kbd");
      kbd.textContent = key;
      dt.appendChild(kbd);
      dt.style.cssText = "float:left;clear:left;width:110px;font-weight:bold";
      const dd = document.createElement("dd");
      dd.textContent = what;
      dd.style.marginLeft = "120px";
      list.append(dt, dd);
    }
    box.appendChild(list);
    const close = document.createElement("button");
    close.textContent = "Fermer l'aide";
    close.addEventListener("click", toggleHelp);
    box.appendChild(close);
    overlay.appendChild(box);
    overlay.addEventListener("click", (e) => { if (e.target === overlay) toggleHelp(); });
    document.body.appendChild(overlay);
    close.focus();
  };
  // A click while Streamlit reruns can land on the previous run's button and be lost:
  // wait until the page is idle (no running icon), up to ten seconds.
  const busy = () => document.querySelector(
    '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"]');
  const whenIdle = (fn, wait = 0) => {
    const until = Date.now() + 10000;
    const tick = () => (busy() && Date.now() < until) ? setTimeout(tick, 100) : fn();
    setTimeout(tick, wait);
  };
  const run = (act, wait = 0) => whenIdle(() => {
    if (act.focus) { const f = field(act.focus); if (f) f.focus(); return; }
    if (act.click) { const b = button(act.click); if (b) b.click(); }
  }, wait);
  document.addEventListener("keydown", (e) => {
    if (!onInbox()) return;
    const typing = e.target.closest && e.target.closest("input, textarea, [contenteditable]");
    if (e.key === "Escape") {
      if (overlay) { toggleHelp(); e.preventDefault(); return; }
      if (typing) e.target.blur();
      return;
    }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && typing
        && e.target.getAttribute("aria-label") === replyLabel) {
      e.preventDefault();
      e.stopPropagation();
      e.target.blur();  // Streamlit takes the text on blur (a rerun), then the click sends it
      run(byKey["Ctrl+Entrée"], 300);
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const act = byKey[e.key];
    if (!act || (overlay && !act.help)) return;
    e.preventDefault();
    if (act.help) toggleHelp(); else run(act);
  }, true);
})();
"""


def apply() -> None:
    """Once per run of the Inbox page: the script goes into the page once, then stays."""
    code = SCRIPT % {
        "shortcuts": json.dumps([[k, w, a] for k, w, a in SHORTCUTS], ensure_ascii=False),
        "heading": json.dumps(PAGE_HEADING),
        "reply": json.dumps(REPLY_LABEL),
    }
    components.html(
        "<script>(() => { const doc = window.parent.document;"
        " if (window.parent.__beffroiKeys) return;"
        " const s = doc.createElement('script');"
        f" s.textContent = {json.dumps(code)}; doc.head.appendChild(s); }})();</script>",
        height=0,
    )
