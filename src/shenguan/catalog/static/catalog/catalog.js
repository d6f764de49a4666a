// Catalogue pages: the print button of the memo page (no inline scripts under the CSP).
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-print]")) window.print();
});
