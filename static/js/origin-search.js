// Product form: suggestions for an ingredient's "Comes from" while it is typed (own sites, registered
// suppliers' sites, places, countries), as an ARIA combobox with a listbox. Without JavaScript the
// field is plain text, which the server resolves when saving. Suggestions are put in as text only.
(function () {
  "use strict";
  var box = document.querySelector("[data-origins-url]");
  if (!box || !window.fetch) { return; }
  var url = box.dataset.originsUrl;
  var cache = {};

  function fetchOrigins(query) {
    if (cache[query]) { return Promise.resolve(cache[query]); }
    return fetch(url + "?q=" + encodeURIComponent(query), {
      credentials: "same-origin", headers: {"Accept": "application/json"}
    }).then(function (response) {
      if (!response.ok) { return []; }  // signed out, too many requests: the field still works as text
      return response.json().then(function (data) { cache[query] = data.origins || []; return cache[query]; });
    }).catch(function () { return []; });
  }

  function setup(input) {
    var list = document.createElement("ul");
    var items = [], active = -1, timer = null, asked = "";
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", box.dataset.originsLabel);
    list.hidden = true;
    input.parentNode.classList.add("has-suggestions");
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function close() {
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (li, n) {
        li.setAttribute("aria-selected", n === index ? "true" : "false");
      });
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", list.children[index].id);
        list.children[index].scrollIntoView({block: "nearest"});
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      input.value = items[index].text;
      close();
      input.dispatchEvent(new Event("change", {bubbles: true}));  // the live pre-check checks again
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, n) {
        var li = document.createElement("li");
        var text = document.createElement("span");
        var detail = document.createElement("span");
        li.id = list.id + "-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.kind = item.kind;
        text.textContent = item.text;
        detail.textContent = item.detail;
        detail.className = "hint";
        li.appendChild(text);
        li.appendChild(detail);
        li.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep focus
        li.addEventListener("click", function () { choose(n); });
        list.appendChild(li);
      });
      if (!found.length || document.activeElement !== input) { close(); return; }
      list.hidden = false;
      active = -1;
      input.setAttribute("aria-expanded", "true");
    }

    function ask() {
      var query = input.value.trim();
      if (query.length < 2) { asked = ""; show([]); return; }
      asked = query;
      fetchOrigins(query).then(function (found) {
        if (asked === query) { show(found); }  // an answer to an older query is dropped
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden && items.length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!open) { ask(); return; }
        if (event.key === "ArrowDown") { highlight((active + 1) % items.length); }
        else { highlight(active <= 0 ? items.length - 1 : active - 1); }
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();  // picks the suggestion instead of saving the form
        choose(active);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  Array.prototype.forEach.call(document.querySelectorAll("input.origin-search"), setup);
}());
