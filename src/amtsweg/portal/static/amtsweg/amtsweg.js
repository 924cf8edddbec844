// Amtsweg: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // After htmx replaced part of a page, move the keyboard and screen reader focus to what is new:
  // the error summary or the answer to "Wer ist für mich zuständig?".
  function focusNew(root) {
    if (!root || !root.querySelector) {
      return;
    }
    var next = root.querySelector(".amtsweg-error-summary[data-amtsweg-focus]") ||
      root.querySelector("[data-amtsweg-focus]");
    if (next) {
      next.focus();
    }
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    focusNew(event.detail && event.detail.target);
  });

  // A form sent the ordinary way (pressed before htmx was ready, or its fall-back below) comes back as a
  // whole page with the anchor of its section (#zustaendigkeit): the focus goes where the enhanced answer
  // would have put it. Only after the load, because the browser's own jump to the anchor takes it away.
  if (window.location.hash.length > 1) {
    window.addEventListener("load", function () {
      window.setTimeout(function () {
        focusNew(document.getElementById(window.location.hash.slice(1)));
      }, 0);
    });
  }

  // When an enhanced form cannot get its answer (server error, no network), load the page the
  // ordinary way instead of leaving the visitor without any feedback.
  function fallBack(event) {
    var detail = event.detail || {};
    var elt = detail.elt;
    var path = detail.pathInfo && detail.pathInfo.finalRequestPath;
    var form = elt && elt.closest && elt.closest("[data-amtsweg-fallback]");
    if (form && path) {
      // With the anchor of the ordinary form (its section), so the answer is shown and focused.
      window.location.assign(path + new URL(form.action, window.location.href).hash);
    }
  }
  document.addEventListener("htmx:responseError", fallBack);
  document.addEventListener("htmx:sendError", fallBack);
})();
