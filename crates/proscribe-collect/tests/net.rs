//! Network and hardware collectors on fixtures made by the real programs (see
//! `fixtures/net/PROVENANCE`, `fixtures/hw/PROVENANCE`), through the driver's sniffing.

mod common;

use std::path::Path;

use common::fixture;
use proscribe_collect::{collect, Options, Target};
use proscribe_model::{IdentifierKind, Inventory, Item, ItemKind};

fn scan(rel: &str) -> Inventory {
    collect(&[Target::Path(fixture(rel))], Options::default())
}

fn scan_ok(rel: &str, format: &str) -> Vec<Item> {
    let inv = scan(rel);
    assert_eq!(inv.errors, vec![], "{rel}");
    assert_eq!(inv.targets.len(), 1, "{rel}");
    assert_eq!(inv.targets[0].format, format, "{rel}");
    inv.items
}

fn by_name<'a>(items: &'a [Item], name: &str) -> &'a Item {
    items.iter().find(|i| i.name == name).unwrap_or_else(|| {
        panic!(
            "no item {name}: {:?}",
            items.iter().map(|i| &i.name).collect::<Vec<_>>()
        )
    })
}

fn values(item: &Item, kind: IdentifierKind) -> Vec<(String, Option<String>)> {
    item.identifiers_of(kind)
        .map(|i| (i.value.clone(), i.ecosystem.clone()))
        .collect()
}

fn macs(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .flat_map(|i| {
            i.identifiers_of(IdentifierKind::Mac)
                .map(|m| m.value.clone())
        })
        .collect()
}

/// nmap's ARP ping: every device but the scanner itself, MACs normalised to lower case,
/// nmap's vendor string kept apart from the evidence.
#[test]
fn nmap_ping_sweep() {
    let items = scan_ok("net/nmap/ping-sweep.xml", "nmap");
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "10.231.0.1",
            "10.231.0.2",
            "10.231.0.3",
            "10.231.0.4",
            "10.231.0.5",
            "10.231.0.6",
            "10.231.0.7"
        ]
    );
    assert!(items.iter().all(|i| i.kind == ItemKind::NetworkDevice));
    // The scanner does not see its own MAC.
    assert_eq!(items[0].identifiers, vec![]);
    let ez = by_name(&items, "10.231.0.3");
    assert_eq!(
        values(ez, IdentifierKind::Mac),
        [("58:8f:cf:00:00:03".into(), None)]
    );
    assert_eq!(ez.attrs["nmap-mac-vendor"], "Hangzhou Ezviz Software");
    assert_eq!(ez.publisher, None);
    assert_eq!(ez.location.detail.as_deref(), Some("host 10.231.0.3"));
}

/// Version detection and scripts: service CPEs and the devices' own banners.
#[test]
fn nmap_service_scan() {
    let items = scan_ok("net/nmap/service-scan.xml", "nmap");
    assert_eq!(items.len(), 3);
    let hw = by_name(&items, "10.231.0.2");
    assert_eq!(
        values(hw, IdentifierKind::Cpe),
        [("cpe:/o:huawei:vrp:1.5".into(), None)]
    );
    let banners = values(hw, IdentifierKind::Banner);
    assert!(
        banners.contains(&("SSH-2.0-HUAWEI-VRP1.5".into(), Some("ssh".into()))),
        "{banners:?}"
    );
    assert!(
        banners.contains(&("Huawei VRP sshd".into(), Some("nmap-product".into()))),
        "{banners:?}"
    );
    assert_eq!(hw.attrs["port/tcp/22"], "ssh Huawei VRP sshd protocol 2.0");
    let hik = by_name(&items, "10.231.0.4");
    let banners = values(hik, IdentifierKind::Banner);
    for want in [
        ("Hikvision-Webs", "http-server"),
        ("Network Video Recorder", "http-title"),
        (
            "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN",
            "tls-subject",
        ),
    ] {
        assert!(
            banners.contains(&(want.0.into(), Some(want.1.into()))),
            "{want:?} not in {banners:?}"
        );
    }
    // Each banner once, however many ports sent it.
    let servers = banners
        .iter()
        .filter(|(v, _)| v == "Hikvision-Webs")
        .count();
    assert_eq!(servers, 2, "http-server and nmap-product: {banners:?}");
}

