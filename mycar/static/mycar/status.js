// The car's status page (issue 20): htmx asks for the news every few seconds. Two things it must not do:
// throw away the customer's half-made decision on a finding (a swap would reset the radio buttons), and
// redraw the page when nothing changed (a 304 reaches htmx as the same text again).
(function () {
  "use strict";
  var last = null;
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.car-decision");
    if (form) { form.dataset.touched = "1"; }
  });
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form.car-decision");
    if (form) { form.dataset.touched = "1"; }
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target.id === "car-status" && document.querySelector("form.car-decision[data-touched]")) {
      event.preventDefault();  // the customer is deciding: ask again after they sent it
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.target.id !== "car-status") { return; }
    var text = event.detail.xhr.responseText;
    if (event.detail.xhr.status !== 200 || text === last) {
      event.detail.shouldSwap = false;  // no news, or the link stopped working: keep what is shown
    }
    if (event.detail.xhr.status === 200) { last = text; }
  });
})();
