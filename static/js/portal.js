// Behaviour of the portal's pages. The Content-Security-Policy allows no inline
// script, not even an onchange= attribute, so it lives here.
"use strict";

// A <select data-autosubmit> sends its form as soon as a choice is made
// (the language switch in the top bar).
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit")) {
    field.form.submit();
  }
});

// htmx's requests other than GET carry Django's CSRF token as the X-CSRFToken
// header, taken from <meta name="csrf-token"> in base.html (no inline script, and
// the same token as the page's own forms).
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token && event.detail.verb !== "get") {
    event.detail.headers["X-CSRFToken"] = token.content;
  }
});

// A checkbox <input data-check-all="NAME"> ticks or unticks every checkbox named
// NAME in its form (a batch's enrollments, to change them all at once).
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-check-all")) {
    return;
  }
  const name = box.getAttribute("data-check-all");
  for (const other of box.form.querySelectorAll("input[type=checkbox]")) {
    if (other.name === name) {
      other.checked = box.checked;
    }
  }
});
