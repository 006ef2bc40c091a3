// The space's header menu folds behind a "Menu" button on narrow screens; without JavaScript it stays open.
document.addEventListener("DOMContentLoaded", () => {
  for (const nav of document.querySelectorAll("[data-collapsible]")) {
    const button = nav.querySelector(".menu-button");
    if (!button) continue;
    button.hidden = false;
    nav.classList.add("collapsible");
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
    });
  }
});
