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
    // A refused time stays marked on the redrawn select; tie it again to its
    // message under the field (the fragment alone does not hold the message).
    if (select && select.getAttribute("aria-invalid") === "true" && document.getElementById("id_slot_error")) {
      select.setAttribute("aria-describedby", "id_slot_error");
    }
  });

  // A page sent back with errors opens at the first field to fix (tablets: it may be far below).
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector(".is-invalid, .unanswered, [data-scroll-here]");
    if (first) { first.scrollIntoView({ block: "center" }); }
  });

  // Scroll a form error into view after an htmx swap (tablets: it may be below the fold).
  // The server marks the message to show with data-scroll-here.
  document.body.addEventListener("htmx:afterSettle", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.querySelector) { return; }
    var mark = elt.matches("[data-scroll-here]") ? elt : elt.querySelector("[data-scroll-here]");
    mark = mark || elt.querySelector(".alert-danger");
    if (mark) {
      mark.removeAttribute("data-scroll-here");
      mark.scrollIntoView({ behavior: "smooth", block: "center" });
    }
  });
})();

// QC checklist: one tap answers every check not answered yet (the failed ones stay failed).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-check-all]");
  if (!button) { return; }
  var form = button.closest("form");
  var names = {};
  form.querySelectorAll("input[type=radio][name^=check_]").forEach(function (radio) { names[radio.name] = true; });
  Object.keys(names).forEach(function (name) {
    if (!form.querySelector("input[name='" + name + "']:checked")) {
      var choice = form.querySelector("input[name='" + name + "'][value='" + button.dataset.checkAll + "']");
      if (choice) { choice.checked = true; }
    }
  });
});

// Fill a field from a suggestion button: data-fill-target="#id" data-fill-value="...".
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill-target]");
  if (!button) { return; }
  var field = document.querySelector(button.dataset.fillTarget);
  if (field) { field.value = button.dataset.fillValue; field.dispatchEvent(new Event("change", { bubbles: true })); }
});

// Damage marks: tapping the drawing of the car places a pending mark and
// fills the form's x/y (in percent of the drawing).
document.addEventListener("click", function (event) {
  var svg = event.target.closest("svg.car-drawing.interactive");
  if (!svg) { return; }
  // Map the tap into the drawing's own coordinates (viewBox), whatever its size on screen.
  var point = svg.createSVGPoint();
  point.x = event.clientX;
  point.y = event.clientY;
  var local = point.matrixTransform(svg.getScreenCTM().inverse());
  var view = svg.viewBox.baseVal;
  var x = Math.min(100, Math.max(0, local.x / view.width * 100)).toFixed(2);
  var y = Math.min(100, Math.max(0, local.y / view.height * 100)).toFixed(2);
  var pending = svg.querySelector("#" + svg.id + "-pending");
  if (pending) { pending.setAttribute("cx", x + "%"); pending.setAttribute("cy", y + "%"); }
  var form = document.getElementById("damage-form");
  if (form) {
    form.querySelector("[name=x]").value = x;
    form.querySelector("[name=y]").value = y;
    var submit = document.getElementById("damage-submit");
    if (submit) { submit.disabled = false; }
  }
});

// Signature pads: draw with a finger or a pen; the drawing goes into the
// hidden field as a PNG data URL when the form is sent.
(function () {
  function setup(canvas) {
    if (canvas.dataset.ready) { return; }
    canvas.dataset.ready = "1";
    var context = canvas.getContext("2d");
    context.lineWidth = 3;
    context.lineCap = "round";
    context.strokeStyle = "#0b2a6f";
    var drawing = false;
    var inked = false;
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: (event.clientX - box.left) * canvas.width / box.width,
               y: (event.clientY - box.top) * canvas.height / box.height };
    }
    canvas.addEventListener("pointerdown", function (event) {
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      inked = true;
      event.preventDefault();
    });
    function stop() {
      if (!drawing) { return; }
      drawing = false;
      var field = document.getElementById(canvas.dataset.signatureFor);
      if (field && inked) { field.value = canvas.toDataURL("image/png"); }
    }
    // A form sent back with an error keeps the signature already drawn.
    var kept = document.getElementById(canvas.dataset.signatureFor);
    if (kept && kept.value.indexOf("data:image/png;base64,") === 0) {
      var image = new Image();
      image.onload = function () { context.drawImage(image, 0, 0, canvas.width, canvas.height); inked = true; };
      image.src = kept.value;
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointerleave", stop);
    canvas.clear = function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      inked = false;
      var field = document.getElementById(canvas.dataset.signatureFor);
      if (field) { field.value = ""; }
    };
  }
  function setupAll(root) {
    (root || document).querySelectorAll("canvas.signature-pad").forEach(setup);
  }
  document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  document.body.addEventListener("htmx:afterSettle", function (event) { setupAll(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-signature-clear]");
    if (!button) { return; }
    var canvas = document.querySelector('canvas[data-signature-for="' + button.dataset.signatureClear + '"]');
    if (canvas && canvas.clear) { canvas.clear(); }
  });
})();

// A section save that fails (server refused, connection dropped) must not
// look like nothing happened: say so above the section, keep what was typed.
(function () {
  function warn(target, text) {
    if (!target) { return; }
    var box = target.querySelector(":scope > .htmx-failure") || document.createElement("div");
    box.className = "alert alert-danger htmx-failure";
    box.setAttribute("role", "alert");
    box.textContent = text;
    target.prepend(box);
    box.scrollIntoView({ behavior: "smooth", block: "center" });
  }
  var messages = document.documentElement.dataset;
  document.body.addEventListener("htmx:responseError", function (event) {
    warn(event.detail.target, messages.msgSaveFailed || "Not saved: the server refused it. Nothing was changed; check and try again.");
  });
  document.body.addEventListener("htmx:sendError", function (event) {
    warn(event.detail.target, messages.msgOffline || "Not saved: no connection. Nothing was changed; try again.");
  });
})();
