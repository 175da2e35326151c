// The header's search as one types, and the keyboard shortcuts. Every one of them stands for a plain link, button
// or form that works without this file.
"use strict";

// A field that takes letters: a tick box or radio button does not, so j and k work on a row's tick box.
const typing = (element) => element instanceof HTMLElement && (element.isContentEditable ||
  ["TEXTAREA", "SELECT"].includes(element.tagName) ||
  (element.tagName === "INPUT" && !["checkbox", "radio"].includes(element.type)));

// The header's box: results below it as one types; arrows move through them, Enter opens one, Escape closes.
document.querySelectorAll("form[data-global-search]").forEach((form) => {
  const box = form.querySelector("input[role=combobox]");
  const panel = form.querySelector(".global-results");
  let timer;
  let request;
  const links = () => [...panel.querySelectorAll("a[data-result]")];
  const close = () => { panel.hidden = true; box.setAttribute("aria-expanded", "false"); };
  const open = () => { panel.hidden = false; box.setAttribute("aria-expanded", "true"); };
  const show = () => {
    const q = box.value.trim();
    if (!q) { close(); return; }
    request?.abort();
    request = new AbortController();
    fetch(`${form.action}?${new URLSearchParams({ q, partial: "1" })}`, { signal: request.signal })
      .then((response) => response.text())
      .then((html) => {
        panel.innerHTML = html;  // our own server's fragment, escaped by Jinja
        if (form.contains(document.activeElement)) open();  // not if focus left while the answer was coming
      })
      .catch(() => {});
  };
  box.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(show, 200); });
  form.addEventListener("keydown", (event) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && panel.hidden && box.value.trim()) {  // closed by Escape: open it again
      event.preventDefault();
      if (all.length) open(); else show();
    } else if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && all.length) {
      event.preventDefault();
      (at <= 0 ? box : all[at - 1]).focus();
    } else if (event.key === "Escape") {
      close();
      box.focus();
    }
  });
  document.addEventListener("click", (event) => { if (!form.contains(event.target)) close(); });
  // Tab out of the box and its results closes them, rather than leaving them over the page.
  form.addEventListener("focusout", (event) => { if (!form.contains(event.relatedTarget)) close(); });
});

// Shortcuts: "?" lists them. None fires while typing in a field, or with a modifier but Ctrl/Cmd+S.
const SHORTCUTS = [
  ["/", "Search everything"], ["g s", "Go to students"], ["g u", "Go to users"], ["g c", "Go to courses"],
  ["j / k", "Next / previous row of a list"], ["Enter", "Open the row"], ["e", "Edit this record"],
  ["n", "Add one"], ["Ctrl+S / ⌘S", "Save the form"], ["?", "Show these shortcuts"],
];

const follow = (selector) => {
  const link = document.querySelector(selector);
  if (link) { link.click(); return true; }
  return false;
};

let help;
const showHelp = () => {
  if (!help) {
    help = document.createElement("dialog");
    help.className = "shortcuts";
    help.setAttribute("aria-labelledby", "shortcuts-title");
    const title = Object.assign(document.createElement("h2"), { id: "shortcuts-title", textContent: "Keyboard shortcuts" });
    const list = document.createElement("dl");
    for (const [keys, what] of SHORTCUTS) {
      list.append(Object.assign(document.createElement("dt"), { textContent: keys }),
                  Object.assign(document.createElement("dd"), { textContent: what }));
    }
    const done = Object.assign(document.createElement("button"), { type: "button", textContent: "Close" });
    done.addEventListener("click", () => help.close());
    help.append(title, list, done);
    document.body.append(help);
  }
  help.showModal();
};

// From the row holding the focus (its tick box, say), else the row marked last; rows the live search replaced
// are gone, so j starts again from the first.
let rowMarked = null;
const moveRow = (step) => {
  const rows = [...document.querySelectorAll("[data-results] tbody tr")];
  if (!rows.length) return;
  const focused = rows.findIndex((row) => row.contains(document.activeElement));
  const from = focused >= 0 ? focused : rows.indexOf(rowMarked);
  const at = from < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, from + step));
  rowMarked = rows[at];
  rows.forEach((row) => row.classList.toggle("row-focus", row === rowMarked));
  rowMarked.querySelector("a")?.focus();
};

// Escape closes an open list tool (Views, Columns: a <details>) and gives the focus back to its summary.
const closeTool = (event) => {
  const open = event.target.closest?.("details[open]") ?? document.querySelector(".list-tools details[open]");
  if (!open) return false;
  open.open = false;
  open.querySelector("summary").focus();
  return true;
};

let pending = "";
document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
    const save = document.querySelector("form[data-warn-unsaved] button[type=submit][value=view]:not(.visually-hidden)");
    if (save) { event.preventDefault(); save.click(); }
    return;
  }
  if (help?.open) return;
  if (event.key === "Escape" && closeTool(event)) { event.preventDefault(); return; }
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const key = pending ? `${pending} ${event.key}` : event.key;
  pending = "";
  const actions = {
    "/": () => document.querySelector("#global-q")?.focus(),
    "?": showHelp,
    "g": () => { pending = "g"; },
    "g s": () => follow(".site-nav a[href$='/students']"),
    "g u": () => follow(".site-nav a[href$='/users']"),
    "g c": () => follow(".site-nav a[href$='/courses']"),
    "j": () => moveRow(1),
    "k": () => moveRow(-1),
    "e": () => follow("main a.button[href$='/edit']"),
    "n": () => follow("main .page-head a[href$='/new']"),
  };
  if (actions[key]) {
    event.preventDefault();
    actions[key]();
  }
});
