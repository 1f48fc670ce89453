#!/usr/bin/env python3
"""Checks a `conform fixtures --json` report against the fixture set it ran, for CI.

    check_conform_report.py DIR REPORT.json --expect-all-pass COUNT
        every case of DIR passed, and there were exactly COUNT of them (the count read right after
        the generator wrote the set: a case lost on the way fails the check);
    check_conform_report.py DIR REPORT.json --expect-injected-failures
        a run with --inject-error: exactly the cases with a non-empty floating-point result in PERTURBED
        (an output, a final or new state, the gradient of the input or of an initial state) whose first
        element is finite failed (the injection reaches every one of them, and nothing else).
"""
import argparse
import json
import math
import struct
import sys
from pathlib import Path

# The results the runner perturbs with --inject-error (CaseRun.perturbedKeys on the Swift side).
PERTURBED = {
    "output", "output.data", "output.0", "result", "result.data", "result.0", "h_n", "c_n", "h_1", "c_1",
    "grad.input", "grad.packed.data", "grad.h0", "grad.c0", "grad.hx", "grad.cx",
}
FLOATS = {"F16", "BF16", "F32", "F64"}


def header(path):
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + length])


def first_element_is_finite(path, entry):
    """Whether the first element of a float tensor is finite: the injection adds to it, and an
    infinity or NaN there absorbs the addition."""
    data = path.read_bytes()
    (length,) = struct.unpack("<Q", data[:8])
    start = 8 + length + entry["data_offsets"][0]
    formats = {"F32": ("<f", 4), "F64": ("<d", 8)}
    if entry["dtype"] not in formats:
        return True
    code, size = formats[entry["dtype"]]
    (value,) = struct.unpack(code, data[start:start + size])
    return math.isfinite(value)


def case_files(directory):
    """(case name, file) for every case conform runs: DIR/*.safetensors and the checkpoint cases."""
    for path in sorted(directory.glob("*.safetensors")):
        yield path.name[: -len(".safetensors")], path
    for path in sorted((directory / "checkpoints").glob("*.expected.safetensors")):
        yield "checkpoint_" + path.name[: -len(".expected.safetensors")], path


def has_perturbable_output(path):
    h = header(path)
    meta = h.get("__metadata__", {})
    if meta.get("format") == "recurrent-fixture/1" and meta.get("expect") != "output":
        return False
    for key in PERTURBED:
        entry = h.get(key)
        if entry and entry["dtype"] in FLOATS and all(d > 0 for d in entry["shape"]) \
                and first_element_is_finite(path, entry):
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("report", type=Path)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--expect-all-pass", type=int, metavar="COUNT")
    mode.add_argument("--expect-injected-failures", action="store_true")
    args = parser.parse_args()

    report = json.loads(args.report.read_text())
    results = {case["name"]: case["passed"] for case in report["cases"]}
    problems = []
    if args.expect_all_pass is not None:
        if len(results) != args.expect_all_pass:
            problems.append(f"conform ran {len(results)} cases; the generator wrote {args.expect_all_pass}")
        problems += [f"{name} failed" for name, passed in results.items() if not passed]
    else:
        cases = dict(case_files(args.directory))
        missing = sorted(set(cases) - set(results))
        problems += [f"{name} was not run" for name in missing]
        for name, passed in sorted(results.items()):
            should_fail = name in cases and has_perturbable_output(cases[name])
            if should_fail and passed:
                problems.append(f"{name} passed with an injected error")
            elif not should_fail and not passed:
                problems.append(f"{name} failed, but has no output the injection reaches")
        failed = sum(not passed for passed in results.values())
        print(f"injected error: {failed} of {len(results)} cases failed, as expected")
    for problem in problems[:50]:
        print("ci:", problem, file=sys.stderr)
    if problems:
        print(f"ci: {len(problems)} problem(s)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
