#!/usr/bin/env bash
# End-to-end SBOM import benchmark (issue 4): generates a CycloneDX 1.6 JSON BOM of
# N components (default 500,000) and times `proscribe scan` on it — parse, match, judge and
# a JSON report — reporting components per second and peak RSS (/usr/bin/time -v).
#
# Component names and suppliers are real: Debian 12 package names with their Maintainer
# field, plus one sourced catalog hit (Kaspersky, CapCut, Telegram…) in every 500, from
# crates/proscribe-match/benches/data/names.tsv.gz (see the PROVENANCE next to it). Each name
# appears with several versions so that N exceeds the 60,000 distinct names.
#
# Targets: ≥ 200,000 components/s end to end, peak RSS < 500 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${COMPONENTS:-500000}
runs=${RUNS:-3}
command -v /usr/bin/time >/dev/null || { echo "bench/sbom.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

cargo build --release --quiet -p proscribe
proscribe=${CARGO_TARGET_DIR:-target}/release/proscribe

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$n" crates/proscribe-match/benches/data/names.tsv.gz "$work/bom.json" <<'PY'
import gzip, json, sys
n, names_path, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
deb, hits, section = [], [], "deb"
for line in gzip.open(names_path, "rt", encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("# catalog hits"):
        section = "hits"
        continue
    if not line or line.startswith("#"):
        continue
    src, name, publisher = (line.split("\t") + ["", ""])[:3]
    (hits if section == "hits" else deb).append((src, name, publisher))
with open(out, "w", encoding="utf-8") as f:
    f.write('{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,'
            '"metadata":{"component":{"type":"operating-system","name":"debian","version":"12"}},'
            '"components":[\n')
    for i in range(n):
        if i % 500 == 499:
            src, name, publisher = hits[(i // 500) % len(hits)]
            c = {"type": "application", "bom-ref": f"app-{i}", "name": name, "version": f"{i % 7}.0"}
            if publisher:
                c["publisher"] = publisher
            if src == "deb":
                c["type"] = "library"
                c["purl"] = f"pkg:deb/debian/{name}@1.0?arch=amd64"
        else:
            src, name, maint = deb[i % len(deb)]
            version = f"{1 + i // len(deb)}.{i % 97}-{1 + i % 3}"
            purl = f"pkg:deb/debian/{name}@{version}?arch=amd64&distro=debian-12"
            c = {"bom-ref": purl, "type": "library", "supplier": {"name": maint}, "name": name,
                 "version": version, "purl": purl,
                 "properties": [{"name": "aquasecurity:trivy:PkgType", "value": "debian"}]}
        f.write(("," if i else "") + json.dumps(c, ensure_ascii=False) + "\n")
    f.write("]}\n")
PY
size=$(stat -c %s "$work/bom.json")

python3 - "$runs" "$n" "$size" "$proscribe" "$work" <<'PY'
import statistics, subprocess, sys
runs, n, size, proscribe, work = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
walls, cpus, peaks = [], [], []
for _ in range(runs):
    p = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", proscribe, "scan", "--format", "json",
                        "--fail-on", "never", "-o", f"{work}/report.json", f"{work}/bom.json"],
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"proscribe failed ({p.returncode}): {p.stderr[-2000:]}")
    wall, user, system, rss = p.stderr.strip().splitlines()[-1].split()
    walls.append(float(wall)); cpus.append(float(user) + float(system)); peaks.append(int(rss))
import json, os
report = json.load(open(f"{work}/report.json"))
wall, cpu = statistics.median(walls), statistics.median(cpus)
peak_mb = max(peaks) / 1024
load = os.getloadavg()[0]
print(f"BOM: {n} components, {size / 1e6:.1f} MB; report: {report['summary']['items']} items, "
      f"{report['summary']['findings']} findings")
print(f"proscribe scan (median of {runs}): wall {wall:.2f} s -> {n / wall:,.0f} components/s; "
      f"CPU {cpu:.2f} s -> {n / cpu:,.0f} components/s; peak RSS {peak_mb:.1f} MB; load average {load:.1f}")
# proscribe scans on one thread: on an idle core wall time equals CPU time. On a shared
# machine (load above the core count) the wall time measures the other processes, so the
# target is checked on CPU time then, and the wall figure is printed for the record.
busy = load > (os.cpu_count() or 1)
t = cpu if busy else wall
rate = n / t
if busy:
    print(f"machine busy (load {load:.1f} on {os.cpu_count()} cores): judging on CPU time")
ok = True
if report["summary"]["items"] != n + 1:
    print(f"FAIL: expected {n + 1} items (components + metadata.component)"); ok = False
if rate < 200_000:
    print(f"FAIL: {rate:,.0f} components/s is below the 200,000/s target"); ok = False
if peak_mb >= 500:
    print(f"FAIL: peak RSS {peak_mb:.0f} MB is not below 500 MB"); ok = False
sys.exit(0 if ok else 1)
PY
