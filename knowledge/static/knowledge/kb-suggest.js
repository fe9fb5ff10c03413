/* The new-ticket form: while the title is typed, suggest knowledge base articles.
   Progressive: without JavaScript the panel stays hidden and the form works. */
(function () {
  "use strict";

  var DELAY_MS = 300;

  function csrfToken(form) {
    var input = form && form.elements.namedItem("csrfmiddlewaretoken");
    return input ? input.value : "";
  }

  function setUp(panel) {
    var form = panel.closest("form");
    var title = form && form.elements.namedItem("title");
    if (!title) { return; }
    var list = panel.querySelector(".kb-suggest-list");
    var itemTemplate = panel.querySelector("template.kb-suggest-item");
    var thanks = panel.querySelector(".kb-thanks");
    var deflectUrl = panel.dataset.deflectUrl || "";
    var timer = null;
    var lastQuery = null;
    var controller = null;

    // Right under the title, where the eye is while typing.
    var field = title.closest(".field") || title;
    field.after(panel);

    function show(articles) {
      list.replaceChildren();
      articles.forEach(function (article) {
        var item = itemTemplate.content.firstElementChild.cloneNode(true);
        var link = item.querySelector(".kb-suggest-link");
        link.href = article.url;
        link.textContent = article.title;
        var button = item.querySelector(".kb-solved");
        if (deflectUrl) {
          button.addEventListener("click", function () { solved(article, button); });
        } else {
          button.remove();
        }
        list.appendChild(item);
      });
      panel.hidden = articles.length === 0 && thanks.hidden;
    }

    function solved(article, button) {
      button.disabled = true;  // a double click counts once (the server agrees)
      fetch(deflectUrl.replace(/\/0\/deflect/, "/" + article.id + "/deflect"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), "Accept": "application/json" }
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.statusText); }
        thanks.hidden = false;
        panel.hidden = false;
      }).catch(function () {
        button.disabled = false;
      });
    }

    function search() {
      var q = title.value.trim();
      if (q === lastQuery) { return; }
      lastQuery = q;
      if (controller) { controller.abort(); }
      if (q.length < 2) { show([]); return; }
      controller = new AbortController();
      var url = panel.dataset.url + "?" + new URLSearchParams({ q: q }).toString();
      fetch(url, {
        credentials: "same-origin",
        headers: { "Accept": "application/json" },
        signal: controller.signal
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.statusText); }
        return response.json();
      }).then(function (body) {
        show(body.results || []);
      }).catch(function () { /* suggestions are a help, never a blocker */ });
    }

    title.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, DELAY_MS);
    });
    if (title.value.trim()) { search(); }  // a form sent back with errors
  }

  document.querySelectorAll("[data-kb-suggest]").forEach(setUp);
})();
