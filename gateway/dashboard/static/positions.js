// The Positions page: what the executor's position keeper watches, per venue and account,
// read from GET /api/positions every few seconds. Every value is written as text.
"use strict";

(function () {
  const { el, get, errorText, when, ago, sign, pnl, every } = window.tvbKit;
  const PURPOSES = { take_profit: ["TP", "text-bg-success"], stop_loss: ["SL", "text-bg-warning"] };

  function side(p) {
    if (p.position_side === "LONG" || p.position_side === "SHORT") return p.position_side.toLowerCase();
    return sign(p.quantity) < 0 ? "short" : "long"; // one-way mode: the quantity's sign says
  }

  function unsigned(decimal) {
    return String(decimal || "").replace(/^-/, "");
  }

  function protective(o) {
    const [label, colour] = PURPOSES[o.purpose] || [o.order_type || o.purpose, "text-bg-secondary"];
    const size = o.close_position ? "whole position" : o.quantity;
    return el(
      "span",
      { class: "badge protective me-1 " + colour, "data-purpose": o.purpose, title: `${o.order_type} ${o.status} ${o.order_id}` },
      `${label} ${o.trigger_price || "—"} × ${size}`,
    );
  }

  function row(p) {
    const guard = p.protective.length ? p.protective.map(protective) : [el("span", { class: "text-body-secondary", text: "none" })];
    return el(
      "tr",
      { class: "position-row", "data-symbol": p.symbol, "data-unprotected": p.unprotected ? "true" : "false" },
      el(
        "td",
        { class: "text-nowrap" },
        p.symbol,
        p.unprotected ? el("span", { class: "badge text-bg-danger ms-2 unprotected", title: "A stop was asked for, is missing, and placing it again failed", text: "Unprotected" }) : null,
      ),
      el("td", { text: side(p) }),
      el("td", { class: "text-end", text: unsigned(p.quantity) }),
      el("td", { class: "text-end", text: p.entry_price || "—" }),
      el("td", { class: "text-end", text: p.mark_price || "—" }),
      el("td", { class: "text-end" }, pnl(p.unrealized_pnl)),
      el("td", { class: "text-end", text: p.leverage ? p.leverage + "x" : "—" }),
      el("td", { class: "protection" }, ...guard),
    );
  }

  function banners(a) {
    const out = [];
    if (a.watch === "rest") {
      const since = a.stream_down_since_ms ? ` since ${when(a.stream_down_since_ms)}` : "";
      out.push(el("div", { class: "alert alert-warning rounded-0 mb-0 py-2 small watch-banner", text: `Stream down${since}, watching through REST reconciliation.` }));
    }
    if (a.error) {
      out.push(el("div", { class: "alert alert-danger rounded-0 mb-0 py-2 small account-error", text: `The account could not be read: ${a.error.message}` }));
    }
    return out;
  }

  function card(a) {
    const head = ["Symbol", "Side", "Quantity", "Entry", "Mark", "Unrealised PnL", "Leverage", "Protection"];
    const numeric = new Set(["Quantity", "Entry", "Mark", "Unrealised PnL", "Leverage"]);
    let body;
    if (a.positions.length) {
      body = el(
        "div",
        { class: "table-responsive" },
        el(
          "table",
          { class: "table table-sm align-middle mb-0" },
          el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { class: numeric.has(h) ? "text-end" : "", text: h })))),
          el("tbody", {}, ...a.positions.map(row)),
        ),
      );
    } else if (!a.error) {
      body = el("div", { class: "card-body py-2 text-body-secondary small positions-empty", text: "No open positions." });
    }
    const watch = a.watch === "stream"
      ? el("span", { class: "badge text-bg-success", text: "stream" })
      : el("span", { class: "badge text-bg-warning", text: "REST only" });
    return el(
      "div",
      { class: "card mb-3 account-positions", "data-venue": a.venue, "data-account": a.account, "data-watch": a.watch },
      el(
        "div",
        { class: "card-header d-flex flex-wrap align-items-center gap-2" },
        el("strong", { text: a.venue }),
        el("span", { text: a.account }),
        watch,
        el("span", { class: "small text-body-secondary ms-auto", title: when(a.last_reconcile_ms), text: "reconciled " + ago(a.last_reconcile_ms) }),
      ),
      ...banners(a),
      body,
    );
  }

  async function load() {
    const reply = await get("/api/positions");
    const error = document.getElementById("positions-error");
    if (!reply.ok) {
      error.textContent = "Positions cannot be read: " + errorText(reply);
      error.classList.remove("d-none");
      // What was shown before stays, under the error and its "updated" time; a first read that
      // failed leaves nothing to wait for.
      const waiting = document.getElementById("positions-waiting");
      if (waiting) waiting.remove();
      return;
    }
    error.classList.add("d-none");
    const accounts = reply.body.accounts;
    document.getElementById("positions").replaceChildren(
      ...(accounts.length ? accounts.map(card) : [el("p", { class: "text-body-secondary", text: "No venue account is watched." })]),
    );
    document.getElementById("positions-updated").textContent = "updated " + when(Date.now());
  }

  every(2, load);
})();
