// Carespace's own script. Pages work without it; it only adds conveniences.
"use strict";

// Forms marked data-confirm ask before they are sent (destructive actions).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm) {
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }
});
