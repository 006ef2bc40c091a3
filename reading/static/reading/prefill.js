// "Start from a bill": upload the bill, poll what was read, pre-fill the care form (the member checks and submits).
(function () {
  "use strict";
  const box = document.getElementById("bill-prefill");
  if (!box) return;
  const input = box.querySelector("input[type=file]");
  const status = box.querySelector(".bill-prefill-status");
  const form = box.parentElement.querySelector("form[enctype='multipart/form-data']");
  const csrf = form && form.querySelector("input[name=csrfmiddlewaretoken]");

  function fill(fields) {
    for (const [name, value] of Object.entries(fields)) {
      const field = form.querySelector("[name='" + name + "']");
      if (!field || value === null || value === undefined) continue;
      if (field.tagName === "SELECT" && !field.querySelector("option[value='" + value + "']")) continue;
      field.value = value;
      field.classList.add("read-from-bill");
      field.setAttribute("data-read-from-bill", "1");
      field.addEventListener("input", () => field.classList.remove("read-from-bill"), { once: true });
    }
  }

  function attach(file) {
    const documents = form.querySelector("input[type=file][name=documents]");
    if (!documents || typeof DataTransfer === "undefined") return;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    documents.files = transfer.files;
    // As if the member had picked it: the claim form's thumbnails and sending (claims/upload.js) take it up.
    documents.dispatchEvent(new Event("change", { bubbles: true }));
  }

  async function poll(url, tries) {
    const answer = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    const reading = await answer.json();
    if (reading.status === "pending" && tries > 0) {
      setTimeout(() => poll(url, tries - 1), 1500);
      return;
    }
    if (reading.status === "done") {
      fill(reading.form);
      status.textContent = box.dataset.done;
    } else {
      status.textContent = box.dataset.failed;
    }
  }

  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file || !form) return;
    attach(file);
    status.textContent = box.dataset.reading;
    const body = new FormData();
    body.append("file", file);
    const answer = await fetch(box.dataset.startUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" },
    });
    const reading = await answer.json();
    if (!answer.ok) { status.textContent = reading.error || box.dataset.failed; return; }
    poll(reading.url, 60);
  });
})();
