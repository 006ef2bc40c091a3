// The error summary: focus is on it after a failed submit (autofocus, with this as the fallback), and each of its
// links moves the focus to its field, not only the scroll (without JavaScript the link still scrolls to it).
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  if (document.activeElement !== summary) summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    const label = document.querySelector(`label[for="${field.id}"]`) || field.closest("fieldset") || field;
    label.scrollIntoView();
    field.focus({ preventScroll: true });
  });
});
