/* Hotline intake form: Ctrl+Enter saves, Ctrl+Shift+Enter saves and starts the
   next call. (Confirmation of risky moves is app.js's data-confirm.) */
(function () {
  "use strict";

  var intake = document.getElementById("ticket-intake");
  if (!intake) {
    return;
  }
  intake.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    event.preventDefault();
    var button = document.getElementById(
      event.shiftKey ? "intake-save-new" : "intake-save"
    );
    if (button) {
      button.click();
    }
  });
})();
