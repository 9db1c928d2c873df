// The owner's dashboard. Every value from the server is put on the page as text, never as
// HTML, so nothing a webhook body carries can run here.
"use strict";

(function () {
  const page = document.body.dataset.page;
  const STATUS_COLOURS = {
    executed: "text-bg-success",
    pending: "text-bg-info",
    rejected: "text-bg-warning",
    failed: "text-bg-danger",
    expired: "text-bg-secondary",
  };

  // -- helpers ---------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("data-")) node.setAttribute(key, value);
      else node[key] = value;
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function cookie(name) {
    for (const part of document.cookie.split(";")) {
      const [key, ...rest] = part.trim().split("=");
      if (key === name) return decodeURIComponent(rest.join("="));
    }
    return "";
  }

  function toLogin() {
    const next = location.pathname + location.search;
    location.assign("/login?next=" + encodeURIComponent(next));
  }

  async function api(path, options) {
    const opts = Object.assign({ credentials: "same-origin", headers: {} }, options || {});
    if (opts.body !== undefined && typeof opts.body !== "string") {
      opts.body = JSON.stringify(opts.body);
      opts.headers["Content-Type"] = "application/json";
    }
    if (opts.method && opts.method !== "GET") opts.headers["X-CSRF-Token"] = cookie("tvb_csrf");
    const response = await fetch(path, opts);
    if (response.status === 401 && page !== "login") {
      toLogin();
      throw new Error("not logged in");
    }
    let body = null;
    try {
      body = await response.json();
    } catch (err) {
      body = null;
    }
    return { status: response.status, ok: response.ok, body: body };
  }

  function when(ms) {
    if (!ms) return "—";
    const d = new Date(ms);
    const pad = (n, w) => String(n).padStart(w || 2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function ago(ms, now) {
    if (!ms) return "never";
    const s = Math.max(0, Math.round(((now || Date.now()) - ms) / 1000));
    if (s < 90) return `${s} s ago`;
    if (s < 5400) return `${Math.round(s / 60)} min ago`;
    if (s < 172800) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86400)} d ago`;
  }

  function ms(value) {
    return value === null || value === undefined ? "—" : String(value);
  }

  function badge(status) {
    return el("span", { class: "badge " + (STATUS_COLOURS[status] || "text-bg-secondary"), text: status || "—" });
  }

  function yesNo(flag) {
    return el("span", { class: flag ? "text-success" : "text-danger", text: flag ? "yes" : "no" });
  }

  function setBadge(node, status) {
    node.className = "badge " + (STATUS_COLOURS[status] || "text-bg-secondary");
    node.textContent = status || "";
  }

  function fillRows(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  function definition(list, pairs) {
    list.replaceChildren();
    for (const [term, value] of pairs) {
      list.append(
        el("dt", { class: "col-5 text-body-secondary fw-normal", text: term }),
        el("dd", { class: "col-7 text-break" }, value instanceof Node ? value : ms(value)),
      );
    }
  }

  // Poll while the page is visible; a hidden tab costs the gateway nothing.
  function every(seconds, fn) {
    let timer = null;
    const tick = async () => {
      try {
        await fn();
      } catch (err) {
        console.warn(err);
      }
      timer = setTimeout(tick, seconds * 1000);
    };
    document.addEventListener("visibilitychange", () => {
      if (document.hidden) {
        clearTimeout(timer);
      } else {
        clearTimeout(timer);
        tick();
      }
    });
    tick();
  }

  // One confirmation dialog for every action that changes something that matters.
  function confirmAction(text, opts) {
    const modalEl = document.getElementById("confirm");
    const modal = bootstrap.Modal.getOrCreateInstance(modalEl);
    document.getElementById("confirm-text").textContent = text;
    document.getElementById("confirm-title").textContent = (opts && opts.title) || "Are you sure?";
    const reasonBox = document.getElementById("confirm-reason-box");
    const reason = document.getElementById("confirm-reason");
    reasonBox.classList.toggle("d-none", !(opts && opts.reason));
    reason.value = "";
    const ok = document.getElementById("confirm-ok");
    ok.textContent = (opts && opts.confirm) || "Confirm";
    ok.className = "btn " + ((opts && opts.danger) === false ? "btn-primary" : "btn-danger");
    return new Promise((resolve) => {
      let answered = false;
      const onOk = () => {
        answered = true;
        modal.hide();
        resolve({ confirmed: true, reason: reason.value });
      };
      ok.addEventListener("click", onOk, { once: true });
      // Bootstrap ignores hide() while the dialog is still opening: accept only once it is open.
      ok.disabled = true;
      modalEl.addEventListener("shown.bs.modal", () => (ok.disabled = false), { once: true });
      modalEl.addEventListener(
        "hidden.bs.modal",
        () => {
          ok.removeEventListener("click", onOk);
          if (!answered) resolve({ confirmed: false, reason: "" });
        },
        { once: true },
      );
      modal.show();
    });
  }

  // -- every page ------------------------------------------------------------------------

  function chrome() {
    for (const link of document.querySelectorAll("[data-nav]")) {
      if (link.dataset.nav === page || (page === "signal" && link.dataset.nav === "signals")) {
        link.classList.add("active");
        link.setAttribute("aria-current", "page");
      }
    }
    const logout = document.getElementById("logout");
    if (logout) {
      logout.addEventListener("click", async () => {
        await fetch("/logout", { method: "POST", credentials: "same-origin" });
        location.assign("/login");
      });
    }
    if (page !== "login") {
      every(5, async () => {
        const reply = await api("/api/trading");
        const node = document.getElementById("trading-badge");
        if (!reply.ok) {
          node.replaceChildren(el("span", { class: "badge text-bg-secondary", text: "executor unreachable" }));
          return;
        }
        const on = reply.body.enabled;
        node.replaceChildren(
          el("span", { class: "badge " + (on ? "text-bg-success" : "text-bg-danger"), text: on ? "trading on" : "trading off" }),
        );
      });
    }
  }

  // -- login -----------------------------------------------------------------------------

  function loginPage() {
    if (document.body.dataset.state === "off") {
      document.getElementById("login-disabled").classList.remove("d-none");
    }
    const form = document.getElementById("login-form");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const error = document.getElementById("login-error");
      error.classList.add("d-none");
      const reply = await api("/login", { method: "POST", body: { password: form.elements.password.value } });
      if (!reply.ok) {
        error.textContent = reply.status === 429 ? "Too many attempts; wait a moment." : "Wrong password.";
        error.classList.remove("d-none");
        form.elements.password.select();
        return;
      }
      const next = new URLSearchParams(location.search).get("next") || "";
      // Only our own pages: a crafted link must not send the owner elsewhere after login.
      location.assign(/^\/dashboard(\/[\w\-.~%/]*)?(\?[\w\-.~%=&]*)?$/.test(next) ? next : "/dashboard");
    });
  }

  // -- status ----------------------------------------------------------------------------

  function statusPage() {
    const toggle = document.getElementById("trading-toggle");
    let tradingOn = null;

    toggle.addEventListener("click", async () => {
      const enable = !tradingOn;
      const answer = await confirmAction(
        enable
          ? "Switch trading ON: signals will place real orders again."
          : "Switch trading OFF: every signal will be rejected until it is switched on.",
        { title: enable ? "Switch trading on?" : "Switch trading off?", confirm: enable ? "Switch on" : "Switch off", reason: true, danger: !enable },
      );
      if (!answer.confirmed) return;
      toggle.disabled = true;
      const reply = await api("/api/trading", { method: "POST", body: { enabled: enable, reason: answer.reason } });
      if (!reply.ok) alert("The switch did not change: " + ((reply.body && reply.body.error && reply.body.error.message) || reply.status));
      await load(false);
    });

    document.getElementById("flatten-all").addEventListener("click", async () => {
      const answer = await confirmAction(
        "Flatten every venue and account: trading is switched OFF, tvbridge's open orders are cancelled and every position is closed at market. Orders placed by hand stay.",
        { title: "Flatten everything?", confirm: "Flatten", danger: true },
      );
      if (!answer.confirmed) return;
      const reply = await api("/api/flatten", { method: "POST", body: {} });
      const out = document.getElementById("flatten-result");
      if (!reply.ok) {
        out.textContent = "Flatten failed: " + ((reply.body && reply.body.error && reply.body.error.message) || reply.status);
      } else {
        out.textContent = reply.body.summary; // the gateway words it, as for Telegram and notifications
      }
      await load(false);
    });

    document.getElementById("refresh-status").addEventListener("click", () => load(true));

    async function load(refresh) {
      const reply = await api("/api/status" + (refresh ? "?refresh=1" : ""));
      if (!reply.ok) return;
      const s = reply.body;
      const now = s.gateway.now_ms;

      tradingOn = s.trading.enabled;
      const state = document.getElementById("trading-state");
      if (tradingOn === null || tradingOn === undefined) {
        state.textContent = "unknown";
        state.className = "fs-4 fw-semibold text-warning";
        document.getElementById("trading-detail").textContent = (s.trading.error && s.trading.error.message) || "";
        toggle.disabled = true;
      } else {
        state.textContent = tradingOn ? "ON" : "OFF";
        state.className = "fs-4 fw-semibold " + (tradingOn ? "text-success" : "text-danger");
        const by = s.trading.actor ? ` by ${s.trading.actor}` : "";
        const why = s.trading.reason ? `: ${s.trading.reason}` : "";
        const held = s.trading.executor || {};
        const lag = held.in_sync === false ? " (the executor has not applied it yet)" : "";
        document.getElementById("trading-detail").textContent = (s.trading.changed_at
          ? `since ${when(Date.parse(s.trading.changed_at))}${by}${why}`
          : "from TRADING_ENABLED: nothing recorded yet") + lag;
        toggle.disabled = false;
        toggle.textContent = tradingOn ? "Switch trading off" : "Switch trading on";
        toggle.className = "btn btn-sm mt-2 " + (tradingOn ? "btn-outline-danger" : "btn-success");
      }

      const history = s.trading.history || [];
      fillRows(
        document.querySelector("#switch-history tbody"),
        history.length
          ? history.map((h) =>
              el(
                "tr",
                {},
                el("td", { text: when(Date.parse(h.changed_at)) }),
                el("td", {}, el("span", { class: "badge " + (h.enabled ? "text-bg-success" : "text-bg-danger"), text: h.enabled ? "on" : "off" })),
                el("td", { text: h.actor }),
                el("td", { text: h.reason }),
              ),
            )
          : [el("tr", {}, el("td", { colSpan: 4, class: "text-body-secondary", text: "No change recorded: TRADING_ENABLED applies." }))],
      );

      const gw = document.getElementById("gateway-state");
      gw.textContent = "up";
      gw.className = "fs-5 text-success";
      document.getElementById("gateway-detail").textContent = "started " + ago(s.gateway.started_ms, now);
      const ex = document.getElementById("executor-state");
      ex.textContent = s.executor.ok ? "up" : "unreachable";
      ex.className = "fs-5 " + (s.executor.ok ? "text-success" : "text-danger");
      document.getElementById("executor-detail").textContent = s.executor.addr;

      const backlog = document.getElementById("backlog-state");
      backlog.textContent = s.backlog.pending === 0 ? "empty" : `${s.backlog.pending} pending, oldest ${Math.round(s.backlog.oldest_age_s)} s`;
      backlog.className = "fs-5 " + (s.backlog.pending === 0 ? "text-success" : "text-warning");
      const counts = Object.entries(s.last_24h).map(([k, v]) => `${v} ${k}`).join(", ");
      document.getElementById("counts-24h").textContent = "last 24 h: " + (counts || "no signals");

      const venueRows = s.venues.checks.map((c) =>
        el(
          "tr",
          { "data-venue": c.venue, "data-account": c.account },
          el("td", { text: c.venue }),
          el("td", { text: c.account }),
          el("td", {}, c.ok ? el("span", { class: "text-success", text: "ok" }) : el("span", { class: "text-danger", text: (c.error && c.error.message) || "down" })),
          el("td", {}, yesNo(c.can_read)),
          el("td", {}, yesNo(c.can_trade)),
          el("td", { class: "text-end", text: `${c.latency_ms} ms` }),
          el("td", { class: "text-end", text: `${c.clock_offset_ms} ms` }),
        ),
      );
      if (s.venues.error) {
        venueRows.push(el("tr", {}, el("td", { colSpan: 7, class: "text-danger", text: s.venues.error.message })));
      }
      fillRows(document.querySelector("#venues tbody"), venueRows);

      fillRows(
        document.querySelector("#strategies tbody"),
        s.strategies.length
          ? s.strategies.map((r) =>
              el(
                "tr",
                {},
                el("td", { text: r.strategy + (r.watched ? " (watched)" : "") }),
                el("td", { text: ago(r.last_ms, now), title: when(r.last_ms) }),
                el(
                  "td",
                  {},
                  r.last_signal_id
                    ? el("a", { href: "/dashboard/signals/" + encodeURIComponent(r.last_signal_id) }, badge(r.last_status))
                    : "—",
                ),
              ),
            )
          : [el("tr", {}, el("td", { colSpan: 3, class: "text-body-secondary", text: "No strategy has sent a named signal yet." }))],
      );

      const audit = await api("/api/audit");
      if (audit.ok) {
        fillRows(
          document.querySelector("#audit tbody"),
          audit.body.entries.map((a) =>
            el("tr", {}, el("td", { text: when(a.time_ms) }), el("td", { text: a.actor }), el("td", { text: a.action }), el("td", { class: "text-break", text: a.detail })),
          ),
        );
      }
    }

    every(5, () => load(false));
  }

  // -- signals ---------------------------------------------------------------------------

  function sizeText(row) {
    if (!row.requested) return "—";
    const unit = { quantity: "", balance: " USDT", balance_pct: " %", position_pct: " % of pos.", risk_pct: " % risk", risk_usdt: " USDT risk" }[row.requested.kind] || "";
    return row.requested.value + unit;
  }

  function signalsPage() {
    const form = document.getElementById("signal-filters");
    const params = new URLSearchParams(location.search);
    for (const name of ["status", "venue", "symbol"]) form.elements[name].value = params.get(name) || "";

    function query() {
      const q = new URLSearchParams();
      for (const name of ["status", "venue", "symbol"]) if (form.elements[name].value.trim()) q.set(name, form.elements[name].value.trim());
      return q;
    }

    async function load() {
      const q = query();
      history.replaceState(null, "", q.toString() ? "?" + q : location.pathname);
      const reply = await api("/api/signals?" + q);
      if (!reply.ok) return;
      const rows = reply.body.signals.map((s) => {
        const href = "/dashboard/signals/" + encodeURIComponent(s.signal_id);
        const tr = el(
          "tr",
          { class: "signal-row", "data-signal-id": s.signal_id, "data-status": s.status },
          el("td", { class: "text-nowrap" }, el("a", { href: href, text: when(s.received_ms) })),
          el("td", { class: "text-nowrap" }, badge(s.status), s.test ? el("span", { class: "badge text-bg-dark border ms-1", text: "test" }) : null),
          el("td", { text: s.venue + (s.account && s.account !== "default" ? "/" + s.account : "") }),
          el("td", { class: "text-nowrap", text: s.symbol }),
          el("td", { text: s.action }),
          el("td", { class: "text-nowrap", text: sizeText(s) }),
          el("td", { class: "text-nowrap", text: s.quantity ? (s.test ? "sized " : "") + s.quantity + (s.price ? " @ " + s.price : "") : "—" }),
          el("td", { class: "small text-break", text: s.order_ids.join(", ") || "—" }),
          el("td", { class: "small reason", text: s.reason || "" }),
          el("td", { class: "text-end", text: ms(s.latency_ms.total) }),
          el("td", { class: "text-end", text: ms(s.latency_ms.received_to_journalled) }),
          el("td", { class: "text-end", text: ms(s.latency_ms.executor) }),
          el("td", { class: "text-end", text: ms(s.latency_ms.venue) }),
        );
        tr.addEventListener("click", (event) => {
          if (event.target.tagName !== "A") location.assign(href);
        });
        return tr;
      });
      fillRows(document.querySelector("#signals tbody"), rows);
      document.getElementById("signals-empty").classList.toggle("d-none", rows.length > 0);
      document.getElementById("signals-updated").textContent = "updated " + when(Date.now());
    }

    form.addEventListener("change", load);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      load();
    });
    form.elements.symbol.addEventListener("input", () => {
      clearTimeout(form._typing);
      form._typing = setTimeout(load, 300);
    });
    form.addEventListener("reset", () => setTimeout(load, 0));
    every(2, load);
  }

  // -- one signal ------------------------------------------------------------------------

  function fillPrice(orders) {
    const entry = (orders || []).find((o) => o.avg_price);
    return entry ? entry.avg_price : "";
  }

  function signalPage() {
    const id = decodeURIComponent(location.pathname.split("/").pop());
    document.getElementById("signal-title").textContent = id;

    async function load() {
      const reply = await api("/signals/" + encodeURIComponent(id));
      const error = document.getElementById("signal-error");
      if (!reply.ok) {
        error.textContent = (reply.body && reply.body.error && reply.body.error.message) || "not found";
        error.classList.remove("d-none");
        return false;
      }
      error.classList.add("d-none");
      const s = reply.body;
      const j = s.journal;
      setBadge(document.getElementById("signal-status"), s.status);
      const sizing = s.sizing || {};
      definition(document.getElementById("signal-outcome"), [
        ["Status", badge(s.status)],
        ["Test", s.test ? "yes" : "no"],
        ["Reason", s.reason || (s.error && s.error.message) || "—"],
        ["Error code", (s.error && s.error.code) || "—"],
        ["Venue code", (s.error && s.error.venue_code) || "—"],
        ["Quantity", sizing.quantity || "—"],
        ["Price", fillPrice(s.orders) || sizing.price || "—"],
        ["Notional", sizing.notional || "—"],
        ["Leverage", sizing.leverage || "—"],
        ["Note", s.note || "—"],
        ["Attempts", j.attempts],
      ]);
      const t = s.timings_ms || {};
      const stage = (a, b) => (a && b ? `${b - a} ms` : "—");
      definition(document.getElementById("signal-stages"), [
        ["Fired (TradingView)", j.fired_ms ? when(j.fired_ms) : "—"],
        ["Received", when(j.received_ms)],
        ["Fired → received", stage(j.fired_ms, j.received_ms)],
        ["Received → journalled", stage(j.received_ms, j.journalled_ms)],
        ["Executor", t.executor !== undefined ? `${t.executor} ms` : "—"],
        ["Venue", t.venue !== undefined ? `${t.venue} ms` : "—"],
        ["Received → answered", stage(j.received_ms, j.finished_ms)],
      ]);
      fillRows(
        document.querySelector("#signal-orders tbody"),
        (s.orders || []).map((o) =>
          el(
            "tr",
            {},
            el("td", { text: o.purpose }),
            el("td", { text: o.side + (o.position_side && o.position_side !== "BOTH" ? " " + o.position_side.toLowerCase() : "") }),
            el("td", { text: o.type }),
            el("td", { text: o.quantity }),
            el("td", { text: o.avg_price || o.trigger_price || o.price || "—" }),
            el("td", { class: "text-break", text: o.order_id }),
            el("td", { text: o.status }),
          ),
        ),
      );
      document.getElementById("signal-journal").textContent = JSON.stringify(j, null, 2);
      return s.status === "pending";
    }

    // Refresh only while there is something still to learn.
    const poll = async () => {
      if (await load()) setTimeout(poll, 1000);
    };
    poll();
  }

  // -- account ---------------------------------------------------------------------------

  function accountPage() {
    const box = document.getElementById("accounts");

    function table(head, rows) {
      return el(
        "div",
        { class: "table-responsive" },
        el(
          "table",
          { class: "table table-sm mb-0" },
          el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { text: h })))),
          el("tbody", {}, ...rows),
        ),
      );
    }

    async function load() {
      const reply = await api("/api/accounts");
      if (!reply.ok) return;
      const cards = reply.body.accounts.map((a) => {
        const body = [];
        if (a.error) {
          body.push(el("div", { class: "card-body text-danger", text: a.error.message }));
        } else {
          body.push(
            table(
              ["Asset", "Wallet", "Available", "Equity", "Unrealized PnL"],
              a.balances.map((b) => el("tr", {}, el("td", { text: b.asset }), el("td", { text: b.wallet }), el("td", { text: b.available }), el("td", { text: b.equity }), el("td", { text: b.unrealized_pnl }))),
            ),
          );
          body.push(
            a.positions.length
              ? table(
                  ["Symbol", "Side", "Quantity", "Entry", "Mark", "Unrealized PnL", "Leverage", "Margin"],
                  a.positions.map((p) =>
                    el("tr", { class: "position-row" }, el("td", { text: p.symbol }), el("td", { text: p.position_side }), el("td", { text: p.quantity }), el("td", { text: p.entry_price }), el("td", { text: p.mark_price }), el("td", { text: p.unrealized_pnl }), el("td", { text: p.leverage + "x" }), el("td", { text: p.margin_mode })),
                  ),
                )
              : el("div", { class: "card-body py-2 text-body-secondary small", text: "No open positions." }),
          );
        }
        return el(
          "div",
          { class: "card mb-3", "data-venue": a.venue, "data-account": a.account },
          el("div", { class: "card-header d-flex gap-2" }, el("strong", { text: a.venue }), el("span", { text: a.account }), a.hedge_mode ? el("span", { class: "badge text-bg-dark border", text: "hedge mode" }) : null),
          ...body,
        );
      });
      box.replaceChildren(...(cards.length ? cards : [el("p", { class: "text-body-secondary", text: "No venue is configured." })]));
    }

    document.getElementById("refresh-accounts").addEventListener("click", load);
    every(15, load);
  }

  // -- test a signal ---------------------------------------------------------------------

  function testPage() {
    const form = document.getElementById("test-form");
    const preview = document.getElementById("t-preview");

    function fields() {
      return {
        action: form.elements.action.value,
        symbol: form.elements.symbol.value.trim(),
        size_kind: form.elements.size_kind.value,
        size: form.elements.size.value.trim(),
        exchange: form.elements.exchange.value,
        account: form.elements.account.value,
        strategy: form.elements.strategy.value.trim(),
        test: form.elements.test.checked,
      };
    }

    function message(f) {
      const m = { action: f.action, symbol: f.symbol };
      if (f.size_kind) m[f.size_kind] = f.size;
      if (f.exchange) m.exchange = f.exchange;
      if (f.account && f.account !== "default") m.account = f.account;
      if (f.strategy) m.strategy = f.strategy;
      m.test = f.test;
      m.passphrase = "<your WEBHOOK_PASSPHRASE>";
      return m;
    }

    function render() {
      form.elements.size.disabled = !form.elements.size_kind.value;
      preview.textContent = JSON.stringify(message(fields()), null, 2);
      const send = document.getElementById("t-send");
      send.textContent = form.elements.test.checked ? "Send through the webhook (test)" : "Send a REAL order";
      send.className = "btn mt-3 " + (form.elements.test.checked ? "btn-primary" : "btn-danger");
    }

    async function accounts() {
      const reply = await api("/api/status");
      const checks = reply.ok ? reply.body.venues.checks : [];
      const preferred = reply.ok ? reply.body.defaults.exchange : "";
      // The gateway's default venue first, as an alert without "exchange" would go there.
      const venues = [...new Set(checks.map((c) => c.venue))].sort((a, b) => (b === preferred) - (a === preferred));
      form.elements.exchange.replaceChildren(...(venues.length ? venues : ["bingx", "binance"]).map((v) => el("option", { value: v, text: v })));
      const fillAccounts = () => {
        const names = checks.filter((c) => c.venue === form.elements.exchange.value).map((c) => c.account);
        form.elements.account.replaceChildren(...(names.length ? names : ["default"]).map((a) => el("option", { value: a, text: a })));
        render();
      };
      form.elements.exchange.addEventListener("change", fillAccounts);
      fillAccounts();
    }

    form.addEventListener("input", render);
    form.addEventListener("change", render);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const f = fields();
      if (!f.test) {
        const answer = await confirmAction(
          `This sends a REAL ${f.action} order for ${f.symbol} on ${f.exchange}/${f.account}. The venue will fill it.`,
          { title: "Place a real order?", confirm: "Place it" },
        );
        if (!answer.confirmed) return;
      }
      const send = document.getElementById("t-send");
      send.disabled = true;
      try {
        const reply = await api("/api/test-signal", { method: "POST", body: f });
        const card = document.getElementById("t-result-card");
        card.classList.remove("d-none");
        const outcome = reply.body && reply.body.outcome ? reply.body.outcome : reply.body;
        const status = outcome && outcome.status ? outcome.status : outcome && outcome.error ? "refused" : String(reply.status);
        setBadge(document.getElementById("t-status"), status);
        document.getElementById("t-result").textContent = JSON.stringify(outcome, null, 2);
        const detail = document.getElementById("t-detail");
        if (outcome && outcome.signal_id) {
          detail.href = "/dashboard/signals/" + encodeURIComponent(outcome.signal_id);
          detail.classList.remove("d-none");
        } else {
          detail.classList.add("d-none");
        }
      } finally {
        send.disabled = false;
      }
    });

    render();
    accounts();
  }

  // The page scripts beside this one (risk.js) ask the owner through the same dialog.
  window.tvbConfirm = confirmAction;

  chrome();
  const pages = { login: loginPage, status: statusPage, signals: signalsPage, signal: signalPage, account: accountPage, test: testPage };
  if (pages[page]) pages[page]();
})();
