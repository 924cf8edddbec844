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

  // When an enhanced form cannot get its answer (server error, no network), load the page the
  // ordinary way instead of leaving the visitor without any feedback.
  function fallBack(event) {
    var detail = event.detail || {};
    var elt = detail.elt;
    var path = detail.pathInfo && detail.pathInfo.finalRequestPath;
    if (elt && elt.closest && elt.closest("[data-amtsweg-fallback]") && path) {
      window.location.assign(path);
    }
  }
  document.addEventListener("htmx:responseError", fallBack);
  document.addEventListener("htmx:sendError", fallBack);
})();
