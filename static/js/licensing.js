/* Window intake form (收件登记): keyboard-first behaviour.
   - Enter in the matter search moves to the matter list instead of submitting.
   - After a search, the first matching matter is selected.
   - After the ID-number lookup, earlier details fill the fields still empty.
   - Ctrl+Enter saves and starts the next intake. */
(function () {
  "use strict";

  var intake = document.getElementById("application-intake");
  if (!intake) {
    return;
  }
  var search = document.getElementById("matter-query");
  var matter = document.getElementById("id_matter");

  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault();
      if (matter.selectedIndex < 0 && matter.options.length) {
        matter.selectedIndex = 0;
      }
      matter.focus();
    }
  });

  intake.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      document.getElementById("intake-save-new").click();
    }
  });

  function fillIfEmpty(id, value) {
    var field = document.getElementById(id);
    if (field && value && !field.value) {
      field.value = value;
    }
  }

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target === matter) {
      if (matter.options.length && !matter.options[0].disabled) {
        matter.selectedIndex = 0;
      }
      return;
    }
    if (target.id === "applicant-hint") {
      var found = target.querySelector("[data-applicant-found]");
      if (!found) {
        return;
      }
      fillIfEmpty("id_applicant_name", found.getAttribute("data-name"));
      var type = document.getElementById("id_applicant_type");
      if (type && found.getAttribute("data-type")) {
        type.value = found.getAttribute("data-type");
      }
    }
  });
})();
