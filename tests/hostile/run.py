#!/usr/bin/env python3
"""Runs the hostile definitions of gen.py through aslc: check, emit-c, the C compiler, and run.

For a definition aslc accepts:
  - `aslc check` exits 0 and `aslc emit-c` exits 0 with C on stdout;
  - that C compiles with `CC -std=c11 -fsyntax-only -Wall -I runtime -I jsonata -x c -` without a single
    diagnostic (-std=c11 turns trigraphs on, so `??/` in a literal would show);
  - outside string literals and comments the C holds no PWNED (scanned both with and
    without trigraph replacement, after line splicing): definition text never became code;
  - `aslc run` in every mode gives the expected answer, the modes byte-identical
    (../run_cases.py does this part).
A definition that must be refused (kind "reject") gets exit 2 from check, emit-c and every
run, with nothing on stdout; "raw" definitions only must not crash, hang or disagree.

Prints one line per failure and `N passed, N failed`; exits 1 when anything failed.
Usage: run.py --aslc PATH [--modes interp,jit,aot] [-j N] [--timeout S] [--cc CC] [--keep DIR]
"""

import argparse
import concurrent.futures
import os
import shlex
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import gen  # noqa: E402
import run_cases  # noqa: E402

SENTINEL = "PWNED"
TRIGRAPHS = {"=": "#", "(": "[", ")": "]", "<": "{", ">": "}", "/": "\\", "'": "^", "!": "|", "-": "~"}


def replace_trigraphs(src):
    """Translation phase 1 of C11 (gcc -std=c11): ??x sequences become their characters."""
    out, i = [], 0
    while i < len(src):
        if src.startswith("??", i) and i + 2 < len(src) and src[i + 2] in TRIGRAPHS:
            out.append(TRIGRAPHS[src[i + 2]])
            i += 3
        else:
            out.append(src[i])
            i += 1
    return "".join(out)


def code_only(src, trigraphs):
    """The C text with comments, string literals and character literals removed (after
    phases 1 and 2), or None when a literal or comment is left unterminated."""
    if trigraphs:
        src = replace_trigraphs(src)
    src = src.replace("\\\r\n", "").replace("\\\n", "")
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
            out.append(" ")
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            if j < 0:
                return None
            i = j + 2
            out.append(" ")
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                if src[j] == "\n":
                    return None
                j += 2 if src[j] == "\\" else 1
            if j >= n:
                return None
            i = j + 1
            out.append(c + c)
        else:
            out.append(c)
            i += 1
    return "".join(out)


def scan_c(c_text):
    """None when no PWNED is left in code, else the reason."""
    for trigraphs in (True, False):
        code = code_only(c_text, trigraphs)
        how = "with trigraphs" if trigraphs else "without trigraphs"
        if code is None:
            return f"generated C has an unterminated literal or comment ({how})"
        k = code.find(SENTINEL)
        if k >= 0:
            line = code.count("\n", 0, k) + 1
            return f"definition text outside literals and comments in generated C ({how}), near line {line}"
    return None


def first_line(s):
    s = s.strip()
    return run_cases.clip(s.splitlines()[0]) if s else "(nothing)"


