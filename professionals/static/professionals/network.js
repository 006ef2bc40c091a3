// "Use my position" for the partner-network search (SPEC M11): progressive enhancement, the form works without it.
(function () {
  "use strict";
  var button = document.getElementById("use-position");
  var form = document.getElementById("network-search");
  if (!button || !form || !("geolocation" in navigator)) { return; }
  var status = document.getElementById("position-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.locating;
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(5);
      form.elements.longitude.value = position.coords.longitude.toFixed(5);
      form.elements.place.value = "";
      form.submit();
    }, function () {
      status.textContent = button.dataset.denied;
      button.disabled = false;
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 });
  });
  form.elements.place.addEventListener("input", function () {
    form.elements.latitude.value = "";
    form.elements.longitude.value = "";
  });
})();
