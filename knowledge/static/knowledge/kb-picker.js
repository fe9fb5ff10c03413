/* The staff reply form: find a knowledge base article and insert its link.
   Without JavaScript the picker stays hidden and a link to /kb/ is shown. */
(function () {
  "use strict";

  var DELAY_MS = 300;

  function insertAt(textarea, text) {
    var start = textarea.selectionStart;
    var end = textarea.selectionEnd;
    var before = textarea.value.slice(0, start);
    var after = textarea.value.slice(end);
    var padBefore = before && !/\s$/.test(before) ? " " : "";
    var padAfter = after && !/^\s/.test(after) ? " " : "";
    var inserted = padBefore + text + padAfter;
    textarea.value = before + inserted + after;
    var caret = before.length + inserted.length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setUp(picker) {
    var form = picker.closest("form");
    var textarea = form && form.querySelector('textarea[name="body"]');
    if (!textarea) { return; }
    var input = picker.querySelector(".kb-picker-q");
    var results = picker.querySelector(".kb-picker-results");
    var empty = picker.querySelector(".kb-picker-empty");
    var itemTemplate = picker.querySelector("template.kb-picker-item");
    var fallback = form.querySelector(".kb-picker-fallback");
    var timer = null;
    var controller = null;

    picker.hidden = false;
    if (fallback) { fallback.hidden = true; }

    function show(articles) {
      results.replaceChildren();
      articles.forEach(function (article) {
        var item = itemTemplate.content.firstElementChild.cloneNode(true);
        item.querySelector(".kb-picker-title").textContent = article.title;
        item.querySelector(".kb-insert").addEventListener("click", function () {
          insertAt(textarea, article.url);
        });
        results.appendChild(item);
      });
      empty.hidden = articles.length > 0 || !input.value.trim();
    }

    function search() {
      if (controller) { controller.abort(); }
      controller = new AbortController();
      // Public articles only: the link goes to the requester.
      var params = new URLSearchParams({ q: input.value.trim(), public: "true", page_size: "8" });
      fetch(picker.dataset.url + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        signal: controller.signal
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.statusText); }
        return response.json();
      }).then(function (body) {
        show(body.results || []);
      }).catch(function () { /* the link can still be copied from /kb/ */ });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    // Enter searches; it must not send the reply the picker sits in.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        clearTimeout(timer);
        search();
      }
    });
    picker.addEventListener("toggle", function () {
      if (picker.open && !results.children.length) { search(); }
    });
  }

  document.querySelectorAll("[data-kb-picker]").forEach(setUp);
})();
