// "Go back" on the error pages: the browser's own back (which keeps what a form held), offered
// only when there is a page to go back to. Without script the button stays hidden.
(function () {
  "use strict";

  if (window.history.length < 2) {
    return;
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-history-back]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.history.back();
    });
  });
})();
