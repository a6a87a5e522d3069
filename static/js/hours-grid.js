// Outlet form: shows the OpenStreetMap expression the weekday grid stands for while it is edited, and
// puts it into the text mode's field, so that switching to text starts from the grid. The server
// composes the expression it saves itself (vonhier/outlets/hours_grid.py); this is the same rule
// (equal days share a rule, runs of three or more days as a range, PH off last), text only.
(function () {
  "use strict";
  var grid = document.querySelector("[data-hours-grid]");
  if (!grid) { return; }
  var shown = grid.querySelector("[data-hours-expression]");
  var text = document.getElementById("opening_hours");
  var gridMode = document.querySelector("input[name=hours_mode][value=grid]");
  var holidays = document.getElementById("holidays_closed");
  var DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
  var TIME = /^([01]?\d|2[0-3])[:.]?([0-5]\d)?(:\d\d)?$/;

  function time(id) {
    var input = document.getElementById(id);
    var found = input && TIME.exec(input.value.trim());
    if (!found) { return null; }
    return ("0" + found[1]).slice(-2) + ":" + (found[2] || "00");
  }

  function ranges(day) {
    var spans = [];
    for (var slot = 1; slot <= 2; slot += 1) {
      var start = time(day + "-start" + slot), end = time(day + "-end" + slot);
      if (start && end && start < end) { spans.push([start, end]); }
    }
    spans.sort();
    if (spans.length === 2 && spans[1][0] < spans[0][1]) { return ""; }  // overlapping: the server says so
    return spans.map(function (span) { return span[0] + "-" + span[1]; }).join(",");
  }

  function days(indexes) {
    var runs = [], parts = [];
    indexes.forEach(function (index) {
      var run = runs[runs.length - 1];
      if (run && run[run.length - 1] === index - 1) { run.push(index); } else { runs.push([index]); }
    });
    runs.forEach(function (run) {
      if (run.length >= 3) { parts.push(DAYS[run[0]] + "-" + DAYS[run[run.length - 1]]); }
      else { run.forEach(function (index) { parts.push(DAYS[index]); }); }
    });
    return parts.join(",");
  }

  function compose() {
    var order = [], groups = {};
    DAYS.forEach(function (name, index) {
      var key = ranges(name.toLowerCase());
      if (!key) { return; }
      if (!groups[key]) { groups[key] = []; order.push(key); }
      groups[key].push(index);
    });
    var rules = order.map(function (key) { return days(groups[key]) + " " + key; });
    if (rules.length && holidays && holidays.checked) { rules.push("PH off"); }
    return rules.join("; ");
  }

  function update() {
    if (gridMode && !gridMode.checked) { return; }
    var expression = compose();
    if (shown) { shown.textContent = expression || "–"; }
    if (text) { text.value = expression; }
  }

  grid.addEventListener("input", update);
  grid.addEventListener("change", update);
})();
