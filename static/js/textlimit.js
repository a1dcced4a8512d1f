// Free text has a limit (issue 16): under every box with a maxlength, how
// many characters are left, updated as one types. The box stops at the
// limit; a longer text sent anyway comes back refused with a message, and
// the counter then says by how much it is over. No inline script (CSP).
(function () {
  var messages = document.documentElement.dataset;
  var left = messages.msgCharsLeft || "Characters left: {n}";
  var over = messages.msgCharsOver || "Too long by {n} characters";
  var cut = messages.msgPasteCut || "The pasted text was {n} characters too long";

  function counterFor(box) {
    if (box.textLimitCounter && box.textLimitCounter.isConnected) { return box.textLimitCounter; }
    var counter = document.createElement("div");
    counter.className = "form-text text-end text-limit";
    counter.setAttribute("aria-live", "polite");
    counter.id = (box.id || "box-" + Math.random().toString(36).slice(2)) + "-left";
    box.insertAdjacentElement("afterend", counter);
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    box.textLimitCounter = counter;
    return counter;
  }

  function update(box) {
    var remaining = box.maxLength - box.value.length;
    var counter = counterFor(box);
    counter.textContent = (remaining < 0 ? over : left).replace("{n}", Math.abs(remaining));
    counter.classList.toggle("text-danger", remaining * 10 < box.maxLength);
  }

  function setupAll(root) {
    if (root && root.querySelectorAll) { root.querySelectorAll("textarea[maxlength]").forEach(update); }
  }

  // The browser cuts a paste at the limit without a word: say how much was left out.
  document.addEventListener("paste", function (event) {
    var box = event.target;
    if (!(box.matches && box.matches("textarea[maxlength]")) || !event.clipboardData) { return; }
    var pasted = event.clipboardData.getData("text").replace(/\r\n/g, "\n");
    var room = box.maxLength - box.value.length + (box.selectionEnd - box.selectionStart);
    if (pasted.length <= room) { return; }
    setTimeout(function () {
      var counter = counterFor(box);
      counter.textContent = cut.replace("{n}", pasted.length - room);
      counter.classList.add("text-danger");
    }, 0);
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[maxlength]")) { update(event.target); }
  });
  setupAll(document);  // loaded at the end of the body: the boxes are there
  document.body.addEventListener("htmx:afterSettle", function (event) { setupAll(event.detail.elt); });
})();
