// The estimate (issue 14): the doctor's sector is asked only for the care categories where it changes our cover
// (the form's data-sector-categories). Without JavaScript the question stays, with its hint saying when it counts.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-sector-categories]");
  const category = form && form.querySelector("select[name='category']");
  const radio = form && form.querySelector("input[name='sector']");
  if (!category || !radio) return;
  const codes = form.dataset.sectorCategories.split(" ");
  const block = radio.closest("fieldset") || radio.closest("div");
  const sync = () => {
    const asked = codes.includes(category.value);
    block.hidden = !asked;
    form.querySelectorAll("input[name='sector']").forEach((input) => { input.disabled = !asked; });
  };
  category.addEventListener("change", sync);
  sync();
});
