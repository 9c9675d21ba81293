/* Window intake form (收件登记): keyboard-first, and never a pick the clerk did
   not see.
   - Typing in the matter search asks the server for matches; the first match is
     highlighted in the list and named under it ("已选事项").
   - Enter in the search takes the highlighted matter only when the list shows
     the answer to what is in the box now; while a search is still running it
     waits for the answer and highlights it, and the clerk presses Enter again.
   - ArrowDown goes into the list; Enter there takes the highlighted matter.
   - After the ID-number lookup, earlier details fill the fields still empty
     (the phone stays on the server: the page shows it masked).
   Saving is the portal's one shortcut (app.js): Ctrl+Enter. */
(function () {
  "use strict";

  var intake = document.getElementById("application-intake");
  if (!intake) {
    return;
  }
  var search = document.getElementById("matter-query");
  var matter = document.getElementById("id_matter");
  var picked = document.getElementById("matter-picked");
  var next = document.getElementById("id_applicant_type");
  var waiting = false;

  function current() {
    return search.value.trim();
  }

  function listAnswers(query) {
    var first = matter.options[0];
    var shown = first ? first.getAttribute("data-query") : null;
    // Before any search the list holds every matter: it answers the empty box.
    return shown === null ? query === "" : shown === query;
  }

  function selected() {
    var option = matter.options[matter.selectedIndex];
    return option && !option.disabled && option.value ? option : null;
  }

  function showPicked(confirmed) {
    var option = selected();
    picked.textContent = option
      ? (confirmed ? "已选事项：" : "将选：") + option.textContent
      : "未选事项";
    picked.classList.toggle("text-success", Boolean(option && confirmed));
  }

  function take() {
    if (!selected()) {
      return;
    }
    showPicked(true);
    next.focus();
  }

  search.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (matter.selectedIndex < 0 && matter.options.length) {
        matter.selectedIndex = 0;
      }
      showPicked(false);
      matter.focus();
      return;
    }
    if (event.key !== "Enter" || event.ctrlKey || event.metaKey) {
      return;
    }
    event.preventDefault();
    if (!listAnswers(current())) {
      // The list still shows an older answer: fetch now, take nothing.
      waiting = true;
      picked.textContent = "正在检索…";
      if (window.htmx) {
        window.htmx.trigger(search, "search");
      }
      return;
    }
    take();
  });

  matter.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      take();
    }
  });
  matter.addEventListener("change", function () {
    showPicked(false);
  });
  matter.addEventListener("dblclick", take);

  function fillIfEmpty(id, value) {
    var field = document.getElementById(id);
    if (field && value && !field.value) {
      field.value = value;
    }
  }

  // A name picked from 企业名录 fills the name and the credit code, and looks
  // the code up (grade warnings, phone on file).
  var suggestions = document.getElementById("applicant-suggestions");
  suggestions.addEventListener("click", function (event) {
    var choice = event.target.closest("[data-fill-code]");
    if (!choice) {
      return;
    }
    var code = document.getElementById("id_applicant_id_number");
    document.getElementById("id_applicant_name").value = choice.getAttribute("data-fill-name");
    code.value = choice.getAttribute("data-fill-code");
    suggestions.innerHTML = "";
    code.dispatchEvent(new Event("change", { bubbles: true }));
    document.getElementById("id_applicant_phone").focus();
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target === matter) {
      if (matter.options.length && !matter.options[0].disabled) {
        matter.selectedIndex = 0;
      }
      showPicked(false);
      if (waiting) {
        waiting = false;
        search.focus();
      }
      return;
    }
    if (target.id === "applicant-hint") {
      var found = target.querySelector("[data-applicant-found]");
      if (!found) {
        return;
      }
      // A credit code on file names the enterprise: its registered name wins.
      if (found.getAttribute("data-type") === "法人") {
        document.getElementById("id_applicant_name").value = found.getAttribute("data-name");
      } else {
        fillIfEmpty("id_applicant_name", found.getAttribute("data-name"));
      }
      var type = document.getElementById("id_applicant_type");
      if (type && found.getAttribute("data-type")) {
        type.value = found.getAttribute("data-type");
      }
      var phone = document.getElementById("id_applicant_phone");
      if (phone && !phone.value && found.getAttribute("data-masked-phone")) {
        phone.placeholder = "沿用 " + found.getAttribute("data-masked-phone") + "（留空即沿用）";
      }
    }
  });

  showPicked(false);
})();
