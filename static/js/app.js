/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // The header on a phone: the links fold into a menu behind one button (see app.css).
  document.querySelectorAll("button.menu-toggle").forEach(function (button) {
    var bar = button.closest(".topbar");
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!bar || !menu) { return; }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      bar.classList.toggle("menu-open", open);
    }
    bar.classList.add("has-menu");
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the open menu and gives the focus back to its button.
    bar.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  });

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
