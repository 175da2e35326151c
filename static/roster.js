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

// A long import: its button says it is working, and cannot be pressed twice (without JavaScript, the page's own
// words say to wait).
document.querySelectorAll("form[data-busy]").forEach((form) => {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type='submit']");
    button.disabled = true;
    button.textContent = form.dataset.busy;
  });
});
