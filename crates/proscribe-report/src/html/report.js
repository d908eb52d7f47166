"use strict";
(function () {
  // Row fields, as html.rs writes them.
  var ID = 0, ST = 1, V = 2, P = 3, ENT = 4, KIND = 5, NAME = 6, VER = 7, PUB = 8,
    LOC = 9, DET = 10, AL = 11, DL = 12, X = 13, EV = 14;
  var PAGE = 100;
  var ui = JSON.parse(document.getElementById("proscribe-ui").textContent);
  var D = JSON.parse(document.getElementById("proscribe-data").textContent);
  var F = D.f;
  var app = document.getElementById("app");
  if (!app || !F.length) return;
  var tbody = document.querySelector("#ft tbody");
  var q = document.getElementById("q"), fs = document.getElementById("fs"),
    fv = document.getElementById("fv"), fo = document.getElementById("fo");
  var shown = document.getElementById("shown"), nomatch = document.getElementById("nomatch");
  var prev = document.getElementById("prev"), next = document.getElementById("next"),
    pageLabel = document.getElementById("page");
  var coll = new Intl.Collator(ui.lang, { numeric: true, sensitivity: "base" });
  var nf = new Intl.NumberFormat(ui.lang);

  // Control characters become their visible pictures, as on the server side.
  function tx(s) {
    return s == null ? "" : String(s).replace(/[\u0000-\u001f\u007f-\u009f]/g, function (c) {
      var n = c.charCodeAt(0);
      return n < 32 ? String.fromCharCode(0x2400 + n) : n === 127 ? "\u2421" : "\ufffd";
    });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = tx(text);
    return e;
  }
  function bdi(text) { return el("bdi", null, text); }
  function fill(tpl, args) {
    return tpl.replace(/\{(\w+)\}/g, function (m, k) { return k in args ? args[k] : m; });
  }
  var STATUS = ["review", "restricted", "banned"];

  // State: the order of all rows, the rows passing the filter, the page, open details.
  var order = F.map(function (_, i) { return i; });
  var rows = order, page = 0, printing = false, open = {};
  var sortKey = null, sortDir = 1, hay = null;

  function vendorName(f) { return D.v[f[V]][1]; }
  function productName(f) { return f[P] < 0 ? "" : D.p[f[P]][1]; }
  function whereText(f) {
    var l = D.l[f[LOC]], place = l[2] || l[0];
    return f[DET] ? place + ", " + f[DET] : place;
  }
  function deadline(f) { return f[DL] < 0 ? null : D.d[f[DL]]; }
  function kind(f) { return D.k[f[KIND]]; }
  function publisher(f) { return f[PUB] < 0 ? null : D.u[f[PUB]]; }
  function evValue(f, e) { return e[1] === 0 ? f[NAME] : e[1] === 1 ? publisher(f) : e[1]; }

  var KEYS = {
    status: function (f) { return f[ST]; },
    vendor: vendorName,
    product: productName,
    item: function (f) { return f[NAME]; },
    version: function (f) { return f[VER] || ""; },
    where: whereText,
    acts: function (f) { return D.al[f[AL]].length; },
    deadline: function (f) { var d = deadline(f); return d ? d[2] : "\uffff"; }
  };

  function sortBy(key) {
    if (sortKey === key) sortDir = -sortDir;
    else { sortKey = key; sortDir = key === "status" ? -1 : 1; }
    var get = KEYS[key], keys = new Array(F.length);
    for (var i = 0; i < F.length; i++) keys[i] = get(F[i]);
    var numeric = typeof keys[0] === "number";
    order = F.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var c = numeric ? keys[a] - keys[b] : coll.compare(keys[a], keys[b]);
      return c * sortDir || a - b;
    });
    document.querySelectorAll("#ft th").forEach(function (th) {
      th.setAttribute("aria-sort", th.dataset.key !== key ? "none"
        : sortDir > 0 ? "ascending" : "descending");
    });
    applyFilter();
  }

  function haystack(f) {
    var parts = [vendorName(f), D.v[f[V]][0], productName(f), f[NAME], f[VER], publisher(f), f[ENT],
      whereText(f), D.l[f[LOC]][0], f[ID], kind(f)];
    D.al[f[AL]].forEach(function (a) { parts.push(D.a[a[0]][0]); });
    f[EV].forEach(function (e) { parts.push(evValue(f, e)); });
    if (f[X] >= 0) parts.push(D.x[f[X]].id);
    return parts.join("\u0001").toLowerCase();
  }

  function applyFilter() {
    var text = q.value.trim().toLowerCase(), st = fs.value, vd = fv.value, od = fo.checked;
    if (text && !hay) hay = F.map(haystack);
    rows = order.filter(function (i) {
      var f = F[i];
      if (st !== "" && f[ST] !== +st) return false;
      if (vd !== "" && f[V] !== +vd) return false;
      if (od) { var d = deadline(f); if (!d || !d[3]) return false; }
      return !text || hay[i].indexOf(text) >= 0;
    });
    page = 0;
    render();
  }

  function actCell(f) {
    var td = el("td"), list = D.al[f[AL]];
    if (list.length) td.appendChild(el("span", null, D.a[list[0][0]][0]));
    if (list.length > 1) td.appendChild(el("span", "more", " +" + (list.length - 1)));
    td.title = list.map(function (a) { return D.a[a[0]][0]; }).join(", ");
    return td;
  }

  function deadlineNodes(parent, d) {
    parent.appendChild(document.createTextNode(
      fill(ui.deadlineBy, { kind: ui["kind" + d[1]], date: d[2], act: D.a[d[0]][0] })));
    if (d[3]) { parent.appendChild(document.createTextNode(" ")); parent.appendChild(el("span", "overdue", ui.overdue)); }
  }

  function exceptionBadge(x) {
    return x.state === "expired" ? el("span", "badge exc expired", ui.exceptionExpired)
      : el("span", "badge exc", ui.excepted);
  }

  function rowNodes(i) {
    var f = F[i], s = STATUS[f[ST]];
    var tr = el("tr", "f s-" + s);
    tr.dataset.i = i;
    var td = el("td"), tog = el("button", "tog", "\u25b8");
    tog.type = "button";
    tog.setAttribute("aria-label", ui.details);
    tog.setAttribute("aria-expanded", "false");
    td.appendChild(tog);
    td.appendChild(document.createTextNode(" "));
    td.appendChild(el("span", "badge " + s, ui["status" + f[ST]].toLocaleUpperCase(ui.lang)));
    if (f[X] >= 0) { td.appendChild(document.createTextNode(" ")); td.appendChild(exceptionBadge(D.x[f[X]])); }
    tr.appendChild(td);
    td = el("td"); td.appendChild(bdi(vendorName(f))); tr.appendChild(td);
    td = el("td"); td.appendChild(bdi(productName(f))); tr.appendChild(td);
    td = el("td"); td.appendChild(bdi(f[NAME])); td.appendChild(el("span", "kind", " " + kind(f))); tr.appendChild(td);
    td = el("td"); td.appendChild(bdi(f[VER] || "")); tr.appendChild(td);
    td = el("td"); td.appendChild(bdi(whereText(f))); tr.appendChild(td);
    tr.appendChild(actCell(f));
    td = el("td");
    var d = deadline(f);
    if (d) deadlineNodes(td, d);
    tr.appendChild(td);
    return tr;
  }

  function dt(dl, label) { dl.appendChild(el("dt", null, label)); var dd = el("dd"); dl.appendChild(dd); return dd; }

  function detailNodes(i) {
    var f = F[i], tr = el("tr", "det open"), td = el("td"), dl = el("dl", "details");
    td.colSpan = 8;
    var item = dt(dl, ui.item);
    item.appendChild(bdi(f[NAME]));
    if (f[VER]) { item.appendChild(document.createTextNode(" ")); item.appendChild(bdi(f[VER])); }
    var ul = el("ul");
    f[EV].forEach(function (e) {
      var li = el("li"), how = D.s[e[0]];
      li.appendChild(el("code", null, how[0]));
      li.appendChild(document.createTextNode(" = "));
      li.appendChild(bdi(evValue(f, e)));
      li.appendChild(el("span", "sig", " (" + how[1] + ", " + how[3] + ")"));
      ul.appendChild(li);
    });
    dt(dl, ui.evidence).appendChild(ul);
    ul = el("ul");
    D.al[f[AL]].forEach(function (a) {
      var act = D.a[a[0]], li = el("li");
      li.appendChild(el("span", "badge " + STATUS[a[1]], ui["status" + a[1]]));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("code", null, act[0]));
      li.appendChild(document.createTextNode(" "));
      if (/^https?:\/\//.test(act[3])) {
        var link = el("a");
        link.href = act[3];
        link.rel = "noopener noreferrer";
        link.appendChild(bdi(act[1]));
        li.appendChild(link);
      } else li.appendChild(bdi(act[1]));
      if (act[2]) li.appendChild(el("span", "date", " " + fill(ui.actDate, { date: act[2] })));
      ul.appendChild(li);
    });
    dt(dl, ui.acts).appendChild(ul);
    var d = deadline(f);
    if (d) deadlineNodes(dt(dl, ui.deadline), d);
    if (f[X] >= 0) {
      var x = D.x[f[X]], dd = dt(dl, ui.exception);
      dd.appendChild(el("code", null, x.id));
      if (x.until) dd.appendChild(document.createTextNode(" \u2192 " + x.until));
      dd.appendChild(document.createTextNode(": "));
      dd.appendChild(bdi(x.reason));
      if (x.approved_by) dd.appendChild(el("span", "date", " \u00b7 " + fill(ui.approvedBy, { who: x.approved_by })));
      if (x.reference) dd.appendChild(el("span", "date", " \u00b7 " + fill(ui.reference, { reference: x.reference })));
      if (x.state) {
        dd.appendChild(document.createTextNode(" "));
        var b = exceptionBadge(x);
        b.textContent = x.state === "expired" ? ui.stateExpired : ui.stateActive;
        dd.appendChild(b);
      }
    }
    var l = D.l[f[LOC]], loc = dt(dl, ui.location);
    loc.appendChild(el("code", null, l[0]));
    loc.appendChild(document.createTextNode(" (" + l[1] + ") "));
    loc.appendChild(bdi(whereText(f)));
    if (publisher(f)) dt(dl, ui.publisher).appendChild(bdi(publisher(f)));
    if (f[ENT]) dt(dl, ui.entity).appendChild(bdi(f[ENT]));
    dt(dl, ui.kind).appendChild(el("code", null, kind(f)));
    dt(dl, ui.id).appendChild(el("code", null, f[ID]));
    td.appendChild(dl);
    tr.appendChild(td);
    return tr;
  }

  function render() {
    var total = rows.length, from = printing ? 0 : page * PAGE;
    var to = printing ? total : Math.min(total, from + PAGE);
    var frag = document.createDocumentFragment();
    for (var k = from; k < to; k++) {
      var i = rows[k], tr = rowNodes(i);
      frag.appendChild(tr);
      if (printing || open[i]) {
        tr.classList.add("open");
        tr.firstChild.firstChild.setAttribute("aria-expanded", "true");
        frag.appendChild(detailNodes(i));
      }
    }
    tbody.textContent = "";
    tbody.appendChild(frag);
    nomatch.hidden = total > 0;
    shown.textContent = fill(ui.shown, {
      from: nf.format(total ? from + 1 : 0), to: nf.format(to),
      shown: nf.format(total), total: nf.format(F.length)
    });
    var pages = Math.max(1, Math.ceil(total / PAGE));
    pageLabel.textContent = nf.format(page + 1) + " / " + nf.format(pages);
    prev.disabled = page === 0;
    next.disabled = page + 1 >= pages;
  }

  function toggle(tr) {
    var i = +tr.dataset.i, det = tr.nextSibling;
    var isOpen = det && det.classList && det.classList.contains("det");
    if (isOpen) { det.remove(); delete open[i]; tr.classList.remove("open"); }
    else { tr.after(detailNodes(i)); open[i] = true; tr.classList.add("open"); }
    tr.firstChild.firstChild.setAttribute("aria-expanded", String(!isOpen));
  }

  tbody.addEventListener("click", function (ev) {
    if (ev.target.closest("a")) return;
    var tr = ev.target.closest("tr.f");
    if (tr) toggle(tr);
  });
  document.querySelectorAll("#ft th").forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () { sortBy(th.dataset.key); });
  });
  var timer = 0;
  q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(applyFilter, F.length > 20000 ? 200 : 60); });
  [fs, fv, fo].forEach(function (c) { c.addEventListener("change", applyFilter); });
  prev.addEventListener("click", function () { if (page > 0) { page--; render(); } });
  next.addEventListener("click", function () { if ((page + 1) * PAGE < rows.length) { page++; render(); } });

  // Vendors present in the report, by name, with their counts.
  var counts = {};
  F.forEach(function (f) { counts[f[V]] = (counts[f[V]] || 0) + 1; });
  Object.keys(counts).map(Number).sort(function (a, b) { return coll.compare(D.v[a][1], D.v[b][1]); })
    .forEach(function (v) {
      var o = el("option", null, D.v[v][1] + " (" + nf.format(counts[v]) + ")");
      o.value = v;
      fv.appendChild(o);
    });

  // Printing shows every row that passes the filter, each with its details.
  function setPrinting(on) { if (printing !== on) { printing = on; render(); } }
  var media = window.matchMedia("print");
  media.addEventListener("change", function (e) { setPrinting(e.matches); });
  window.addEventListener("beforeprint", function () { setPrinting(true); });
  window.addEventListener("afterprint", function () { setPrinting(media.matches); });

  app.hidden = false;
  printing = media.matches;
  render();
  window.proscribeReady = performance.now();
  document.documentElement.setAttribute("data-ready", "1");
})();
