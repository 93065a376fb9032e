// Asking for an API key when presque needs one, and showing which key the page uses. The form
// and the badge are in index.html; names only ever reach the page as text.
import { forgetKey, storeKey } from "./key-store.js";

const $ = (id) => document.getElementById(id);
const section = $("key-section");
const form = $("key-form");
const input = $("key-input");
const error = $("key-error");
const badge = $("key-badge");
const keyName = $("key-name");
const forget = $("forget-key");
const views = $("views");
// Links the browser follows by itself, without the key: useless while auth is on.
const keylessLinks = [...document.querySelectorAll("a[data-keyless]")];

/**
 * `onKey()` runs after a key is entered (it is stored first), `onForget()` after "Forget key".
 * ask(message) shows the form (and why, when a key was refused); show(access) the views.
 */
export function createKeyGate({ onKey, onForget }) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (key === "") return;
    storeKey(key);
    input.value = "";
    onKey();
  });
  forget.addEventListener("click", () => {
    forgetKey();
    onForget();
  });

  return {
    ask(message) {
      views.hidden = true;
      badge.hidden = true;
      section.hidden = false;
      error.textContent = message ?? "";
      error.hidden = message === undefined;
      input.focus();
    },
    show(access) {
      section.hidden = true;
      views.hidden = false;
      badge.hidden = !access.auth;
      keyName.textContent = access.key ?? "";
      for (const link of keylessLinks) link.hidden = access.auth;
    },
  };
}
