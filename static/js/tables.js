// A table wider than its scroll box (issue 14): the box becomes a named region the keyboard can reach and scroll
// (axe-core's scrollable-region-focusable). Named after the table's caption, else the heading before it.
function nameOf(box) {
  const caption = box.querySelector("caption");
  if (caption && caption.textContent.trim()) return caption.textContent.trim();
  for (let node = box; node && node !== document.body; node = node.parentElement) {
    for (let before = node.previousElementSibling; before; before = before.previousElementSibling) {
      const heading = before.matches("h1, h2, h3, h4") ? before : before.querySelector("h1, h2, h3, h4");
      if (heading && heading.textContent.trim()) return heading.textContent.trim();
    }
  }
  return document.title;
}

function markScrollable() {
  for (const box of document.querySelectorAll(".table-scroll")) {
    if (box.scrollWidth > box.clientWidth) {
      if (!box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
        box.dataset.scrollMarked = "";
      }
    } else if ("scrollMarked" in box.dataset) {
      for (const attribute of ["tabindex", "role", "aria-label", "data-scroll-marked"]) box.removeAttribute(attribute);
    }
  }
}

document.addEventListener("DOMContentLoaded", markScrollable);
window.addEventListener("resize", markScrollable);
