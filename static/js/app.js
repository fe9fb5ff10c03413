/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // The queue: a "select all on this page" checkbox.
  document.querySelectorAll("input.pick-all").forEach(function (all) {
    var form = all.form;
    all.hidden = false;
    all.addEventListener("change", function () {
      form.querySelectorAll('input[name="tickets"]').forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });

  // The reply form: make an internal note look like one before it is sent.
  document.querySelectorAll("form.reply-form").forEach(function (form) {
    var radios = form.querySelectorAll('input[name="visibility"]');
    function update() {
      var internal = form.querySelector('input[name="visibility"][value="internal"]');
      form.classList.toggle("is-internal", Boolean(internal && internal.checked));
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
