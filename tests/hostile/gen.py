#!/usr/bin/env python3
"""Writes definitions whose text is hostile to C code generation, with their expected results.

Every string from a definition must reach generated C only as an escaped string literal
(style.md section 5), so these put comment terminators, trigraphs, lone backslashes, quotes,
newlines, printf formats, escape-looking text, UTF-8, NUL and 10 KB strings into state names,
Comments, keys, Result values, Choice literals, StringMatches patterns and paths.  Most of
them carry the word PWNED, which must never appear in generated C outside a string literal
or a comment (run.py checks).

Kinds of case (all in the format of ../shared/conformance/cases, plus a "hostile" object):
  run     run in every mode; the answer must equal "expected" (what AWS would give).
          hostile.may_reject: a reason why a clean rejection (exit 2 from check, emit-c and
          every run, no crash) is also acceptable (e.g. cJSON cannot hold a NUL in a string).
  reject  check, emit-c and run must all exit 2 without a crash; hostile.stderr_contains
          lists text the diagnostics must include.
  raw     hostile.text is the definition's bytes (too deep for a JSON library to write);
          nothing may crash or hang: exit status 0, 1 or 2, every mode the same answer, and
          when it runs (exit 0 or 1) the answer must equal "expected" if the case has one.

Usage: gen.py DIR   (writes DIR/NAME.json; run.py calls generate() directly)
"""

import json
import os
import sys

# (label, text).  Each text is at most 78 characters so that "X" + text is a valid state name.
HOSTILE = [
    ("comment_close", '*/ system("x"); PWNED(); /*'),
    ("comment_open", "/* PWNED"),
    ("line_comment", "// PWNED"),
    ("star_slash_run", "*/*/*/ PWNED /*/*/*"),
    ("trigraph_backslash", "PWNED ??/"),
    ("trigraph_define", "??=define PWNED 1"),
    ("all_trigraphs", "PWNED ??( ??) ??< ??> ??! ??' ??- ??= ??/"),
    ("question_marks", "??????/ PWNED ?"),
    ("lone_backslash", "\\"),
    ("trailing_backslash", "PWNED \\"),
    ("double_quote", '"'),
    ("string_break", '"); PWNED(); ("'),
    ("char_literal", "'\\'' PWNED '"),
    ("newline_directive", "PWNED\n#error PWNED\n"),
    ("carriage_return", "a\r\nPWNED\r"),
    ("tab", "tab\there PWNED"),
    ("printf_format", "%s%n%x%% PWNED %"),
    ("hex_escape_text", "\\x41BC PWNED"),
    ("octal_escape_text", "\\0 \\101 \\777 \\u0041 PWNED"),
    ("utf8", "naïve ☃ 日本 😀 PWNED"),
    ("control_chars", "\u0001\u001b[31m\u007f PWNED"),
    ("line_separators", "\u2028\u2029\u0085 PWNED"),
    ("json_pointer_chars", "a/b~0~1 PWNED"),
    ("path_chars", "$.x $$ [*] .. @ {} PWNED"),
    ("nul", "a\u0000PWNED"),
    ("long_name_79", "N" * 79),
]

NUL_REASON = "cJSON strings end at NUL, so aslc may refuse a definition holding one"
CONTROL_REASON = "AWS may refuse control characters in a state name"


def big_text():
    """A 10 KB string made of every hostile text but NUL, repeated."""
    chunk = " ".join(t for label, t in HOSTILE if label != "nul" and not label.startswith("long"))
    text = ""
    while len(text) < 10240:
        text += chunk + " "
    return text[:10240]


def match_pattern(text):
    """A StringMatches pattern matching exactly `text`: \\ and * escaped."""
    return text.replace("\\", "\\\\").replace("*", "\\*")


def data_case(label, text, may_reject=None):
    """The text in every data position of a definition whose state names are plain."""
    if "'" in text or "\\" in text:
        path, found = "$.input", text     # no quoting rule for these inside ['...']
    else:
        path, found = "$['" + text + "']", "found"
    definition = {
        "Comment": text,
        "StartAt": "Echo",
        "States": {
            "Echo": {"Type": "Pass", "Comment": text,
                     "Parameters": {text: text, "nested": {text: [text, {text: None}]}, "copy.$": "$.input"},
                     "ResultPath": "$.echo", "Next": "Lit"},
            "Lit": {"Type": "Pass", "Comment": text, "Result": {text: text, "list": [text]},
                    "ResultPath": "$.lit", "Next": "Route"},
            "Route": {"Type": "Choice", "Comment": text,
                      "Choices": [{"Variable": "$.input", "StringEquals": text, "Next": "Match"}],
                      "Default": "Bad"},
            "Match": {"Type": "Choice",
                      "Choices": [{"Variable": "$.input", "StringMatches": match_pattern(text), "Next": "ViaPath"}],
                      "Default": "Bad"},
            "ViaPath": {"Type": "Pass", "Parameters": {"found.$": path}, "ResultPath": "$.via", "Next": "Done"},
            "Done": {"Type": "Succeed", "Comment": text},
            "Bad": {"Type": "Fail", "Error": text, "Cause": text},
        },
    }
    inp = {"input": text, text: "found"}
    out = dict(inp)
    out["echo"] = {text: text, "nested": {text: [text, {text: None}]}, "copy": text}
    out["lit"] = {text: text, "list": [text]}
    out["via"] = {"found": found}
    case = {"name": f"hostile_data_{label}", "definition": definition, "input": inp,
            "expected": {"status": "SUCCEEDED", "output": out}, "hostile": {"kind": "run"}}
    if may_reject:
        case["hostile"]["may_reject"] = may_reject
    return case