/// A file cut in the middle keeps the hosts before the cut and says why it stopped.
#[test]
fn nmap_cut_short() {
    let data = std::fs::read(fixture("net/nmap/ping-sweep.xml")).unwrap();
    let text = String::from_utf8(data).unwrap();
    let cut = text.find("10.231.0.5").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.xml");
    std::fs::write(&path, &text[..cut]).unwrap();
    let inv = collect(&[Target::Path(path.clone())], Options::default());
    assert_eq!(inv.items.len(), 4);
    assert_eq!(inv.errors.len(), 1);
    assert_eq!(
        inv.errors[0].reason,
        "nmap: file ends before `</nmaprun>` inside a `<host>`, which is left out (cut short, or nmap still running?); 4 hosts read before it (kept the 4 items read before it)"
    );
}

/// A generated scan of 65,536 hosts streams through in one pass.
#[test]
fn nmap_large_scan() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xml");
    let n = 65_536;
    std::fs::write(&path, generated_nmap(n)).unwrap();
    let inv = collect(&[Target::Path(path)], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.items.len(), n);
    assert_eq!(inv.items[n - 1].name, "10.0.255.255");
}

/// An nmap XML document of `n` hosts on 10.0.0.0/16 shaped like `nmap -sn` output.
fn generated_nmap(n: usize) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner=\"nmap\" args=\"nmap -sn -oX - 10.0.0.0/16\" version=\"7.93\" xmloutputversion=\"1.05\">\n");
    for i in 0..n {
        s.push_str(&format!(
            "<host><status state=\"up\" reason=\"arp-response\" reason_ttl=\"0\"/>\n<address addr=\"10.0.{}.{}\" addrtype=\"ipv4\"/>\n<address addr=\"00:18:82:00:{:02X}:{:02X}\" addrtype=\"mac\" vendor=\"Huawei Technologies\"/>\n<hostnames>\n</hostnames>\n<times srtt=\"100\" rttvar=\"5000\" to=\"100000\"/>\n</host>\n",
            i >> 8, i & 0xff, i >> 8, i & 0xff
        ));
    }
    s.push_str("<runstats><finished time=\"1\" timestr=\"x\" summary=\"x\" elapsed=\"1\" exit=\"success\"/></runstats>\n</nmaprun>\n");
    s
}

/// `ip neigh` and `/proc/net/arp` from the scanner namespace name the same neighbours.
#[test]
fn linux_neighbour_tables() {
    let a = scan_ok("net/neigh/ip-neigh.txt", "neigh");
    let b = scan_ok("net/neigh/proc-net-arp", "neigh");
    let mut ma = macs(&a);
    let mut mb = macs(&b);
    ma.sort();
    mb.sort();
    assert_eq!(
        ma,
        [
            "00:18:82:00:00:02",
            "04:03:12:00:00:04",
            "58:8f:cf:00:00:03"
        ]
    );
    assert_eq!(ma, mb);
    let hw = by_name(&a, "10.231.0.2");
    assert_eq!(hw.attrs["interface"], "eth0");
    assert_eq!(hw.attrs["state"], "REACHABLE");
    assert_eq!(by_name(&b, "10.231.0.2").attrs["format"], "proc-net-arp");
}

/// Windows `arp -a`, in UTF-8 and UTF-16: interface blocks, group addresses skipped,
/// Windows' hyphenated MACs normalised.
#[test]
fn windows_arp() {
    let a = scan_ok("net/neigh/windows-arp-a.txt", "neigh");
    let b = scan_ok("net/neigh/windows-arp-a-utf16.txt", "neigh");
    assert_eq!(
        macs(&a),
        [
            "00:e0:fc:12:34:56",
            "64:f2:fb:00:00:20",
            "ac:ed:5c:00:00:30",
            "02:00:4c:4f:4f:50"
        ]
    );
    assert_eq!(macs(&a), macs(&b));
    assert_eq!(by_name(&a, "10.0.5.1").attrs["interface"], "10.0.5.2");
    assert_eq!(by_name(&b, "192.168.1.1").attrs["state"], "dynamic");
}

/// `Get-NetNeighbor | Export-Csv`: columns by name; the all-zero entry is no device.
#[test]
fn get_netneighbor_csv() {
    let items = scan_ok("net/neigh/get-netneighbor.csv", "neigh");
    assert_eq!(
        macs(&items),
        [
            "00:e0:fc:12:34:56",
            "58:8f:cf:00:00:20",
            "04:79:75:00:00:41"
        ]
    );
    let v6 = by_name(&items, "fe80::1");
    assert_eq!(v6.attrs["interface"], "Ethernet");
    assert_eq!(v6.attrs["state"], "Stale");
    assert_eq!(v6.location.detail.as_deref(), Some("CSV line 6"));
}

