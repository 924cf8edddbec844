// Online application: small enhancements. Every step works without this file.
(function () {
  "use strict";

  // Send the application only once: after the first click the button is disabled, so a double click
  // or an impatient second click does not post again (the server would find the first submission anyway).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("[data-amtsweg-once]")) {
      return;
    }
    if (form.getAttribute("data-amtsweg-sent") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-amtsweg-sent", "true");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
})();
