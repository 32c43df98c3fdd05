// The index of a paged report: filters every lesson of the batch (one JSON
// island) and lists the first matches with a link that opens the lesson on
// its page. Only textContent and properties: no lesson text becomes markup.
// State lives in the URL hash (#q=...&kind=...), as on the lesson pages.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var data = JSON.parse($("index-data").textContent);
  var q = $("q"), kind = $("kind"), hits = $("hits"), more = $("more"), shown = $("shown");
  var LIMIT = 200;

  function apply() {
    var needle = q.value.trim().toLowerCase(), k = kind.value, n = 0;
    hits.textContent = "";
    data.lessons.forEach(function (e) {
      var ok = (!needle || (e[0] + "\n" + e[1]).toLowerCase().indexOf(needle) !== -1) &&
        (!k || (" " + e[2] + " ").indexOf(" " + k + " ") !== -1);
      if (!ok) return;
      n++;
      if (n > LIMIT || (!needle && !k)) return;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = data.pages[e[3] - 1] + "#open=" + encodeURIComponent(e[0]);
      a.textContent = e[0];
      li.appendChild(a);
      li.appendChild(document.createTextNode(" " + e[1] + (e[2] ? " (" + e[2] + ")" : "")));
      hits.appendChild(li);
    });
    shown.textContent = n + " of " + data.lessons.length + " lessons match";
    more.hidden = !(n > LIMIT && (needle || k));
    more.textContent = "Showing the first " + LIMIT + "; narrow the filter to see the rest.";
  }

  function save() {
    var p = new URLSearchParams();
    if (q.value) p.set("q", q.value);
    if (kind.value) p.set("kind", kind.value);
    var h = p.toString();
    try { history.replaceState(null, "", h ? "#" + h : location.pathname + location.search); } catch (err) { /* file:// quirks */ }
  }

  function onChange() { apply(); save(); }

  $("filters").addEventListener("submit", function (ev) { ev.preventDefault(); onChange(); });
  q.addEventListener("input", onChange);
  kind.addEventListener("change", onChange);
  var state = new URLSearchParams(location.hash.slice(1));
  q.value = state.get("q") || "";
  var k = state.get("kind") || "";
  kind.value = Array.prototype.some.call(kind.options, function (o) { return o.value === k; }) ? k : "";
  apply();
  document.body.setAttribute("data-ready", "1");
  document.body.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})();
