// The Fills page: the ledger of every fill on every account, newest first, from GET /api/fills,
// filtered by symbol and strategy. Every value is written as text.
"use strict";

(function () {
  const { el, get, errorText, when, pnl, every } = window.tvbKit;
  const SOURCES = { signal: "text-bg-primary", protection: "text-bg-info", external: "text-bg-secondary" };
  const FILTERS = ["symbol", "strategy"];
  const form = document.getElementById("fill-filters");
  const params = new URLSearchParams(location.search);
  for (const name of FILTERS) form.elements[name].value = params.get(name) || "";

  function query() {
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      const value = form.elements[name].value.trim();
      if (value) q.set(name, name === "symbol" ? value.toUpperCase() : value);
    }
    return q;
  }

  function row(f) {
    const where = f.venue + (f.account && f.account !== "default" ? "/" + f.account : "");
    const signal = f.signal_id
      ? el("a", { href: "/dashboard/signals/" + encodeURIComponent(f.signal_id), class: "text-break", text: f.signal_id })
      : el("span", { class: "text-body-secondary", text: "—" });
    return el(
      "tr",
      { class: "fill-row", "data-source": f.source, "data-symbol": f.symbol, "data-order-id": f.order_id },
      el("td", { class: "text-nowrap", title: f.time, text: when(Date.parse(f.time)) }),
      el("td", { text: where }),
      el("td", { class: "text-nowrap", text: f.symbol }),
      el("td", { class: f.side === "buy" ? "text-success" : "text-danger", text: f.side }),
      el("td", { class: "text-end", text: f.quantity }),
      el("td", { class: "text-end", text: f.price }),
      el("td", { class: "text-end text-nowrap", text: `${f.fee} ${f.fee_asset || ""}`.trim() }),
      el("td", { class: "text-end" }, pnl(f.realized_pnl)),
      el("td", {}, el("span", { class: "badge " + (SOURCES[f.source] || "text-bg-secondary"), text: f.source || "—" })),
      el("td", { text: f.strategy || "—" }),
      el("td", { class: "small" }, signal),
    );
  }

  async function load() {
    const q = query();
    history.replaceState(null, "", q.toString() ? "?" + q : location.pathname);
    const reply = await get("/api/fills?" + q);
    const error = document.getElementById("fills-error");
    if (!reply.ok) {
      error.textContent = "Fills cannot be read: " + errorText(reply);
      error.classList.remove("d-none");
      return;
    }
    error.classList.add("d-none");
    const rows = reply.body.fills.map(row);
    document.querySelector("#fills tbody").replaceChildren(...rows);
    document.getElementById("fills-empty").classList.toggle("d-none", rows.length > 0);
    document.getElementById("fills-updated").textContent = "updated " + when(Date.now());
  }

  let typing = null;
  form.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(load, 300);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  form.addEventListener("reset", () => setTimeout(load, 0));
  every(5, load);
})();
