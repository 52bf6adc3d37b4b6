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

  /* Errors from the server that carry HX-Retarget (a message for #flash) are shown, and so
     is the page a boosted form gets back (a 429 "wait a moment", an error page), as the
     browser would show it without JavaScript. */
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.status >= 400 && (xhr.getResponseHeader("HX-Retarget") || evt.detail.boosted)) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  /* A "load more" item marked data-focus-new is replaced by the next items: focus moves to
     the first of them, so a keyboard or screen-reader user carries on where they begin
     instead of at the top of the page. */
  var loadingMore = false;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var target = evt.detail.target;
    loadingMore = Boolean(target && target.matches && target.matches("[data-focus-new]") &&
                          !evt.detail.isError);
  });
  document.addEventListener("htmx:afterSwap", function (evt) {
    var first = evt.target;
    if (!loadingMore || !first.querySelector) { return; }
    loadingMore = false;
    var link = first.matches("a[href]") ? first : first.querySelector("a[href]");
    if (link) { link.focus(); }
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

/* Photos are shrunk on the phone to at most 1600 px (input[data-shrink]) before they are
   sent: three phone photos of ~8 MB become a few hundred KB each. The server re-encodes
   every photo anyway; a browser without canvas support sends the originals. */
(function () {
  "use strict";
  var TYPES = /^image\/(jpeg|png|webp)$/;

  function shrink(file, max) {
    if (!TYPES.test(file.type) || !window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var context = canvas.getContext("2d");
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          resolve(blob && blob.size < file.size
            ? new File([blob], file.name.replace(/\.\w+$/, "") + ".jpg", { type: "image/jpeg" })
            : file);
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  document.addEventListener("change", function (evt) {
    var input = evt.target;
    if (!input.matches || !input.matches("input[type=file][data-shrink]") ||
        !window.DataTransfer || !input.files.length) { return; }
    var buttons = input.form ? input.form.querySelectorAll("button[type=submit]") : [];
    var max = parseInt(input.dataset.shrink, 10) || 1600;
    Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
    input.setAttribute("aria-busy", "true");
    Promise.all(Array.prototype.map.call(input.files, function (file) {
      return shrink(file, max);
    })).then(function (files) {
      var list = new DataTransfer();
      files.forEach(function (file) { list.items.add(file); });
      input.files = list.files;
    }).finally(function () {
      input.removeAttribute("aria-busy");
      Array.prototype.forEach.call(buttons, function (button) { button.disabled = false; });
    });
  });
})();

/* The installable app: the service worker (offline page, cached static files), and a
   question typed without a connection kept on the phone as a draft (form[data-draft]),
   offered again when the connection is back. Photos cannot be kept in a draft. */
(function () {
  "use strict";
  var worker = document.querySelector('meta[name="kim-service-worker"]');
  if (worker && "serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register(worker.content).catch(function () {});
    });
  }

  var PREFIX = "kim-draft-";
  function storageKey(form) { return PREFIX + form.dataset.draft; }
  function read(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "submit" && el.type !== "button" &&
        el.name !== "csrf_token" && el.name !== "drop_photo";
    });
  }
  function save(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { values[el.name] = el.value; }
      } else { values[el.name] = el.value; }
    });
    try {
      window.localStorage.setItem(storageKey(form), JSON.stringify({ values: values }));
    } catch (e) { /* storage full or off: nothing to keep it in */ }
  }
  function restore(form, draft) {
    var village = null;
    fields(form).forEach(function (el) {
      if (!(el.name in draft.values)) {
        if (el.type === "checkbox") { el.checked = false; }
        return;
      }
      var value = draft.values[el.name];
      if (el.type === "checkbox" || el.type === "radio") { el.checked = el.value === value; }
      else if (el.name === "village") { village = value; el.value = value; }
      else { el.value = value; }
    });
    var select = form.querySelector("select[name=village]");
    if (village && select && select.value !== village && window.htmx) {
      /* The village list is the kecamatan's: load it, then choose the village again. */
      document.addEventListener("htmx:afterSettle", function again() {
        var fresh = form.querySelector("select[name=village]");
        if (fresh) { fresh.value = village; }
        document.removeEventListener("htmx:afterSettle", again);
      });
      htmx.trigger(form.querySelector("select[name=district]"), "change");
    }
  }
  function show(form, kind) {
    var box = form.querySelector(".draft-status");
    if (!box) { return; }
    box.textContent = "";
    var text = document.createElement("p");
    text.textContent = box.dataset[kind];
    box.appendChild(text);
    if (kind !== "saved" || navigator.onLine) {
      var send = document.createElement("button");
      send.type = "button";
      send.textContent = box.dataset.send;
      send.addEventListener("click", function () { box.hidden = true; form.requestSubmit(); });
      box.appendChild(send);
    }
    if (kind === "restored") {
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "secondary outline";
      discard.textContent = box.dataset.discard;
      discard.addEventListener("click", function () {
        window.localStorage.removeItem(storageKey(form));
        box.hidden = true;
      });
      box.appendChild(discard);
    }
    box.hidden = false;
  }

  function setUp(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("form[data-draft]") : [];
    Array.prototype.forEach.call(forms, function (form) {
      if (form.dataset.draftReady) { return; }
      form.dataset.draftReady = "1";
      var draft = read(storageKey(form));
      var title = form.querySelector("[name=title]");
      if (draft && title && !title.value) {
        restore(form, draft);
        show(form, "restored");
      }
      form.addEventListener("input", function () { if (!navigator.onLine) { save(form); } });
    });
    var offline = root.querySelector ? root.querySelector("#offline-draft") : null;
    var kept = offline && read(PREFIX + "ask");
    if (kept && kept.values.title) {
      offline.querySelector(".draft-text").textContent =
        offline.dataset.text.replace("{title}", kept.values.title);
      offline.hidden = false;
    }
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (evt) { setUp(evt.target); });

  /* Sent without a connection: keep it instead (before htmx sees the submit). */
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form[data-draft]")) { return; }
    if (navigator.onLine === false) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
      save(form);
      show(form, "saved");
    } else {
      window.localStorage.removeItem(storageKey(form));
    }
  }, true);
  document.addEventListener("htmx:sendError", function (evt) {
    var form = evt.detail.elt;
    if (form && form.matches && form.matches("form[data-draft]")) {
      save(form);
      show(form, "saved");
    }
  });
  window.addEventListener("online", function () {
    var form = document.querySelector("form[data-draft]");
    if (form && read(storageKey(form))) { show(form, "online"); }
  });
})();

