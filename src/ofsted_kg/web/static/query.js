// The query page: run the query with fetch, show SELECT/ASK results as a table and graphs as text.
// Results are inserted with textContent only, never as HTML.
"use strict";
const form = document.getElementById("query-form");
const editor = document.getElementById("query");
const statusLine = document.getElementById("status");
const results = document.getElementById("results");
const examples = document.getElementById("examples");

function cellText(term) {
  if (!term) return "";
  if (term.type === "literal" && term["xml:lang"]) return `${term.value} @${term["xml:lang"]}`;
  return term.value;
}

function showTable(data) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const v of data.head.vars) head.appendChild(document.createElement("th")).textContent = v;
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const v of data.head.vars) {
      const term = binding[v];
      const cell = row.insertCell();
      if (term && term.type === "uri") {
        const link = cell.appendChild(document.createElement("a"));
        link.href = term.value;
        link.textContent = term.value;
      } else {
        cell.textContent = cellText(term);
      }
    }
  }
  results.replaceChildren(table);
  statusLine.textContent = `${data.results.bindings.length} rows`;
}

async function run(event) {
  if (event.submitter && event.submitter.name === "format") return; // a download: let it go
  event.preventDefault();
  statusLine.className = "";
  statusLine.textContent = "running…";
  const started = performance.now();
  const response = await fetch(form.action, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/sparql-results+json, text/turtle;q=0.9",
    },
    body: new URLSearchParams({ query: editor.value }),
  });
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    statusLine.className = "error";
    statusLine.textContent = await response.text();
    results.replaceChildren();
    return;
  }
  if (type.startsWith("application/sparql-results+json")) {
    const data = await response.json();
    if ("boolean" in data) {
      results.replaceChildren();
      statusLine.textContent = `answer: ${data.boolean}`;
    } else {
      showTable(data);
    }
  } else {
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    results.replaceChildren(pre);
    statusLine.textContent = "graph result";
  }
  statusLine.textContent += ` (${Math.round(performance.now() - started)} ms)`;
}

form.addEventListener("submit", run);
editor.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit(document.getElementById("run"));
  } else if (event.key === "Tab" && !event.shiftKey) {
    event.preventDefault();
    editor.setRangeText("  ", editor.selectionStart, editor.selectionEnd, "end");
  }
});
if (examples) {
  examples.addEventListener("change", () => {
    const template = document.getElementById(`example-${examples.value}`);
    if (template) editor.value = template.content.textContent.trim();
  });
}
