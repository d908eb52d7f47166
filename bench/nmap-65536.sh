#!/usr/bin/env bash
# Times `proscribe scan` of an nmap XML file of 65,536 hosts (a /16), parsed as a stream
# and judged against the built-in catalog (issue 5 target: under 2 seconds).
#
# The file is generated in the shape of `nmap -sV --script http-title,… -oX` output (see
# crates/proscribe-collect/fixtures/net/nmap/): every host has an IPv4 address, a MAC with
# nmap's vendor string, a PTR host name, two ports with service products and an http-title
# script. One host in 16 has a Huawei MAC (00:18:82), one in 64 an EZVIZ MAC (58:8f:cf); the
# rest have Intel (ac:ed:5c) MACs. Prints the median wall time of RUNS runs (default 5),
# the file size, the findings and proscribe's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
hosts=${HOSTS:-65536}
cargo build --release --quiet -p proscribe
proscribe="${CARGO_TARGET_DIR:-target}/release/proscribe"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
xml="$work/scan.xml"
python3 - "$hosts" > "$xml" <<'PY'
import sys
n = int(sys.argv[1])
w = sys.stdout.write
w('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n')
w('<nmaprun scanner="nmap" args="nmap -sV -oX - 10.0.0.0/16" start="1764100000" version="7.93" xmloutputversion="1.05">\n')
w('<scaninfo type="syn" protocol="tcp" numservices="2" services="22,80"/>\n')
for i in range(n):
    a, b = i >> 8, i & 0xff
    if i % 16 == 0:
        mac, vendor = "00:18:82", "Huawei Technologies"
    elif i % 64 == 1:
        mac, vendor = "58:8F:CF", "Hangzhou Ezviz Software"
    else:
        mac, vendor = "AC:ED:5C", "Intel Corporate"
    w(f'<host starttime="1764100001" endtime="1764100009"><status state="up" reason="arp-response" reason_ttl="0"/>\n')
    w(f'<address addr="10.0.{a}.{b}" addrtype="ipv4"/>\n<address addr="{mac}:{a:02X}:{b:02X}:01" addrtype="mac" vendor="{vendor}"/>\n')
    w(f'<hostnames>\n<hostname name="host-{a}-{b}.example.internal" type="PTR"/>\n</hostnames>\n<ports>')
    w('<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="ssh" product="OpenSSH" version="9.2p1 Debian 2+deb12u3" extrainfo="protocol 2.0" ostype="Linux" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe><cpe>cpe:/o:linux:linux_kernel</cpe></service></port>\n')
    w('<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="http" product="nginx" version="1.22.1" method="probed" conf="10"><cpe>cpe:/a:igor_sysoev:nginx:1.22.1</cpe></service><script id="http-title" output="Welcome to nginx!"><elem key="title">Welcome to nginx!</elem>\n</script></port>\n')
    w('</ports>\n<times srtt="200" rttvar="100" to="100000"/>\n</host>\n')
w('<runstats><finished time="1764100100" timestr="x" summary="x" elapsed="100" exit="success"/><hosts up="%d" down="0" total="%d"/></runstats>\n</nmaprun>\n' % (n, n))
PY
size=$(du -h "$xml" | cut -f1)
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  "$proscribe" scan --quiet --fail-on never "$xml"
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
findings=$("$proscribe" scan --format json --fail-on never "$xml" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["summary"]["items"], "items,", r["summary"]["findings"], "findings")')
rss=$(/usr/bin/time -f %M "$proscribe" scan --quiet --fail-on never "$xml" 2>&1 >/dev/null | tail -1)
echo "nmap XML: $hosts hosts, $size; $findings"
echo "proscribe scan: median ${median}s over $runs runs (all: ${times[*]}); peak RSS ${rss} kB"
