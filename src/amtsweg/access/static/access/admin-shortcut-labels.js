/*
 * Accessible names of the admin's date and time shortcuts that contain their visible text (WCAG 2.5.3).
 *
 * Django's DateTimeShortcuts.js writes links such as "Heute" with aria-label="Today (07.12.2026)" when
 * the label text ("Today (%(date)s)") has no translation yet: a voice-control user who says "Heute"
 * does not reach the link, and axe-core reports label-content-name-mismatch. Here every shortcut whose
 * accessible name lacks its visible text gets "<visible text> (<date>)" – the date Django put in
 * brackets is kept, nothing else changes. Runs after DateTimeShortcuts (its load handler comes first)
 * and again whenever the admin redraws a calendar.
 */
(function () {
  "use strict";
  var SELECTOR = ".datetimeshortcuts a[aria-label], .calendarbox a[aria-label], .clockbox a[aria-label]";

  function fix(root) {
    root.querySelectorAll(SELECTOR).forEach(function (link) {
      var visible = (link.textContent || "").trim();
      var label = link.getAttribute("aria-label") || "";
      // Symbols such as "‹" carry no words to match; leave their names alone.
      if (!/[A-Za-zÄÖÜäöüß]/.test(visible) || label.toLowerCase().indexOf(visible.toLowerCase()) !== -1) {
        return;
      }
      var detail = label.match(/\(([^()]*)\)\s*$/);
      link.setAttribute("aria-label", detail ? visible + " (" + detail[1] + ")" : visible);
    });
  }

  window.addEventListener("load", function () {
    fix(document);
    new MutationObserver(function () {
      fix(document);
    }).observe(document.body, { childList: true, subtree: true });
  });
})();
