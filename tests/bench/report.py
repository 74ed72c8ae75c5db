#!/usr/bin/env python3
"""Turn the raw measurements of tests/bench/run.sh into results.json and results.md.

    report.py DATADIR OUTDIR

Nothing is asserted: targets are compared and reported as met or missed.
"""
import json
import os
import re
import statistics
import sys

DATA, OUT = sys.argv[1], sys.argv[2]

# Targets of the benchmark issue (2-core machine, healthy node, all checks).
TARGETS = {
    "gate_cpu_ms": 5.0,
    "gate_wall_ms": 10.0,
    "cpu_ratio": 5.0,
    "gate_rss_mib": 4.0,
    "bootstrap_16k_ms": 10.0,
    "failure_slack_s": 1.0,
}


def path(name):
    return os.path.join(DATA, name)


def load_json(name):
    try:
        with open(path(name)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read(name, default=None):
    try:
        with open(path(name)) as f:
            return f.read().strip()
    except OSError:
        return default


def env(name):
    out = {}
    for line in (read(name, "") or "").splitlines():
        k, _, v = line.partition("=")
        out[k] = v
    return out


def med(v):
    return statistics.median(v) if v else None


def pct(v, p):
    if not v:
        return None
    s = sorted(v)
    k = (len(s) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summarize(cmd):
    """Medians (ms, KiB) of one bench-run command."""
    cpu = [u + s for u, s in zip(cmd["user_s"], cmd["sys_s"])]
    return {
        "name": cmd["name"],
        "argv": cmd["argv"],
        "runs": len(cmd["wall_s"]),
        "wall_ms": {"median": med(cmd["wall_s"]) * 1e3, "p10": pct(cmd["wall_s"], 10) * 1e3,
                    "p90": pct(cmd["wall_s"], 90) * 1e3, "min": min(cmd["wall_s"]) * 1e3},
        "cpu_ms": {"median": med(cpu) * 1e3, "p10": pct(cpu, 10) * 1e3, "p90": pct(cpu, 90) * 1e3},
        "user_ms": {"median": med(cmd["user_s"]) * 1e3},
        "sys_ms": {"median": med(cmd["sys_s"]) * 1e3},
        "maxrss_kib": {"median": med(cmd["maxrss_kib"]), "max": max(cmd["maxrss_kib"])},
        "exit_codes": sorted(set(cmd["exit"])),
        "runs_with_orphans": sum(1 for o in cmd.get("orphans", []) if o),
    }


def by_name(doc):
    return {c["name"]: summarize(c) for c in (doc or {}).get("commands", [])}


def fsd(s):
    m = re.fullmatch(r"([0-9.]+)(ms|s|m|h|d)?", s or "")
    if not m:
        return None
    mult = {"ms": 1e-3, "s": 1, None: 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    return float(m.group(1)) * mult


def verdict(ok):
    return "met" if ok else "MISSED"


res = {"version": 1, "machine": env("machine.env")}
machine = res["machine"]
checks = (read("checks.txt", "") or "").split()
res["checks_registered"] = checks
res["demoted"] = [json.loads(l) for l in (read("demoted.jsonl", "") or "").splitlines() if l]

# --- 1 + 2: healthy node --------------------------------------------------------------------
healthy = by_name(load_json("healthy.json"))
healthy.update(by_name(load_json("journal.json")))
res["healthy"] = healthy
for rank in ("bench1", "bench0"):
    j = load_json("healthy-%s.json" % rank)
    if j:
        res.setdefault("healthy_results", {})[rank] = {
            "verdict": j.get("verdict"), "counts": j.get("counts"),
            "checks": [{"id": r["id"], "result": r["result"], "severity": r["severity"],
                        "duration_us": r.get("duration_us")} for r in j.get("results", [])]}
res["checklist"] = {"exit": read("checklist.rc"), "output": read("checklist.out", "")}
hf = load_json("hyperfine.json")
if hf:
    res["hyperfine"] = {r["command"]: {"median_ms": r["median"] * 1e3, "mean_ms": r["mean"] * 1e3,
                                       "user_mean_ms": r["user"] * 1e3,
                                       "system_mean_ms": r["system"] * 1e3}
                        for r in hf["results"]}
tv = read("time-v.txt", "") or ""
m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv)
res["time_v_maxrss_kib"] = int(m.group(1)) if m else None

perf = {}
for c in ("gate_rank1", "checklist", "startup"):
    for line in (read("perf-%s.csv" % c, "") or "").splitlines():
        f = line.split(",")
        if len(f) > 2 and not line.startswith("#") and f[0] not in ("", "<not counted>", "<not supported>"):
            perf.setdefault(c, {})[f[2]] = float(f[0])
res["perf_stat"] = perf

g1, g0, cl = healthy.get("gate_rank1"), healthy.get("gate_rank0"), healthy.get("checklist")
mn = healthy.get("minimal")
if g1 and cl:
    res["ratio"] = {"cpu": cl["cpu_ms"]["median"] / g1["cpu_ms"]["median"],
                    "wall": cl["wall_ms"]["median"] / g1["wall_ms"]["median"]}
res["minimal"] = {"exit": read("minimal.rc"), "output": read("minimal.out", "")}


def pairs(a, b):
    """Pair by pair: run i of a against run i of b (bench-run runs them in the same round, one
    after the other, so load changes hit both): the CPU and wall ratios a/b of every round."""
    raw = {c["name"]: c for c in (load_json("healthy.json") or {}).get("commands", [])}
    if a not in raw or b not in raw:
        return None
    ca = [u + y for u, y in zip(raw[a]["user_s"], raw[a]["sys_s"])]
    cb = [u + y for u, y in zip(raw[b]["user_s"], raw[b]["sys_s"])]
    cpu = [x / y for x, y in zip(ca, cb) if y > 0]
    wall = [x / y for x, y in zip(raw[a]["wall_s"], raw[b]["wall_s"]) if y > 0]
    return {"rounds": len(cpu), "cpu_median": med(cpu), "cpu_min": min(cpu) if cpu else None,
            "cpu_p10": pct(cpu, 10), "wall_median": med(wall),
            "rounds_at_5x": sum(1 for r in cpu if r >= TARGETS["cpu_ratio"])}


res["pairs"] = {k: v for k, v in (("checklist", pairs("checklist", "gate_rank1")),
                                  ("minimal", pairs("minimal", "gate_rank1"))) if v}

percheck = by_name(load_json("percheck.json"))
ref = percheck.get("net.rank")
res["per_check"] = [{"id": k, "wall_ms": v["wall_ms"]["median"], "cpu_ms": v["cpu_ms"]["median"],
                     "cpu_over_net_rank_ms": v["cpu_ms"]["median"] - ref["cpu_ms"]["median"] if ref else None,
                     "maxrss_kib": v["maxrss_kib"]["median"], "exit_codes": v["exit_codes"]}
                    for k, v in percheck.items()]

# --- 3: scale -------------------------------------------------------------------------------
scale = []
sg = by_name(load_json("scale-gate.json"))
for shape in ("entries", "hostlist"):
    for n in (1000, 16000, 100000):
        d = load_json("scale-%s-%d.json" % (shape, n))
        g = sg.get("gate_%s_%d" % (shape, n))
        if not d:
            continue
        d["shape"] = shape
        d["rss_growth_kib"] = d["maxrss_kib"] - d["maxrss_start_kib"]
        if g:
            d["gate_wall_ms"] = g["wall_ms"]["median"]
            d["gate_cpu_ms"] = g["cpu_ms"]["median"]
            d["gate_maxrss_kib"] = g["maxrss_kib"]["median"]
            d["gate_exit"] = g["exit_codes"]
        scale.append(d)
res["scale"] = scale
ir = {}
for line in (read("scale-ir.txt", "") or "").splitlines():
    n, v = line.split()
    ir[int(n)] = int(v)
if 1 in ir:
    res["scale_instructions"] = {str(n): {"instructions": v, "per_host": (v - ir[1]) / (n - 1)}
                                 for n, v in ir.items() if n > 1}

# --- 4: failure -----------------------------------------------------------------------------
timeouts = {}
for line in (read("timeouts.txt", "") or "").splitlines():
    k, _, v = line.partition(" ")
    timeouts[k] = fsd(v)
deadline = timeouts.pop("deadline", None)
demoted_ids = {d["id"] for d in res["demoted"]}
failure = {}
# The checks each fault is meant to hit (when they apply on that rank): a gate that isolates
# its checks ends at about the largest of their timeouts, not at their sum.
def targeted(cid):
    return cid in ("munge.daemon", "net.parent") or cid.startswith("statedir.")


for rank in ("bench1", "bench0"):
    run = by_name(load_json("fail-run-%s.json" % rank)).get("fail-%s" % rank)
    j = load_json("fail-%s.json" % rank)
    if not run or not j:
        continue
    hit = [r for r in j["results"] if targeted(r["id"]) and r["result"] != "skip"]
    tmo = [timeouts.get(r["id"]) or 0 for r in hit]
    largest = max(tmo) if tmo else None
    if largest is not None and deadline:
        largest = min(largest, deadline)
    shown = [r for r in j["results"]
             if (r["id"] in {h["id"] for h in hit} or r["result"] in ("fail", "error"))
             and r["id"] not in demoted_ids]
    failure[rank] = {
        "rank": 1 if rank == "bench1" else 0,
        "wall_s": run["wall_ms"]["median"] / 1e3, "cpu_s": run["cpu_ms"]["median"] / 1e3,
        "maxrss_kib": run["maxrss_kib"]["max"], "exit": ",".join(map(str, run["exit_codes"])), "verdict": j.get("verdict"), "failed": j.get("failed"),
        "deadline_s": deadline, "targeted": [r["id"] for r in hit],
        "largest_timeout_s": largest, "sum_timeouts_s": sum(tmo),
        "results": [{"id": r["id"], "result": r["result"], "duration_s": r["duration_us"] / 1e6,
                     "timeout_s": timeouts.get(r["id"]), "message": r["message"],
                     "fault": "meets a fault" if targeted(r["id"]) else "collateral"}
                    for r in shown],
    }
res["failure"] = failure
res["timeouts_s"] = timeouts

# --- 5: PAM ---------------------------------------------------------------------------------
pam = by_name(load_json("pam.json"))
calls = int(read("pam-calls", "0") or 0)
res["pam"] = {}
for v in ("pass", "fail"):
    one, many = pam.get("pam_%s_1" % v), pam.get("pam_%s_n" % v)
    if not one or not many or not calls:
        continue
    res["pam"][v] = {
        "calls": calls, "status_bytes": int(read("pam-%s.size" % v, "0")),
        "us_per_call_wall": (many["wall_ms"]["median"] - one["wall_ms"]["median"]) * 1e3 / calls,
        "us_per_call_cpu": (many["cpu_ms"]["median"] - one["cpu_ms"]["median"]) * 1e3 / calls,
        "process_1_call_ms": one["wall_ms"]["median"],
        "driver_exit": [one["exit_codes"], many["exit_codes"]],
    }

# --- targets --------------------------------------------------------------------------------
tg = []
if g1:
    tg.append(("gate CPU median (rank 1)", "<= %.0f ms" % TARGETS["gate_cpu_ms"],
               "%.2f ms" % g1["cpu_ms"]["median"], g1["cpu_ms"]["median"] <= TARGETS["gate_cpu_ms"]))
    tg.append(("gate wall median (rank 1)", "<= %.0f ms" % TARGETS["gate_wall_ms"],
               "%.2f ms" % g1["wall_ms"]["median"], g1["wall_ms"]["median"] <= TARGETS["gate_wall_ms"]))
if g0:
    tg.append(("gate CPU median (rank 0)", "<= %.0f ms" % TARGETS["gate_cpu_ms"],
               "%.2f ms" % g0["cpu_ms"]["median"], g0["cpu_ms"]["median"] <= TARGETS["gate_cpu_ms"]))
    tg.append(("gate wall median (rank 0)", "<= %.0f ms" % TARGETS["gate_wall_ms"],
               "%.2f ms" % g0["wall_ms"]["median"], g0["wall_ms"]["median"] <= TARGETS["gate_wall_ms"]))
for k, label in (("minimal", "CPU: minimal shell equivalent / gate, pair by pair"),
                 ("checklist", "CPU: checklist.sh / gate, pair by pair")):
    p = res["pairs"].get(k)
    if p:
        tg.append((label, ">= %.0fx" % TARGETS["cpu_ratio"],
                   "%.1fx median (min %.1fx; %d of %d rounds >= %.0fx)" % (
                       p["cpu_median"], p["cpu_min"], p["rounds_at_5x"], p["rounds"],
                       TARGETS["cpu_ratio"]),
                   p["cpu_median"] >= TARGETS["cpu_ratio"]))
if g1:
    rss = max(g1["maxrss_kib"]["median"], (g0 or g1)["maxrss_kib"]["median"]) / 1024
    tg.append(("gate peak RSS", "<= %.0f MiB" % TARGETS["gate_rss_mib"], "%.1f MiB" % rss,
               rss <= TARGETS["gate_rss_mib"]))
for d in scale:
    if d["hosts"] == 16000:
        tg.append(("16k hosts: parse+rank+parent, cold (%s)" % d["shape"],
                   "<= %.0f ms" % TARGETS["bootstrap_16k_ms"],
                   "%.2f ms" % (d["cold_total_ns"] / 1e6),
                   d["cold_total_ns"] / 1e6 <= TARGETS["bootstrap_16k_ms"]))
for rank, f in sorted(failure.items()):
    if f["largest_timeout_s"] is not None:
        lim = f["largest_timeout_s"] + TARGETS["failure_slack_s"]
        tg.append(("failure case wall (rank %d)" % f["rank"],
                   "<= largest timeout + 1 s = %.1f s" % lim, "%.2f s" % f["wall_s"],
                   f["wall_s"] <= lim))
res["targets"] = [{"what": a, "target": b, "measured": c, "met": d} for a, b, c, d in tg]

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "results.json"), "w") as f:
    json.dump(res, f, indent=1, sort_keys=True)
    f.write("\n")

