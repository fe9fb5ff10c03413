/* Canned replies in the reply form (staff).
 *
 * Without JavaScript "Insert" sends the reply form to the server, which shows
 * the page again with the text added. With it, the chosen reply is fetched
 * filled in for this ticket (GET /api/canned-replies/<id>?ticket=<id>) and put
 * in the message where the cursor is; nothing leaves the page.
 */
(function () {
  "use strict";

  function insertAtCursor(textarea, text) {
    var start = textarea.selectionStart, end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start);
    // On a line of its own when the cursor is in the middle of some text.
    if (before && !/\n$/.test(before)) { text = "\n" + text; }
    textarea.setRangeText(text, start, end, "end");
    textarea.focus();
    // Others listening for typing (presence.js) hear of it.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.querySelectorAll(".canned-replies").forEach(function (box) {
    var form = box.closest("form");
    var select = box.querySelector("select");
    var button = box.querySelector("button");
    var error = box.querySelector(".canned-error");
    var textarea = form && form.elements.namedItem("body");
    if (!form || !select || !button || !textarea) { return; }
    var api = box.dataset.cannedApi.replace(/\/$/, "");

    function show(message) {
      error.textContent = message;
      error.hidden = !message;
    }

    button.addEventListener("click", function (event) {
      event.preventDefault();
      show("");
      var url = api + "/" + encodeURIComponent(select.value) +
        "?ticket=" + encodeURIComponent(box.dataset.ticket);
      button.disabled = true;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (!response.ok) { throw new Error(body.detail || response.statusText); }
            return body;
          });
        })
        .then(function (canned) { insertAtCursor(textarea, canned.filled); })
        .catch(function (failure) {
          show((box.dataset.failed || "%(reason)s").replace("%(reason)s", failure.message));
        })
        .then(function () { button.disabled = false; });
    });
  });
})();
