// Form submission, for every form of the site.
(function () {
  "use strict";

  function submitButtons(form) {
    return Array.prototype.filter.call(form.elements, function (element) { return element.type === "submit"; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    // A form that is on its way is not sent again: a double click, or another click while the next
    // page loads, would send a second request (the server answers a repeated "apply" or "create
    // invoice" with what the first one made, but under a message about a clash nobody caused).
    if (form.hasAttribute("data-sent")) { event.preventDefault(); return; }
    // Asks before irreversible actions: a form (or the button that submits it) with data-confirm
    // submits only after the person agrees.
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm-click")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    // Only POST forms change something; a search (GET) may be sent again at will.
    if (event.defaultPrevented || form.method !== "post") { return; }
    form.setAttribute("data-sent", "");
    // Disabled after this event, not during it: a disabled button's name and value would not be sent.
    window.setTimeout(function () {
      submitButtons(form).forEach(function (element) {
        if (!element.disabled) { element.disabled = true; element.setAttribute("data-sent-disabled", ""); }
      });
    }, 0);
  });

  // A page restored from the back/forward cache comes back as it was left, sent forms included:
  // they can be used again. A page the server renders anew (a form with errors) starts fresh anyway.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      form.removeAttribute("data-sent");
      submitButtons(form).forEach(function (element) {
        if (element.hasAttribute("data-sent-disabled")) {
          element.disabled = false;
          element.removeAttribute("data-sent-disabled");
        }
      });
    });
  });
}());