# --- Markdown -------------------------------------------------------------------------------
L = []
w = L.append
w("# flux-preflight benchmark results")
w("")
w("Generated by `tests/bench/run.sh` (`make bench`); raw numbers in `results.json`. "
  "Medians of %s interleaved runs after 3 warm-up runs. CPU = user + system time of the "
  "process and of every descendant (wait4 rusage; the harness is a child subreaper, so the "
  "check children the gate kills instead of reaping are counted too)." % machine.get("runs", "?"))
w("")
w("| machine | |")
w("|---|---|")
w("| CPU | %s, %s online CPUs |" % (machine.get("cpu", "?"), machine.get("nproc", "?")))
w("| kernel / OS | %s / %s |" % (machine.get("kernel", "?"), machine.get("os", "?")))
w("| memory | %.1f GiB |" % (int(machine.get("mem_kib", "0") or 0) / 1048576))
w("| load average (start, end) | %s, %s |" % (machine.get("loadavg_start", "?"),
                                              machine.get("loadavg_end", "?")))
w("| tree, build CFLAGS | %s, `%s` |" % (machine.get("commit", "?"), machine.get("cflags", "?")))
w("| date, bench duration | %s, %s s |" % (machine.get("date", "?"), machine.get("elapsed_s", "?")))
w("")
w("## Targets")
w("")
w("| what | target | measured | |")
w("|---|---|---|---|")
for t in res["targets"]:
    w("| %s | %s | %s | %s |" % (t["what"], t["target"], t["measured"], verdict(t["met"])))
