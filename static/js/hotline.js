/* Hotline intake form (工单登记). Saving is the portal's one shortcut (app.js):
   Ctrl+Enter, Ctrl+Shift+Enter to save and log the next call.
   - 涉及企业: a search box (name, credit code or plate) offers enterprises; a
     click (or Enter on the highlighted one) fills the hidden field.
   - 业务类别 suggests the unit to dispatch to, from the routing table, until
     the operator picks a unit by hand. */
(function () {
  "use strict";

  var intake = document.getElementById("ticket-intake");
  if (!intake) {
    return;
  }

  // --- 涉及企业 -------------------------------------------------------------
  var query = document.getElementById("enterprise-query");
  var options = document.getElementById("enterprise-options");
  var hidden = document.getElementById("id_enterprise");
  var picked = document.getElementById("enterprise-picked");

  function pick(button) {
    hidden.value = button.getAttribute("data-pick-enterprise");
    picked.querySelector("[data-picked-name]").textContent = button.getAttribute("data-name");
    picked.classList.remove("d-none");
    options.innerHTML = "";
    query.value = "";
  }

  options.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-enterprise]");
    if (button) {
      pick(button);
      query.focus();
    }
  });
  query.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      var first = options.querySelector("[data-pick-enterprise]");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
      // Enter never submits from here; it takes an option only if one is alone.
      event.preventDefault();
      var all = options.querySelectorAll("[data-pick-enterprise]");
      if (all.length === 1) {
        pick(all[0]);
      }
    }
  });
  picked.querySelector("[data-clear-enterprise]").addEventListener("click", function () {
    hidden.value = "";
    picked.classList.add("d-none");
    query.focus();
  });

  // --- 业务类别 → 承办单位 -----------------------------------------------------
  var routesNode = document.getElementById("area-routes");
  var routes = routesNode ? JSON.parse(routesNode.textContent) : {};
  var area = document.getElementById("id_area");
  var unit = document.getElementById("id_dispatch_to");
  var hint = document.getElementById("route-hint");
  var chosenByHand = false;

  function suggest() {
    if (!unit || !area) {
      return;
    }
    var route = routes[area.value];
    if (!route) {
      hint.textContent = area.value ? "该业务类别没有派单规则，请选择承办单位。" : "";
      return;
    }
    if (!chosenByHand) {
      unit.value = String(route.id);
    }
    hint.textContent = "按业务类别建议：" + route.name +
      (chosenByHand && unit.value !== String(route.id) ? "（已手工改选）" : "");
  }

  if (unit && area) {
    unit.addEventListener("change", function () {
      chosenByHand = true;
      suggest();
    });
    area.addEventListener("change", suggest);
    chosenByHand = Boolean(unit.value);
    suggest();
  }
})();
