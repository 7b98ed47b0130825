// A table or chart wider than the screen scrolls sideways in its box (.table-scroll,
// .chart-scroll): such a box is made a named region that takes keyboard focus, so it can be
// scrolled with the arrow keys (WCAG 2.1.1; axe: scrollable-region-focusable). A box that fits
// is left out of the tab order.
(function () {
  "use strict";
  function label(box) {
    var caption = box.querySelector("caption");
    var name = box.getAttribute("data-label") || (caption ? caption.textContent.trim() : "Table");
    return name + " (scrolls sideways)";
  }
  function mark() {
    document.querySelectorAll(".table-scroll, .chart-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", label(box));
      } else {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", mark);
  window.addEventListener("resize", mark);
  document.addEventListener("toggle", mark, true); // a table inside <details> opened
})();