/// The three DHCP servers' lease files give the same clients, with host names and (ISC)
/// vendor classes as banners.
#[test]
fn dhcp_leases() {
    for (rel, huawei_host) in [
        ("net/dhcp/dnsmasq.leases", "HUAWEI_P30"),
        ("net/dhcp/dhcpd.leases", "HUAWEI_P30"),
        // Kea turns the client's host name into a DNS-safe label.
        ("net/dhcp/kea-leases4.csv", "huaweip30"),
    ] {
        let items = scan_ok(rel, "dhcp-leases");
        let mut m = macs(&items);
        m.sort();
        assert_eq!(
            m,
            [
                "00:18:82:00:01:01",
                "04:79:75:00:01:02",
                "ac:ed:5c:00:01:03"
            ],
            "{rel}"
        );
        let hw = items
            .iter()
            .find(|i| values(i, IdentifierKind::Mac)[0].0 == "00:18:82:00:01:01")
            .unwrap();
        let banners = values(hw, IdentifierKind::Banner);
        assert!(
            banners.contains(&(huawei_host.into(), Some("dhcp-hostname".into()))),
            "{rel}: {banners:?}"
        );
        if rel.ends_with("dhcpd.leases") {
            assert!(banners.contains(&(
                "HUAWEI:android:ELE-L29".into(),
                Some("dhcp-vendor-class".into())
            )));
            assert_eq!(hw.attrs["state"], "active");
            assert_eq!(hw.location.detail.as_deref(), Some("line 9"));
        }
    }
}

/// The ISC and Kea files are journals: the last record of an address wins.
#[test]
fn dhcp_journal_last_record_wins() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kea-leases4.csv");
    let text = std::fs::read_to_string(fixture("net/dhcp/kea-leases4.csv")).unwrap();
    let first = text.lines().nth(1).unwrap();
    std::fs::write(
        &path,
        format!(
            "{text}{}\n",
            first
                .replace(",0,\n", ",2,\n")
                .replace("huaweip30,0,", "huaweip30,2,")
        ),
    )
    .unwrap();
    let inv = collect(&[Target::Path(path)], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.items.len(), 3);
    assert_eq!(inv.items[0].attrs["state"], "expired-reclaimed");
}

/// lldpd's JSON: the Huawei switch's chassis MAC, VRP description and management address.
#[test]
fn lldpctl_json() {
    let items = scan_ok("net/lldp/lldpctl.json", "lldp");
    assert_eq!(items.len(), 2);
    let sw = by_name(&items, "10.233.1.2");
    assert_eq!(
        values(sw, IdentifierKind::Mac),
        [("00:e0:fc:00:00:11".into(), None)]
    );
    let banners = values(sw, IdentifierKind::Banner);
    assert_eq!(banners.len(), 1);
    assert!(banners[0]
        .0
        .contains("Huawei Versatile Routing Platform Software"));
    assert_eq!(banners[0].1.as_deref(), Some("snmp-sysdescr"));
    assert_eq!(sw.attrs["system-name"], "HW-S5720-Core");
    assert_eq!(sw.attrs["local-interface"], "l1");
    assert_eq!(sw.location.detail.as_deref(), Some("interface l1"));
}

/// One neighbour is printed without the list around it.
#[test]
fn lldpctl_json_single_neighbour() {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("net/lldp/lldpctl.json")).unwrap())
            .unwrap();
    let one = serde_json::json!({"lldp": {"interface": doc["lldp"]["interface"][1].clone()}});
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("one.json");
    std::fs::write(&path, serde_json::to_string_pretty(&one).unwrap()).unwrap();
    let inv = collect(&[Target::Path(path)], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.items.len(), 1);
    assert_eq!(inv.items[0].attrs["system-name"], "build-host");
}

