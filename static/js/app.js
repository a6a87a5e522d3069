// Asks before irreversible actions: a form (or the button that submits it) with data-confirm submits only
// after the person agrees.
document.addEventListener("submit", function (event) {
  "use strict";
  var button = event.submitter;
  var question = (button && button.getAttribute("data-confirm-click")) || event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); }
});
