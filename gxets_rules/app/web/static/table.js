// The firm table of a review run, filtered, searched and sorted in the browser as one types (no reload).
// Without this script the same form and header links do it on the server; this only does it without a round trip.
"use strict";
(function () {
  const table = document.getElementById("firm-table");
  const form = document.querySelector("form.filters");
  if (!table || !form) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const search = form.elements.namedItem("q");
  const status = form.elements.namedItem("status");
  const decision = form.elements.namedItem("decision");
  const shown = document.getElementById("shown");
  const noRows = document.getElementById("no-rows");

  function apply() {
    const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const wanted = status.value;
    const decided = decision.value;
    let count = 0;
    for (const row of rows) {
      const text = row.dataset.search;
      const visible =
        (!wanted || row.dataset.status === wanted) &&
        (!decided || row.dataset.decision === decided) &&
        words.every((w) => text.includes(w));
      row.hidden = !visible;
      if (visible) count += 1;
    }
    shown.textContent = String(count);
    if (noRows) noRows.hidden = count > 0;
  }

  function sortBy(th) {
    const index = Array.prototype.indexOf.call(th.parentNode.children, th);
    const numeric = th.classList.contains("num");
    const descending = th.getAttribute("aria-sort") === "ascending";
    for (const other of th.parentNode.children) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    const key = (row) => row.cells[index].dataset.value;
    const compare = numeric
      ? (a, b) => Number(key(a)) - Number(key(b))
      : (a, b) => key(a).localeCompare(key(b), document.documentElement.lang);
    rows.sort((a, b) => (descending ? compare(b, a) : compare(a, b)));
    body.append(...rows);
    form.elements.namedItem("sort").value = th.dataset.key;
    form.elements.namedItem("dir").value = descending ? "desc" : "asc";
  }

  for (const th of table.tHead.rows[0].cells) {
    th.querySelector("a").addEventListener("click", (event) => {
      event.preventDefault();
      sortBy(th);
    });
  }
  search.addEventListener("input", apply);
  status.addEventListener("change", apply);
  decision.addEventListener("change", apply);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
})();
