// The header's menus (<details> in templates/base.html): they work without this file; it closes them
// when the person is done with them.
(function () {
  "use strict";

  var menus = document.querySelectorAll(".site-header details");
  var wide = window.matchMedia("(min-width: 75rem)");

  function close(except) {
    menus.forEach(function (menu) { if (menu !== except) { menu.open = false; } });
  }

  // Browsers without ::details-content cannot show a closed <details>' content: on wide screens the
  // main menu is opened instead (its button is hidden there).
  var showsClosedContent = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  function fitToWidth() {
    if (!showsClosedContent) { document.querySelector(".site-menu").open = wide.matches; }
  }

  // Escape closes an open menu and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus.forEach(function (menu) {
      if (menu.open && !(wide.matches && menu.classList.contains("site-menu"))) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  // A click elsewhere on the page closes it, as does following one of its links.
  document.addEventListener("click", function (event) {
    var inside = event.target.closest(".site-header details");
    if (!inside || event.target.closest("a")) { close(null); }
  });
  // A page restored from the back/forward cache comes back with its menus closed.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { close(null); fitToWidth(); }
  });
  if (wide.addEventListener) { wide.addEventListener("change", fitToWidth); }
  fitToWidth();
}());
