"""A run's figures as text: the tables printed and written to bench/RESULTS.md."""

from __future__ import annotations

from typing import Any

from bench import keeper_tables
from bench.goals import goals


def _cell(figures: dict[str, Any], key: str, fmt: str = "{:.2f}") -> str:
    return fmt.format(figures[key]) if key in figures else "-"


def steady_table(out: dict[str, Any]) -> str:
    ours, naive = out["steady"]["tvbridge"], out["steady"]["naive"]
    lines = ["| measure | tvbridge | naive | naive / tvbridge |", "| --- | ---: | ---: | ---: |"]
    for key in ("p50", "p90", "p99", "max"):
        lines.append(
            f"| end to end {key}, ms | {ours[key]:.1f} | {naive[key]:.1f} | {naive[key] / ours[key]:.1f}x |"
        )
    lines.append(
        f"| venue requests / signal | {ours['venue_requests_per_signal']:.2f} | "
        f"{naive['venue_requests_per_signal']:.2f} | |"
    )
    lines.append(f"| failed of {ours['signals']} | {ours['failed']} | {naive['failed']} | |")
    return "\n".join(lines)


def burst_table(burst: dict[str, dict[str, Any]]) -> str:
    ours, names = burst["tvbridge"], list(burst)
    lines = [
        f"| candle close: {ours['sent']} alerts over {ours['symbols']} symbols at once, each on a new "
        "connection | " + " | ".join(names) + " |",
        "| --- |" + " ---: |" * len(names),
    ]
    for key, label in (
        ("answered", "answered (2xx), s"),
        ("journalled", "journalled, s"),
        ("executed", "executed at the venue, s"),
        ("decided", "decided (the journal's outcome), s"),
    ):
        for stat in ("p50", "p99", "max"):
            cells = [_cell(burst[n].get(key, {}), stat) for n in names]
            lines.append(f"| {label} {stat} | " + " | ".join(cells) + " |")
    over = [
        ("answered", "answered after 2 s"),
        ("journalled", "journalled after 1 s"),
        ("executed", "executed after 3 s"),
    ]
    for key, label in over:
        lines.append(
            f"| {label} | " + " | ".join(str(burst[n].get(key, {}).get("over", "-")) for n in names) + " |"
        )
    for key, label in (("not_answered", "not answered 2xx"), ("lost", "lost"), ("doubled", "doubled")):
        lines.append(f"| {label} | " + " | ".join(str(burst[n][key]) for n in names) + " |")
    lines.append(
        "| peak resident, MB | "
        + " | ".join(", ".join(f"{p} {mb:.0f}" for p, mb in burst[n]["peak_mb"].items()) for n in names)
        + " |"
    )
    lines.append(
        "| load generator: CPU s, last connection opened after (ms) | "
        + " | ".join(
            f"{burst[n]['generator']['cpu_s']:g}, {burst[n]['generator']['last_connection_ms']:g}"
            for n in names
        )
        + " |"
    )
    statuses = "; ".join(f"{n} {burst[n]['statuses']}" for n in names)
    lines += ["", f"Times from the release. Answers by status: {statuses}."]
    return "\n".join(lines)


def pipeline_table(out: dict[str, Any]) -> str:
    run, compared = out["sustained"], out["test_vs_real"]
    answered = run["answered_ms"]
    lines = [
        f"| full pipeline, {run['connections']} kept connections over {run['symbols']} symbols, "
        f"{run['seconds']:g} s | |",
        "| --- | ---: |",
        f"| executed at the simulator, signals/s | {run['executed_per_s']:g} |",
        f"| journalled, signals/s | {run['journalled_per_s']:g} |",
        f"| answered executed, signals/s | {run['answered_executed_per_s']:g} |",
        f"| answered executed, p50 / p99 ms | {_cell(answered, 'p50', '{:g}')} / "
        f"{_cell(answered, 'p99', '{:g}')} |",
        f"| sent, not executed, doubled | {run['sent']}, {run['failed']}, {run['doubled']} |",
        f"| load generator CPU s | {run['generator_cpu_s']:g} |",
        "",
        f"| `test: true` against real, {compared['connections']} kept connections | real | test |",
        "| --- | ---: | ---: |",
    ]
    real, test = compared["real"], compared["test"]
    lines.append(f"| signals/s | {real['per_s']:g} | {test['per_s']:g} |")
    for stat in ("p50", "p99"):
        lines.append(
            f"| answered, {stat} ms | {_cell(real['answered_ms'], stat, '{:g}')} | "
            f"{_cell(test['answered_ms'], stat, '{:g}')} |"
        )
    lines.append(f"| not executed | {real['not_executed']} | {test['not_executed']} |")
    return "\n".join(lines)