w("")
w("## 1–2. Healthy node: the gate vs the admin's checklist script")
w("")
w("| command | wall median (p10–p90) | CPU median (p10–p90) | user | sys | peak RSS | exit | orphans |")
w("|---|---|---|---|---|---|---|---|")
labels = {"gate_rank1": "flux-preflight, rank 1 (all checks)",
          "gate_rank0": "flux-preflight, rank 0 (all checks)",
          "gate_rank1_journal": "flux-preflight, rank 1, `--journal` (journald entries)",
          "checklist": "`checklist.sh` (seed checklist, standard tools)",
          "minimal": "`minimal.sh` (df, two stat, munge\\|unmunge, id, TCP probe, adjtimex)",
          "startup": "`flux-preflight list` (process start only, no check)",
          "empty_linked": "empty `main()` linked against the gate's libraries",
          "empty_nocurl": "the same without libcurl",
          "true": "`/bin/true` (harness floor: fork + exec)"}
for k in ("gate_rank1", "gate_rank0", "gate_rank1_journal", "checklist", "minimal", "startup",
          "empty_linked", "empty_nocurl", "true"):
    c = healthy.get(k)
    if not c:
        continue
    w("| %s | %.2f ms (%.2f–%.2f) | %.2f ms (%.2f–%.2f) | %.2f ms | %.2f ms | %.1f MiB | %s | %d/%d |" % (
        labels[k], c["wall_ms"]["median"], c["wall_ms"]["p10"], c["wall_ms"]["p90"],
        c["cpu_ms"]["median"], c["cpu_ms"]["p10"], c["cpu_ms"]["p90"], c["user_ms"]["median"],
        c["sys_ms"]["median"], c["maxrss_kib"]["median"] / 1024,
        ",".join(map(str, c["exit_codes"])), c["runs_with_orphans"], c["runs"]))
