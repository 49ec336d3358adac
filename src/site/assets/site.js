// catalint site: the index's filters and search, the map's zoom, the theme switch, and
// the single-file site's page titles. Text from the catalogue is only ever set as text
// (textContent), never parsed as markup.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "catalint-theme";

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(v) {
    try { window.localStorage.setItem(KEY, v); } catch (e) { /* file:// may refuse */ }
  }
  var saved = stored();
  if (saved === "light" || saved === "dark") root.setAttribute("data-theme", saved);

  function dark() {
    var t = root.getAttribute("data-theme");
    if (t) return t === "dark";
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest && ev.target.closest("[data-theme-toggle]");
    if (!b) return;
    var next = dark() ? "light" : "dark";
    root.setAttribute("data-theme", next);
    store(next);
  });

  // "/" goes to the search box, as on most sites; Escape clears it.
  document.addEventListener("keydown", function (ev) {
    var q = document.getElementById("q");
    if (ev.key === "/" && q && document.activeElement !== q &&
        !/^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement.tagName)) {
      ev.preventDefault();
      if (root.hasAttribute("data-single") && location.hash && location.hash !== "#index") {
        location.hash = "#index";
      }
      q.focus();
      q.select();
    } else if (ev.key === "Escape" && q && document.activeElement === q && q.value) {
      q.value = "";
      q.dispatchEvent(new Event("input"));
    }
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function index() {
    var form = document.querySelector("[data-index]");
    var script = document.getElementById("catalogue-data");
    if (!form || !script) return;
    var data = JSON.parse(script.textContent);
    var rows = data.rows;
    var single = data.single;
    var PAGE = 100;
    var hay = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      hay[i] = (rows[i][1] + " " + rows[i][2]).toLowerCase();
    }
    var q = document.getElementById("q");
    var body = document.querySelector("#list tbody");
    var count = document.getElementById("count");
    var more = document.getElementById("more");
    var selects = {
      kind: [document.getElementById("f-kind"), 0, data.kinds],
      category: [document.getElementById("f-category"), 3, data.categories],
      facing: [document.getElementById("f-facing"), 4, data.facing],
      lifecycle: [document.getElementById("f-lifecycle"), 5, data.lifecycles],
      owner: [document.getElementById("f-owner"), 6, data.owners]
    };
    Object.keys(selects).forEach(function (name) {
      var s = selects[name];
      var order = s[2].map(function (v, i) { return [v, i]; });
      order.sort(function (a, b) { return a[0].localeCompare(b[0]); });
      order.forEach(function (p) {
        var o = el("option", null, p[0]);
        o.value = String(p[1]);
        s[0].appendChild(o);
      });
      if (s[2].length < 2) s[0].parentNode.hidden = s[2].length === 0;
    });
    var findings = document.getElementById("f-findings");
    [["errors", "With errors"], ["warnings", "With warnings"], ["any", "With findings"], ["none", "Without findings"]]
      .forEach(function (p) { var o = el("option", null, p[1]); o.value = p[0]; findings.appendChild(o); });

    function href(r) {
      var path = r[9] || (data.dirs[r[0]] + "/" + r[1] + ".html");
      return single ? "#" + path.replace(/\.html$/, "") : path;
    }
    var matches = [];
    var shown = 0;

    function row(r) {
      var tr = el("tr");
      var td = el("td");
      var a = el("a", null, r[2] || r[1]);
      a.href = href(r);
      td.appendChild(a);
      if (r[2]) td.appendChild(el("span", "id", r[1]));
      tr.appendChild(td);
      tr.appendChild(el("td", null, data.kinds[r[0]]));
      tr.appendChild(el("td", null, r[3] >= 0 ? data.categories[r[3]] : ""));
      tr.appendChild(el("td", null, r[4] >= 0 ? data.facing[r[4]] : ""));
      tr.appendChild(el("td", null, r[5] >= 0 ? data.lifecycles[r[5]] : ""));
      tr.appendChild(el("td", null, r[6] >= 0 ? data.owners[r[6]] : ""));
      var f = el("td");
      if (r[7]) f.appendChild(el("span", "badge error", r[7] + (r[7] === 1 ? " error" : " errors")));
      if (r[8]) f.appendChild(el("span", "badge warning", r[8] + (r[8] === 1 ? " warning" : " warnings")));
      if (!r[7] && !r[8]) f.textContent = "\u2014";
      tr.appendChild(f);
      return tr;
    }

    function draw(from, to) {
      var frag = document.createDocumentFragment();
      for (var i = from; i < to; i++) frag.appendChild(row(rows[matches[i]]));
      body.appendChild(frag);
      shown = to;
      more.hidden = shown >= matches.length;
      count.textContent = matches.length === rows.length
        ? rows.length.toLocaleString("en") + " entities"
        : matches.length.toLocaleString("en") + " of " + rows.length.toLocaleString("en") + " entities match";
    }

    function apply() {
      var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
      var want = {};
      Object.keys(selects).forEach(function (name) {
        var v = selects[name][0].value;
        if (v !== "") want[selects[name][1]] = Number(v);
      });
      var cols = Object.keys(want).map(Number);
      var fv = findings.value;
      var first = [];
      var rest = [];
      outer: for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        for (var c = 0; c < cols.length; c++) if (r[cols[c]] !== want[cols[c]]) continue outer;
        if (fv === "errors" && !r[7]) continue;
        if (fv === "warnings" && !r[8]) continue;
        if (fv === "any" && !r[7] && !r[8]) continue;
        if (fv === "none" && (r[7] || r[8])) continue;
        var h = hay[i];
        for (var w = 0; w < words.length; w++) if (h.indexOf(words[w]) < 0) continue outer;
        // Ids and names that start with the query come first.
        if (words.length && (r[1].lastIndexOf(words[0], 0) === 0 || r[2].toLowerCase().lastIndexOf(words[0], 0) === 0)) first.push(i);
        else rest.push(i);
      }
      matches = first.concat(rest);
      body.textContent = "";
      draw(0, Math.min(PAGE, matches.length));
    }

    var pending = false;
    function later() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; apply(); });
    }
    q.addEventListener("input", later);
    Object.keys(selects).forEach(function (n) { selects[n][0].addEventListener("change", later); });
    findings.addEventListener("change", later);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    more.addEventListener("click", function () {
      var from = shown;
      draw(from, Math.min(from + PAGE, matches.length));
      var link = body.rows[from] && body.rows[from].querySelector("a");
      if (link) link.focus();
    });
    apply();
  }

  function maps() {
    var tools = document.querySelector("[data-map-tools]");
    var map = document.getElementById("map");
    if (!tools || !map) return;
    var svg = map.querySelector("svg");
    var w = Number(svg.getAttribute("width"));
    var h = Number(svg.getAttribute("height"));
    var scale = 1;
    function set(s) {
      scale = Math.max(0.05, Math.min(3, s));
      svg.setAttribute("width", String(Math.round(w * scale)));
      svg.setAttribute("height", String(Math.round(h * scale)));
    }
    tools.addEventListener("click", function (ev) {
      var b = ev.target.closest("[data-zoom]");
      if (!b) return;
      var z = b.getAttribute("data-zoom");
      if (z === "in") set(scale * 1.25);
      else if (z === "out") set(scale / 1.25);
      else set(Math.min(1, (map.clientWidth - 4) / w));
    });
    var owners = tools.querySelector("[data-show-owners]");
    owners.addEventListener("change", function () { svg.classList.toggle("owners", owners.checked); });
  }

  // The single-file site: the shown section names the document and gets the focus.
  function single() {
    if (!root.hasAttribute("data-single")) return;
    var base = document.title;
    function show() {
      var id = decodeURIComponent(location.hash.slice(1));
      var s = id && document.getElementById(id);
      if (s && s.classList.contains("page")) {
        document.title = s.getAttribute("data-title") + " \u00b7 " + base;
        window.scrollTo(0, 0);
      } else {
        document.title = base;
      }
    }
    window.addEventListener("hashchange", show);
    show();
  }

  function start() {
    index();
    maps();
    single();
    root.setAttribute("data-ready", String(Math.round(performance.now())));
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
