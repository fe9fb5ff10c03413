/* Attachments: the file picker inside a form (the new ticket, a reply).
 *
 * Without JavaScript the files go with the form (multipart) and the server
 * checks and stores them. With it:
 * 1. before anything is sent, each file's size and type are checked against
 *    the limits the input carries (data-max-bytes, accept): a refused file
 *    stops the form, so nothing is created;
 * 2. the form is sent without the bytes but with each file's name, size and
 *    type (files_chosen), asking for JSON: the server checks them with the
 *    same rules, writes the ticket or reply, and answers where to upload and
 *    where to go. A form refused (an HTML answer) is sent again the plain way
 *    to show why, and the page then says the files must be chosen again;
 * 3. each file: presign, PUT with a progress bar, register (with the reply);
 * 4. the browser goes to the ticket, where the success message waits (no page
 *    was rendered meanwhile to use it up). A file that failed is reported
 *    first, so the ticket page says it did not upload and where to try again.
 */
(function () {
  "use strict";
  if (window.serviceDeskAttachments) { return; }
  window.serviceDeskAttachments = true;

  var EXTENSION_TYPES = {
    hwp: "application/x-hwp", hwpx: "application/vnd.hancom.hwpx",
    csv: "text/csv", txt: "text/plain", zip: "application/zip"
  };
  // The browser sets these itself; XMLHttpRequest refuses them.
  var BROWSER_HEADERS = ["content-length", "host"];

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_, name) {
      return values[name] === undefined ? "" : values[name];
    });
  }

  function extension(file) {
    var parts = file.name.split(".");
    return parts.length > 1 ? parts.pop().toLowerCase() : "";
  }

  function contentType(file) {
    if (file.type) { return file.type; }
    return EXTENSION_TYPES[extension(file)] || "application/octet-stream";
  }

  function typeAllowed(file, accept) {
    var allowed = (accept || "").split(",").map(function (each) {
      return each.trim().toLowerCase();
    }).filter(Boolean);
    if (!allowed.length) { return true; }
    var type = contentType(file).toLowerCase();
    return allowed.some(function (each) {
      return each === type || each === "." + extension(file);
    });
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

  /* The PUT to the storage, through XMLHttpRequest for its upload progress. */
  function put(grant, file, onProgress) {
    return new Promise(function (resolve, reject) {
      var request = new XMLHttpRequest();
      request.open(grant.method, grant.upload_url);
      Object.keys(grant.headers || {}).forEach(function (name) {
        if (BROWSER_HEADERS.indexOf(name.toLowerCase()) === -1) {
          request.setRequestHeader(name, grant.headers[name]);
        }
      });
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) { onProgress(event.loaded); }
      });
      request.addEventListener("load", function () {
        if (request.status >= 200 && request.status < 300) { resolve(); }
        else { reject(new Error(request.status + " " + request.statusText)); }
      });
      request.addEventListener("error", function () {
        reject(new Error(request.statusText || "network error"));
      });
      request.send(file);
    });
  }

  /* Shows the upload's progress: the <progress> bar and its percent. */
  function Progress(field, total) {
    this.box = field.querySelector("[data-attach-progress]");
    this.bar = this.box.querySelector("progress");
    this.percent = this.box.querySelector("[data-attach-percent]");
    this.total = Math.max(total, 1);
    this.box.hidden = false;
    this.show(0);
  }
  Progress.prototype.show = function (done) {
    var percent = Math.min(100, Math.floor((done * 100) / this.total));
    this.bar.value = percent;
    this.percent.textContent = percent + "%";
  };

  /* Presign, PUT, register each file in turn; rejects with the file that failed. */
  function uploadAll(files, target, token, internal, status, progress) {
    var sent = 0;
    var chain = Promise.resolve();
    files.forEach(function (file) {
      chain = chain.then(function () {
        status.textContent = format(status.dataset.msgUploading, { name: file.name });
        var meta = {
          filename: file.name, content_type: contentType(file),
          size: file.size, internal: internal
        };
        return api(target.presign_url, token, meta).then(function (grant) {
          return put(grant, file, function (loaded) { progress.show(sent + loaded); })
            .then(function () {
              var register = Object.assign({ key: grant.key }, meta);
              if (target.comment) { register.comment = target.comment; }
              return api(target.register_url, token, register);
            });
        }).then(function () {
          sent += file.size;
          progress.show(sent);
        }).catch(function (error) {
          error.file = file;
          throw error;
        });
      });
    });
    return chain.then(function () { status.textContent = status.dataset.msgDone; });
  }

  function showError(status, message) {
    status.classList.add("error");
    status.setAttribute("role", "alert");
    status.textContent = message;
  }

  /* Step 1: the files the form may not send, as messages (none: all fine). */
  function refusals(files, input, status) {
    var maxBytes = Number(input.dataset.maxBytes);
    var problems = [];
    files.forEach(function (file) {
      if (!typeAllowed(file, input.accept)) {
        problems.push(format(status.dataset.msgType, { name: file.name }));
      } else if (maxBytes && file.size > maxBytes) {
        problems.push(format(status.dataset.msgTooLarge, { name: file.name }));
      }
    });
    return problems;
  }

  function describe(files) {
    return files.map(function (file) {
      return JSON.stringify({ name: file.name, size: file.size, type: contentType(file) });
    });
  }

  /* The form refused: send it the plain way (without the bytes) to show why.
   * With the input emptied, the submit handler below lets this one through. */
  function sendPlainly(form, input, files, submitter) {
    input.value = "";
    describe(files).forEach(function (value) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = input.name + "_chosen";
      hidden.value = value;
      form.appendChild(hidden);
    });
    form.requestSubmit(submitter || undefined);
  }

  /* To `url`; on this very page (a reply) a new fragment alone would not reload. */
  function go(url) {
    var next = new URL(url, window.location.href);
    var here = window.location;
    if (next.pathname === here.pathname && next.search === here.search) {
      here.hash = next.hash;
      here.reload();
    } else {
      here.assign(next.href);
    }
  }

  function reportFailure(target, token, error) {
    var body = new URLSearchParams();
    body.append("name", error.file ? error.file.name : "");
    body.append("reason", (error.message || "").slice(0, 300));
    return fetch(target.failed_url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": token }, body: body
    }).catch(function () { return null; });
  }

  document.querySelectorAll("[data-attach-field]").forEach(function (field) {
    var input = field.querySelector("input[data-attach]");
    var form = field.closest("form");
    var status = field.querySelector("[data-attach-status]");
    if (!form || !input || !status) { return; }

    input.addEventListener("change", function () {
      var problems = refusals(Array.prototype.slice.call(input.files), input, status);
      status.classList.remove("error");
      status.removeAttribute("role");
      status.textContent = "";
      if (problems.length) { showError(status, problems.join(" ")); }
    });

    form.addEventListener("submit", function (event) {
      var files = Array.prototype.slice.call(input.files);
      if (!files.length || event.defaultPrevented) { return; }
      event.preventDefault();
      var problems = refusals(files, input, status);
      if (problems.length) {
        problems.push(status.dataset.msgNothingSent);
        showError(status, problems.join(" "));
        input.focus();
        return;
      }
      var token = csrfToken(form);
      var internal = isInternal(form, input);
      var data = new FormData(form);
      // The button that sent the form may carry a value (the reply's "and set status").
      var submitter = event.submitter;
      if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
      data.delete(input.name);
      describe(files).forEach(function (value) { data.append(input.name + "_chosen", value); });
      var buttons = form.querySelectorAll('button[type="submit"]');
      buttons.forEach(function (button) { button.disabled = true; });
      fetch(form.action || window.location.href, {
        method: "POST", credentials: "same-origin", body: data,
        headers: { Accept: "application/json" }
      }).then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") === -1) {
          // Disabled buttons would drop out of the form's data.
          buttons.forEach(function (button) { button.disabled = false; });
          sendPlainly(form, input, files, submitter);
          return null;
        }
        return response.json().then(function (target) {
          var total = files.reduce(function (sum, file) { return sum + file.size; }, 0);
          var progress = new Progress(field, total);
          return uploadAll(files, target, token, internal, status, progress)
            .then(function () { go(target.url); })
            .catch(function (error) {
              showError(status, format(status.dataset.msgFailed, {
                name: error.file ? error.file.name : "", reason: error.message
              }));
              return reportFailure(target, token, error).then(function () {
                go(target.url.split("#")[0] + "#reply");
              });
            });
        });
      }).catch(function (error) {
        showError(status, error.message);
        buttons.forEach(function (button) { button.disabled = false; });
      });
    });
  });
})();