def refusal_table(refusal: dict[str, Any]) -> str:
    lines = [
        f"| refusal path, {refusal['connections']} kept connections | tvbridge /s | reference /s | ratio "
        "| tvbridge p50 / p99 ms | reference p50 / p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, figures in refusal["kinds"].items():
        ours, ref = figures["tvbridge"], figures["reference"]
        lines.append(
            f"| {kind} | {ours['per_s']:g} | {ref['per_s']:g} | {figures['ratio']:.2f}x | "
            f"{_cell(ours['answered_ms'], 'p50', '{:g}')} / {_cell(ours['answered_ms'], 'p99', '{:g}')} | "
            f"{_cell(ref['answered_ms'], 'p50', '{:g}')} / {_cell(ref['answered_ms'], 'p99', '{:g}')} |"
        )
    return "\n".join(lines)


def report(out: dict[str, Any]) -> str:
    """The tables of every phase this run measured, then one line each of the rest."""
    cfg, parts = out["config"], []
    head = f"venue over TLS, {cfg['rtt_ms']:g} ms round trip"
    if "sustained" in out:
        head += f" (the full pipeline, `test: true` and refusal phases: {cfg['pipeline_rtt_ms']:g} ms)"
    if "steady" in out:
        head = f"steady {cfg['rate']:g}/s for {cfg['seconds']:g} s; {head}"
        parts += ["", steady_table(out)]
    if "burst" in out:
        parts += ["", burst_table(out["burst"])]
    if "sustained" in out:
        parts += ["", pipeline_table(out), "", refusal_table(out["refusal"])]
    parts += [*keeper_tables.tables(out), "", *_lines(out)]
    return "\n".join([head, *parts])


def _lines(out: dict[str, Any]) -> list[str]:
    lines = []
    if "steady" in out:
        stages = out["stages_ms_p50"]
        lines += [
            "tvbridge's own account at the steady rate (from its answers), ms: "
            + (", ".join(f"{k} {v:.1f}" for k, v in out["server"].items()) or "none: no timings_ms"),
            "tvbridge stages, p50 ms: "
            + ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
            + f"; client round trip minus the venue {out['steady']['tvbridge']['p50'] - stages['venue']:.1f}",
            "venue requests per signal by size kind: "
            + ", ".join(
                f"{k} {v:.2f} ({out['size_failures'][k]} not executed)"
                for k, v in out["requests_per_signal"].items()
            ),
        ]
    if "idle_mb" in out:
        idle, peak = out["idle_mb"], out["peak_mb"]
        lines.append(
            "memory MB (idle -> the peak from the process's burst on): "
            + ", ".join(f"{n} {idle[n]:.0f} -> {peak[n]:.0f}" for n in idle)
        )
    if "phases_s" in out:
        lines.append(
            "the bench's own time, s: " + ", ".join(f"{k} {v:g}" for k, v in out["phases_s"].items())
        )
    if "load_average" in out:
        lines.append(
            "the machine's load average (1, 5, 15 min), before -> after: "
            + " -> ".join(
                " / ".join(f"{v:.2f}" for v in out["load_average"].get(w, [])) for w in ("before", "after")
            )
        )
    return lines


def results_md(out: dict[str, Any], command: str) -> str:
    machine = out["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"{machine['date']}, {machine['cpus']} CPUs, Python {machine['python']}, `{command}`.",
        "Written by `bench/run.py --write`; see bench/README.md for what is measured and how.",
        "",
        report(out),
        "",
        "## Goals",
        "",
        "| goal | met | this run |",
        "| --- | :---: | --- |",
    ]
    lines += [f"| {name} | {'yes' if met else 'no'} | {figures} |" for name, met, figures in goals(out)]
    return "\n".join(lines) + "\n"
