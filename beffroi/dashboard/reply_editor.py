"""The Inbox's reply box helpers: saved replies found by a search, a live length counter,
and the warning when a reply promises a forwarding nobody made (issue 14).

The counter counts as the network does (``beffroi.collectors.post_length``, mirrored in the
script below: X weighs a link as 23 and an emoji as 2, Bluesky counts graphemes, Mastodon a
link as 23); it updates while the person types, which Streamlit cannot do (a text area
reaches the server on blur). The server's refusal in ``send_reply`` is the rule; the
counter only says it early. Like ``keyboard.py``, a zero-height component puts the script
into the page once; each run only passes the current message's network and limit.
"""

from __future__ import annotations

import hashlib
import json
import re

import streamlit as st
import streamlit.components.v1 as components

from beffroi import inbox
from beffroi.dashboard.context import PageContext

REPLY_LABEL = "Votre réponse"
SEARCH_LABEL = "Chercher une réponse"
INSERT_LABEL = "Insérer"  # beside the saved reply chosen; the key i clicks it too
NOTHING_FOUND = "Aucune réponse enregistrée ne correspond à cette recherche."

COUNTER_SCRIPT = """
(() => {
  if (window.__beffroiCounter) return;
  const label = %(label)s;
  const URL = /https?:\\/\\/\\S+/gu;
  const number = (n) => n.toLocaleString("fr-FR");
  const xLength = (t) => {
    let n = 0;
    for (const part of t.split(URL)) {
      for (const ch of part) {
        const c = ch.codePointAt(0);
        const light = c <= 4351 || (c >= 8192 && c <= 8205) || (c >= 8208 && c <= 8223)
          || (c >= 8242 && c <= 8247);
        n += light ? 1 : 2;
      }
    }
    return n + 23 * (t.match(URL) || []).length;
  };
  const length = (network, t) => {
    if (network === "x") return xLength(t);
    if (network === "bluesky") return [...new Intl.Segmenter("fr").segment(t)].length;
    if (network === "mastodon") {
      return [...t.replace(URL, "x".repeat(23))
        .replace(/(@[\\p{L}\\p{N}_]+)@[\\p{L}\\p{N}_.-]+[\\p{L}\\p{N}_]/gu, "$1")].length;
    }
    return [...t].length;
  };
  const sentence = (rule, n) => {
    if (rule.limit === null) return `${number(n)} caractères`;
    let s = `${number(n)} / ${number(rule.limit)} caractères`;
    if (rule.network === "x") s += " (X compte un lien pour 23, un émoji pour 2)";
    if (n > rule.limit) s += ` : ${number(n - rule.limit)} de trop`;
    return s;
  };
  // Each message's box has its own rule, found by the widget's key (Streamlit writes it
  // as the class "st-key-<key>"): a faded box or a late frame of the previous message
  // can never lend its network to this one.
  const ruleOf = (box) => {
    const keyed = box.closest('[class*="st-key-"]');
    if (!keyed) return null;
    const name = [...keyed.classList].find((c) => c.startsWith("st-key-"));
    return (window.__beffroiCounterRules || {})[name.slice(7)] || null;
  };
  const update = () => {
    // The box being typed in; else the last one (a rerun may leave the previous, faded).
    const focused = document.activeElement;
    const box = focused && focused.getAttribute && focused.getAttribute("aria-label") === label
      ? focused : [...document.querySelectorAll(`textarea[aria-label="${label}"]`)].pop();
    if (!box) return;
    const rule = ruleOf(box);
    if (!rule) return;
    const holder = box.closest('[data-testid="stTextArea"]') || box.parentElement;
    for (const old of document.querySelectorAll('[data-testid="beffroi-reply-counter"]')) {
      if (!holder.contains(old)) old.remove();
    }
    let counter = holder.querySelector('[data-testid="beffroi-reply-counter"]');
    if (!counter) {
      counter = document.createElement("p");
      counter.setAttribute("data-testid", "beffroi-reply-counter");
      counter.setAttribute("aria-live", "polite");
      counter.id = "beffroi-reply-counter";
      counter.style.cssText = "margin:4px 0 0;font-size:0.875rem";
      holder.appendChild(counter);
      box.setAttribute("aria-describedby", counter.id);
    }
    const n = length(rule.network, box.value.trim());
    const text = sentence(rule, n);
    if (counter.textContent !== text) counter.textContent = text;
    const over = rule.limit !== null && n > rule.limit;
    counter.style.color = over ? "#b00020" : "#31333f";
    counter.style.fontWeight = over ? "bold" : "normal";
  };
  window.__beffroiCounter = update;
  document.addEventListener("input", (e) => {
    if (e.target.getAttribute && e.target.getAttribute("aria-label") === label) update();
  }, true);
  // A saved reply inserted, another message opened: the value changes without an input event.
  setInterval(update, 250);
})();
"""


