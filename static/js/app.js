/* Jiaotong portal behaviour, attached through data attributes (the CSP forbids
   inline scripts and event-handler attributes).

   data-confirm="…"      on a form or submit button: ask before submitting.
   data-auto-submit      on a filter form: submit when a select, checkbox or date changes.
   data-print            on a button: open the print dialog.
   data-shortcut="save" / "save-new"  on a form's submit buttons: the portal's one
                         save shortcut, Ctrl+Enter (and Ctrl+Shift+Enter to save
                         and start the next record); the buttons show it.
   data-reveal-target    on a select/checkbox: show the element with that id while it
                         is checked / has a value different from data-reveal-unless.
*/
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // Confirm dialogs: on the form itself or on the button that submitted it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Links carrying data-confirm (e.g. leaving a page with unsaved input).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-confirm]");
    if (link && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
    var printer = event.target.closest("[data-print]");
    if (printer) {
      event.preventDefault();
      window.print();
    }
  });

  // Filter forms submit themselves when a choice changes; text inputs wait for Enter.
  document.addEventListener("change", function (event) {
    var field = event.target;
    var form = field.form;
    if (!form || !form.hasAttribute("data-auto-submit")) {
      return;
    }
    if (field.tagName === "SELECT" || field.type === "checkbox" ||
        field.type === "radio" || field.type === "date") {
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }
  });

  function syncReveal(control) {
    var target = document.getElementById(control.getAttribute("data-reveal-target"));
    if (!target) {
      return;
    }
    var shown;
    if (control.type === "checkbox") {
      shown = control.checked;
    } else {
      shown = control.value !== (control.getAttribute("data-reveal-unless") || "");
    }
    target.classList.toggle("d-none", !shown);
  }

  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-reveal-target")) {
      syncReveal(event.target);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-reveal-target]").forEach(syncReveal);
  });

  // One save shortcut on every form: Ctrl+Enter presses its save button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    var form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (!form) {
      return;
    }
    var button = (event.shiftKey && form.querySelector('[data-shortcut="save-new"]')) ||
      form.querySelector('[data-shortcut="save"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  // htmx requests carry the CSRF token (the cookie is HttpOnly).
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });
})();
