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