w("")
w("orphans: runs in which a descendant outlived the command and was reaped by the harness "
  "(its CPU is included).")
w("")
if machine.get("needed"):
    w("The gate links %s directly (%s libraries loaded in all): the empty program linked the "
      "same way shows the floor that dynamic loading puts under every run." % (
          ", ".join(machine["needed"].split()), machine.get("loaded_libs", "?")))
    w("")
if cl and res["checklist"]["exit"] not in (None, "0"):
    w("checklist.sh exited %s on the healthy node: %s" % (res["checklist"]["exit"], "; ".join(
        l for l in res["checklist"]["output"].splitlines() if l.startswith("FAIL"))))
    w("")
if mn and res["minimal"]["exit"] not in (None, "0"):
    w("minimal.sh exited %s on the healthy node (one of its items failed here)." %
      res["minimal"]["exit"])
    w("")
if "ratio" in res:
    w("checklist.sh / gate (rank 1): **%.1f× the CPU**, %.1f× the wall time (ratio of the "
      "medians). The script does fewer checks (see `checklist.sh`: no config validation, "
      "topology, resources, IMP, cert format, restore)." % (res["ratio"]["cpu"], res["ratio"]["wall"]))
    w("")
if res["pairs"]:
    w("Pair by pair (run i of each command is in the same round, one right after the other; "
      "the ratio of each round, then the median of those): %s. The minimal equivalent checks "
      "7 items with one command each and judges nothing else (no config is parsed); the gate "
      "runs all %d checks." % ("; ".join(
          "%s / gate: CPU %.1f× median (p10 %.1f×, min %.1f×, %d of %d rounds at 5× or more), "
          "wall %.1f×" % (k + (".sh" if k else ""), p["cpu_median"], p["cpu_p10"], p["cpu_min"],
                           p["rounds_at_5x"], p["rounds"], p["wall_median"])
          for k, p in res["pairs"].items()), len(checks)))
    w("")
