#!/usr/bin/env python3
"""Runs golden cases through `aslc run` in every mode and diffs the modes.

Each case file (tests/cases/NAME.json) has the format of ../shared/conformance/cases
(see its README): a definition, an input, optional mock config and test case, and the
result AWS Step Functions would produce.  For every mode the runner calls

    ASLC run definition.json --input input.json [--mock-config M --test-case T] --mode MODE [ARGS...]

(ARGS: the case's optional "args" list, e.g. ["--no-wait"]), then checks two things:

  1. the answer against "expected", as ../shared/conformance/run.py does: outputs compare as
     JSON values (1 == 1.0, key order ignored); Error exactly; Cause exactly when
     "expected.cause" is a string, absent when it is null, unchecked when the key is missing;
  2. the modes against each other: same exit status and byte-identical stdout, on every case,
     whether or not the expectation held (interp is the reference the others are held to).

Besides interp, jit and aot there is "jit-noopt": jit mode with `--no-opt`, the definition
compiled without aslc's optimizations (compiler/opt.c's moves, borrowed inputs and folded
calls, Choice rules as C). The optimizations' flags are in the IR every mode reads, so the
other three modes cannot disagree about them; this mode is what a wrong decision (a move where
a copy was needed) disagrees with.

Extra, optional case fields: "args" (appended to the command line), "skip" (a reason: the case
is not run), "wait_seconds" (cases waiting longer than --max-wait are skipped), "notes",
"nondeterministic" (a reason why stdout may differ between runs, e.g. a Cause quoting the start
time: the modes are then held to the same exit status only), "files" (an object: relative path
-> contents, a string written as is or any other JSON value written as JSON, created in the
case's working directory before each run, e.g. the objects an ItemReader reads through
"args": ["--s3-root", "s3"]).
An expected status "TIMED_OUT" means exit 3 with the FAILED output shape.

Prints one line per failure, then `N passed, N failed[, N skipped]` (cases, not runs).
Exit status: 0 when nothing failed, 1 otherwise, 2 on a usage error.

Usage: run_cases.py --aslc PATH [--modes interp,jit,aot,jit-noopt] [-j N] [--cases DIR ...]
                    [--timeout S] [--max-wait S] [--verbose]
"""

import argparse
import concurrent.futures
import json
import math
import os
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ALL_MODES = ("interp", "jit", "aot", "jit-noopt")
# The `aslc run` options of each mode.
MODE_ARGS = {"interp": ["--mode", "interp"], "jit": ["--mode", "jit"], "aot": ["--mode", "aot"],
             "jit-noopt": ["--mode", "jit", "--no-opt"]}
EXIT_FOR_STATUS = {"SUCCEEDED": 0, "FAILED": 1, "TIMED_OUT": 3}


