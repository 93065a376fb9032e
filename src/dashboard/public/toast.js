// One line of feedback for actions (and their errors), which fades after a few seconds.
const toast = document.getElementById("toast");
let timer;

export function say(message, kind = "info") {
  toast.textContent = message;
  toast.dataset.kind = kind;
  toast.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => {
    toast.hidden = true;
  }, 5000);
}
