// Behaviour the templates ask for through data attributes. The Content-Security-Policy
// runs no inline script or on* handler, so every page's small interactions live here.
//   data-confirm="question"  on a form or a submit button: ask before submitting (a modal
//                            dialog in base.html; window.confirm where there is none).
//   data-autosubmit          on a select or checkbox: submit its form when it changes.
//   data-select-on-focus     on an input: select all its text (a key to copy).
(function () {
  "use strict";

  // The form the person has just said yes to: its next submit goes through unasked.
  var confirmedForm = null;

  // Capture phase: the question comes before any other submit listener (htmx's too), and the
  // event stops there; a "yes" submits the form again with the same button.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var question =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (!question) {
        return;
      }
      if (confirmedForm === form) {
        confirmedForm = null;
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      ask(question, function () {
        confirmedForm = form;
        if (submitter) {
          form.requestSubmit(submitter);
        } else {
          form.requestSubmit();
        }
      });
    },
    true
  );

  // The open question: who asked (the focus goes back there) and what a "yes" does. The answer
  // is read from the buttons and Escape, not from the dialog's close event, which Chromium may
  // deliver late, after the next question was asked.
  var pending = null;

  function ask(question, onYes) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      if (window.confirm(question)) {
        onYes();
      }
      return;
    }
    pending = { opener: document.activeElement, onYes: onYes };
    dialog.querySelector("#confirm-dialog-question").textContent = question;
    dialog.showModal();
  }

  function answer(yes) {
    var dialog = document.getElementById("confirm-dialog");
    var question = pending;
    pending = null;
    if (dialog.open) {
      dialog.close();
    }
    if (!question) {
      return;
    }
    if (question.opener && typeof question.opener.focus === "function") {
      question.opener.focus();
    }
    if (yes) {
      question.onYes();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm-answer]");
    if (button) {
      answer(button.getAttribute("data-confirm-answer") === "yes");
    }
  });

  // Escape on the dialog; "cancel" does not bubble, so it is caught on the way down.
  document.addEventListener(
    "cancel",
    function (event) {
      if (event.target.id === "confirm-dialog") {
        event.preventDefault();
        answer(false);
      }
    },
    true
  );

  // Tab and Shift+Tab go round the dialog's buttons; the page behind is inert anyway, but
  // Chromium would otherwise let focus leave for its own toolbar.
  document.addEventListener("keydown", function (event) {
    var dialog = document.getElementById("confirm-dialog");
    if (event.key !== "Tab" || !dialog || !dialog.open) {
      return;
    }
    var buttons = dialog.querySelectorAll("button");
    var first = buttons[0];
    var last = buttons[buttons.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      last.focus();
      event.preventDefault();
    } else if (!event.shiftKey && document.activeElement === last) {
      first.focus();
      event.preventDefault();
    }
  });

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
