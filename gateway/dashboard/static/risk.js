// The Status page's risk pauses, from GET /api/risk every few seconds: each pause in force with
// the limit and the figures that made it (or who paused it, for the owner's own), and a Resume
// button (confirmed, then POST /api/risk/resume). Every value is written as text.
"use strict";

(function () {
  const { el, get, post, errorText, when, every } = window.tvbKit;
  const tbody = document.querySelector("#risk-pauses tbody");
  const note = document.getElementById("risk-note");
  if (!tbody) return;

  function say(text, danger) {
    note.textContent = text;
    note.classList.toggle("d-none", !text);
    note.classList.toggle("text-danger", Boolean(danger));
  }

  async function resume(p) {
    const who = `${p.venue}/${p.account}` + (p.strategy ? ` strategy ${p.strategy}` : "");
    const answer = await window.tvbConfirm(
      `Resume ${who}: entries are taken again at once, and the day's loss (or the losing streak) counts afresh from now. Every pause of ${who} is lifted.`,
      { title: "Resume entries?", confirm: "Resume", danger: false },
    );
    if (!answer.confirmed) return;
    const reply = await post("/api/risk/resume", { venue: p.venue, account: p.account, strategy: p.strategy });
    if (!reply.ok) say("Not resumed: " + errorText(reply), true);
    else if (!reply.body.applied) say("Resumed in the journal; the executor is unreachable and takes it when it is back.", true);
    else say(`${who} resumed.`, false);
    await load();
  }

  function row(p) {
    const button = el("button", { class: "btn btn-sm btn-outline-success risk-resume", type: "button", text: "Resume" });
    button.addEventListener("click", () => resume(p));
    const owner = p.by === "owner";
    return el(
      "tr",
      { class: "risk-pause", "data-venue": p.venue, "data-account": p.account, "data-strategy": p.strategy, "data-limit": p.limit, "data-by": p.by },
      el("td", { text: `${p.venue}/${p.account}` }),
      el("td", { text: p.strategy || "whole account" }),
      el("td", {}, el("span", { class: owner ? "badge text-bg-warning" : "badge text-bg-danger", text: owner ? "owner" : p.limit })),
      el("td", { class: "text-break risk-reason", text: owner ? `paused by ${p.actor}` : p.reason }),
      el("td", { class: "text-nowrap", text: when(p.paused_ms) }),
      el("td", { class: "text-nowrap", text: owner ? "until resumed" : when(p.until_ms) }),
      el("td", { class: "text-end" }, button),
    );
  }

  async function load() {
    const reply = await get("/api/risk");
    if (!reply.ok) {
      say("Risk pauses not read: " + errorText(reply), true);
      return;
    }
    const pauses = reply.body.pauses;
    tbody.replaceChildren(
      ...(pauses.length
        ? pauses.map(row)
        : [el("tr", {}, el("td", { colSpan: 7, class: "text-body-secondary", text: "None: entries are taken on every account." }))]),
    );
    const held = reply.body.executor;
    if (held.error) say("The executor's pauses are not known: " + held.error.message, true);
    else if (held.pauses.length !== pauses.length) say(`The executor holds ${held.pauses.length} pause(s); it takes the journal's on reconnect.`, true);
    else if (note.classList.contains("text-danger")) say("", false);
  }

  every(5, load);
})();
