// Passkeys: the browser side of a WebAuthn ceremony. A form's button marked data-passkey="create"
// or "get" asks the server for options (data-options, a POST of its form), has the browser make or
// use a passkey, and sends the answer with the form. Without this script, or in a browser
// without WebAuthn, the page says that passkeys need it.
"use strict";

(() => {
  const toBytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
  };
  const toText = (buffer) => {
    let binary = "";
    for (const byte of new Uint8Array(buffer)) {
      binary += String.fromCharCode(byte);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const withIds = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

  const creationOptions = (o) => ({
    ...o,
    challenge: toBytes(o.challenge),
    user: { ...o.user, id: toBytes(o.user.id) },
    excludeCredentials: withIds(o.excludeCredentials),
  });
  const requestOptions = (o) => ({
    ...o,
    challenge: toBytes(o.challenge),
    allowCredentials: withIds(o.allowCredentials),
  });

  // The credential as the server reads it: every buffer as base64url.
  const answerOf = (credential) => {
    const r = credential.response;
    const response = { clientDataJSON: toText(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toText(r.attestationObject);
      if (r.getTransports) {
        response.transports = r.getTransports();
      }
    } else {
      response.authenticatorData = toText(r.authenticatorData);
      response.signature = toText(r.signature);
      response.userHandle = r.userHandle ? toText(r.userHandle) : null;
    }
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response,
      extensions: credential.getClientExtensionResults(),
    };
  };

  const ceremony = async (button) => {
    const form = button.form;
    const status = form.querySelector("[data-passkey-status]");
    status.textContent = "";
    const reply = await fetch(button.dataset.options, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const options = await reply.json();
    if (!reply.ok) {
      status.textContent = options.message;
      return;
    }
    let credential;
    try {
      credential =
        button.dataset.passkey === "create"
          ? await navigator.credentials.create({ publicKey: creationOptions(options.publicKey) })
          : await navigator.credentials.get({ publicKey: requestOptions(options.publicKey) });
    } catch {
      status.textContent = button.dataset.cancelled;
      return;
    }
    form.elements.ceremony.value = options.ceremony;
    form.elements.credential.value = JSON.stringify(answerOf(credential));
    form.submit();
  };

  const supported = typeof window.PublicKeyCredential === "function";
  for (const button of document.querySelectorAll("button[data-passkey]")) {
    const form = button.form;
    const note = form.querySelector("[data-passkey-note]");
    if (!supported) {
      note.textContent = button.dataset.unsupported;
      continue;
    }
    note.hidden = true;
    button.hidden = false;
    // Pressing Enter in a field sends the form as its first button would.
    form.addEventListener("submit", (event) => {
      const by = event.submitter || button;
      if (!by.dataset.passkey) {
        return;
      }
      event.preventDefault();
      ceremony(by).catch(() => {
        form.querySelector("[data-passkey-status]").textContent = by.dataset.cancelled;
      });
    });
  }
})();
