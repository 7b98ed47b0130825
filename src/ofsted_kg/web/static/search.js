// Name suggestions for the search box: fills its <datalist> from /search.json as the user types.
// Without this script the search form still works (it submits to /search).
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input || !input.list) { return; }
  var list = input.list;
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    var q = input.value.trim();
    if (q.length < 2 || q === last) { return; }
    last = q;
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) {
          list.replaceChildren();
          hits.forEach(function (hit) {
            var option = document.createElement("option");
            option.value = hit.name;          // textContent/value: never parsed as HTML
            option.label = hit.kind;
            list.appendChild(option);
          });
        })
        .catch(function () { /* suggestions are optional */ });
    }, 150);
  });
}());
