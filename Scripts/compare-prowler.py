#!/usr/bin/env python3
"""Prints the Markdown table of Docs/comparison.md from one run of Scripts/compare-prowler.sh."""
import argparse
import csv
import glob
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--keys", required=True)
parser.add_argument("--prowler", required=True, help="Prowler's output directory")
parser.add_argument("--ours", required=True)
parser.add_argument("--prowler-version", required=True)
parser.add_argument("--timings", nargs=2, required=True)
args = parser.parse_args()

names = {}
with open(args.keys) as file:
    for line in file:
        key_id, name = line.split()
        names[key_id] = name

prowler = {}
for path in glob.glob(os.path.join(args.prowler, "prowler-output-*.csv")):
    with open(path) as file:
        for row in csv.DictReader(file, delimiter=";"):
            prowler[row["RESOURCE_UID"].split("/")[-1]] = row["STATUS"]

with open(args.ours) as file:
    ours = {f["keyId"]: f"{f['compliance']} `{f['reason']}`" for f in json.load(file)["findings"]}

print(f"| Key (moto) | kms-rotation audit | Prowler {args.prowler_version} kms_cmk_rotation_enabled |")
print("|---|---|---|")
for key_id, name in names.items():
    print(f"| {name} | {ours.get(key_id, 'no finding')} | {prowler.get(key_id, 'not checked')} |")
print()
print(f"Time: Prowler {args.timings[0]} s (startup included), kms-rotation {args.timings[1]} s.")
