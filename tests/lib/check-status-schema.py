#!/usr/bin/env python3
"""Validate a flux-preflight JSON document (--json output or the status file
the gate writes: a finished run, "running" before the first check, or "fail"
without results when the gate config is broken) against the schema of
DESIGN.md §2.2.1. Prints what is wrong; exit 0 if valid."""
import json
import re
import sys

RESULTS = {"pass", "warn", "fail", "skip", "error"}
errors = []


def need(cond, msg):
    if not cond:
        errors.append(msg)


def main(path):
    with open(path) as f:
        doc = json.load(f)
    need(isinstance(doc, dict), "document is not an object")
    need(doc.get("version") == 1, "version is not 1")
    for k in ("host", "boot_id", "time", "mode", "verdict"):
        need(isinstance(doc.get(k), str), f"{k} is not a string")
    need(re.fullmatch(r"[0-9a-f-]{32,36}", doc.get("boot_id", "")) is not None, "boot_id malformed")
    need(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc.get("time", "")) is not None, "time not RFC 3339 UTC")
    need(doc.get("mode") in ("enforce", "warn"), "mode invalid")
    need(doc.get("verdict") in ("pass", "fail", "running"), "verdict invalid")
    need(isinstance(doc.get("summary"), str), "summary is not a string")
    counts = doc.get("counts", {})
    need(set(counts) == RESULTS, "counts keys wrong")
    need(all(isinstance(v, int) and v >= 0 for v in counts.values()), "counts not integers")
    results = doc.get("results", [])
    need(isinstance(results, list), "results not a list")
    need(sum(counts.values()) == len(results), "counts do not add up to the results")
    failed, demoted = [], []
    for r in results:
        need(isinstance(r.get("id"), str) and re.fullmatch(r"[a-z]+\.[a-z]+", r.get("id", "")), f"bad id {r.get('id')}")
        need(r.get("result") in RESULTS, f"{r.get('id')}: bad result")
        need(r.get("severity") in ("fail", "warn", "off"), f"{r.get('id')}: bad severity")
        need(isinstance(r.get("message"), str), f"{r.get('id')}: message not a string")
        need(isinstance(r.get("duration_us"), int) and r["duration_us"] >= 0, f"{r.get('id')}: bad duration_us")
        need(isinstance(r.get("facts"), dict), f"{r.get('id')}: facts not an object")
        if r.get("severity") == "fail" and r.get("result") in ("fail", "error"):
            failed.append(r["id"])
        if r.get("severity") in ("warn", "off") and r.get("result") in ("fail", "error"):
            demoted.append(r["id"])
        counts_check = sum(1 for x in results if x.get("result") == r.get("result"))
        need(counts.get(r.get("result")) == counts_check, f"count of {r.get('result')} wrong")
    need(doc.get("failed") == failed, f"failed {doc.get('failed')} != {failed}")
    need(doc.get("demoted") == demoted, f"demoted {doc.get('demoted')} != {demoted}")
    if results or doc.get("verdict") == "pass":
        need((doc.get("verdict") == "fail") == bool(failed), "verdict disagrees with failed")
    elif doc.get("verdict") == "fail":
        # no results: the gate could not run, its summary says why
        need(doc.get("summary", "").startswith("ERROR: "), "a fail without results needs an ERROR: summary")
    else:
        need(doc.get("summary", "").startswith("RUNNING: "), "running: summary")
    for e in errors:
        print(e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
