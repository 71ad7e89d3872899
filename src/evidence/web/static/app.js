// Small enhancements only; every form works without this file.
(function () {
  "use strict";
  function names(files) {
    return Array.prototype.map.call(files, function (f) { return f.name; }).join(", ");
  }
  document.querySelectorAll("[data-dropzone]").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var out = zone.querySelector("[data-chosen]");
    function show() { if (out) { out.textContent = input.files.length ? input.files.length + " tệp: " + names(input.files) : ""; } }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (ev) {
      zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (ev) {
      zone.addEventListener(ev, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(); }
    });
  });
  // the server refuses a request over the limit; say it before sending megabytes for nothing
  document.querySelectorAll("form[data-max-bytes]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      var limit = parseInt(form.dataset.maxBytes, 10), total = 0;
      form.querySelectorAll("input[type=file]").forEach(function (input) {
        Array.prototype.forEach.call(input.files, function (f) { total += f.size; });
      });
      var message = form.querySelector("[data-size-error]");
      if (message) { message.hidden = total <= limit; }
      if (total > limit) { e.preventDefault(); e.stopImmediatePropagation(); }
    });
  });
  // the unit field of the account form matters only for a unit account
  document.querySelectorAll("[data-role-select]").forEach(function (select) {
    var field = select.form && select.form.querySelector("[data-unit-field]");
    function sync() { if (field) { field.hidden = select.value !== "unit"; } }
    select.addEventListener("change", sync);
    sync();
  });
  // a long operation (reading files, making documents): say so and prevent a second click
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]:not([name])");
      if (button && (form.enctype === "multipart/form-data" || form.dataset.busy)) {
        setTimeout(function () { button.disabled = true; button.textContent = form.dataset.busy || "Đang xử lý…"; }, 0);
      }
    });
  });
})();
