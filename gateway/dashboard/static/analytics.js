// The Analytics page: GET /api/analytics drawn as charts (Chart.js, from its npm package) and a
// table per strategy, under the ledger's filters; the exports follow the same filters. Money
// stays a decimal string in the table; only the charts read it as a number, to draw it.
"use strict";

(function () {
  const { el, get, errorText, when, pnl, every } = window.tvbKit;
  const FILTERS = ["strategy", "venue", "account", "since", "until"];
  const form = document.getElementById("analytics-filters");
  const params = new URLSearchParams(location.search);
  for (const name of FILTERS) form.elements[name].value = params.get(name) || "";

  const style = getComputedStyle(document.body);
  const POINTS = 1000;
  const COLOURS = {
    text: style.getPropertyValue("--bs-secondary-color").trim() || "#adb5bd",
    grid: style.getPropertyValue("--bs-border-color").trim() || "#495057",
    line: style.getPropertyValue("--bs-primary").trim() || "#0d6efd",
    gain: style.getPropertyValue("--bs-success").trim() || "#198754",
    loss: style.getPropertyValue("--bs-danger").trim() || "#dc3545",
    neutral: style.getPropertyValue("--bs-info").trim() || "#0dcaf0",
  };
  Chart.defaults.color = COLOURS.text;
  Chart.defaults.borderColor = COLOURS.grid;
  Chart.defaults.animation = false; // a refresh every half minute should not replay the drawing

  function query() {
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      const value = form.elements[name].value.trim();
      if (!value) continue;
      // A day of the form is a UTC day, whole: from its first millisecond to its last.
      if (name === "since") q.set(name, value + "T00:00:00Z");
      else if (name === "until") q.set(name, value + "T23:59:59.999Z");
      else q.set(name, value);
    }
    return q;
  }

  function address() {
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      const value = form.elements[name].value.trim();
      if (value) q.set(name, value);
    }
    return q;
  }

  // -- the charts -------------------------------------------------------------------------

  const charts = {};

  function draw(id, config) {
    const canvas = document.getElementById(id);
    const chart = charts[id];
    if (chart && chart.config.type === config.type) {
      chart.data = config.data;
      chart.options = config.options;
      chart.update();
      return;
    }
    if (chart) chart.destroy();
    charts[id] = new Chart(canvas, config);
  }

  function legendless(scales) {
    return { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: scales };
  }

  function day(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  // Labels as fine as the curve's span needs (UTC): seconds within an hour, minutes within two
  // days, else the day.
  function tick(span) {
    const end = span < 3600000 ? 19 : 16;
    return span < 2 * 86400000 ? (v) => new Date(v).toISOString().slice(11, end) : (v) => day(v);
  }

  function equity(curve) {
    const points = curve.map((p) => ({ x: Date.parse(p.time), y: Number(p.equity) }));
    const span = points.length ? points[points.length - 1].x - points[0].x : 0;
    draw("equity-chart", {
      type: "line",
      data: {
        datasets: [
          { label: "Equity", data: points, borderColor: COLOURS.line, pointRadius: points.length > 60 ? 0 : 2, stepped: true },
        ],
      },
      options: legendless({
        x: { type: "linear", ticks: { callback: tick(span), maxTicksLimit: 6 } },
        y: { title: { display: true, text: "net PnL" } },
      }),
    });
  }

  function daily(days) {
    const values = days.map((d) => Number(d.net_pnl));
    draw("daily-chart", {
      type: "bar",
      data: {
        labels: days.map((d) => d.date),
        datasets: [{ label: "Net PnL", data: values, backgroundColor: values.map((v) => (v < 0 ? COLOURS.loss : COLOURS.gain)) }],
      },
      options: legendless({ y: { title: { display: true, text: "net PnL" } } }),
    });
  }

  // The bands (of a round width) are cut by the gateway, over every value.
  function slippage(found) {
    draw("slippage-chart", {
      type: "bar",
      data: {
        labels: found.map((b) => `${b.from} to ${b.to}`),
        datasets: [
          {
            label: "Fills",
            data: found.map((b) => b.count),
            backgroundColor: found.map((b) => (Number(b.from) >= 0 ? COLOURS.loss : COLOURS.gain)),
          },
        ],
      },
      options: legendless({
        x: { title: { display: true, text: "basis points" } },
        y: { title: { display: true, text: "fills" }, ticks: { precision: 0 } },
      }),
    });
  }

  // -- the figures ------------------------------------------------------------------------

  function figure(label, value, node) {
    return el(
      "div",
      { class: "col-6 col-md-3 col-xl" },
      el(
        "div",
        { class: "card h-100" },
        el("div", { class: "card-body py-2" }, el("div", { class: "small text-body-secondary", text: label }), el("div", { class: "fs-5", "data-figure": value }, node)),
      ),
    );
  }

  function share(fraction) {
    return fraction === null ? "—" : `${(Number(fraction) * 100).toFixed(1)} %`;
  }

  function orDash(value) {
    return value === null || value === undefined ? "—" : value;
  }

  function summary(total) {
    document.getElementById("analytics-summary").replaceChildren(
      figure("Net PnL", "net_pnl", pnl(total.net_pnl)),
      figure("Realised", "realized_pnl", pnl(total.realized_pnl)),
      figure("Fees", "fees", total.fees),
      figure("Trades", "trades", String(total.trades)),
      figure("Win rate", "win_rate", share(total.win_rate)),
      figure("Profit factor", "profit_factor", orDash(total.profit_factor)),
      figure("Max drawdown", "max_drawdown", total.max_drawdown),
    );
  }

  function pair(spread) {
    return spread.count ? `${spread.p50} / ${spread.p90}` : "—";
  }

  function row(name, f) {
    const q = address();
    q.set("strategy", name);
    const label = name ? el("a", { href: "?" + q, text: name }) : el("span", { class: "text-body-secondary", text: "(none)" });
    return el(
      "tr",
      { class: "strategy-row", "data-strategy": name },
      el("td", {}, label),
      el("td", { class: "text-end", text: String(f.trades) }),
      el("td", { class: "text-end", text: share(f.win_rate) }),
      el("td", { class: "text-end", text: orDash(f.profit_factor) }),
      el("td", { class: "text-end" }, pnl(f.realized_pnl)),
      el("td", { class: "text-end", text: f.fees }),
      el("td", { class: "text-end net" }, pnl(f.net_pnl)),
      el("td", { class: "text-end" }, pnl(f.largest_win)),
      el("td", { class: "text-end" }, pnl(f.largest_loss)),
      el("td", { class: "text-end", text: f.max_drawdown }),
      el("td", { class: "text-end text-nowrap", text: pair(f.slippage_bps) }),
      el("td", { class: "text-end text-nowrap", text: pair(f.fire_to_fill_ms) }),
    );
  }

  async function load() {
    const q = query();
    const shown = address();
    history.replaceState(null, "", shown.toString() ? "?" + shown : location.pathname);
    document.getElementById("export-csv").href = "/trades.csv" + (q.toString() ? "?" + q : "");
    document.getElementById("export-json").href = "/trades.json" + (q.toString() ? "?" + q : "");
    // A chart needs no more points than it has pixels: the gateway thins the curves to this.
    const reply = await get("/api/analytics?" + q + (q.toString() ? "&" : "") + "points=" + POINTS);
    const error = document.getElementById("analytics-error");
    if (!reply.ok) {
      error.textContent = "Analytics cannot be read: " + errorText(reply);
      error.classList.remove("d-none");
      return;
    }
    error.classList.add("d-none");
    const { total, strategies } = reply.body;
    summary(total);
    equity(total.equity_curve);
    daily(total.daily_pnl);
    slippage(total.slippage_bps.bands);
    const rows = Object.entries(strategies).map(([name, f]) => row(name, f));
    document.querySelector("#strategies tbody").replaceChildren(...rows);
    document.getElementById("strategies-empty").classList.toggle("d-none", rows.length > 0);
    document.getElementById("analytics-updated").textContent = "updated " + when(Date.now());
  }

  let typing = null;
  form.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(load, 400);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  form.addEventListener("reset", () => setTimeout(load, 0));
  every(30, load);
})();
