/* Attachments: the three steps (presign, PUT to storage, register) from the pages.
 *
 * Two cases:
 * - the ticket page's own "attach a file" form [data-attach-form]: upload, reload;
 * - a file picker inside another form (reply, new ticket): the form is sent
 *   first (as it would be without JavaScript), then the files are uploaded to
 *   the ticket it led to, then the browser goes there.
 * Without JavaScript the ticket page's form posts the file to Django instead.
 */
(function () {
  "use strict";
  if (window.serviceDeskAttachments) { return; }
  window.serviceDeskAttachments = true;

  var EXTENSION_TYPES = {
    hwp: "application/x-hwp", hwpx: "application/vnd.hancom.hwpx",
    csv: "text/csv", txt: "text/plain", zip: "application/zip"
  };

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_, name) {
      return values[name] === undefined ? "" : values[name];
    });
  }

  function contentType(file) {
    if (file.type) { return file.type; }
    var ext = (file.name.split(".").pop() || "").toLowerCase();
    return EXTENSION_TYPES[ext] || "application/octet-stream";
  }

  function csrfToken(form) {
    // form.elements also holds the token input that sits outside a cached
    // fragment and joins the form through its form="…" attribute.
    var input = form.elements.namedItem("csrfmiddlewaretoken");
    return input ? input.value : "";
  }

  function isInternal(form, input) {
    var field = input.dataset.internalField;
    if (!field) { return false; }
    var chosen = form.querySelector('input[name="' + field + '"]:checked');
    return Boolean(chosen && chosen.value === input.dataset.internalValue);
  }

  function errorText(body) {
    if (!body || typeof body !== "object") { return ""; }
    if (body.detail) { return body.detail; }
    return Object.keys(body).map(function (key) {
      return [].concat(body[key]).join(" ");
    }).join(" ");
  }

  function api(url, token, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) { throw new Error(errorText(body) || response.statusText); }
        return body;
      });
    });
  }

  /* Presign, PUT, register one file; resolves with the attachment. */
  function uploadOne(file, urls, token, internal) {
    var meta = {
      filename: file.name, content_type: contentType(file),
      size: file.size, internal: internal
    };
    return api(urls.presign, token, meta).then(function (grant) {
      return fetch(grant.upload_url, {
        method: grant.method, headers: grant.headers, body: file
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
        return api(urls.register, token, Object.assign({ key: grant.key }, meta));
      });
    });
  }

  function uploadAll(files, urls, token, internal, status, maxBytes) {
    var chain = Promise.resolve();
    files.forEach(function (file) {
      chain = chain.then(function () {
        if (file.size > maxBytes) {
          throw new Error(format(status.dataset.msgTooLarge, { name: file.name }));
        }
        status.textContent = format(status.dataset.msgUploading, { name: file.name });
        return uploadOne(file, urls, token, internal).catch(function (error) {
          throw new Error(format(status.dataset.msgFailed,
            { name: file.name, reason: error.message }));
        });
      });
    });
    return chain.then(function () { status.textContent = status.dataset.msgDone; });
  }

  function statusOf(input) {
    return input.closest("[data-attach-field], form").querySelector("[data-attach-status]");
  }

  function showError(status, error, link) {
    status.classList.add("error");
    status.textContent = error.message + " ";
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = link;
      status.appendChild(a);
    }
  }

  /* The ticket page's own form. */
  document.querySelectorAll("form[data-attach-form]").forEach(function (form) {
    var input = form.querySelector("input[data-attach]");
    form.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(input.files);
      if (!files.length) { return; }
      event.preventDefault();
      var status = statusOf(input);
      var button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      uploadAll(files, {
        presign: input.dataset.presignUrl, register: input.dataset.registerUrl
      }, csrfToken(form), isInternal(form, input), status, Number(input.dataset.maxBytes))
        .then(function () { window.location.reload(); })
        .catch(function (error) { showError(status, error); button.disabled = false; });
    });
  });

  /* A picker inside the reply or new-ticket form. */
  document.querySelectorAll("[data-attach-field]").forEach(function (field) {
    var input = field.querySelector("input[data-attach]");
    var form = field.closest("form");
    if (!form || !input) { return; }
    field.hidden = false;
    form.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(input.files);
      if (!files.length || event.defaultPrevented) { return; }
      event.preventDefault();
      var status = statusOf(input);
      var token = csrfToken(form);
      var internal = isInternal(form, input);
      form.querySelectorAll('button[type="submit"]').forEach(function (b) { b.disabled = true; });
      fetch(form.action || window.location.href, {
        method: "POST", credentials: "same-origin", body: new FormData(form)
      }).then(function (response) {
        if (!response.ok || !response.redirected) {
          // The form itself was refused: send it the plain way to see why.
          input.value = "";
          HTMLFormElement.prototype.submit.call(form);
          return null;
        }
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var target = page.querySelector("[data-attachments]");
          var urls = {
            presign: input.dataset.presignUrl || (target && target.dataset.presignUrl),
            register: input.dataset.registerUrl || (target && target.dataset.registerUrl)
          };
          if (!urls.presign) { throw new Error(response.url); }
          return uploadAll(files, urls, token, internal, status, Number(input.dataset.maxBytes))
            .then(function () { window.location.assign(response.url); })
            .catch(function (error) { showError(status, error, response.url); });
        });
      }).catch(function (error) { showError(status, error); });
    });
  });
})();
