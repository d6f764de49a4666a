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
  // the menu button of narrow screens opens and closes the sidebar
  const toggle = e.target.closest("[data-toggle-nav]");
  if (toggle) {
    const open = document.body.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }
});
document.addEventListener("keydown", function (e) {
  if (e.key === "Escape" && document.body.classList.contains("nav-open")) {
    document.body.classList.remove("nav-open");
    const t = document.querySelector("[data-toggle-nav]");
    if (t) t.setAttribute("aria-expanded", "false");
  }
});
// A form whose consequence depends on a chosen value (e.g. revoking a licence) asks before it
// is sent: data-confirm-template names the choice of data-confirm-field as {value}.
document.addEventListener("submit", function (e) {
  const form = e.target;
  if (!form.matches || !form.matches("form[data-confirm-template]")) return;
  const field = form.elements[form.getAttribute("data-confirm-field")];
  let label = "";
  if (field && field.options && field.selectedIndex >= 0) {
    label = field.options[field.selectedIndex].text;
  } else if (field) {
    label = field.value;
  }
  const msg = form.getAttribute("data-confirm-template").replace("{value}", label);
  if (!window.confirm(msg)) e.preventDefault();
});
// Server-searched pickers (core.widgets.AutocompleteSelect): a click on a result sets the
// hidden value and the search box; typing again clears the value until a result is chosen.
document.addEventListener("click", function (e) {
  const opt = e.target.closest("[data-pick-value]");
  if (!opt) return;
  const box = opt.closest("[data-autocomplete]");
  if (!box) return;
  box.querySelector("[data-pick-target]").value = opt.getAttribute("data-pick-value");
  const search = box.querySelector("input[type=search]");
  search.value = opt.getAttribute("data-pick-label");
  search.setAttribute("aria-expanded", "false");
  box.querySelector(".autocomplete-results").innerHTML = "";
});
document.addEventListener("input", function (e) {
  const box = e.target.closest && e.target.closest("[data-autocomplete]");
  if (box && e.target.type === "search") {
    box.querySelector("[data-pick-target]").value = "";
    e.target.setAttribute("aria-expanded", "true");
  }
});