def json_equal(a, b):
    """Semantic JSON equality: numbers by value (1 == 1.0), objects ignore key order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return True
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def clip(s, n=200):
    """s shortened for a one-line report."""
    return s if len(s) <= n else s[:n] + "..."


def show(v):
    """A JSON value (or raw text) as a short one-line string."""
    return clip(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))


def first_difference(expected, actual, path="$"):
    """Where two JSON values first differ, so a failure line points at the spot."""
    if json_equal(expected, actual):
        return None
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k in expected:
            if k not in actual:
                return f"{path}.{k}: missing"
        for k in actual:
            if k not in expected:
                return f"{path}.{k}: unexpected"
        for k in expected:
            d = first_difference(expected[k], actual[k], f"{path}.{k}")
            if d:
                return d
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return f"{path}: length {len(actual)}, expected {len(expected)}"
        for i, (x, y) in enumerate(zip(expected, actual)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
    return f"{path}: got {show(actual)}, expected {show(expected)}"


class BadCase(Exception):
    """A case file that cannot be used (reported as a failure, never skipped silently)."""


def check_case(case):
    """Raises BadCase when a case lacks what the runner needs."""
    for key in ("definition", "expected"):
        if key not in case:
            raise BadCase(f'no "{key}"')
    exp = case["expected"]
    if not isinstance(exp, dict) or exp.get("status") not in EXIT_FOR_STATUS:
        raise BadCase('"expected.status" must be SUCCEEDED, FAILED or TIMED_OUT')
    if exp["status"] == "SUCCEEDED" and "output" not in exp:
        raise BadCase('"expected" has no "output"')
    if exp["status"] != "SUCCEEDED" and "error" not in exp:
        raise BadCase('"expected" has no "error"')
    args = case.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise BadCase('"args" must be a list of strings')
    files = case.get("files", {})
    if not isinstance(files, dict) or any(os.path.isabs(p) or ".." in p.split("/") for p in files):
        raise BadCase('"files" must map relative paths (without "..") to contents')


def load_cases(directory):
    """All cases of a directory, sorted by file name; unusable files come back as
    {"name": ..., "bad": reason} so that they count as failures."""
    cases = []
    for fname in sorted(os.listdir(directory)):
        if not fname.endswith(".json"):
            continue
        path = os.path.join(directory, fname)
        try:
            with open(path, encoding="utf-8") as f:
                case = json.load(f)
            if not isinstance(case, dict):
                raise BadCase("not a JSON object")
            case.setdefault("name", fname[:-5])
            check_case(case)
        except (ValueError, OSError, BadCase) as e:
            cases.append({"name": fname[:-5], "bad": f"bad case file {path}: {e}"})
            continue
        cases.append(case)
    return cases


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False)


def run_argv(argv, timeout, cwd=None, stdin=None):
    """Runs a command in its own process group, killing the whole group on timeout.
    Returns {"exit": int|None, "stdout": bytes, "stderr": str, "error": str|None}:
    exit is None and error says why when it did not finish or died of a signal."""
    try:
        proc = subprocess.Popen(argv, cwd=cwd,
                                stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    except OSError as e:
        return {"exit": None, "stdout": b"", "stderr": "", "error": f"cannot run {argv[0]}: {e}"}
    try:
        out, err = proc.communicate(input=stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        return {"exit": None, "stdout": out, "stderr": err.decode("utf-8", "replace"),
                "error": f"timed out after {timeout:g} s"}
    text = err.decode("utf-8", "replace")
    if proc.returncode < 0:
        return {"exit": None, "stdout": out, "stderr": text,
                "error": f"killed by signal {-proc.returncode}"}
    report = sanitizer_report(text)
    if report:
        # A sanitizer may exit with 1 (FAILED) after printing a correct answer: never a pass.
        return {"exit": None, "stdout": out, "stderr": text, "error": f"sanitizer: {clip(report)}"}
    return {"exit": proc.returncode, "stdout": out, "stderr": text, "error": None}


def sanitizer_report(stderr):
    """The first line of an AddressSanitizer/LeakSanitizer/UBSan report in stderr, or None."""
    for line in stderr.splitlines():
        if "ERROR: AddressSanitizer" in line or "ERROR: LeakSanitizer" in line or \
                "ERROR: ThreadSanitizer" in line or "WARNING: ThreadSanitizer" in line or \
                ": runtime error: " in line:
            return line.strip()
    return None


def run_one(case, aslc, mode, timeout):
    """Runs one case in one mode in a fresh directory (aot leaves files behind); see run_argv."""
    with tempfile.TemporaryDirectory(prefix="aslc-case-") as tmp:
        def_path = os.path.join(tmp, "definition.json")
        in_path = os.path.join(tmp, "input.json")
        write_json(def_path, case["definition"])
        write_json(in_path, case.get("input", {}))
        for rel, content in case.get("files", {}).items():
            path = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if isinstance(content, str):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(content)
            else:
                write_json(path, content)
        argv = [aslc, "run", def_path, "--input", in_path]
        if case.get("mock_config") is not None:
            mock_path = os.path.join(tmp, "mock-config.json")
            write_json(mock_path, case["mock_config"])
            argv += ["--mock-config", mock_path, "--test-case", case.get("test_case", "AWS")]
        argv += MODE_ARGS[mode] + case.get("args", [])
        return run_argv(argv, timeout, cwd=tmp)


def judge(case, run):
    """None when a run's answer is what the case expects, else the reason it is not."""
    if run["error"]:
        return run["error"] + stderr_tail(run)
    expected = case["expected"]
    want_exit = EXIT_FOR_STATUS[expected["status"]]
    code = run["exit"]
    if code not in EXIT_FOR_STATUS.values():
        return f"exit {code}" + stderr_tail(run)
    text = run["stdout"].decode("utf-8", "replace")
    try:
        actual = json.loads(text)
    except ValueError:
        return f"exit {code} with non-JSON stdout {clip(text)!r}" + stderr_tail(run)
    if code != want_exit:
        return f"exit {code} with {show(actual)}, expected exit {want_exit} ({expected['status']})"
    if want_exit == 0:
        diff = first_difference(expected["output"], actual)
        return None if diff is None else f"output differs at {diff}"
    if not isinstance(actual, dict):
        return f"failure output is not an object: {show(actual)}"
    extra = set(actual) - {"Error", "Cause"}
    if extra:
        return f"failure output has keys besides Error and Cause: {sorted(extra)}"
    if expected["error"] is None and "Error" in actual:
        return f"Error {actual['Error']!r}, expected no Error"
    if actual.get("Error") != expected["error"]:
        return f"Error {actual.get('Error')!r}, expected {expected['error']!r}"
    if "cause" in expected:
        want, got = expected["cause"], actual.get("Cause")
        if want is None and "Cause" in actual:
            return f"Cause {clip(repr(got))}, expected no Cause"
        if want is not None and got != want:
            return f"Cause {clip(repr(got))}, expected {clip(repr(want))}"
    return None


def stderr_tail(run):
    s = run["stderr"].strip()
    return f"; stderr: {clip(s.splitlines()[-1])}" if s else ""