def names_case(label, text, may_reject=None):
    """The text as state names, echoed back through $$.State.Name into a Fail's ErrorPath."""
    definition = {
        "Comment": text,
        "StartAt": text,
        "States": {
            text: {"Type": "Pass", "Comment": text, "Parameters": {"name.$": "$$.State.Name"},
                   "ResultPath": "$.echo", "Next": "C" + text},
            "C" + text: {"Type": "Choice", "Comment": text,
                         "Choices": [{"Variable": "$.echo.name", "StringEquals": text, "Next": "F" + text}],
                         "Default": "W" + text},
            "W" + text: {"Type": "Fail", "Error": "NameNotEchoed"},
            "F" + text: {"Type": "Fail", "Comment": text, "ErrorPath": "$.echo.name", "Cause": text},
        },
    }
    case = {"name": f"hostile_names_{label}", "definition": definition, "input": {},
            "expected": {"status": "FAILED", "error": text, "cause": text}, "hostile": {"kind": "run"}}
    if may_reject:
        case["hostile"]["may_reject"] = may_reject
    return case


def reject_case(name, definition, stderr_contains=()):
    return {"name": name, "definition": definition, "input": {},
            "expected": {"status": "FAILED", "error": None},   # unused: the definition is invalid
            "hostile": {"kind": "reject", "stderr_contains": list(stderr_contains)}}


def generate():
    """Every hostile case, as a list of case dicts."""
    cases = []
    for label, text in HOSTILE:
        control = any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)
        nul = "\u0000" in text
        cases.append(data_case(label, text, NUL_REASON if nul else None))
        cases.append(names_case(label, text, NUL_REASON if nul else CONTROL_REASON if control else None))
    big = big_text()
    cases.append(data_case("10kb_string", big))

    pass_end = {"Type": "Pass", "End": True}
    cases.append(reject_case("hostile_reject_state_name_10kb", {"StartAt": big, "States": {big: pass_end}}))
    cases.append(reject_case("hostile_reject_state_name_81_chars",
                             {"StartAt": "N" * 81, "States": {"N" * 81: pass_end}}))
    cases.append(reject_case("hostile_reject_pointer_escaped_in_diagnostic",
                             {"StartAt": "a/b~c", "States": {"a/b~c": {"Type": "Pass", "Next": "nowhere"}}},
                             ["/States/a~1b~0c/Next"]))

    # 900 nested Nots: deep, but within cJSON's nesting limit, so it must work or be refused.
    inner = json.dumps({"Variable": "$.ok", "BooleanEquals": True})
    for _ in range(899):
        inner = '{"Not": ' + inner + '}'
    text = ('{"StartAt": "Deep", "States": {"Deep": {"Type": "Choice", "Choices": ['
            '{"Not": ' + inner + ', "Next": "Yes"}], "Default": "No"},'
            ' "Yes": {"Type": "Pass", "Result": "even", "End": true},'
            ' "No": {"Type": "Pass", "Result": "odd", "End": true}}}')
    cases.append({"name": "hostile_raw_choice_900_nested_nots", "input": {"ok": True},
                  "expected": {"status": "SUCCEEDED", "output": "even"},
                  "hostile": {"kind": "raw", "text": text}})
    deep = 100000
    cases.append({"name": "hostile_raw_result_nested_100000_deep", "input": {},
                  "hostile": {"kind": "raw", "text": '{"StartAt": "A", "States": {"A": {"Type": "Pass", '
                                                     '"Result": ' + "[" * deep + "]" * deep + ', "End": true}}}'}})
    cases.append({"name": "hostile_raw_unterminated_string", "input": {},
                  "hostile": {"kind": "raw", "text": '{"StartAt": "A", "States": {"A\\'}})
    return cases


def main():
    if len(sys.argv) != 2:
        print("usage: gen.py DIR", file=sys.stderr)
        return 2
    os.makedirs(sys.argv[1], exist_ok=True)
    for case in generate():
        with open(os.path.join(sys.argv[1], case["name"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(case, f, ensure_ascii=False, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
