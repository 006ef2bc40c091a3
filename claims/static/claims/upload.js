// Phone-first documents (issue 14), a progressive enhancement of the claim forms' file inputs (form.upload-form):
// the files picked and the photos taken add up instead of replacing each other, each shows as a thumbnail (a PDF as
// its name) with a Remove button, and the form is sent with a progress bar and a live region; the page the server
// answers (the per-document checks, or the errors) then replaces this one. Without JavaScript (or without
// DataTransfer) the form posts as it is.
(() => {
  const texts = document.getElementById("upload-texts");
  if (!texts || typeof DataTransfer === "undefined" || !window.FormData) return;
  const say = (key, values = {}) =>
    texts.dataset[key].replace(/\{(\w+)\}/g, (_all, name) => (name in values ? values[name] : ""));

  function enhance(form) {
    const inputs = [...form.querySelectorAll("input[type=file][name=documents]")];
    const main = inputs.find((input) => !input.hasAttribute("capture")) || inputs[0];
    if (!main) return;
    let chosen = [];
    const list = document.createElement("ul");
    list.className = "upload-previews";
    list.setAttribute("aria-label", say("list"));
    const status = document.createElement("p");
    status.className = "upload-status";
    status.setAttribute("role", "status");
    (form.querySelector(".camera-capture") || main).after(list, status);

    function sync() {
      const transfer = new DataTransfer();
      chosen.forEach((file) => transfer.items.add(file));
      main.files = transfer.files;
      inputs.filter((input) => input !== main).forEach((input) => { input.value = ""; });
    }

    function render(focusIndex) {
      list.querySelectorAll("img").forEach((img) => URL.revokeObjectURL(img.src));
      list.replaceChildren(...chosen.map((file, index) => {
        const item = document.createElement("li");
        if (file.type.startsWith("image/")) {
          const img = document.createElement("img");
          img.src = URL.createObjectURL(file);
          img.alt = "";
          item.append(img);
        } else {
          const icon = document.createElement("span");
          icon.className = "upload-icon";
          icon.setAttribute("aria-hidden", "true");
          icon.textContent = "PDF";
          item.append(icon);
        }
        const name = document.createElement("span");
        name.className = "upload-name";
        name.textContent = file.name;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "secondary outline small";
        remove.textContent = say("remove");
        remove.setAttribute("aria-label", `${say("remove")} ${file.name}`);
        remove.addEventListener("click", () => {
          chosen.splice(index, 1);
          sync();
          render(index);
          status.textContent = say("removed", { name: file.name, count: chosen.length });
        });
        item.append(name, remove);
        return item;
      }));
      if (focusIndex !== undefined) {
        const buttons = list.querySelectorAll("button");
        (buttons[Math.min(focusIndex, buttons.length - 1)] || main).focus();
      }
    }

    inputs.forEach((input) => input.addEventListener("change", () => {
      const added = [...input.files];
      if (!added.length) return;
      chosen = chosen.concat(added);
      sync();
      render();
      status.textContent = say("chosen", { count: chosen.length });
    }));

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const button = form.querySelector("button[type=submit], button:not([type])");
      const progress = document.createElement("progress");
      progress.max = 100;
      progress.value = 0;
      progress.setAttribute("aria-label", say("progress"));
      status.before(progress);
      if (button) button.disabled = true;
      status.textContent = say("sending", { percent: "0 %" });
      const data = new FormData(form);
      if (chosen.length) {  // else the files some other script put in the inputs go as they are
        data.delete("documents");
        chosen.forEach((file) => data.append("documents", file, file.name));
      }
      const request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      let announced = -25;
      request.upload.addEventListener("progress", (step) => {
        if (!step.lengthComputable) return;
        const percent = Math.round((step.loaded / step.total) * 100);
        progress.value = percent;
        progress.textContent = `${percent} %`;
        if (percent - announced >= 25 || percent === 100) {  // a screen reader hears a few steps, not every one
          announced = percent;
          status.textContent = say("sending", { percent: `${percent} %` });
        }
      });
      request.upload.addEventListener("load", () => { status.textContent = say("checking"); });
      request.addEventListener("load", () => {
        if (request.status >= 500 || !request.responseText) return failed();
        const sentTo = new URL(form.action || window.location.href, window.location.href).href;
        if (request.responseURL && request.responseURL !== sentTo) {  // redirected: the address of the page shown
          window.history.replaceState(null, "", request.responseURL);
        }
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", failed);
      function failed() {
        progress.remove();
        if (button) button.disabled = false;
        status.textContent = say("failed");
        status.focus();
      }
      request.send(data);
    });
    status.tabIndex = -1;
  }

  document.querySelectorAll("form.upload-form").forEach(enhance);
})();
