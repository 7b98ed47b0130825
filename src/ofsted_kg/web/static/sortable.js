// Sortable tables: each column header of a `table.sortable` becomes a button that orders the rows
// by that column (numbers as numbers when every filled cell of the column is one, else text in
// natural order); pressing it again reverses the order. Empty cells go last. The current order is
// stated with aria-sort. No inline script: loaded from this server (CSP script-src 'self').
"use strict";

function cellValue(row, index) {
  return row.cells[index] ? row.cells[index].textContent.trim() : "";
}

function sortRows(table, index, descending) {
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const filled = rows.map((row) => cellValue(row, index)).filter((value) => value !== "");
  const numeric = filled.length > 0 && filled.every((value) => Number.isFinite(Number(value)));
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  const compare = (a, b) => (numeric ? Number(a) - Number(b) : collator.compare(a, b));
  rows.sort((ra, rb) => {
    const a = cellValue(ra, index);
    const b = cellValue(rb, index);
    if (a === "" || b === "") return (a === "") - (b === "");
    return descending ? compare(b, a) : compare(a, b);
  });
  body.append(...rows);
}

function makeSortable(table) {
  const headers = Array.from(table.tHead ? table.tHead.rows[0].cells : []);
  headers.forEach((header, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.append(...header.childNodes);
    header.replaceChildren(button);
    button.addEventListener("click", () => {
      const descending = header.getAttribute("aria-sort") === "ascending";
      for (const other of headers) other.removeAttribute("aria-sort");
      header.setAttribute("aria-sort", descending ? "descending" : "ascending");
      sortRows(table, index, descending);
    });
  });
}

document.querySelectorAll("table.sortable").forEach(makeSortable);
