// The /sparql page's editor: YASGUI (served from this server, static/vendor/yasgui) pointed at
// this endpoint. Without JavaScript, or if YASGUI fails to load, the plain form stays.
"use strict";
(function () {
  const root = document.getElementById("yasgui");
  const form = document.getElementById("query-form");
  if (!root || typeof Yasgui === "undefined") return;
  const endpoint = root.dataset.endpoint;
  const iriBase = root.dataset.iriBase;
  const siteRoot = root.dataset.siteRoot;

  // Tab and Shift+Tab leave the editor (WCAG 2.1.2, no keyboard trap): CodeMirror does not handle
  // a key bound to false, so the browser moves the focus. Ctrl+] and Ctrl+[ still indent.
  Object.assign(Yasgui.Yasqe.defaults.extraKeys, { Tab: false, "Shift-Tab": false });
  // Only the completers that work offline: prefixes (the list bundled with YASGUI) and the
  // query's own variables. The property and class completers would ask another site (LOV).
  const completers = Yasgui.Yasqe.defaults.autocompleters;
  completers.splice(0, completers.length, ...completers.filter((name) => ["prefixes", "variables"].includes(name)));

  const yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    copyEndpointOnNewTab: true,
    autofocus: false,
    yasqe: { value: document.getElementById("query").value },
  });
  form.hidden = true;
  document.getElementById("editor-keys").hidden = false;

  // This site's IRIs (minted under the base, which need not be this server's address) open their
  // pages here: /id/... answers with its page's address, whatever the base's host.
  // CodeMirror's input and YASGUI's endpoint box are textareas without a label: name them, so
  // a screen reader says what they are (axe-core: label).
  const localise = () => {
    for (const link of root.querySelectorAll("a[href]")) {
      if (link.href.startsWith(iriBase)) link.href = siteRoot + link.href.slice(iriBase.length);
    }
    for (const box of root.querySelectorAll("textarea:not([aria-label]), input:not([aria-label])")) {
      box.setAttribute("aria-label", box.closest(".yasqe") ? "SPARQL query" : "SPARQL endpoint");
    }
  };
  localise();
  new MutationObserver(localise).observe(root, { childList: true, subtree: true });

  const examples = document.getElementById("examples");
  if (examples) {
    document.getElementById("examples-row").hidden = false;
    examples.addEventListener("change", () => {
      const template = document.getElementById(`example-${examples.value}`);
      if (template) yasgui.getTab().setQuery(template.content.textContent.trim());
    });
  }
})();