if res.get("hyperfine"):
    w("hyperfine %s cross-check of the wall time (same run; its CPU figures come from "
      "RUSAGE_CHILDREN and miss the check children the gate kills instead of reaping): %s." % (
        machine.get("hyperfine", ""), "; ".join(
        "%s median %.2f ms, user %.2f + sys %.2f ms (means)" % (k, v["median_ms"], v["user_mean_ms"],
                                                             v["system_mean_ms"])
        for k, v in res["hyperfine"].items())))
    w("")
if perf:
    w("`perf stat -r 10` (means; counts children, but not the part of an orphaned child's "
      "work done after the gate exits): %s." % "; ".join(
        "%s %.2f ms task-clock, %d page faults, %d context switches" % (
            k, v.get("task-clock", 0), v.get("page-faults", 0), v.get("context-switches", 0))
        for k, v in perf.items()))
    w("")
if res.get("time_v_maxrss_kib"):
    w("`/usr/bin/time -v` maximum resident set size of one gate run: %d KiB." % res["time_v_maxrss_kib"])
    w("")
hr = res.get("healthy_results", {})
for rank, h in sorted(hr.items()):
    w("Gate on %s: verdict %s, %s." % (rank, h["verdict"], ", ".join(
        "%d %s" % (v, k) for k, v in (h["counts"] or {}).items() if v)))