class Checker:
    """Runs aslc and the C compiler on one hostile case at a time (thread-safe: no state)."""

    def __init__(self, aslc, cc, modes, timeout, keep):
        self.aslc, self.cc, self.modes, self.timeout, self.keep = aslc, cc, modes, timeout, keep

    def aslc_run(self, cmd, def_path, tmp, mode=None, input_value=None):
        argv = [self.aslc, cmd, def_path]
        if cmd == "run":
            in_path = os.path.join(tmp, "input.json")
            run_cases.write_json(in_path, input_value if input_value is not None else {})
            argv += ["--input", in_path, "--mode", mode]
        return run_cases.run_argv(argv, self.timeout, cwd=tmp)

    def compile_c(self, c_bytes):
        """None when the C compiles without any diagnostic, else the first one."""
        argv = self.cc + ["-std=c11", "-fsyntax-only", "-Wall", "-I", os.path.join(ROOT, "runtime"),
                          "-I", os.path.join(ROOT, "jsonata"), "-x", "c", "-"]
        r = run_cases.run_argv(argv, self.timeout, stdin=c_bytes)
        if r["error"]:
            return f"{self.cc[0]}: {r['error']}"
        if r["exit"] != 0 or r["stderr"].strip():
            diag = [line for line in r["stderr"].splitlines() if "error" in line or "warning" in line]
            return f"generated C: {self.cc[0]} exit {r['exit']}: {first_line(diag[0] if diag else r['stderr'])}"
        return None

    def expect_refused(self, what, r, reasons):
        """A clean refusal: exit 2, nothing on stdout."""
        if r["error"]:
            reasons.append(f"{what}: {r['error']}")
        elif r["exit"] != 2:
            reasons.append(f"{what}: exit {r['exit']}, expected 2 (refused)")
        elif r["stdout"]:
            reasons.append(f"{what}: exit 2 but wrote to stdout")

    def static(self, case, tmp):
        """Checks before running; returns (reasons, accepted)."""
        h = case["hostile"]
        def_path = os.path.join(tmp, "definition.json")
        if h["kind"] == "raw":
            with open(def_path, "w", encoding="utf-8") as f:
                f.write(h["text"])
        else:
            run_cases.write_json(def_path, case["definition"])
        reasons = []
        chk = self.aslc_run("check", def_path, tmp)
        if chk["error"]:
            return [f"check: {chk['error']}"], False
        if h["kind"] == "reject" or (chk["exit"] == 2 and (h.get("may_reject") or h["kind"] == "raw")):
            if chk["exit"] != 2:
                reasons.append(f"check: exit {chk['exit']}, expected 2 (refused)")
            elif not chk["stderr"].strip():
                reasons.append("check: exit 2 without a diagnostic")
            for text in h.get("stderr_contains", []):
                if text not in chk["stderr"]:
                    reasons.append(f"check: diagnostics do not mention {text!r}: {first_line(chk['stderr'])}")
            self.expect_refused("emit-c", self.aslc_run("emit-c", def_path, tmp), reasons)
            for mode in self.modes:
                self.expect_refused(f"run --mode {mode}",
                                    self.aslc_run("run", def_path, tmp, mode, case.get("input")), reasons)
            return reasons, False
        if chk["exit"] != 0:
            return [f"check: exit {chk['exit']}: {first_line(chk['stderr'])}"], False
        emit = self.aslc_run("emit-c", def_path, tmp)
        if emit["error"] or emit["exit"] != 0 or not emit["stdout"]:
            return [f"emit-c: {emit['error'] or 'exit %s' % emit['exit']}: {first_line(emit['stderr'])}"], True
        if self.keep:
            with open(os.path.join(self.keep, case["name"] + ".c"), "wb") as f:
                f.write(emit["stdout"])
        c_text = emit["stdout"].decode("utf-8", "replace")
        for why in (self.compile_c(emit["stdout"]), scan_c(c_text)):
            if why:
                reasons.append(why)
        return reasons, True

    def raw_runs(self, case, tmp):
        """Every mode: no crash or hang, same answer; the expected one when it ran."""
        def_path = os.path.join(tmp, "definition.json")
        runs = {m: self.aslc_run("run", def_path, tmp, m, case.get("input")) for m in self.modes}
        reasons = []
        for mode, r in runs.items():
            if r["error"]:
                reasons.append(f"[{mode}] {r['error']}")
            elif r["exit"] not in (0, 1, 2):
                reasons.append(f"[{mode}] exit {r['exit']}: {first_line(r['stderr'])}")
            elif r["exit"] != 2 and "expected" in case:
                why = run_cases.judge(case, r)
                if why:
                    reasons.append(f"[{mode}] {why}")
        why = run_cases.compare_modes(runs)
        if why:
            reasons.append(why)
        return reasons

    def one(self, case):
        with tempfile.TemporaryDirectory(prefix="aslc-hostile-") as tmp:
            reasons, accepted = self.static(case, tmp)
            if accepted and case["hostile"]["kind"] == "raw":
                reasons += self.raw_runs(case, tmp)
        return reasons, accepted


def main():
    ap = argparse.ArgumentParser(description="Run hostile definitions through aslc.")
    ap.add_argument("--aslc", required=True)
    ap.add_argument("--modes", default="interp,jit,aot")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per command (default 30)")
    ap.add_argument("--cc", default=os.environ.get("CC", "cc"), help="C compiler for the syntax check")
    ap.add_argument("--keep", help="also write each generated C file into this directory")
    args = ap.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    aslc = os.path.abspath(args.aslc)
    if not os.access(aslc, os.X_OK):
        print(f"run.py: {args.aslc} is not an executable", file=sys.stderr)
        return 2
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    checker = Checker(aslc, shlex.split(args.cc), modes, args.timeout, args.keep)

    cases = gen.generate()
    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        futures = {pool.submit(checker.one, c): c for c in cases}
        for fut in concurrent.futures.as_completed(futures):
            results[futures[fut]["name"]] = fut.result()

    # Accepted "run" cases go through run_cases: expected answer, modes byte-identical.
    to_run = [c for c in cases if c["hostile"]["kind"] == "run" and results[c["name"]][1]]
    ran, _ = run_cases.run_cases(to_run, aslc, modes, args.jobs, args.timeout)
    for name, reasons in ran:
        results[name][0].extend(reasons)

    failed = 0
    for case in cases:
        reasons = results[case["name"]][0]
        if reasons:
            failed += 1
            for why in reasons:
                print(f"FAIL {case['name']}: {why}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
