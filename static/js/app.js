// Small behaviours without inline scripts (the pages run under a strict CSP).
document.addEventListener("click", function (event) {
  // Booking: tapping a free time in the advisor's day picks it.
  var slot = event.target.closest(".slot[data-time]");
  if (slot) {
    var select = document.getElementById("id_slot");
    if (select) {
      select.value = slot.dataset.time;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
});
// Scroll a form error into view after an htmx swap (tablets: the error may be below the fold).
document.body.addEventListener("htmx:afterSwap", function (event) {
  var alert = event.detail.target && event.detail.target.querySelector && event.detail.target.querySelector(".alert-danger");
  if (alert) { alert.scrollIntoView({ behavior: "smooth", block: "center" }); }
});
