#!/usr/bin/env python3
"""Turns the harness's raw results into the Markdown tables of BENCHMARKS.md.

    table.py generation OUT   hyperfine JSON + memory.tsv written by bench/generation.sh
    table.py check OUT        checktimes.tsv written by bench/check.sh
"""
import json
import os
import sys


def load_times(out, name):
    times = {}
    for kind in ("fast", "slow"):
        path = os.path.join(out, f"{name}.{kind}.json")
        if os.path.exists(path):
            for r in json.load(open(path))["results"]:
                times[r["command"]] = (r["median"], r["stddev"] or 0.0, r["user"] + r["system"])
    return times


def generation(out):
    rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(out, "memory.tsv"))][1:]
    specs = []
    for spec, *_ in rows:
        if spec not in specs:
            specs.append(spec)
    print("| spec | tool | median wall time | wall vs parse-only | wall vs openapi-gen "
          "| CPU (user+sys) | CPU vs parse-only | CPU vs openapi-gen | peak RSS |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for spec in specs:
        times = load_times(out, spec)
        base, _, base_cpu = times.get("parse-only", (None, None, None))
        ours, _, ours_cpu = times.get("openapi-gen", (None, None, None))
        for s, tool, status, kib in rows:
            if s != spec:
                continue
            if status == "not installed":
                print(f"| {spec} | {tool} | not installed | | | | | | |")
                continue
            mem = f"{int(kib) / 1024:.1f} MiB"
            if status != "ok" or tool not in times:
                print(f"| {spec} | {tool} | fails | | | | | | {mem} |")
                continue
            t, sd, cpu = times[tool]
            vs_parse = f"{t / base:.1f}x" if base else ""
            vs_ours = f"{t / ours:.2f}x" if ours else ""
            cpu_parse = f"{cpu / base_cpu:.1f}x" if base_cpu else ""
            cpu_ours = f"{cpu / ours_cpu:.2f}x" if ours_cpu else ""
            print(f"| {spec} | {tool} | {t * 1000:.1f} ms ± {sd * 1000:.1f} | {vs_parse} | {vs_ours} "
                  f"| {cpu * 1000:.1f} ms | {cpu_parse} | {cpu_ours} | {mem} |")


def check(out):
    rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(out, "checktimes.tsv"))][1:]
    print("| spec | generator | lines | `cargo check` median | vs openapi-gen | CPU (user+sys) "
          "| vs openapi-gen | peak RSS | vs openapi-gen |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    ours = {}
    for spec, tool, status, lines, secs, cpu, kib in rows:
        if tool == "openapi-gen" and status.startswith("ok"):
            ours[spec] = (float(secs), float(cpu), int(kib))
    for spec, tool, status, lines, secs, cpu, kib in rows:
        if not status.startswith("ok"):
            print(f"| {spec} | {tool} | {lines} | {status} | | | | | |")
            continue
        note = status[len("ok, "):]
        note = f" ({note})" if note else ""
        base = ours.get(spec)
        ratio = lambda value, i: f"{value / base[i]:.2f}x" if base else ""
        print(f"| {spec} | {tool} | {lines} | {float(secs):.2f} s{note} | {ratio(float(secs), 0)} "
              f"| {float(cpu):.1f} s | {ratio(float(cpu), 1)} "
              f"| {int(kib) / 1024:.0f} MiB | {ratio(int(kib), 2)} |")


if __name__ == "__main__":
    {"generation": generation, "check": check}[sys.argv[1]](sys.argv[2])