def live_counter(check: inbox.LengthCheck, key: str) -> None:
    """Tell the page's counter the network and limit of the reply box ``key`` (the script
    itself goes into the page on the first call and stays)."""
    rule = json.dumps({"network": check.network, "limit": check.limit})
    code = COUNTER_SCRIPT % {"label": json.dumps(REPLY_LABEL)}
    components.html(
        "<script>(() => { const w = window.parent;"
        " w.__beffroiCounterRules = w.__beffroiCounterRules || {};"
        f" w.__beffroiCounterRules[{json.dumps(_css_key(key))}] = {rule};"
        " if (!w.__beffroiCounter) { const s = w.document.createElement('script');"
        f" s.textContent = {json.dumps(code)}; w.document.head.appendChild(s); }}"
        " w.__beffroiCounter(); })();</script>",
        height=0,
    )


def _css_key(key: str) -> str:
    """The key as Streamlit writes it in the element's class (``st-key-<key>``)."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def saved_reply_picker(ctx: PageContext, entry: dict, key: str, templates) -> None:
    """A search over the saved replies' titles and texts, the choice, and the button that
    puts the chosen one into the reply box with the first name and the service filled."""
    if not templates:
        return
    qid = entry["queue_id"]
    # Search, choice and button in one row: the reply box stays within the first screen.
    left, right, button = st.columns([1.2, 1.5, 0.7], vertical_alignment="bottom")
    query = left.text_input(SEARCH_LABEL, key=f"inbox_tpl_search_{qid}")
    found = inbox.search_saved_replies(templates, query)
    if not found:
        right.caption(NOTHING_FOUND)
        return
    names = {t.id: f"{t.title} ({t.theme or 'général'})" for t in found}
    # Another search, another list: a new widget, so the choice is one of the list's.
    suffix = f"_{hashlib.sha1(query.encode()).hexdigest()[:8]}" if query.strip() else ""
    picked = right.selectbox(
        "Réponse enregistrée",
        list(names),
        format_func=names.__getitem__,
        key=f"inbox_tpl_{qid}{suffix}",
    )

    def insert() -> None:
        template = next(t for t in found if t.id == picked)
        st.session_state[key] = inbox.render(
            template.body,
            prenom=inbox.first_name(entry["author_name"]),
            service=inbox.service_name(ctx.settings, entry["theme"], entry["service"]),
        )

    button.button(INSERT_LABEL, key=f"inbox_insert_{qid}", on_click=insert, width="stretch")


def under_the_box(ctx: PageContext, entry: dict, key: str) -> None:
    """The live counter, then the forwarding warning for the text as it stands."""
    text = st.session_state.get(key, "") or ""
    check = inbox.length_for(ctx.settings, entry["account"], entry["network"], entry["kind"], text)
    live_counter(check, key)
    warning = inbox.forwarding_warning(ctx.db, entry["queue_id"], text)
    if warning:
        st.warning(warning)
