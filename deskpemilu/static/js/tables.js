// On a narrow screen a wide table scrolls inside its card (desk.css); a table that
// does scroll takes the keyboard focus, so it can be scrolled without a mouse.
(function () {
  function mark() {
    document.querySelectorAll("main table").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.tabIndex = 0;
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSwap", mark);
})();
