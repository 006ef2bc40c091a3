// Password strength meter: a hint while typing; the server decides (zxcvbn, CNIL 2022 rules).
(function () {
  function score(value) {
    if (!value) return 0;
    var classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter(function (re) { return re.test(value); }).length;
    var s = value.length >= 12 ? 1 : 0;
    if (value.length >= 14) s += 1;
    if (value.length >= 20) s += 1;
    if (classes >= 3) s += 1;
    return Math.min(s, 4);
  }
  document.querySelectorAll('input[name="new_password1"], input[name="password1"]').forEach(function (input) {
    var lang = document.documentElement.lang;
    var labels = lang === "en" ? ["Very weak", "Weak", "Fair", "Strong", "Very strong"]
                               : ["Très faible", "Faible", "Moyen", "Fort", "Très fort"];
    var meter = document.createElement("progress");
    meter.max = 4; meter.value = 0; meter.setAttribute("aria-hidden", "true");
    var text = document.createElement("small");
    text.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", text);
    input.insertAdjacentElement("afterend", meter);
    input.addEventListener("input", function () {
      var s = score(input.value);
      meter.value = s;
      text.textContent = input.value ? (lang === "en" ? "Strength: " : "Robustesse : ") + labels[s] : "";
    });
  });
})();
