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
  // A change of a controlling field updates the step's fields (htmx swaps #schritt-felder). Whatever the
  // person types or ticks while that request is under way must not be replaced by the answer, which was
  // rendered from the values sent with the request: such fields keep their current value.
  function fieldKey(element) {
    if (element.type === "radio" || element.type === "checkbox") {
      return element.name + "\u0000" + element.value;
    }
    return element.name;
  }

  function fieldState(element) {
    if (element.type === "radio" || element.type === "checkbox") {
      return element.checked;
    }
    return element.value;
  }

  function snapshot(container) {
    var values = new Map();
    container.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (element) {
      if (element.type !== "file" && element.type !== "hidden") {
        values.set(fieldKey(element), fieldState(element));
      }
    });
    return values;
  }

  var sent = new WeakMap();
  var changed = new WeakMap();

  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target && target.id === "schritt-felder") {
      sent.set(target, snapshot(target));
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var before = target && sent.get(target);
    if (!before) {
      return;
    }
    var now = snapshot(target);
    var differ = new Map();
    now.forEach(function (value, key) {
      if (before.has(key) && before.get(key) !== value) {
        differ.set(key, value);
      }
    });
    var active = document.activeElement;
    var caret = null;
    if (active && target.contains(active) && active.name && differ.has(fieldKey(active))) {
      try {
        caret = {key: fieldKey(active), start: active.selectionStart, end: active.selectionEnd};
      } catch (ignored) {
        caret = null;
      }
    }
    changed.set(target, {values: differ, caret: caret});
    sent.delete(target);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var kept = target && changed.get(target);
    if (!kept) {
      return;
    }
    changed.delete(target);
    var differ = kept.values;
    target.querySelectorAll("input[name], textarea[name], select[name]").forEach(function (element) {
      var key = fieldKey(element);
      if (!differ.has(key)) {
        return;
      }
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = differ.get(key);
        return;
      }
      element.value = differ.get(key);
      var caret = kept.caret;
      if (caret && caret.key === key && caret.start !== null && element === document.activeElement) {
        try {
          element.setSelectionRange(caret.start, caret.end);
        } catch (ignored) {
          // Fields without a text selection (e.g. select) have nothing to restore.
        }
      }
    });
  });
})();
