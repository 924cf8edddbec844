/*
 * Accessible names in Django's admin where its own scripts and templates leave gaps (WCAG 2.1 A/AA, checked
 * by axe-core in tests/browser/test_staff_accessibility.py). Nothing visible changes.
 *
 * - Date and time shortcuts (DateTimeShortcuts.js): "Heute" had aria-label="Today (07.12.2026)" while the
 *   label text "Today (%(date)s)" has no German translation – the accessible name must contain the visible
 *   text (2.5.3, label-content-name-mismatch). The name becomes "<visible text> (<date>)".
 * - Inputs of tabular inlines have no <label>; they get the column's heading as their name (1.3.1, 4.1.2).
 * - The search icons of the two-list selector (SelectFilter2.js) carry aria-label on a plain span; they
 *   become role="img" (4.1.2).
 * - Autocomplete fields (select2) are named by the selected text only, which is empty at first; they are
 *   named by their field label plus the selected text (4.1.2).
 *
 * Runs after the admin's scripts (their load handlers come first) and again when the admin adds rows or
 * redraws a calendar.
 */
(function () {
  "use strict";
  var WORD = /[A-Za-zÄÖÜäöüß]/;

  function shortcutNames(root) {
    var links = root.querySelectorAll(
      ".datetimeshortcuts a[aria-label], .calendarbox a[aria-label], .clockbox a[aria-label]"
    );
    links.forEach(function (link) {
      var visible = (link.textContent || "").trim();
      var label = link.getAttribute("aria-label") || "";
      // Symbols such as "‹" carry no words to match; leave their names alone.
      if (!WORD.test(visible) || label.toLowerCase().indexOf(visible.toLowerCase()) !== -1) {
        return;
      }
      var detail = label.match(/\(([^()]*)\)\s*$/);
      link.setAttribute("aria-label", detail ? visible + " (" + detail[1] + ")" : visible);
    });
  }

  function inlineNames(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      var headings = {};
      table.querySelectorAll("thead th").forEach(function (th) {
        (th.className || "").split(/\s+/).forEach(function (cls) {
          if (cls.indexOf("column-") === 0) {
            headings[cls.slice(7)] = (th.textContent || "").replace(/\s+/g, " ").trim();
          }
        });
      });
      table.querySelectorAll("tbody tr").forEach(function (row, index) {
        row.querySelectorAll("td[class*='field-']").forEach(function (cell) {
          var name = null;
          (cell.className || "").split(/\s+/).forEach(function (cls) {
            if (cls.indexOf("field-") === 0) {
              name = cls.slice(6);
            }
          });
          var heading = name && headings[name];
          if (!heading) {
            return;
          }
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (input) {
            if (input.labels && input.labels.length) {
              return;
            }
            if (!input.hasAttribute("aria-label") && !input.hasAttribute("aria-labelledby")) {
              input.setAttribute("aria-label", heading + " (" + (index + 1) + ")");
            }
          });
        });
        var remove = row.querySelector("td.delete input[type=checkbox]");
        if (remove && !(remove.labels && remove.labels.length) && !remove.hasAttribute("aria-label")) {
          var deleteHeading = table.querySelector("thead th:last-child");
          var text = deleteHeading ? (deleteHeading.textContent || "").trim() : "";
          remove.setAttribute("aria-label", (text || "Löschen") + " (" + (index + 1) + ")");
        }
      });
    });
  }

  function selectorIcons(root) {
    root.querySelectorAll(".selector .help-tooltip[aria-label], .selector .search-label-icon[aria-label]")
      .forEach(function (icon) {
        if (!icon.hasAttribute("role")) {
          icon.setAttribute("role", "img");
        }
      });
  }

  function autocompleteNames(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector("label[for='" + select.id + "']");
      var container = select.nextElementSibling;
      var box = container && container.querySelector(".select2-selection");
      if (!label || !box) {
        return;
      }
      if (!label.id) {
        label.id = select.id + "_label";
      }
      var shown = box.getAttribute("aria-labelledby") || "";
      if (shown.split(/\s+/).indexOf(label.id) === -1) {
        box.setAttribute("aria-labelledby", (label.id + " " + shown).trim());
      }
      // The text of the selection (role "textbox") is named by the field label as well.
      var rendered = box.querySelector(".select2-selection__rendered[role]");
      if (rendered && !rendered.hasAttribute("aria-labelledby")) {
        rendered.setAttribute("aria-labelledby", label.id);
      }
    });
  }

  function fix() {
    shortcutNames(document);
    inlineNames(document);
    selectorIcons(document);
    autocompleteNames(document);
  }

  window.addEventListener("load", function () {
    fix();
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
  });
})();