w("")
w("%d checks registered (from `flux-preflight list`): %s." % (len(checks), ", ".join(checks)))
w("")
if res["demoted"]:
    w("Checks that cannot pass on this machine, found by a first run and demoted in the "
      "bench's gate config (`warn` still runs them; `off` only for one that took over 1 s):")
    w("")
    w("| check | severity | why (its message on this machine) |")
    w("|---|---|---|")
    for d in res["demoted"]:
        msg = d["message"] if len(d["message"]) < 200 else d["message"][:197] + "..."
        w("| %s | %s | %s: %s |" % (d["id"], d["severity"], d["result"], msg.replace("|", "\\|")))
    w("")
if machine.get("timesync") == "flag":
    w("This machine's clock is not NTP disciplined (adjtimex maxerror above 1 s), so the bench "
      "runs in a private mount namespace with systemd-timesyncd's flag file "
      "`/run/systemd/timesync/synchronized` on a tmpfs: time.sync passes as on a synchronised "
      "node (both its adjtimex call and the flag are still read); checklist.sh reads adjtimex "
      "through python3 ctypes (no timedatectl without systemd as PID 1).")
    w("")
if res["per_check"]:
    w("### Each check alone")
    w("")
    w("`flux-preflight --check ID` (rank 0; net.parent as rank 1), median of 15 runs, most "
      "expensive first; %s TCP sockets on the host at the time. \"over net.rank\" subtracts "
      "the run of net.rank, a pure in-process check, i.e. the common cost of process start, "
      "config loading and output. A check run alone pays its own child process (filesystem "
      "checks share one worker in a full run)."
      % machine.get("tcp_sockets", "?"))
    w("")
    w("| check | wall | CPU | CPU over net.rank | peak RSS |")
    w("|---|---|---|---|---|")
    for p in sorted(res["per_check"], key=lambda p: -p["cpu_ms"]):
        w("| %s | %.2f ms | %.2f ms | %s | %.1f MiB |" % (
            p["id"], p["wall_ms"], p["cpu_ms"],
            "%+.2f ms" % p["cpu_over_net_rank_ms"] if p["cpu_over_net_rank_ms"] is not None else "-",
            p["maxrss_kib"] / 1024))
    w("")
w("## 3. Scale: [bootstrap] of 1k, 16k, 100k hosts")
w("")
w("`bench-bootstrap` = conf_load + bootstrap_parse + topology_from_config (kary:32) + rank, "
  "parent and the parent's connect URI for the last host, in one process: the phases and "
  "\"cold\" are the first load (a fresh heap, as in the gate), \"warm\" the median of 5; "
  "gate = `flux-preflight --check net.rank,config.bootstrap --hostname <last host>`, "
  "the whole process (median of 10). `entries` has one `{ host = ... }` table per host, "
  "`hostlist` one `node[0-N]` entry.")
