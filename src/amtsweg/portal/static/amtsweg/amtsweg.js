// Amtsweg: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // After htmx replaced part of a page, move the keyboard and screen reader focus to what is new:
  // the error summary or the answer to "Wer ist für mich zuständig?".
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.querySelector) {
      return;
    }
    var next = target.querySelector(".amtsweg-error-summary[data-amtsweg-focus]") ||
      target.querySelector("[data-amtsweg-focus]");
    if (next) {
      next.focus();
    }
  });
})();
