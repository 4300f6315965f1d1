#!/usr/bin/env python3
"""Runs kms-rotation iac and Checkov (CKV_AWS_7, "Ensure rotation for customer created CMKs is enabled") on the same
infrastructure-as-code fixtures and prints a Markdown table of both tools' verdicts per key, as Docs/comparison.md
shows them. Not part of `swift test`; Scripts/compare-checkov.sh installs Checkov into a virtual environment first.

Usage: Scripts/compare-checkov.py [--kms-rotation PATH] [--checkov PATH] [FILE ...]   (default: Examples/iac files)
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def kms_rotation(binary: str, path: str, max_days: int | None) -> dict[str, tuple[str, str]]:
    args = [binary, "iac", path, "--format", "json"]
    if max_days:
        args += ["--max-rotation-period-days", str(max_days)]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env={**os.environ, "SOURCE_DATE_EPOCH": "0"})
    if out.returncode not in (0, 3, 4):
        raise SystemExit(f"kms-rotation failed on {path} ({out.returncode}): {out.stderr}")
    report = json.loads(out.stdout)
    return {f["keyId"]: (f["compliance"], f["reason"]) for f in report["findings"]}


def checkov(binary: str, path: str) -> dict[str, str]:
    framework = "terraform_plan" if "/terraform/" in path else "cloudformation"
    out = subprocess.run([binary, "-f", path, "--framework", framework, "--check", "CKV_AWS_7", "-o", "json", "--compact"],
                         cwd=ROOT, capture_output=True, text=True)
    text = out.stdout.strip()
    if not text:
        return {}
    data = json.loads(text)
    reports = data if isinstance(data, list) else [data]
    verdicts: dict[str, str] = {}
    for report in reports:
        results = report.get("results", {}) if isinstance(report, dict) else {}
        for kind, label in (("passed_checks", "PASSED"), ("failed_checks", "FAILED"), ("skipped_checks", "SKIPPED")):
            for check in results.get(kind, []):
                resource = check.get("resource", "")
                # CloudFormation: "AWS::KMS::Key.LogicalId"; Terraform plans: the address.
                key = resource.split(".", 1)[1] if resource.startswith("AWS::") else resource
                verdicts[key] = label
    return verdicts


def agreement(ours: tuple[str, str], theirs: str) -> str:
    compliance, _ = ours
    if theirs == "not checked":
        return "agree" if compliance == "NOT_APPLICABLE" else "Checkov silent"
    expected = {"COMPLIANT": "PASSED", "NON_COMPLIANT": "FAILED"}.get(compliance)
    if expected is None:
        return "Checkov guesses" if compliance == "INSUFFICIENT_DATA" else "Checkov judges an exempt key"
    return "agree" if expected == theirs else "differ"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kms-rotation", default=os.path.join(ROOT, ".build/debug/kms-rotation"))
    parser.add_argument("--checkov", default="checkov")
    parser.add_argument("--max-rotation-period-days", type=int)
    parser.add_argument("files", nargs="*")
    args = parser.parse_args()
    files = args.files or sorted(glob.glob("Examples/iac/cloudformation/*", root_dir=ROOT)
                                 + glob.glob("Examples/iac/cdk.out/*.template.json", root_dir=ROOT)
                                 + glob.glob("Examples/iac/terraform/*.json", root_dir=ROOT))
    version = subprocess.run([args.checkov, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"<!-- measured with Checkov {version} and kms-rotation iac; Scripts/compare-checkov.sh -->")
    print("| File | Key | kms-rotation iac | Checkov CKV_AWS_7 | |")
    print("|---|---|---|---|---|")
    tally: dict[str, int] = {}
    timings = []
    for path in files:
        if path.endswith(".md"):
            continue
        ours = kms_rotation(args.kms_rotation, path, args.max_rotation_period_days)
        start = time.monotonic()
        theirs = checkov(args.checkov, path)
        timings.append(time.monotonic() - start)
        for key, verdict in ours.items():
            other = theirs.get(key, "not checked")
            note = agreement(verdict, other)
            tally[note] = tally.get(note, 0) + 1
            print(f"| `{os.path.relpath(path, 'Examples/iac')}` | `{key}` | {verdict[0]} `{verdict[1]}` | {other} | {note} |")
    print()
    print("Tally: " + ", ".join(f"{k}: {v}" for k, v in sorted(tally.items())))
    print(f"Checkov time per file: {min(timings):.1f}-{max(timings):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
