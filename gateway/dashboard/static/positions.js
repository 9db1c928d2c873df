// The Positions page: what the executor's position keeper watches, per venue and account,
// read from GET /api/positions every few seconds: each position with its protective orders,
// and under it the exit plan the executor keeps (the ladder, the stop now, the trail). Every
// value is written as text.
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

  // A trailing stop's start: the price that activates it, or "active" when it trails from placement.
  function trailStart(o) {
    return o.activation_price ? `activation ${o.activation_price}` : "active";
  }

  function protective(o) {
    const size = o.close_position ? "whole position" : o.quantity;
    const title = `${o.order_type} ${o.status} ${o.order_id}`;
    if (o.callback_pct) {
      return el(
        "span",
        { class: "badge protective me-1 text-bg-info", "data-purpose": o.purpose, "data-trail": "true", title: title },
        `Trail ${o.callback_pct} % ${trailStart(o)} × ${size}`,
      );
    }
    const [label, colour] = PURPOSES[o.purpose] || [o.order_type || o.purpose, "text-bg-secondary"];
    return el(
      "span",
      { class: "badge protective me-1 " + colour, "data-purpose": o.purpose, title: title },
      `${label} ${o.trigger_price || "—"} × ${size}`,
    );
  }

  function level(l) {
    return el(
      "tr",
      { class: "ladder-level" + (l.done ? " text-body-secondary" : ""), "data-number": String(l.number), "data-done": l.done ? "true" : "false" },
      el("td", { text: "TP" + l.number }),
      el("td", { class: "text-end", text: l.trigger_price }),
      el("td", { class: "text-end", text: l.quantity }),
      el("td", { class: "text-end", text: l.filled }),
      el("td", {}, l.done ? el("span", { class: "badge text-bg-success done", title: "filled whole", text: "✓ done" }) : null),
    );
  }

  function ladder(plan) {
    if (!plan.take_profits.length) return null;
    const head = [["Take-profit", ""], ["Price", "text-end"], ["Quantity", "text-end"], ["Filled", "text-end"], ["", ""]];
    return el(
      "table",
      { class: "table table-sm table-borderless w-auto mb-0 ladder" },
      el("thead", {}, el("tr", {}, ...head.map(([h, c]) => el("th", { class: "fw-normal text-nowrap text-body-secondary " + c, text: h })))),
      el("tbody", {}, ...plan.take_profits.map(level)),
    );
  }

  function stopNow(plan) {
    let next = null;
    if (plan.at_breakeven) next = el("span", { class: "badge text-bg-primary ms-2 breakeven", text: "break-even" });
    else if (plan.breakeven_after) next = el("span", { class: "text-body-secondary ms-2", text: `break-even after take-profit ${plan.breakeven_after}` });
    return el(
      "div",
      { class: "stop-now" },
      el("span", { class: "text-body-secondary", text: "Stop now " }),
      el("span", { class: "stop-level", text: plan.stop_price ? `${plan.stop_price} × ${plan.stop_quantity}` : "none" }),
      next,
    );
  }

  // The plan says whether the trail waits for a take-profit; the venue's order, once placed,
  // says its activation.
  function trail(plan, orders) {
    if (!plan.trailing_pct) return null;
    const order = orders.find((o) => o.callback_pct);
    let state;
    if (!plan.trail_placed && plan.trail_after) state = `after take-profit ${plan.trail_after}`;
    else if (order) state = trailStart(order);
    else state = plan.trail_placed ? "placed" : "not placed";
    return el(
      "div",
      { class: "trail", "data-waiting": !plan.trail_placed && plan.trail_after ? "true" : "false" },
      el("span", { class: "text-body-secondary", text: "Trail " }),
      el("span", { class: "trail-state", text: `${plan.trailing_pct} % · ${state}` }),
    );
  }

  function planRow(p) {
    const plan = p.plan;
    if (!plan) return null;
    const signal = el("a", { href: "/dashboard/signals/" + encodeURIComponent(plan.signal_id), text: plan.signal_id });
    return el(
      "tr",
      { class: "plan-row", "data-symbol": p.symbol },
      el(
        "td",
        { colSpan: 8, class: "pt-0 small" },
        el(
          "div",
          { class: "plan d-flex flex-wrap align-items-start column-gap-4 row-gap-2 ps-3 border-start border-2" },
          el(
            "div",
            { class: "d-flex flex-column gap-1" },
            el("div", { class: "text-body-secondary" }, "Exit plan of ", signal, ` · entry ${plan.entry_price}`),
            stopNow(plan),
            trail(plan, p.protective),
          ),
          ladder(plan),
        ),
      ),
    );
  }

  function row(p) {
    const guard = p.protective.length ? p.protective.map(protective) : [el("span", { class: "text-body-secondary", text: "none" })];
    return el(
      "tr",
      { class: "position-row" + (p.plan ? " has-plan" : ""), "data-symbol": p.symbol, "data-unprotected": p.unprotected ? "true" : "false" },
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
          el("tbody", {}, ...a.positions.flatMap((p) => [row(p), planRow(p)])),
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
