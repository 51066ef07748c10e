// The board's drag and drop. A card dropped on another column submits the card's own
// "Move to…" form (which htmx posts) with the column's stage; the server answers with the
// re-rendered columns, so a refused card is back in its column with the reason above.
// Polling skips its turn while a card is dragged or a move menu has the focus.
(function () {
  "use strict";

  var dragged = null;

  function columnOf(node) {
    return node && node.closest ? node.closest("[data-board-column]") : null;
  }

  function clearHighlights() {
    document.querySelectorAll(".board-column-over").forEach(function (column) {
      column.classList.remove("board-column-over");
    });
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-board-card]");
    if (!card) {
      return;
    }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.getAttribute("data-board-card"));
    card.classList.add("board-card-dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) {
      dragged.classList.remove("board-card-dragging");
    }
    dragged = null;
    clearHighlights();
  });

  document.addEventListener("dragover", function (event) {
    var column = dragged && columnOf(event.target);
    if (!column) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearHighlights();
    column.classList.add("board-column-over");
  });

  document.addEventListener("drop", function (event) {
    var column = dragged && columnOf(event.target);
    if (!column) {
      return;
    }
    event.preventDefault();
    var card = dragged;
    dragged = null;
    clearHighlights();
    card.classList.remove("board-card-dragging");
    var form = card.querySelector("form[data-board-move]");
    if (!form || columnOf(card) === column) {
      return;
    }
    form.querySelector("[name=dropped]").value = column.getAttribute("data-board-column");
    column.querySelector(".board-cards").prepend(card);
    form.requestSubmit();
  });

  document.addEventListener("htmx:confirm", function (event) {
    var poller = event.target;
    if (!poller.hasAttribute || !poller.hasAttribute("data-board-poll")) {
      return;
    }
    if (event.detail.verb !== "get") {
      return;
    }
    var focused = document.activeElement;
    var menuInUse = focused && focused.tagName === "SELECT" && poller.contains(focused);
    if (dragged || menuInUse) {
      event.preventDefault();
    }
  });

  document.addEventListener("htmx:configRequest", function (event) {
    var poller = event.detail.elt;
    if (poller.hasAttribute && poller.hasAttribute("data-board-poll") && event.detail.verb === "get") {
      event.detail.headers["X-Board-Version"] = poller.getAttribute("data-board-version") || "";
    }
  });
})();
