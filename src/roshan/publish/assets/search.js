// Offline search over the victims index, loaded as a script so it works from file:// too
// (browsers block fetch() there: pagefind #241). No request leaves this page.
(function () {
  "use strict";
  var data = window.ROSHAN_INDEX || [];
  var form = document.getElementById("search");
  if (!form) return;
  form.hidden = false;
  var q = document.getElementById("q"), prov = document.getElementById("province"),
      status = document.getElementById("status"), from = document.getElementById("from"),
      to = document.getElementById("to"), list = document.getElementById("results"),
      count = document.getElementById("count"), pages = document.querySelector("nav.pages");
  var fold = function (s) {
    return (s || "").toLowerCase()
      .replace(/[يى]/g, "ی").replace(/ك/g, "ک").replace(/[\u064b-\u065f\u0640\u200c]/g, "")
      .replace(/[۰-۹]/g, function (d) { return String(d.charCodeAt(0) - 0x6f0); })
      .replace(/\s+/g, " ").trim();
  };
  data.forEach(function (v) { v._k = fold(v.n + " " + v.l); });
  function run() {
    var words = fold(q.value).split(" ").filter(Boolean), p = prov.value, s = status.value,
        f = from.value, t = to.value, shown = 0;
    list.textContent = "";
    data.forEach(function (v) {
      if (p && v.p !== p) return;
      if (s && v.s !== s) return;
      if (f && (!v.d || v.d < f)) return;
      if (t && (!v.d || v.d > t)) return;
      for (var i = 0; i < words.length; i++) if (v._k.indexOf(words[i]) < 0) return;
      shown++;
      if (shown > 500) return;
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = "victims/" + v.i + ".html";
      a.textContent = v.n || v.l || "—";
      var meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = " " + [v.a, v.p, v.dd].filter(Boolean).join(" · ");
      li.appendChild(a); li.appendChild(meta); list.appendChild(li);
    });
    var fa = document.documentElement.lang === "fa";
    count.textContent = fa ? String(shown).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }) : String(shown);
    if (pages) pages.hidden = true;
  }
  form.addEventListener("input", run);  // not "change": it fires on blur and would redraw under a click
  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
})();
