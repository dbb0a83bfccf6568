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

// Live updates (`GET /events`), on pages whose body says `data-live`. Without JavaScript the
// pages are right at each load; this only spares the reload. An event carries ids and counts:
// the unread badges are set from them, and the conversation or list shown is fetched again
// and swapped in, with focus and whatever is being typed kept as they were.
(() => {
  if (!document.body || !("live" in document.body.dataset) || typeof EventSource === "undefined") {
    return;
  }
  const setCount = (badge, count) => {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  };
  const showTotal = (total) => {
    for (const badge of document.querySelectorAll("[data-unread-total]")) {
      setCount(badge, total);
      // As the server draws it: the navigation's badge stops counting at 99.
      if (total > 99) {
        badge.textContent = "99+";
      }
    }
  };
  const showHere = (conversation, count) => {
    for (const badge of document.querySelectorAll("[data-unread-here]")) {
      if (badge.dataset.unreadHere === conversation) {
        setCount(badge, count);
      }
    }
  };
  const shown = () => document.querySelector("section#messages[data-conversation]");
  const inbox = () => document.querySelector("ol#conversations");
  const TEXT_FIELDS = "textarea[name], input[name]:not([type]), input[name][type=text], input[name][type=search]";
  const fieldKey = (field) => `${field.form ? field.form.getAttribute("action") : ""} ${field.name}`;
  // Replaces the contents of `selector` with the fetched page's, then puts back what was
  // typed in its text fields, the focus and the caret.
  const swap = (fresh, selector) => {
    const old = document.querySelector(selector);
    const replacement = fresh.querySelector(selector);
    if (!old || !replacement) {
      return;
    }
    const active = old.contains(document.activeElement) ? document.activeElement : null;
    const typed = [...old.querySelectorAll(TEXT_FIELDS)].map((field) => ({
      key: fieldKey(field),
      value: field.value,
      focused: field === active,
      start: field.selectionStart,
      end: field.selectionEnd,
    }));
    old.innerHTML = replacement.innerHTML;
    const fields = [...old.querySelectorAll(TEXT_FIELDS)];
    for (const saved of typed) {
      const field = fields.find((candidate) => fieldKey(candidate) === saved.key);
      if (!field) {
        continue;
      }
      field.value = saved.value;
      if (saved.focused) {
        field.focus();
        field.setSelectionRange(saved.start, saved.end);
      }
    }
    if (active && active.id && !typed.some((saved) => saved.focused)) {
      const again = document.getElementById(active.id);
      if (again) {
        again.focus();
      }
    }
  };
  // One refresh at a time; an event during one asks for another after it.
  let refreshing = false;
  let pending = false;
  const refresh = () => {
    if (refreshing) {
      pending = true;
      return;
    }
    refreshing = true;
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html");
        swap(fresh, "section#messages");
        swap(fresh, "ol#conversations");
        const total = fresh.querySelector("[data-unread-total]");
        if (total) {
          showTotal(Number(total.textContent) || 0);
        }
      })
      .catch(() => {})
      .finally(() => {
        refreshing = false;
        if (pending) {
          pending = false;
          refresh();
        }
      });
  };
  const isShown = (data) => {
    const section = shown();
    return section !== null && section.dataset.conversation === data.conversation;
  };
  const events = new EventSource("/events");
  const on = (name, handle) =>
    events.addEventListener(name, (event) => {
      try {
        handle(JSON.parse(event.data));
      } catch {
        // Not an event this page knows; the next load shows what happened.
      }
    });
  on("message", (data) => {
    showTotal(data.unread_total);
    showHere(data.conversation, data.unread_here);
    if (isShown(data) || inbox()) {
      refresh();
    }
  });
  on("unread", (data) => showTotal(data.unread_total));
  for (const name of ["message_removed", "read"]) {
    on(name, (data) => {
      if (isShown(data)) {
        refresh();
      }
    });
  }
  on("reload", () => {
    if (shown() || inbox()) {
      refresh();
    }
  });
})();
