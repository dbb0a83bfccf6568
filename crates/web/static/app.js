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

// Upload forms marked data-upload-progress send their file in the background and show how far
// the upload is; without this script they are sent as plain forms. The answer replaces the
// page's main part (a form with its problems) or, after a redirect, the page goes there.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !("uploadProgress" in form.dataset)) {
    return;
  }
  event.preventDefault();
  const progress = form.querySelector("progress");
  const button = form.querySelector("button[type=submit]");
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.upload.addEventListener("progress", (e) => {
    if (progress && e.lengthComputable) {
      progress.hidden = false;
      progress.value = Math.round((e.loaded / e.total) * 100);
    }
  });
  request.addEventListener("load", () => {
    const target = new URL(request.responseURL);
    if (request.status < 400 && target.pathname !== new URL(form.action).pathname) {
      window.location.assign(target.href);
      return;
    }
    const answer = new DOMParser().parseFromString(request.responseText, "text/html");
    const main = answer.querySelector("main");
    if (main) {
      document.querySelector("main").replaceWith(main);
      const summary = main.querySelector(".error-summary");
      if (summary) {
        summary.focus();
      }
    }
  });
  request.addEventListener("error", () => {
    if (button) {
      button.disabled = false;
    }
    if (progress) {
      progress.hidden = true;
    }
  });
  if (button) {
    button.disabled = true;
  }
  request.send(new FormData(form));
});