/// lspci -nn and -nnv, and the sysfs copy of the same machine, give the same ids.
#[test]
fn pci_sources_agree() {
    let a = scan_ok("hw/lspci-nn.txt", "pci");
    let b = scan_ok("hw/lspci-nnv.txt", "pci");
    let c = scan_ok("hw/sysfs-pci", "pci");
    let first_ids = |items: &[Item]| -> Vec<String> {
        items
            .iter()
            .map(|i| values(i, IdentifierKind::Pci)[0].0.clone())
            .collect()
    };
    assert_eq!(
        first_ids(&a),
        [
            "8086:0d57",
            "1af4:1045",
            "1af4:1042",
            "1af4:1041",
            "1af4:1053",
            "1af4:1044"
        ]
    );
    assert_eq!(first_ids(&a), first_ids(&b));
    assert_eq!(first_ids(&a), first_ids(&c));
    assert!(a.iter().all(|i| i.kind == ItemKind::PciDevice));
    assert_eq!(
        a[3].attrs["description"],
        "Red Hat, Inc. Virtio 1.0 network device"
    );
    assert_eq!(c[3].attrs["slot"], "0000:00:03.0");
}

/// lsusb: ids and the looked-up description, which is not the publisher.
#[test]
fn lsusb_listing() {
    let items = scan_ok("hw/lsusb.txt", "usb");
    assert_eq!(items.len(), 6);
    let modem = by_name(&items, "12d1:1436");
    assert_eq!(modem.kind, ItemKind::UsbDevice);
    assert_eq!(modem.publisher, None);
    assert_eq!(
        modem.attrs["description"],
        "Huawei Technologies Co., Ltd. Broadband stick"
    );
}

/// A sysfs USB tree (values of the Huawei E173 stick from the lsusb fixture's source):
/// the device's own manufacturer string is its publisher; interfaces are skipped.
#[test]
fn usb_sysfs_tree() {
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("1-1");
    std::fs::create_dir_all(&dev).unwrap();
    for (f, v) in [
        ("idVendor", "12d1\n"),
        ("idProduct", "1436\n"),
        ("manufacturer", "HUAWEI Technology\n"),
        ("product", "HUAWEI Mobile\n"),
        ("busnum", "1\n"),
        ("devnum", "6\n"),
    ] {
        std::fs::write(dev.join(f), v).unwrap();
    }
    std::fs::create_dir_all(dir.path().join("1-1:1.0")).unwrap();
    std::fs::write(dir.path().join("1-1:1.0/bInterfaceClass"), "ff\n").unwrap();
    let inv = collect(&[Target::Path(dir.path().to_owned())], Options::default());
    assert_eq!(inv.errors, vec![]);
    assert_eq!(inv.items.len(), 1);
    let it = &inv.items[0];
    assert_eq!(
        (it.name.as_str(), it.publisher.as_deref()),
        ("HUAWEI Mobile", Some("HUAWEI Technology"))
    );
    assert_eq!(
        values(it, IdentifierKind::Usb),
        [("12d1:1436".into(), None)]
    );
}

/// The kernel's tables are read only from this machine, live: a mounted image with a
/// `proc/net/arp` and `sys/bus/pci/devices` of its own is not scanned for them.
#[test]
fn live_paths_not_in_mounted_images() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
    std::fs::copy(fixture("dpkg/status"), root.join("var/lib/dpkg/status")).unwrap();
    std::fs::create_dir_all(root.join("proc/net")).unwrap();
    std::fs::copy(fixture("net/neigh/proc-net-arp"), root.join("proc/net/arp")).unwrap();
    let inv = collect(&[Target::Path(root.to_owned())], Options::default());
    assert!(
        inv.targets.iter().all(|t| t.format == "dpkg"),
        "{:?}",
        inv.targets
    );
    assert!(!inv.items.iter().any(|i| i.kind == ItemKind::NetworkDevice));
}

/// Scanning this machine live reads its PCI devices from sysfs (when it has a PCI bus).
#[test]
#[cfg(target_os = "linux")]
fn live_scan_reads_sysfs() {
    if !Path::new("/sys/bus/pci/devices").is_dir() {
        eprintln!("skipped: this machine has no /sys/bus/pci/devices");
        return;
    }
    let expected = std::fs::read_dir("/sys/bus/pci/devices").unwrap().count();
    let inv = collect(&[Target::Live], Options::default());
    let pci = inv
        .items
        .iter()
        .filter(|i| i.kind == ItemKind::PciDevice)
        .count();
    assert_eq!(pci, expected);
    assert!(inv
        .targets
        .iter()
        .any(|t| t.target == "/proc/net/arp" && t.format == "neigh"));
}
