// Behaviour the templates ask for through data attributes. The Content-Security-Policy
// runs no inline script or on* handler, so every page's small interactions live here.
//   data-confirm="question"  on a form or a submit button: ask before submitting.
//   data-autosubmit          on a select or checkbox: submit its form when it changes.
//   data-select-on-focus     on an input: select all its text (a key to copy).
(function () {
  "use strict";

  // Capture phase: the question comes before any other submit listener (htmx's too), and a
  // "no" stops the event there.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var question =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      // requestSubmit, unlike submit(), fires "submit": confirmations and htmx still apply.
      field.form.requestSubmit();
    }
  });

  function selectAll(event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-select-on-focus")) {
      field.select();
    }
  }
  document.addEventListener("focusin", selectAll);
  document.addEventListener("click", selectAll);
})();
