// Passkeys and security keys (WebAuthn) on the sign-in security page and at the second step
// of signing in. The server (django-otp-webauthn's helper, py_webauthn underneath) makes the
// challenge and checks the answer; this script only hands them between it and the browser.
//
//   <button data-passkey-register data-options-url=… data-url=…>   adds a passkey
//   <button data-passkey-verify data-options-url=… data-url=… data-next=…>   signs in with one
//
// Every request goes through net.js.

import { postJSON } from "./net.js";

function fromBase64url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)).buffer;
}

function toBase64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function creationOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: fromBase64url(c.id) })),
  };
}

function requestOptions(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: fromBase64url(c.id) })),
  };
}

function credentialJSON(credential) {
  const r = credential.response;
  const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response,
    authenticatorAttachment: credential.authenticatorAttachment || undefined,
    clientExtensionResults: credential.getClientExtensionResults(),
  };
}

function showError(button, message) {
  const box = button.closest(".stack, .card")?.querySelector("[data-passkey-error]");
  if (box) {
    box.textContent = message;
    box.hidden = false;
  }
}

async function ceremony(button, kind) {
  if (!window.PublicKeyCredential) {
    showError(button, "This browser cannot use passkeys. Use a code instead.");
    return;
  }
  button.disabled = true;
  try {
    const options = await postJSON(button.dataset.optionsUrl);
    if (!options.ok) {
      showError(button, options.body.error || "Could not start: reload the page and try again.");
      return;
    }
    let credential;
    try {
      credential =
        kind === "register"
          ? await navigator.credentials.create({ publicKey: creationOptions(options.body) })
          : await navigator.credentials.get({ publicKey: requestOptions(options.body) });
    } catch {
      showError(button, "No passkey was used (cancelled or timed out). Try again.");
      return;
    }
    const body = { credential: credentialJSON(credential) };
    if (kind === "register") {
      body.name = document.querySelector("[data-passkey-name]")?.value || "";
    } else {
      body.next = button.dataset.next || "";
    }
    const answer = await postJSON(button.dataset.url, body);
    if (answer.ok && answer.body.redirect) {
      window.location.assign(answer.body.redirect);
    } else {
      showError(button, answer.body.error || "The passkey was not accepted. Try again.");
    }
  } finally {
    button.disabled = false;
  }
}

for (const button of document.querySelectorAll("[data-passkey-register]")) {
  button.addEventListener("click", () => ceremony(button, "register"));
}
for (const button of document.querySelectorAll("[data-passkey-verify]")) {
  button.addEventListener("click", () => ceremony(button, "verify"));
}