/* Data saver: a photo placeholder (span.photo-tap) loads its photo when tapped; inside a
   link the first tap loads the photo, the next one follows the link. Standalone ones get
   a button, so they can be loaded from the keyboard too. */
(function () {
  "use strict";
  function load(tap) {
    var img = tap.querySelector("img");
    img.srcset = tap.dataset.srcset;
    img.sizes = tap.dataset.sizes;
    img.src = tap.dataset.src;
    tap.classList.remove("photo-tap");
    tap.classList.add("photo-loaded");
    var label = tap.querySelector(".photo-tap-label");
    if (label) { label.remove(); }
  }
  function setUp(root) {
    if (!root.querySelectorAll) { return; }
    Array.prototype.forEach.call(root.querySelectorAll(".photo-tap"), function (tap) {
      var label = tap.querySelector(".photo-tap-label");
      if (tap.closest("a") || !label || label.tagName === "BUTTON") {
        if (label) { label.textContent = tap.dataset.tap; }
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "photo-tap-label";
      button.textContent = tap.dataset.tap;
      label.replaceWith(button);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:load", function (evt) { setUp(evt.target); });
  document.addEventListener("click", function (evt) {
    var tap = evt.target.closest ? evt.target.closest(".photo-tap") : null;
    if (!tap) { return; }
    evt.preventDefault();
    load(tap);
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
