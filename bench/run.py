#!/usr/bin/env python3
"""make bench: every workflow of ../shared/bench in interp, jit and aot (through
`aslc bench --json`), next to the hand-written C baselines and aws-local-stepfunctions,
all timed in the same run; a Markdown table of medians and ratios in build/bench.md.

    python3 bench/run.py [--aslc build/aslc] [--out build/bench.md] [--runs N]
                         [--peer-runs N] [--peer-budget S] [--only a,b] [--readme]

Settings also come from the environment: BENCH_RUNS (default 5), BENCH_PEER_RUNS (3),
BENCH_PEER_BUDGET (seconds of measured peer runs per workflow, 20), BENCH_ONLY, ALS_DIR
(where `npm install aws-local-stepfunctions` was run; default /tmp/peer-bench), CC.

The hand-written C baselines are timed by `aslc bench --baseline`, in the same rounds as the
modes; the peer by bench/timeit.c, built into the build directory, so that its wall time and
peak RSS are measured the way `aslc bench` measures its own runs.
Every output is checked with ../shared/bench/expected.py. Timings are reported, never
judged: the exit status is 1 only when an output is wrong or a mode could not run.
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(REPO), "shared", "bench")
# The order of ../shared/bench/README.md's table; anything new comes after, by name.
ORDER = ["startup", "loop-counter", "loop-counter-jsonata", "data-shaping", "choice-heavy",
         "map-fanout", "map-fanout-serial", "parallel-fanin", "retry-catch", "intrinsics-mix"]
MODES = ["interp", "jit", "aot"]
README_BEGIN = "<!-- bench:begin (bench/run.py --readme rewrites this part) -->"
README_END = "<!-- bench:end -->"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"bench: {name} must be a whole number")


def fmt_time(ms):
    if ms is None:
        return "–"
    if ms < 1:
        return f"{ms:.3f} ms"
    if ms < 100:
        return f"{ms:.2f} ms"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.2f} s"


def fmt_ratio(x):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:.0f}×"
    if x >= 10:
        return f"{x:.1f}×"
    return f"{x:.2f}×"


def fmt_rate(per_s):
    if per_s is None:
        return "–"
    if per_s >= 1e6:
        return f"{per_s / 1e6:.2f} M/s"
    if per_s >= 1e3:
        return f"{per_s / 1e3:.1f} k/s"
    return f"{per_s:.0f} /s"


def fmt_mb(kb):
    return "–" if kb is None else f"{kb / 1024:.1f} MB"


def ratio(a, b):
    return a / b if a is not None and b else None


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    rev = "?"
    try:
        rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        rev += " + uncommitted changes" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "load": load,
        "revision": rev,
    }


def build_c(src, exe, cc, extra=()):
    """gcc -O2 one C file into the build directory; the error, or None."""
    cmd = [cc, "-std=c11", "-D_GNU_SOURCE", "-O2", "-o", exe, src, *extra]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return None if r.returncode == 0 else (r.stderr.strip().splitlines() or ["failed"])[-1]


def timeit(tool, out, cmd, runs, warmup=True, budget_s=None):
    """Times cmd with bench/timeit.c: its JSON, plus 'median_ms', or None when it failed."""
    args = [tool]
    if not warmup:
        args.append("--no-warmup")
    if budget_s is not None:
        args += ["--budget-ms", str(budget_s * 1000)]
    r = subprocess.run(args + [str(runs), out] + cmd, capture_output=True, text=True)
    try:
        res = json.loads(r.stdout)
    except json.JSONDecodeError:
        return {"error": (r.stderr.strip() or "timeit failed"), "median_ms": None}
    res["median_ms"] = statistics.median(res["wall_ms"]) if res["wall_ms"] else None
    res["rss_median_kb"] = statistics.median(res["rss_kb"]) if res["rss_kb"] else None
    if not res["agree"]:
        res["error"] = "outputs differ from run to run" if res["runs"] else "could not run"
    elif res["status"] != 0:
        try:
            with open(out + ".err") as f:
                err = f.read().strip().splitlines()
        except OSError:
            err = []
        res["error"] = f"exit status {res['status']}" + (f": {err[-1][:160]}" if err else "")
    return res


def check_output(name, inp, out):
    """expected.py's verdict on an output file: 'ok', 'WRONG' or why it could not say."""
    r = subprocess.run([sys.executable, os.path.join(SHARED, "expected.py"), name, inp, out],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return "ok"
    if r.returncode == 1:
        return "WRONG"
    return "unchecked: " + ((r.stderr.strip().splitlines() or ["expected.py failed"])[-1])[:120]


def mock_args(wf_dir, name):
    """--mock-config and --test-case for a workflow with NAME.mock.json (its first test case)."""
    mock = os.path.join(wf_dir, name + ".mock.json")
    if not os.path.exists(mock):
        return []
    with open(mock) as f:
        cfg = json.load(f)
    machines = cfg.get("StateMachines", {})
    sm = machines.get(name) or next(iter(machines.values()), {})
    case = next(iter(sm.get("TestCases", {})), None)
    return ["--mock-config", mock, "--test-case", case] if case else []


def run_workflow(name, a, tools):
    wf_dir = os.path.join(SHARED, "workflows")
    wf = os.path.join(wf_dir, name + ".asl.json")
    inp = os.path.join(wf_dir, name + ".input.json")
    mock = mock_args(wf_dir, name)
    res = {"name": name, "input_bytes": os.path.getsize(inp), "checks": {}, "problems": []}

    # aslc: every mode, outputs compared by aslc bench itself, then against expected.py.
    # The hand-written C, when there is one, is timed by aslc bench in the same rounds as the
    # modes (--baseline), so that the machine's drift does not land in aot ÷ hand.
    out = os.path.join(a.work, name + ".aslc.out")
    cmd = [a.aslc, "bench", wf, "--input", inp, "--runs", str(a.runs), "--json", "--no-wait",
           "--save-output", out] + mock
    if name in tools["hand"]:
        cmd += ["--baseline", tools["hand"][name]]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode == 0:
        res["aslc"] = json.loads(r.stdout)
        res["checks"]["aslc"] = check_output(name, inp, out)
    else:
        res["aslc"] = None
        msg = r.stderr.strip().splitlines()
        res["problems"].append("aslc bench: " + (msg[0] if msg else f"exit status {r.returncode}"))
        log("  " + "\n  ".join(msg[:12]))

    # The hand-written C: its output checked (one run), its time the one measured above.
    if name in tools["hand"]:
        out = os.path.join(a.work, name + ".hand.out")
        h = timeit(tools["timeit"], out, [tools["hand"][name], inp], 1)
        res["hand"] = h
        if h.get("error"):
            res["problems"].append("hand-written: " + h["error"])
        else:
            res["checks"]["hand"] = check_output(name, inp, out)
            base = (res.get("aslc") or {}).get("baseline")
            if base:
                h["median_ms"] = base["wall_ms"]["median"]
                h["rss_median_kb"] = base["peak_rss_kb"]

    # aws-local-stepfunctions: few runs, within a time budget.
    if tools["peer"]:
        out = os.path.join(a.work, name + ".peer.out")
        p = timeit(tools["timeit"], out, ["node", tools["peer"], wf, inp] + mock, a.peer_runs,
                   warmup=False, budget_s=a.peer_budget)
        res["peer"] = p
        if p.get("error"):
            res["problems"].append("aws-local-stepfunctions: " + p["error"])
        else:
            res["checks"]["peer"] = check_output(name, inp, out)
    label = {"aslc": "aslc", "hand": "hand-written", "peer": "aws-local-stepfunctions"}
    for who, verdict in res["checks"].items():
        if verdict == "WRONG":
            res["problems"].append(f"{label[who]}: wrong output" + ("" if who == "aslc" else " (not compared)"))
        elif verdict != "ok":
            res["problems"].append(f"{label[who]}: {verdict}")
    return res


def median_of(res, mode):
    b = res.get("aslc")
    return b["results"][mode]["wall_ms"]["median"] if b and mode in b["results"] else None


def valid_ms(res, who):
    """A baseline's median, when it ran and its output was not wrong: a peer that gets a
    workflow wrong (aws-local-stepfunctions has no JSONata) is not a time to compare with."""
    t = res.get(who) or {}
    if t.get("error") or res["checks"].get(who, "ok") == "WRONG":
        return None
    return t.get("median_ms")


def hand_ms(res):
    return valid_ms(res, "hand")


def peer_ms(res):
    return valid_ms(res, "peer")


def targets(results):
    """Issue 8's targets, each with the figure measured in this run."""
    by = {r["name"]: r for r in results}
    rows = []

    def add(what, value, ok, shown):
        rows.append((what, shown if value is not None else "not measured",
                     "–" if value is None else ("met" if ok(value) else "not yet")))

    lc = by.get("loop-counter")
    if lc:
        v = ratio(peer_ms(lc), median_of(lc, "aot"))
        add("loop-counter: aot ≥ 300× faster than aws-local-stepfunctions", v, lambda x: x >= 300, fmt_ratio(v))
        v = ratio(median_of(lc, "aot"), hand_ms(lc))
        add("loop-counter: aot within 1.3× of the hand-written C", v, lambda x: x <= 1.3, fmt_ratio(v))
        v = ratio(peer_ms(lc), median_of(lc, "interp"))
        add("loop-counter: interp ≥ 30× faster than aws-local-stepfunctions", v, lambda x: x >= 30, fmt_ratio(v))
    ds = by.get("data-shaping")
    if ds:
        v = ratio(median_of(ds, "aot"), hand_ms(ds))
        add("data-shaping: aot within 1.5× of the hand-written C", v, lambda x: x <= 1.5, fmt_ratio(v))
    for r in results:
        if r["name"] != "loop-counter":
            v = ratio(peer_ms(r), median_of(r, "aot"))
            add(f"{r['name']}: aot ≥ 100× faster than aws-local-stepfunctions", v, lambda x: x >= 100,
                fmt_ratio(v))
    for r in results:
        v = ratio(median_of(r, "jit"), median_of(r, "aot"))
        add(f"{r['name']}: jit within 1.5× of aot (compile included)", v, lambda x: x <= 1.5, fmt_ratio(v))
    st = by.get("startup")
    if st:
        v = median_of(st, "jit")
        add("startup: `aslc run` (jit) ≤ 10 ms", v, lambda x: x <= 10, fmt_time(v))
        v = median_of(st, "aot")
        add("startup: built executable ≤ 2 ms", v, lambda x: x <= 2, fmt_time(v))
    mf = by.get("map-fanout")
    if mf and mf.get("aslc") and st and st.get("aslc"):
        peak = mf["aslc"]["results"]["aot"]["peak_rss_kb"]["median"]
        base = st["aslc"]["results"]["aot"]["peak_rss_kb"]["median"]
        docs_kb = (mf["input_bytes"] + mf["aslc"]["output"]["bytes"]) / 1024
        grow = peak - base
        add("map-fanout (aot): peak RSS above startup's ≤ 3× input + output documents", grow / docs_kb,
            lambda x: x <= 3, f"{fmt_mb(grow)} = {grow / docs_kb:.1f}× of {docs_kb:.0f} KB "
                              f"(peak {fmt_mb(peak)}, startup {fmt_mb(base)})")
    return rows


def render(results, info, a, peer_note, hand_note):
    L = []
    L.append(f"Measured {info['date']} on {info['nproc']} × {info['cpu']} (Linux {info['kernel']}), "
             f"load average {info['load']} at the start; aslc {info['revision']}.")
    L.append(f"aslc: {a.runs} timed runs per mode after one checking run (`aslc bench --json`), the modes "
             f"and the hand-written C taken in turn in each round (`--baseline`); aws-local-stepfunctions: up "
             f"to {a.peer_runs} runs, stopping after {a.peer_budget} s of runs. Medians of wall time.")
    L.append("")
    L.append("| workflow | states entered | interp | jit | aot | hand-written C | aws-local-stepfunctions "
             "| peer ÷ aot | aot ÷ hand | jit ÷ aot | peer ÷ interp | outputs |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for r in results:
        b = r.get("aslc")
        states = f"{b['states_entered']:,}" if b and b.get("states_entered") is not None else "–"
        i, j, o = (median_of(r, m) for m in MODES)
        h, p = hand_ms(r), peer_ms(r)
        hand_cell = fmt_time(h) if h is not None else ("n/a" if "hand" in r else "–")
        peer_cell = fmt_time(p) if p is not None else ("n/a" if "peer" in r else "–")
        outputs = "ok" if not r["problems"] else "; ".join(r["problems"])
        L.append(f"| {r['name']} | {states} | {fmt_time(i)} | {fmt_time(j)} | {fmt_time(o)} | {hand_cell} "
                 f"| {peer_cell} | {fmt_ratio(ratio(p, o))} | {fmt_ratio(ratio(o, h))} "
                 f"| {fmt_ratio(ratio(j, o))} | {fmt_ratio(ratio(p, i))} | {outputs} |")
    L.append("")
    L.append("Rates, compile times and memory (states/s = states entered ÷ median wall time; "
             "peak RSS = median of the runs' ru_maxrss):")
    L.append("")
    L.append("| workflow | interp states/s | jit states/s | aot states/s | jit compile | aot build "
             "| RSS interp | RSS jit | RSS aot | RSS hand | RSS peer |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        b = r.get("aslc")
        if not b:
            continue
        res = b["results"]
        rates = [fmt_rate(res[m].get("states_per_s")) if m in res else "–" for m in MODES]
        rss = [fmt_mb(res[m]["peak_rss_kb"]["median"]) if m in res else "–" for m in MODES]
        hrss = fmt_mb((r.get("hand") or {}).get("rss_median_kb")) if hand_ms(r) is not None else "–"
        prss = fmt_mb((r.get("peer") or {}).get("rss_median_kb")) if peer_ms(r) is not None else "–"
        jc = fmt_time(res["jit"].get("compile_ms")) if "jit" in res else "–"
        ab = fmt_time(res["aot"].get("build_ms")) if "aot" in res else "–"
        L.append(f"| {r['name']} | {' | '.join(rates)} | {jc} | {ab} | {' | '.join(rss)} | {hrss} | {prss} |")
    L.append("")
    L.append("Targets of issue 8 (ratios of medians from this run; a report, not a test):")
    L.append("")
    L.append("| target | measured | |")
    L.append("| --- | --- | --- |")
    for what, shown, verdict in targets(results):
        L.append(f"| {what} | {shown} | {verdict} |")
    L.append("")
    L.append("Notes: interp and jit runs are `aslc run` processes, so their times include aslc's start-up "
             "and the front end, and jit's its libtcc compile (\"jit compile\", measured apart in-process); "
             "aot runs are the built executable, whose cc build (\"aot build\", once) is not in them. "
             "Every run is a child process timed from fork to wait4. "
             "peer ÷ aot and peer ÷ interp: how many times faster aslc is; aot ÷ hand and jit ÷ aot: how many "
             "times slower. " + peer_note + " " + hand_note)
    return "\n".join(L) + "\n"


def update_readme(table_md, path):
    with open(path) as f:
        text = f.read()
    if README_BEGIN not in text or README_END not in text:
        sys.exit(f"bench: {path} has no {README_BEGIN} ... {README_END} section to rewrite")
    head, rest = text.split(README_BEGIN, 1)
    _, tail = rest.split(README_END, 1)
    with open(path, "w") as f:
        f.write(head + README_BEGIN + "\n" + table_md + README_END + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aslc", default=os.path.join(REPO, "build", "aslc"))
    ap.add_argument("--out", default=os.path.join(REPO, "build", "bench.md"))
    ap.add_argument("--runs", type=int, default=env_int("BENCH_RUNS", 5))
    ap.add_argument("--peer-runs", type=int, default=env_int("BENCH_PEER_RUNS", 3))
    ap.add_argument("--peer-budget", type=int, default=env_int("BENCH_PEER_BUDGET", 20))
    ap.add_argument("--only", default=os.environ.get("BENCH_ONLY", ""),
                    help="comma-separated workflow names (default: all)")
    ap.add_argument("--readme", action="store_true", help="also rewrite the table in bench/README.md")
    a = ap.parse_args()
    if a.runs < 1 or a.peer_runs < 1:
        sys.exit("bench: --runs and --peer-runs must be at least 1")

    if not os.path.isdir(os.path.join(SHARED, "workflows")):
        print(f"bench: {SHARED} is missing: the benchmark workflows live there (a fresh clone has no "
              "../shared); nothing measured")
        return 0
    if not os.access(a.aslc, os.X_OK):
        sys.exit(f"bench: {a.aslc} is missing: run make first")
    a.aslc = os.path.abspath(a.aslc)
    a.work = os.path.join(os.path.dirname(os.path.abspath(a.out)), "bench")
    os.makedirs(a.work, exist_ok=True)
    cc = os.environ.get("CC") or "cc"

    tools = {"hand": {}, "peer": None}
    tools["timeit"] = os.path.join(a.work, "timeit")
    err = build_c(os.path.join(REPO, "bench", "timeit.c"), tools["timeit"], cc)
    if err:
        sys.exit(f"bench: cannot build bench/timeit.c: {err}")

    # The hand-written baselines, compiled from ../shared into the build directory.
    hand_dir = os.path.join(SHARED, "peers", "handwritten")
    hand_notes = []
    for src in sorted(os.listdir(hand_dir)) if os.path.isdir(hand_dir) else []:
        if src.endswith(".c"):
            name = src[:-2]
            exe = os.path.join(a.work, "hand-" + name)
            err = build_c(os.path.join(hand_dir, src), exe, "gcc", ["-lcjson", "-lm"])
            if err:
                hand_notes.append(f"{name}: {err}")
            else:
                tools["hand"][name] = exe
    hand_note = ("Hand-written C: " + ", ".join(sorted(tools["hand"])) + " (gcc -O2, from "
                 "../shared/bench/peers/handwritten).") if tools["hand"] else "No hand-written C baselines."
    if hand_notes:
        log("bench: hand-written baselines not built: " + "; ".join(hand_notes))

    # aws-local-stepfunctions, when node and the package are there.
    als_dir = os.environ.get("ALS_DIR", "/tmp/peer-bench")
    als_pkg = os.path.join(als_dir, "node_modules", "aws-local-stepfunctions", "package.json")
    if not shutil.which("node"):
        peer_note = "aws-local-stepfunctions skipped: node is not installed."
    elif not os.path.exists(als_pkg):
        peer_note = (f"aws-local-stepfunctions skipped: not installed in {als_dir} "
                     "(npm install --prefix /tmp/peer-bench aws-local-stepfunctions, or set ALS_DIR).")
    else:
        tools["peer"] = os.path.join(SHARED, "peers", "als-run.mjs")
        with open(als_pkg) as f:
            version = json.load(f).get("version", "?")
        node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
        peer_note = f"Peer: aws-local-stepfunctions {version} on node {node} through ../shared/bench/peers/als-run.mjs."
    if not tools["peer"]:
        log("bench: " + peer_note)

    names = sorted(f[:-len(".asl.json")] for f in os.listdir(os.path.join(SHARED, "workflows"))
                   if f.endswith(".asl.json"))
    names.sort(key=lambda n: (ORDER.index(n) if n in ORDER else len(ORDER), n))
    if a.only:
        wanted = a.only.split(",")
        unknown = [w for w in wanted if w not in names]
        if unknown:
            sys.exit(f"bench: no workflow named {', '.join(unknown)} in {SHARED}/workflows")
        names = [n for n in names if n in wanted]

    info = machine()
    results = []
    for k, name in enumerate(names, 1):
        log(f"bench: [{k}/{len(names)}] {name}")
        r = run_workflow(name, a, tools)
        results.append(r)
        log(f"bench:   interp {fmt_time(median_of(r, 'interp'))}, jit {fmt_time(median_of(r, 'jit'))}, "
            f"aot {fmt_time(median_of(r, 'aot'))}, hand {fmt_time(hand_ms(r)) if 'hand' in r else '–'}, "
            f"peer {fmt_time(peer_ms(r)) if 'peer' in r else '–'}"
            + ("" if not r["problems"] else "; " + "; ".join(r["problems"])))

    md = render(results, info, a, peer_note, hand_note)
    with open(a.out, "w") as f:
        f.write("# aslc benchmark\n\n" + md)
    with open(os.path.join(a.work, "results.json"), "w") as f:
        json.dump({"machine": info, "results": results}, f, indent=1)
    print(md, end="")
    log(f"bench: wrote {a.out} (raw figures: {os.path.join(a.work, 'results.json')})")
    if a.readme:
        update_readme(md, os.path.join(REPO, "bench", "README.md"))
        log("bench: rewrote the table in bench/README.md")
    bad = [r["name"] for r in results if r["problems"]]
    if bad:
        log("bench: problems with " + ", ".join(bad) + " (see the outputs column)")
    return 1 if any(r["aslc"] is None or r["checks"].get("aslc") == "WRONG" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
