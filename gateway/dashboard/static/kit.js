// The few helpers the page scripts share (Positions, Fills, the Status page's risk pauses):
// build nodes with text (never HTML, so a value from a venue or an alert cannot run here), ask
// the JSON API, format times, poll.
"use strict";

window.tvbKit = (function () {
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

  async function get(path) {
    const response = await fetch(path, { credentials: "same-origin" });
    if (response.status === 401) {
      location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
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

  // A change: the session's CSRF token (its cookie) echoed in X-CSRF-Token, as the API asks.
  async function post(path, body) {
    const token = (document.cookie.split("; ").find((c) => c.startsWith("tvb_csrf=")) || "").slice(9);
    const response = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": decodeURIComponent(token) },
      body: JSON.stringify(body),
    });
    let answer = null;
    try {
      answer = await response.json();
    } catch (err) {
      answer = null;
    }
    return { status: response.status, ok: response.ok, body: answer };
  }

  function errorText(reply) {
    const error = reply.body && reply.body.error;
    return (error && error.message) || `HTTP ${reply.status}`;
  }

  function when(ms) {
    if (!ms) return "—";
    const d = new Date(ms);
    const pad = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function ago(ms) {
    if (!ms) return "never";
    const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 90) return `${s} s ago`;
    if (s < 5400) return `${Math.round(s / 60)} min ago`;
    if (s < 172800) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86400)} d ago`;
  }

  // A decimal string's sign, read without turning money into a float.
  function sign(decimal) {
    const s = String(decimal || "").trim();
    if (!s || /^[-+]?0*\.?0*$/.test(s)) return 0;
    return s.startsWith("-") ? -1 : 1;
  }

  function pnl(decimal) {
    if (decimal === null || decimal === undefined || decimal === "") return el("span", { text: "—" });
    const s = sign(decimal);
    return el("span", { class: s > 0 ? "text-success" : s < 0 ? "text-danger" : "", text: decimal });
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
      // Two ticks in flight (a tab shown again mid-request) merge into one chain here.
      clearTimeout(timer);
      timer = setTimeout(tick, seconds * 1000);
    };
    document.addEventListener("visibilitychange", () => {
      clearTimeout(timer);
      if (!document.hidden) tick();
    });
    tick();
  }

  return { el, get, post, errorText, when, ago, sign, pnl, every };
})();
