/* Who else has this ticket open (staff pages only).
 *
 * While the page is visible it tells the server every `interval` seconds
 * (15, from the answer) that this agent is viewing the ticket, or typing a
 * reply while the message box holds text; the answer names the other agents
 * present. Hidden, it stops; shown again, it reports at once. Leaving the page
 * says "left" with a keepalive request (it outlives the page, like
 * sendBeacon, and can carry the CSRF header), so the others stop seeing this
 * agent at once rather than when the entry expires.
 */
(function () {
  "use strict";
  var box = document.querySelector(".presence[data-presence-url]");
  if (!box) { return; }
  var list = box.querySelector(".presence-list");
  var url = box.dataset.presenceUrl;
  var interval = 15000;
  var timer = null;
  var lastState = null;

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function replyBox() {
    var form = document.getElementById("reply");
    return form ? form.elements.namedItem("body") : null;
  }

  function currentState() {
    var body = replyBox();
    return body && body.value.trim() ? "typing" : "viewing";
  }

  function send(state, keepalive) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ state: state })
    });
  }

  function show(others) {
    list.textContent = "";
    others.forEach(function (other) {
      var item = document.createElement("li");
      var template = other.state === "typing" ? box.dataset.typing : box.dataset.viewing;
      item.textContent = template.replace("%(name)s", other.name);
      item.className = "presence-" + other.state;
      list.appendChild(item);
    });
    box.hidden = others.length === 0;
  }

  function beat() {
    window.clearTimeout(timer);
    timer = null;
    if (document.visibilityState !== "visible") { return; }
    lastState = currentState();
    send(lastState)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) {
        if (answer) {
          show(answer.others || []);
          interval = (answer.interval || 15) * 1000;
        }
      })
      .catch(function () { /* the next beat tries again */ })
      .then(function () {
        if (document.visibilityState === "visible" && timer === null) {
          timer = window.setTimeout(beat, interval);
        }
      });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { beat(); }
    else { window.clearTimeout(timer); timer = null; }
  });
  // Starting or clearing a reply tells the others at once, not a beat later.
  var body = replyBox();
  if (body) {
    body.addEventListener("input", function () {
      if (currentState() !== lastState) { beat(); }
    });
  }
  window.addEventListener("pagehide", function () {
    window.clearTimeout(timer);
    send("left", true).catch(function () {});
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { beat(); }  // back from the browser's page cache
  });
  beat();
})();
