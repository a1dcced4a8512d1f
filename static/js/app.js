// Small behaviours without inline scripts (the pages run under a strict CSP).
(function () {
  var chosenSlot = "";

  document.addEventListener("click", function (event) {
    // Booking refused for a full day: a day with room, tapped, becomes the date.
    var dayButton = event.target.closest("[data-set-day]");
    if (dayButton) {
      var day = document.getElementById("id_day");
      if (day) {
        day.value = dayButton.dataset.setDay;
        day.dispatchEvent(new Event("change", { bubbles: true }));
        day.scrollIntoView({ behavior: "smooth", block: "center" });
      }
    }
    // Booking: tapping a free time in the advisor's day picks it.
    var slot = event.target.closest(".slot[data-time]");
    if (slot) {
      var select = document.getElementById("id_slot");
      if (select) {
        select.value = slot.dataset.time;
        chosenSlot = slot.dataset.time;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_slot") { chosenSlot = event.target.value; }
  });

  document.body.addEventListener("htmx:afterSettle", function () {
    // The free times are re-rendered when the advisor or the day changes: keep
    // the time the person chose if it is still free.
    var select = document.getElementById("id_slot");
    if (select && chosenSlot && select.querySelector('option[value="' + chosenSlot + '"]')) {
      select.value = chosenSlot;
    }
  });

  // Scroll a form error into view after an htmx swap (tablets: it may be below the fold).
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var alert = target && target.querySelector && target.querySelector(".alert-danger");
    if (alert) { alert.scrollIntoView({ behavior: "smooth", block: "center" }); }
  });
})();
