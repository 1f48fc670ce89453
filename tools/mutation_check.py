#!/usr/bin/env python3
"""Applies small faults to the library, one at a time, and reports which the test suite catches.

Each fault edits one line of a copy of the package (never the working tree): a sign, a swapped bias,
a reversed direction, an off-by-one final state, a dropped dropout mask, a storage offset ignored, a
message reworded, ... The copy is built, the suite's fast parts run (the tests that need no torch),
and a fault is *caught* when they fail. A fault that no test could catch because it changes nothing
observable is listed with `equivalent` and the reason; every other fault must be caught.

    python3 tools/mutation_check.py              # every fault
    python3 tools/mutation_check.py --list       # the faults, without running them
    python3 tools/mutation_check.py --only relu  # faults whose name contains 'relu'

Exit status 1 when a fault that is not documented as equivalent survives, or no longer applies (its
line changed: update the fault).
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The suites that need no torch: the library, the readers and the conformance runner on the shipped
# fixtures (which include the checkpoint cases).
FAST_TESTS = "RecurrentTests|RecurrentFormatsTests|RecurrentConformanceTests"


@dataclass(frozen=True)
class Fault:
    name: str
    path: str
    original: str
    replacement: str
    equivalent: str = ""  # why no test can see it, for a fault that changes nothing observable


FAULTS = [
    Fault("tanh sign flipped", "Sources/RecurrentSIMD/tanh_format.h",
          "values[i] = COPYSIGN(e / (e + 2), x);", "values[i] = COPYSIGN(e / (e + 2), -x);"),
    Fault("relu keeps negatives", "Sources/Recurrent/Kernels/Activation.swift",
          "values[i] = value < zero ? zero : value", "values[i] = value > zero ? zero : value"),
    Fault("bias_ih and bias_hh swapped by name", "Sources/Recurrent/Layers/CellWeights.swift",
          '            case "bias_ih": biasIH\n            case "bias_hh": biasHH',
          '            case "bias_ih": biasHH\n            case "bias_hh": biasIH'),
    Fault("reverse direction runs forward", "Sources/Recurrent/Layers/RNN+Forward.swift",
          "reverse: direction == 1", "reverse: direction == 2"),
    Fault("final state one step early", "Sources/Recurrent/Kernels/RecurrentKernel.swift",
          "(final + b * hidden).update(from: row(firstRow[t] + b), count: hidden)",
          "(final + b * hidden).update(from: row(firstRow[max(t - 1, 0)] + b), count: hidden)"),
    Fault("dropout mask dropped", "Sources/Recurrent/Layers/RNN+Forward.swift",
          "if training && dropout > 0 && layer < numLayers - 1 {", "if false && training && dropout > 0 && layer < numLayers - 1 {"),
    Fault("packed h0 not permuted", "Sources/Recurrent/Layers/RNN+Packed.swift",
          "if let given = h0, let order = input.sortedIndices {", "if let given = h0, let order = input.sortedIndices, order.isEmpty {"),
    Fault("message reworded", "Sources/Recurrent/Layers/RNN+Packed.swift",
          '"input.size(-1) must be equal to input_size. Expected', '"input.size(-1) must equal input_size. Expected'),
    Fault("storage offset ignored", "Sources/RecurrentFormats/Checkpoint/Materializer.swift",
          "strides: reference.strides, offset: reference.offset)", "strides: reference.strides, offset: 0)"),
    Fault("gradient: tanh's derivative with the wrong sign", "Sources/Recurrent/Kernels/RecurrentKernel+Backward.swift",
          "case .tanh: for j in 0..<hidden { z[j] *= 1 - h[j] * h[j] }", "case .tanh: for j in 0..<hidden { z[j] *= 1 + h[j] * h[j] }"),
    Fault("gradient: bias gradient dropped", "Sources/Recurrent/Kernels/RecurrentKernel+Backward.swift",
          "for j in 0..<hidden { gradients.bias[j] += z[r * hidden + j] }", "for j in 0..<hidden { gradients.bias[j] += 0 * z[r * hidden + j] }"),
    Fault("gradient: h0's gradient lost", "Sources/Recurrent/Kernels/RecurrentKernel+Backward.swift",
          "m: rows - carriedRows, n: hidden, k: hidden", "m: 0, n: hidden, k: hidden"),
    Fault("gradient: dropout mask ignored going back", "Sources/Recurrent/Layers/RNN+Training.swift",
          "if layer > 0, let mask = layers[layer - 1].dropoutMask { Dropout.apply(mask, to: &layerGradient) }", ""),
    Fault("gradient: reverse direction walked forward", "Sources/Recurrent/Layers/RNN+Training.swift",
          "initialState: initialState, reverse: direction == 1,", "initialState: initialState, reverse: false,"),
    Fault("runner ignores the error stage", "Sources/RecurrentConformance/FixtureRunner.swift",
          "if thrown.stage != stage {", "if thrown.stage != stage && false {"),
    Fault("runner takes the fixture's tolerance", "Sources/RecurrentConformance/Tolerance.swift",
          "            tolerance = standard\n", ""),
]


def run(command, cwd, log, lock=None):
    if lock:
        command = ["flock", lock] + command
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        return subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list the faults and exit")
    parser.add_argument("--only", help="run only the faults whose name contains this text")
    parser.add_argument("--keep", action="store_true", help="keep the copy and its logs")
    parser.add_argument("--lock", metavar="FILE", help="hold this flock(1) lock around each build and test run, to share a machine")
    args = parser.parse_args()
    faults = [f for f in FAULTS if not args.only or args.only in f.name]
    if args.list:
        for fault in faults:
            print(f"{fault.name:40} {fault.path}" + (f"  (equivalent: {fault.equivalent})" if fault.equivalent else ""))
        return

    work = Path(tempfile.mkdtemp(prefix="recurrent-mutants-"))
    copy = work / "package"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".build", ".build-*", ".build_*", ".git", "__pycache__"))
    log = work / "log.txt"
    print(f"copy: {copy} (log: {log})")
    start = time.time()
    if run(["swift", "build", "--build-tests"], copy, log, args.lock) or run(["swift", "test", "--skip-build", "--filter", FAST_TESTS], copy, log, args.lock):
        print("the unmutated package does not build or pass its fast tests: see the log", file=sys.stderr)
        sys.exit(1)
    print(f"unmutated: builds and passes ({time.time() - start:.0f} s)")

    survived, stale = [], []
    for fault in faults:
        path = copy / fault.path
        source = path.read_text()
        if source.count(fault.original) != 1:
            stale.append(fault)
            print(f"STALE     {fault.name}: the line it changes is not in {fault.path} exactly once")
            continue
        path.write_text(source.replace(fault.original, fault.replacement))
        began = time.time()
        built = run(["swift", "build", "--build-tests"], copy, log, args.lock) == 0
        caught = not built or run(["swift", "test", "--skip-build", "--filter", FAST_TESTS], copy, log, args.lock) != 0
        path.write_text(source)
        verdict = "caught" if caught else ("EQUIVALENT" if fault.equivalent else "SURVIVED")
        how = "" if built else " (does not build)"
        print(f"{verdict:9} {fault.name}{how} ({time.time() - began:.0f} s)" + (f": {fault.equivalent}" if not caught and fault.equivalent else ""))
        if not caught and not fault.equivalent:
            survived.append(fault)
    caught_count = len(faults) - len(survived) - len(stale)
    print(f"\n{caught_count} of {len(faults)} faults caught, {len(survived)} survived, {len(stale)} stale")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if survived or stale else 0)


if __name__ == "__main__":
    main()
