// Product form: re-runs the criteria pre-check on the unsaved form whenever something changes.
// Without JavaScript the pre-check appears on the product page after saving.
(function () {
  "use strict";
  var panel = document.getElementById("precheck");
  var form = document.querySelector("main form[enctype]");
  if (!panel || !form || !window.fetch) { return; }
  var body = document.getElementById("precheck-body");
  var timer = null;
  panel.hidden = false;

  function check() {
    var data = new FormData(form);
    data.delete("image");  // the photo plays no part in the criteria
    fetch(panel.dataset.url, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) { body.innerHTML = html; })
      .catch(function () { body.textContent = panel.dataset.unavailable; });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 200);
  });
  check();
}());
