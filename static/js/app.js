/* Portal KIM: the little JavaScript the pages need; htmx does the rest.
   No inline scripts anywhere: the Content-Security-Policy allows scripts from this site only. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var lastFailed = null;

  function statusBox() { return document.getElementById("net-status"); }

  function showProblem(kind, detail) {
    var box = statusBox();
    if (!box) { return; }
    box.textContent = "";
    var text = document.createElement("span");
    text.textContent = box.dataset[kind] || box.dataset.failed;
    box.appendChild(text);
    lastFailed = detail && detail.elt ? detail : null;
    if (lastFailed) {
      var retry = document.createElement("button");
      retry.type = "button";
      retry.className = "secondary";
      retry.textContent = box.dataset.retry;
      retry.addEventListener("click", retryLast);
      box.appendChild(retry);
    }
    box.hidden = false;
  }

  function hideProblem() {
    var box = statusBox();
    if (box) { box.hidden = true; box.textContent = ""; }
  }

  function retryLast() {
    var failed = lastFailed;
    hideProblem();
    if (!failed) { return; }
    var event = failed.requestConfig && failed.requestConfig.triggeringEvent;
    if (event && event.type && document.body.contains(failed.elt)) {
      htmx.trigger(failed.elt, event.type);
    } else {
      window.location.reload();
    }
  }

  document.addEventListener("htmx:timeout", function (evt) { showProblem("timeout", evt.detail); });
  document.addEventListener("htmx:sendError", function (evt) {
    showProblem(navigator.onLine === false ? "offline" : "failed", evt.detail);
  });
  document.addEventListener("htmx:responseError", function (evt) { showProblem("failed", evt.detail); });
  document.addEventListener("htmx:beforeRequest", hideProblem);

  /* htmx restores a page from its history snapshot with the filter fields as first
     rendered, not as last chosen: set every filter that pushes its values into the address
     bar back from the address bar, so the form and the list agree after Back/Forward. */
  document.addEventListener("htmx:historyRestore", function () {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("form[hx-push-url] [name]").forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = params.getAll(field.name).indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT" || field.tagName === "INPUT") {
        if (field.tagName === "SELECT" && !params.has(field.name)) {
          /* Not in the address: the option the server marked as the default. */
          var chosen = Array.prototype.find.call(field.options, function (option) {
            return option.defaultSelected;
          }) || field.options[0];
          field.value = chosen ? chosen.value : "";
        } else if (field.type !== "hidden" && field.type !== "submit") {
          field.value = params.get(field.name) || "";
        }
      }
    });
  });

  /* A filter form leaves its empty fields out of the request, so the address bar it pushes
     reads /kim/?kecamatan=33.18.14 rather than /kim/?q=&kecamatan=33.18.14. */
  document.addEventListener("htmx:configRequest", function (evt) {
    var form = evt.detail.elt.closest && evt.detail.elt.closest("form[hx-push-url]");
    if (!form || evt.detail.verb !== "get") { return; }
    var params = evt.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "") { delete params[name]; }
    });
  });

  /* A live filter form listens for `change` from its selects. A text field fires `change`
     too when it loses focus, and that would fetch the list again just as the person taps a
     result (the list is replaced under the finger and the tap is lost). Typing already
     updates the list (`input` events), so a text field's `change` stops here. */
  document.addEventListener("change", function (evt) {
    var field = evt.target;
    if (field.matches && field.matches("input[type=search], input[type=text]") &&
        field.closest("form[hx-push-url]")) {
      evt.stopPropagation();
    }
  }, true);

  /* A form marked data-once (with uploads, so not sent by htmx) cannot be sent twice by a
     double tap; the server also recognises a repeated submit. */
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.hasAttribute || !form.hasAttribute("data-once")) { return; }
    if (form.dataset.sent) { evt.preventDefault(); return; }
    form.dataset.sent = "1";
  });

  /* Errors from the server that carry HX-Retarget (a message for #flash) are shown. */
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget")) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  /* Upload progress: forms marked data-upload-progress show how much of their photos has
     been sent, so a slow connection does not look like a stuck page. */
  document.addEventListener("htmx:xhr:progress", function (evt) {
    var form = evt.target.closest && evt.target.closest("[data-upload-progress]");
    var box = form && form.querySelector(".upload-progress");
    if (!box || !evt.detail.total) { return; }
    var percent = Math.round(evt.detail.loaded / evt.detail.total * 100);
    var text = box.querySelector(".upload-progress-text");
    box.hidden = false;
    box.querySelector("progress").value = percent;
    text.textContent = percent >= 100 ? text.dataset.done
      : text.dataset.label.replace("{percent}", String(percent));
  });
})();

/* "Salin teks": copy a ready WhatsApp text from its textarea. */
(function () {
  "use strict";
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest ? evt.target.closest("[data-copy]") : null;
    if (!button) { return; }
    var area = document.getElementById(button.dataset.copy);
    if (!area) { return; }
    area.select();
    var done = function () { button.textContent = button.dataset.copied || button.textContent; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(area.value).then(done, function () {});
    }
  });
})();

/* "Pilih semua di halaman ini": a box marked data-check-all ticks every box named by it
   (data-check-all="pilih") in its form, rows loaded with "Muat lebih banyak" included. */
(function () {
  "use strict";
  document.addEventListener("change", function (evt) {
    var box = evt.target;
    if (!box.dataset || !box.dataset.checkAll || !box.form) { return; }
    box.form.querySelectorAll('input[type="checkbox"][name="' + box.dataset.checkAll + '"]')
      .forEach(function (other) { other.checked = box.checked; });
  });
})();
