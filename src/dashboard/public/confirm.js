// A confirmation in the page (a <dialog>), rather than window.confirm: it can say what will be
// lost, and a browser test can press its buttons like a person.
const dialog = document.getElementById("confirm");
const text = document.getElementById("confirm-text");
const ok = document.getElementById("confirm-ok");

/** Resolves true when the operator confirms. */
export function confirmAction(question, confirmLabel) {
  text.textContent = question;
  ok.textContent = confirmLabel;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}
