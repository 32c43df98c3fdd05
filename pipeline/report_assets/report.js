// The report page's only script. It filters the static lesson list and builds
// a lesson's body from its JSON island when the lesson is first opened, so a
// page of 1,000 lessons opens fast. Text from lessons goes into the page only
// through textContent and attribute properties: scraped text can never become
// markup. State lives in the URL hash (#q=...&kind=...&only=1&open=NAME) so a
// filtered view can be linked, reloaded or checked by a headless browser.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var main = $("lessons");
  var lessons = Array.prototype.slice.call(main.querySelectorAll("details.lesson"));
  var q = $("q"), kind = $("kind"), only = $("only"), shown = $("shown"), none = $("none");
  var KNOWN = { th: 1, es: 1, en: 1 };
  var STATUS = { translated: "translated", unchanged: "unchanged (already in the target language)",
                 untranslated: "untranslated", partial: "partly translated: some runs kept in their language",
                 missing: "no such segment in this output" };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function langClass(lang) {
    if (!lang || lang === "und") return "l-und";
    return KNOWN[lang] ? "l-" + lang : "l-other";
  }

  function show(s) { return JSON.stringify(s); }

  function editTitle(e, applied) {
    return (applied ? "repaired " : "flagged, not applied: ") + show(e.before) + " \u2192 " + show(e.after) +
      " (rule " + e.rule + ", confidence " + e.confidence + ")";
  }

  // A mark names one edit ("e3", "f0") or a chain of edits made one on the
  // output of the other ("e0 e1"): the title lists each step in order.
  function marksTitle(refs, data) {
    return refs.split(" ").map(function (ref) {
      var applied = ref.charAt(0) === "e";
      return editTitle((applied ? data.edits : data.flagged)[Number(ref.slice(1))], applied);
    }).join("; then ");
  }

  function rowId(i, seg) { return "l" + i + "-s" + seg; }

  function renderPieces(cell, pieces, data) {
    pieces.forEach(function (p) {
      var node;
      if (p[2]) {
        var applied = p[2].charAt(0) === "e";
        node = el("mark", (applied ? "m-e " : "m-f ") + langClass(p[1]) + (p[0] ? "" : " m-del"), p[0]);
        node.title = marksTitle(p[2], data);
        node.setAttribute("data-ref", p[2]);
      } else {
        node = el("span", langClass(p[1]), p[0]);
        if (p[1]) node.title = p[1];
      }
      cell.appendChild(node);
    });
  }

  function targetCell(t, c, row) {
    var td = el("td", "tr st-" + c.status);
    if (c.same) {
      // Left as it was: the source's language runs, without repair marks.
      row.src.forEach(function (p) { var s = el("span", langClass(p[1]), p[0]); if (p[1]) s.title = p[1]; td.appendChild(s); });
    } else {
      // Each run in the language it is actually in: a kept run in its own, the rest in the target's.
      (c.pieces || []).forEach(function (p) { var s = el("span", langClass(p[1]), p[0]); if (p[1]) s.title = p[1]; td.appendChild(s); });
    }
    td.title = STATUS[c.status] || c.status;
    if (c.route) td.appendChild(el("span", "route", "route: " + c.route.join(", ")));
    if (c.status === "untranslated" || c.status === "partial") {
      var why = c.missing ? "no model " + c.missing.join(", ") : "not translated";
      td.appendChild(el("span", "flag untranslated", (c.status === "partial" ? "partly untranslated: " : "untranslated: ") + why));
    }
    (c.gf || []).forEach(function (g) { td.appendChild(el("span", "flag glossary", "glossary (during the run): " + g)); });
    (c.gv || []).forEach(function (g) { td.appendChild(el("span", "flag glossary", "glossary: " + g)); });
    return td;
  }

  function sideBySide(i, data) {
    var table = el("table", "seg");
    var head = el("tr");
    // Fixed layout: "#" and "kind" are narrow, the source and every target share the rest equally.
    head.appendChild(el("th", "c-num", "#"));
    head.appendChild(el("th", "c-kind", "kind"));
    ["source"].concat(data.targets).forEach(function (h) { head.appendChild(el("th", "c-text", h)); });
    table.appendChild(el("thead")).appendChild(head);
    var tbody = table.appendChild(el("tbody"));
    data.rows.forEach(function (row) {
      var tr = el("tr", "row" + row.issues.map(function (k) { return " k-" + k; }).join(""));
      tr.id = rowId(i, row.id);
      tr.appendChild(el("td", "num", row.id));
      tr.appendChild(el("td", "kind", row.kind));
      var src = el("td", "src");
      renderPieces(src, row.src, data);
      tr.appendChild(src);
      data.targets.forEach(function (t) { tr.appendChild(targetCell(t, row.tr[t], row)); });
      tbody.appendChild(tr);
    });
    return table;
  }

  function editTable(i, title, cls, edits, shownKey) {
    var box = el("div", cls);
    box.appendChild(el("h3", null, title + " (" + edits.length + ")"));
    var table = el("table", "edits");
    var head = el("tr");
    ["#", "rule", "before", "after", "confidence", "segment", "context"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var tbody = table.appendChild(el("tbody"));
    edits.forEach(function (e, k) {
      var tr = el("tr");
      tr.appendChild(el("td", "num", k));
      tr.appendChild(el("td", null, e.rule));
      tr.appendChild(el("td", "code", show(e.before)));
      tr.appendChild(el("td", "code", show(e.after)));
      tr.appendChild(el("td", "num", e.confidence));
      var where = el("td");
      if (e.seg === null) where.textContent = "outside segments";
      else where.appendChild(segLink(i, e.seg));
      tr.appendChild(where);
      var ctx = el("td", "ctx");
      if (e.ctx) {
        ctx.appendChild(el("span", null, e.ctx[0]));
        ctx.appendChild(el("mark", shownKey, e.ctx[1] || "\u2038"));
        ctx.appendChild(el("span", null, e.ctx[2]));
      } else ctx.textContent = "not found in the repaired text";
      tr.appendChild(ctx);
      tbody.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  function segLink(i, seg) {
    var a = el("a", null, "segment " + seg);
    a.href = "#" + rowId(i, seg);
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var target = $(rowId(i, seg));
      if (target) { target.scrollIntoView({ block: "center" }); target.classList.add("hit"); }
    });
    return a;
  }

  function glossaryTable(i, violations) {
    var box = el("div", "glossary");
    box.appendChild(el("h3", null, "Glossary violations found by the check (" + violations.length + ")"));
    var table = el("table", "gloss");
    var head = el("tr");
    ["kind", "term", "expected", "found", "where", "segment"].forEach(function (h) { head.appendChild(el("th", null, h)); });
    table.appendChild(el("thead")).appendChild(head);
    var tbody = table.appendChild(el("tbody"));
    violations.forEach(function (v) {
      var tr = el("tr");
      [v.kind, v.term || "-", v.expected, v.found || "-", v.file + ":" + v.line].forEach(function (x) { tr.appendChild(el("td", null, x)); });
      tr.appendChild(el("td")).appendChild(segLink(i, v.segment));
      tbody.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  function renderBody(d) {
    var i = d.getAttribute("data-i");
    var data = JSON.parse($("d" + i).textContent);
    var body = d.querySelector(".body");
    body.textContent = "";
    body.appendChild(el("p", "lmeta", "Source " + data.source + " (" + data.encoding + ") \u00b7 files: " +
      data.files.filter(Boolean).join(", ")));
    data.notes.forEach(function (n) { body.appendChild(el("p", "note", "Note: " + n)); });
    body.appendChild(sideBySide(i, data));
    if (data.glossary.length) body.appendChild(glossaryTable(i, data.glossary));
    if (data.edits.length) body.appendChild(editTable(i, "Repairs applied", "edit-list", data.edits, "m-e"));
    if (data.flagged.length) body.appendChild(editTable(i, "Flagged, not applied (low confidence)", "flag-list", data.flagged, "m-f"));
    d.setAttribute("data-rendered", "1");
  }

  function readState() {
    var params = new URLSearchParams(location.search.slice(1));
    new URLSearchParams(location.hash.slice(1)).forEach(function (v, k) { params.set(k, v); });
    return params;
  }

  function saveState() {
    var p = new URLSearchParams();
    if (q.value) p.set("q", q.value);
    if (kind.value) p.set("kind", kind.value);
    if (only.checked) p.set("only", "1");
    var h = p.toString();
    try { history.replaceState(null, "", h ? "#" + h : location.pathname + location.search); } catch (err) { /* file:// quirks */ }
  }

  function apply() {
    var needle = q.value.trim().toLowerCase(), k = kind.value, n = 0;
    lessons.forEach(function (d) {
      var ok = (!needle || d.getAttribute("data-search").indexOf(needle) !== -1) &&
        (!k || (" " + d.getAttribute("data-kinds") + " ").indexOf(" " + k + " ") !== -1);
      d.hidden = !ok;
      if (ok) n++;
    });
    document.body.setAttribute("data-kind", k);
    document.body.classList.toggle("only", only.checked && !!k);
    shown.textContent = n + " of " + lessons.length + " lessons shown";
    none.hidden = n !== 0;
  }

  function onChange() { apply(); saveState(); }

  main.addEventListener("toggle", function (ev) {
    var d = ev.target;
    if (d.open && d.classList && d.classList.contains("lesson") && !d.hasAttribute("data-rendered")) renderBody(d);
  }, true);
  // Enter in the filter submits the form: filter in place, never reload (which would close every lesson).
  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); onChange(); });
  q.addEventListener("input", onChange);
  kind.addEventListener("change", onChange);
  only.addEventListener("change", onChange);
  $("open-shown").addEventListener("click", function () {
    lessons.forEach(function (d) { if (!d.hidden) d.open = true; });
  });
  $("close-all").addEventListener("click", function () { lessons.forEach(function (d) { d.open = false; }); });

  var state = readState();
  q.value = state.get("q") || "";
  var k = state.get("kind") || "";
  kind.value = Array.prototype.some.call(kind.options, function (o) { return o.value === k; }) ? k : "";
  only.checked = state.get("only") === "1";
  apply();
  var open = state.get("open");
  if (open) {
    // Opened synchronously (not through the toggle event) so a headless
    // --dump-dom right after load already shows the bodies.
    lessons.forEach(function (d) {
      if (!d.hidden && (open === "*" || d.getAttribute("data-lesson") === open)) {
        renderBody(d);
        d.open = true;
      }
    });
  }
  document.body.setAttribute("data-ready", "1");
  // For bench/report.py: milliseconds from navigation start to a usable page.
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