w("")
w("| shape | hosts | conf_load | bootstrap_parse | topology+parent | total (cold) | total (warm) | ns/host (cold) | RSS growth | gate wall | gate CPU | gate RSS |")
w("|---|---|---|---|---|---|---|---|---|---|---|---|")
for d in scale:
    w("| %s | %d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.0f | %.1f MiB | %s | %s | %s |" % (
        d["shape"], d["hosts"], d["cold_conf_load_ns"] / 1e6, d["cold_bootstrap_parse_ns"] / 1e6,
        d["cold_topology_ns"] / 1e6, d["cold_total_ns"] / 1e6, d["total_ns"] / 1e6,
        d["ns_per_host"], d["rss_growth_kib"] / 1024,
        "%.2f ms" % d["gate_wall_ms"] if "gate_wall_ms" in d else "-",
        "%.2f ms" % d["gate_cpu_ms"] if "gate_cpu_ms" in d else "-",
        "%.1f MiB" % (d["gate_maxrss_kib"] / 1024) if "gate_maxrss_kib" in d else "-"))
w("")
if res.get("scale_instructions"):
    w("Instructions (callgrind, one load of the `entries` shape, minus a 1-host config): %s." %
      ", ".join("%s hosts: %.0f per host" % (n, v["per_host"])
                for n, v in sorted(res["scale_instructions"].items(), key=lambda kv: int(kv[0]))))
    w("")
w("## 4. Bounded failure: silent parent + SIGSTOPped munged + hung FUSE statedir, at once")
w("")
w("Parent: a network namespace whose port is dropped by nft (connect times out); munged: "
  "SIGSTOP; statedir: a FUSE mount that never answers (lookups and statfs sleep in D state). "
  "Run deadline %s s. The statedir checks run on rank 0 only, the parent check on ranks > 0, "
  "so the gate runs once as each." % (("%g" % deadline) if deadline else "?"))
w("")
w("| rank | wall | CPU | peak RSS | exit | checks meeting a fault | largest of their timeouts | sum of their timeouts | deadline |")
w("|---|---|---|---|---|---|---|---|---|")
for rank, f in sorted(failure.items(), key=lambda kv: kv[1]["rank"]):
    w("| %d | %.2f s | %.0f ms | %.1f MiB | %s | %s | %s | %s | %s |" % (
        f["rank"], f["wall_s"], f["cpu_s"] * 1e3, f["maxrss_kib"] / 1024, f["exit"],
        ", ".join(f["targeted"]),
        "%g s" % f["largest_timeout_s"] if f["largest_timeout_s"] is not None else "-",
        "%g s" % f["sum_timeouts_s"], "%g s" % f["deadline_s"] if f["deadline_s"] else "-"))
w("")
for rank, f in sorted(failure.items(), key=lambda kv: kv[1]["rank"]):
    w("Rank %d: the checks meeting a fault, and every other check that failed or errored "
      "(collateral):" % f["rank"])
    w("")
    w("| check | | result | took | its timeout | message |")
    w("|---|---|---|---|---|---|")
    for r in f["results"]:
        msg = r["message"] if len(r["message"]) < 160 else r["message"][:157] + "..."
        w("| %s | %s | %s | %.2f s | %s | %s |" % (r["id"], r["fault"], r["result"], r["duration_s"],
                                              "%g s" % r["timeout_s"] if r["timeout_s"] else "-",
                                              msg.replace("|", "\\|")))
    w("")
w("## 5. PAM: pam_acct_mgmt latency")
w("")
w("`pam-driver SERVICE nobody CONFDIR acct-loop:N` on one PAM handle; per call = (median time "
  "of N = %d + 1 calls − median of 1 call) / %d. The status file is the gate's real `--json` "
  "output from this run (root, 0644, this boot)." % (calls, calls))
w("")
w("| status file | size | per call (wall) | per call (CPU) | whole process, 1 call |")
w("|---|---|---|---|---|")
for v, p in res["pam"].items():
    w("| verdict %s (%s) | %d B | %.2f µs | %.2f µs | %.2f ms |" % (
        v, "user admitted" if v == "pass" else "user refused, reason shown",
        p["status_bytes"], p["us_per_call_wall"], p["us_per_call_cpu"], p["process_1_call_ms"]))
w("")
with open(os.path.join(OUT, "results.md"), "w") as f:
    f.write("\n".join(L))
