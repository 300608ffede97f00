// bugcheck report: hover details and filtering only; the page reads the same without it.
(function () {
  "use strict";
  var detail = document.getElementById("detail");
  function show(event) {
    var target = event.target.closest ? event.target.closest(".mark") : null;
    var title = target ? target.querySelector("title") : null;
    if (title && detail) { detail.textContent = title.textContent; }
  }
  document.addEventListener("mouseover", show);
  document.addEventListener("focusin", show);
  var filter = document.getElementById("filter");
  var flagged = document.getElementById("flagged");
  function apply() {
    var text = filter ? filter.value.toLowerCase() : "";
    var onlyFlagged = flagged ? flagged.checked : false;
    var rows = document.querySelectorAll("[data-row]");
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var name = (row.getAttribute("data-row") || "").toLowerCase();
      var keep = name.indexOf(text) >= 0 && (!onlyFlagged || row.getAttribute("data-flagged") === "1");
      row.classList.toggle("hidden", !keep);
    }
  }
  if (filter) { filter.addEventListener("input", apply); }
  if (flagged) { flagged.addEventListener("change", apply); }
  // A link can carry a filter: report.html#filter=ndis shows only the callbacks of components whose name holds "ndis".
  var given = /(?:^#|&)filter=([^&]*)/.exec(window.location.hash);
  if (given && filter) { filter.value = decodeURIComponent(given[1]); apply(); }
  document.body.setAttribute("data-ready", "1");
})();
