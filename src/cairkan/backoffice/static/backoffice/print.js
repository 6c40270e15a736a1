/* The counter's receipt: a button that opens the browser's print dialog. */
(function () {
  "use strict";
  var button = document.getElementById("print");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
