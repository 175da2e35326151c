// Small enhancements; every page works the same without them.
"use strict";

// Live search: the list updates as you type, and the address bar keeps up.
document.querySelectorAll("form[data-live-search]").forEach((form) => {
  let timer;
  let request;
  const refresh = () => {
    const params = new URLSearchParams(new FormData(form));
    for (const [name, value] of [...params]) if (value === "") params.delete(name);
    const url = `${form.action || location.pathname}?${params}`;
    request?.abort();
    request = new AbortController();
    fetch(url, { signal: request.signal, headers: { Accept: "text/html" } })
      .then((response) => response.text())
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html");
        const results = document.querySelector("[data-results]");
        const freshResults = fresh.querySelector("[data-results]");
        if (!results || !freshResults) return;
        results.replaceWith(freshResults);
        history.replaceState(null, "", url);
      })
      .catch((error) => { if (error.name !== "AbortError") throw error; });
  };
  form.addEventListener("input", (event) => {
    if (event.target.type !== "search") return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
  form.addEventListener("change", (event) => { if (event.target.type !== "search") form.requestSubmit(); });
});

// A form with unsaved changes asks before the page is left.
document.querySelectorAll("form[data-warn-unsaved]").forEach((form) => {
  const initial = new URLSearchParams(new FormData(form)).toString();
  let submitting = false;
  form.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && new URLSearchParams(new FormData(form)).toString() !== initial) event.preventDefault();
  });
});

// After a failed save, start where the first mistake is.
document.querySelector("[aria-invalid='true']")?.focus();