def compare_modes(runs, same_stdout=True):
    """None when every mode that ran gave the same exit status and (unless same_stdout is
    false) the same stdout bytes, else why not."""
    done = [(m, r) for m, r in runs.items() if r["exit"] is not None]
    if len(done) < 2:
        return None
    ref_mode, ref = done[0]
    for mode, r in done[1:]:
        if r["exit"] != ref["exit"]:
            return f"modes differ: {ref_mode} exit {ref['exit']}, {mode} exit {r['exit']}"
        if same_stdout and r["stdout"] != ref["stdout"]:
            a, b = ref["stdout"], r["stdout"]
            i = next((k for k in range(min(len(a), len(b))) if a[k] != b[k]), min(len(a), len(b)))
            lo = max(i - 30, 0)
            return (f"modes differ: stdout from byte {i}: {ref_mode} {a[lo:i + 50]!r}, "
                    f"{mode} {b[lo:i + 50]!r}")
    return None


def run_cases(cases, aslc, modes, jobs, timeout, max_wait=None):
    """Runs every case in every mode.  Returns (results, skipped): results is a list of
    (case name, [failure reasons]) in case order; skipped a list of (name, reason)."""
    selected, skipped, results = [], [], {}
    for case in cases:
        if "bad" in case:
            results[case["name"]] = [case["bad"]]
        elif case.get("skip"):
            skipped.append((case["name"], str(case["skip"])))
        elif max_wait is not None and case.get("wait_seconds", 0) > max_wait:
            skipped.append((case["name"], f"waits {case['wait_seconds']} s"))
        else:
            selected.append(case)
    runs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool:
        futures = {pool.submit(run_one, c, aslc, m, timeout): (c["name"], m)
                   for c in selected for m in modes}
        for fut in concurrent.futures.as_completed(futures):
            name, mode = futures[fut]
            runs.setdefault(name, {})[mode] = fut.result()
    for case in selected:
        per_mode = {m: runs[case["name"]][m] for m in modes}
        reasons = []
        for mode, run in per_mode.items():
            why = judge(case, run)
            if why:
                reasons.append(f"[{mode}] {why}")
        why = compare_modes(per_mode, same_stdout=not case.get("nondeterministic"))
        if why:
            reasons.append(why)
        results[case["name"]] = reasons
    order = [c["name"] for c in cases if c["name"] in results]
    return [(n, results[n]) for n in order], skipped


def report(results, skipped, verbose=False, out=sys.stdout):
    """Prints the failure lines and the summary line; returns the number of failed cases."""
    failed = 0
    for name, reasons in results:
        if reasons:
            failed += 1
            for why in reasons:
                print(f"FAIL {name}: {why}", file=out)
    if verbose:
        for name, why in skipped:
            print(f"SKIP {name}: {why}", file=out)
    line = f"{len(results) - failed} passed, {failed} failed"
    if skipped:
        line += f", {len(skipped)} skipped"
    print(line, file=out)
    return failed


def main():
    ap = argparse.ArgumentParser(description="Run golden cases in every mode and diff the modes.")
    ap.add_argument("--aslc", required=True, help="the aslc binary")
    ap.add_argument("--modes", default=",".join(ALL_MODES),
                    help="comma list (default interp,jit,aot,jit-noopt)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, help="parallel runs")
    ap.add_argument("--cases", action="append", help="case directory (repeatable; default tests/cases)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per run (default 20)")
    ap.add_argument("--max-wait", type=float, default=None,
                    help="skip cases whose wait_seconds exceed this (default: timeout - 1)")
    ap.add_argument("-v", "--verbose", action="store_true", help="also list skipped cases")
    ap.add_argument("--match", help="only the cases whose name contains this text (make test T=...)")
    args = ap.parse_args()

    modes = [m for m in args.modes.split(",") if m]
    bad = [m for m in modes if m not in ALL_MODES]
    if bad or not modes:
        ap.error(f"--modes: unknown mode {bad[0]!r}" if bad else "--modes is empty")
    aslc = os.path.abspath(args.aslc)
    if not os.access(aslc, os.X_OK):
        print(f"run_cases.py: {args.aslc} is not an executable", file=sys.stderr)
        return 2
    dirs = args.cases or [os.path.join(HERE, "cases")]
    cases = []
    for d in dirs:
        if not os.path.isdir(d):
            print(f"run_cases.py: no case directory {d}", file=sys.stderr)
            return 2
        cases += load_cases(d)
    if args.match:
        cases = [c for c in cases if args.match in c["name"]]
    names = [c["name"] for c in cases]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        print(f"run_cases.py: case names used twice: {', '.join(dup)}", file=sys.stderr)
        return 2
    max_wait = args.max_wait if args.max_wait is not None else max(args.timeout - 1, 0)
    results, skipped = run_cases(cases, aslc, modes, args.jobs, args.timeout, max_wait)
    return 1 if report(results, skipped, args.verbose) else 0


if __name__ == "__main__":
    sys.exit(main())
