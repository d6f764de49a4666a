// Small behaviours without inline scripts (CSP forbids them).
document.addEventListener("change", function (e) {
  const el = e.target;
  if (el.matches("[data-autosubmit]")) el.form.submit();
});
document.addEventListener("click", function (e) {
  const el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) e.preventDefault();
  const all = e.target.closest("[data-check-all]");
  if (all) {
    const name = all.getAttribute("data-check-all");
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (c) {
      c.checked = all.checked;
    });
  }
});
