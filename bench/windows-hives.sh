#!/usr/bin/env bash
# Scans a synthetic mounted Windows root with proscribe: a SOFTWARE hive with 5,000
# Uninstall entries (4,000 native + 1,000 under WOW6432Node, each with DisplayName,
# Publisher, DisplayVersion, InstallLocation, UninstallString) and 50 users'
# NTUSER.DAT hives (20 per-user Uninstall entries each), all built by hivexregedit on top of
# hivex's `minimal` hive in a temporary folder. Prints the median wall time of
# `proscribe scan --format json` over RUNS runs, the item count and the peak RSS.
#
# Target (issue 3): under 200 ms on the 2-core CI machine.
# Needs: hivexregedit (Debian libwin-hivex-perl), python3.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-9}
command -v hivexregedit >/dev/null || { echo "bench/windows-hives.sh: needs hivexregedit (apt-get install libwin-hivex-perl)" >&2; exit 2; }
minimal=crates/proscribe-collect/fixtures/windows-hive/hivex/minimal

cargo build --release --quiet -p proscribe
proscribe=${CARGO_TARGET_DIR:-target}/release/proscribe

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/Windows/System32/config"

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]

def sz(s):
    return "hex(1):" + ",".join("%02x" % b for b in (s + "\0").encode("utf-16-le"))

def uninstall(prefix, parts, n, tag):
    lines, path = [], prefix
    for p in parts:
        path += "\\" + p
        lines.append("[%s]\n\n" % path)
    for i in range(n):
        lines.append("[%s\\{%08X-0000-4000-8000-%012X}]\n" % (path, i, i))
        lines.append('"DisplayName"=%s\n' % sz("Synthetic %s Application %d" % (tag, i)))
        lines.append('"Publisher"=%s\n' % sz("Synthetic Publisher %d Ltd" % (i % 97)))
        lines.append('"DisplayVersion"=%s\n' % sz("%d.%d.%d" % (i % 13, i % 7, i)))
        lines.append('"InstallLocation"=%s\n' % sz("C:\\Program Files\\Synthetic\\App%d\\" % i))
        lines.append('"UninstallString"=%s\n\n' % sz("MsiExec.exe /X{%08X-0000-4000-8000-%012X}" % (i, i)))
    return lines

U = ["Microsoft", "Windows", "CurrentVersion", "Uninstall"]
S = "HKEY_LOCAL_MACHINE\\SOFTWARE"
with open(work + "/software.reg", "w") as f:
    f.write("Windows Registry Editor Version 5.00\n\n")
    f.writelines(uninstall(S, U, 4000, "x64"))
    f.writelines(uninstall(S, ["WOW6432Node"] + U, 1000, "x86"))
for u in range(50):
    with open(work + "/ntuser%02d.reg" % u, "w") as f:
        f.write("Windows Registry Editor Version 5.00\n\n")
        f.writelines(uninstall("HKEY_CURRENT_USER", ["Software"] + U, 20, "user%d" % u))
PY

build() { # prefix input output
  cp "$minimal" "$3" && chmod u+w "$3"
  hivexregedit --merge --prefix "$1" "$3" "$2"
}
build 'HKEY_LOCAL_MACHINE\SOFTWARE' "$work/software.reg" "$root/Windows/System32/config/SOFTWARE"
cp crates/proscribe-collect/fixtures/roots/windows/Windows/System32/config/SYSTEM "$root/Windows/System32/config/"
for u in $(seq -w 0 49); do
  mkdir -p "$root/Users/user$u"
  build 'HKEY_CURRENT_USER' "$work/ntuser$u.reg" "$root/Users/user$u/NTUSER.DAT"
done
echo "SOFTWARE: $(stat -c %s "$root/Windows/System32/config/SOFTWARE") bytes; 50 NTUSER.DAT of $(stat -c %s "$root/Users/user00/NTUSER.DAT") bytes"

python3 - "$runs" "$proscribe" "$root" "$work" <<'PY'
import json, resource, statistics, subprocess, sys, time
runs, proscribe, root, work = int(sys.argv[1]), *sys.argv[2:]
cmd = [proscribe, "scan", "--format", "json", root]
times = []
for _ in range(runs):
    with open(work + "/out.json", "wb") as f:
        t = time.perf_counter()
        p = subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    if p.returncode not in (0, 1):
        sys.exit("proscribe failed with exit status %d" % p.returncode)
report = json.load(open(work + "/out.json"))
items = report["summary"]["items"]
if items != 5000 + 50 * 20 + 5:
    sys.exit("expected 6005 items, got %d" % items)
rss = subprocess.run([sys.executable, "-c",
    "import resource,subprocess,sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *cmd],
    capture_output=True, text=True).stdout.strip()
med = statistics.median(times) * 1000
print("proscribe scan (5,000 Uninstall entries + 50 user hives, %d items): median %.1f ms over %d runs (min %.1f ms), peak RSS %s KiB"
      % (items, med, runs, min(times) * 1000, rss))
print("target < 200 ms:", "met" if med < 200 else "NOT met")
PY
