// The header's menus (<details> in templates/base.html): they work without this file; it closes them
// when the person is done with them.
(function () {
  "use strict";

  var menus = document.querySelectorAll(".site-header details");
  var siteMenu = document.querySelector(".site-menu");
  var wide = window.matchMedia("(min-width: 75rem)");
  // Browsers without ::details-content cannot show a closed <details>' content: on wide screens the
  // main menu is kept open instead (its button is hidden there), outside the group of menus of which
  // only one is open at a time.
  var showsClosedContent = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
  if (!showsClosedContent) { siteMenu.removeAttribute("name"); }

  function inRow(menu) { return menu === siteMenu && wide.matches; }

  function close(except) {
    menus.forEach(function (menu) { if (menu !== except && !inRow(menu)) { menu.open = false; } });
  }

  function fitToWidth() {
    if (!showsClosedContent) { siteMenu.open = wide.matches; }
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () { if (menu.open && !inRow(menu)) { close(menu); } });
  });
  // Escape closes an open menu and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    menus.forEach(function (menu) {
      if (menu.open && !inRow(menu)) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
  // A click elsewhere on the page closes it, as does following one of its links.
  document.addEventListener("click", function (event) {
    if (!event.target.closest(".site-header details") || event.target.closest("a")) { close(null); }
  });
  // A page restored from the back/forward cache comes back with its menus closed.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { close(null); }
  });
  if (wide.addEventListener) { wide.addEventListener("change", fitToWidth); }
  fitToWidth();
}());
