// Small enhancements; every page works the same without them.
"use strict";

// Live search: the list follows the search box and the filters as they change, and the address bar keeps up.
// Filters refresh the list in place rather than submitting: a new page would take the keyboard focus away.
document.querySelectorAll("form[data-live-search]").forEach((form) => {
  const results = document.querySelector("[data-results]");
  if (!results) return;
  // The new count is read out from a status region that was already on the page; a freshly inserted one is not.
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.after(status);
  let timer;
  let request;
  const refresh = () => {
    clearTimeout(timer);
    const params = new URLSearchParams(new FormData(form));
    for (const [name, value] of [...params]) if (value === "") params.delete(name);
    // Not form.action: without an action attribute that is the current address, query string and all.
    const url = `${form.getAttribute("action") || location.pathname}?${params}`;
    request?.abort();
    request = new AbortController();
    fetch(url, { signal: request.signal, headers: { Accept: "text/html" } })
      .then((response) => response.text())
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html");
        const freshResults = fresh.querySelector("[data-results]");
        if (!freshResults) return;
        results.replaceChildren(...freshResults.childNodes);
        const freshActions = fresh.querySelector("form[data-live-search] .actions");
        if (freshActions) form.querySelector(".actions")?.replaceWith(freshActions);  // "Clear" comes and goes
        status.textContent = results.querySelector("[aria-live]")?.textContent.replace(/\s+/g, " ").trim() ?? "";
        history.replaceState(null, "", url);
      })
      .catch((error) => { if (error.name !== "AbortError") form.submit(); });
  };
  form.addEventListener("input", (event) => {
    if (event.target.type !== "search") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("change", (event) => { if (event.target.type !== "search") refresh(); });
});

// A form with unsaved changes asks before the page is left. Shown again after a failed save, it holds
// what was typed and not saved, so it asks then too.
document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
  const values = () => new URLSearchParams(new FormData(form)).toString();
  const initial = values();
  const rejected = form.querySelector("[aria-invalid='true'], .form-error") !== null;
  let submitting = false;
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (submitting || (!rejected && values() === initial)) return;
    event.preventDefault();
    event.returnValue = "";  // browsers from before preventDefault() was enough
  });
});

// After a failed save, start where the first mistake is.
document.querySelector("[aria-invalid='true']")?.focus();

// Bulk actions on a list: the header's box ticks every row of the page, the count of what is ticked stays in view,
// and once the whole page is ticked "Select all N that match" is offered in place (it sets the form's `all`, so the
// selection becomes the list's query). The page's rows may be replaced by the live search: events are delegated.
const bulkStatus = (form, text, ...nodes) => {
  const status = form.querySelector("[data-bulk-status]");
  const strong = document.createElement("strong");
  strong.textContent = text;
  status.replaceChildren(strong, ...nodes.flatMap((node) => [" ", node]));
};
const bulkButton = (text, onClick) => {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "small";
  button.textContent = text;
  button.addEventListener("click", onClick);
  return button;
};
const showSelection = (form) => {
  const rows = [...document.querySelectorAll("input[form='bulk'][name='id']")];
  const header = document.querySelector("[data-tick-all]");
  const ticked = rows.filter((row) => row.checked).length;
  header.checked = ticked > 0 && ticked === rows.length;
  header.indeterminate = ticked > 0 && ticked < rows.length;
  form.querySelector("input[name='all']")?.remove();
  const total = Number(form.dataset.total);
  const noun = form.dataset.noun;
  const clear = bulkButton("Clear the selection", () => {
    rows.forEach((row) => { row.checked = false; });
    showSelection(form);
  });
  if (ticked === 0) {
    bulkStatus(form, `No ${noun}s selected: tick them to act on them.`);
  } else if (ticked === rows.length && total > rows.length) {
    const many = `${form.dataset.exact === "yes" ? "" : "more than "}${total.toLocaleString("en")}`;
    bulkStatus(form, `All ${ticked} on this page are selected.`, bulkButton(`Select all ${many} that match`, () => {
      const all = Object.assign(document.createElement("input"), { type: "hidden", name: "all", value: "1" });
      form.append(all);
      bulkStatus(form, `All ${many} ${noun}s that match are selected.`, clear);
    }), clear);
  } else {
    bulkStatus(form, `${ticked} ${noun}${ticked === 1 ? "" : "s"} selected.`, clear);
  }
};
document.addEventListener("change", (event) => {
  const form = document.querySelector("form[data-bulk]");
  if (!form || event.target.getAttribute?.("form") !== "bulk") return;
  if (event.target.matches("[data-tick-all]")) {
    document.querySelectorAll("input[form='bulk'][name='id']").forEach((row) => { row.checked = event.target.checked; });
  }
  showSelection(form);
});
const revealTickAll = () => document.querySelectorAll("[data-tick-all]").forEach((box) => { box.hidden = false; });
revealTickAll();
new MutationObserver(revealTickAll).observe(document.body, { childList: true, subtree: true });

// A long import: its button says it is working, and cannot be pressed twice (without JavaScript, the page's own
// words say to wait).
document.querySelectorAll("form[data-busy]").forEach((form) => {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type='submit']");
    button.disabled = true;
    button.textContent = form.dataset.busy;
  });
});
