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
