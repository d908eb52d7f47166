//! The hosts a probe may ask: exactly the ones the user named.
//!
//! A target is an IP address, a host name, or a CIDR range, each optionally with a port
//! (`10.0.0.1:1161`, `[2001:db8::1]:1161`). Ranges are expanded here so the probe never
//! invents an address the user did not cover; they are capped ([`MAX_RANGE`]) so a typo
//! such as `/8` is an error instead of sixteen million packets.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The most addresses one CIDR range may expand to (an IPv4 `/16`, an IPv6 `/112`).
pub const MAX_RANGE: u32 = 65_536;

/// The most addresses one probe run may ask, over all targets.
pub const MAX_TOTAL: usize = 4 * MAX_RANGE as usize;

/// One host to ask.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The target as the user wrote it (`10.0.0.0/30`, `switch1`), for locations and errors.
    pub named: String,
    /// The host to ask.
    pub host: Host,
    /// The UDP port.
    pub port: u16,
}

impl Target {
    /// `host:port` as a person reads it (`[::1]:161` for IPv6).
    pub fn address(&self) -> String {
        match &self.host {
            Host::Ip(IpAddr::V6(ip)) => format!("[{ip}]:{}", self.port),
            Host::Ip(ip) => format!("{ip}:{}", self.port),
            Host::Name(name) => format!("{name}:{}", self.port),
        }
    }
}

/// An address, or a name resolved when it is probed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A literal address.
    Ip(IpAddr),
    /// A host name.
    Name(String),
}

/// Why a target cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("target `{target}`: {reason}")]
pub struct TargetError {
    /// The target as written.
    pub target: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Parses and expands every target, dropping repeated addresses (first one wins).
///
/// # Errors
/// The first target that is neither an address, a host name nor a CIDR range, a range larger
/// than [`MAX_RANGE`], or more than [`MAX_TOTAL`] addresses in all.
pub fn expand(targets: &[String], default_port: u16) -> Result<Vec<Target>, TargetError> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for named in targets {
        for t in expand_one(named, default_port)? {
            if seen.insert((t.host.clone(), t.port)) {
                out.push(t);
            }
            if out.len() > MAX_TOTAL {
                return Err(TargetError {
                    target: named.clone(),
                    reason: format!("more than {MAX_TOTAL} addresses in all; split the run"),
                });
            }
        }
    }
    Ok(out)
}

fn expand_one(named: &str, default_port: u16) -> Result<Vec<Target>, TargetError> {
    let err = |reason: String| TargetError {
        target: named.to_owned(),
        reason,
    };
    let s = named.trim();
    if s.is_empty() {
        return Err(err("empty target".into()));
    }
    let (host, port) = split_port(s).map_err(&err)?;
    let port = port.unwrap_or(default_port);
    let make = |host: Host| Target {
        named: named.to_owned(),
        host,
        port,
    };
    if let Some((addr, len)) = host.split_once('/') {
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| err(format!("`{addr}` is not an IP address (in a CIDR range)")))?;
        let len: u32 = len
            .parse()
            .map_err(|_| err(format!("`{len}` is not a prefix length")))?;
        let hosts = match addr {
            IpAddr::V4(a) => cidr_v4(a, len).map_err(&err)?,
            IpAddr::V6(a) => cidr_v6(a, len).map_err(&err)?,
        };
        return Ok(hosts.into_iter().map(|ip| make(Host::Ip(ip))).collect());
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![make(Host::Ip(ip))]);
    }
    if is_host_name(host) {
        return Ok(vec![make(Host::Name(host.to_owned()))]);
    }
    Err(err(
        "not an IP address, host name or CIDR range (e.g. `192.0.2.1`, `switch1.example`, \
         `192.0.2.0/24`, `[2001:db8::1]:1161`)"
            .into(),
    ))
}

/// Splits an optional `:port`: `h:p`, `[v6]:p`, `[v6]`; a bare IPv6 address has no port.
fn split_port(s: &str) -> Result<(&str, Option<u16>), String> {
    let port = |p: &str| {
        p.parse::<u16>()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| format!("`{p}` is not a UDP port"))
    };
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| "`[` without a closing `]`".to_owned())?;
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(p) => Ok((host, Some(port(p)?))),
                None => Err(format!("unexpected `{after}` after `]`")),
            },
        };
    }
    match s.matches(':').count() {
        1 => {
            let (h, p) = s.split_once(':').unwrap_or((s, ""));
            Ok((h, Some(port(p)?)))
        }
        _ => Ok((s, None)),
    }
}

fn is_host_name(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn too_big(len: u32, max_len: u32) -> String {
    format!(
        "a /{len} range has {} addresses; the most one range may have is {MAX_RANGE} (a /{})",
        if max_len - len >= 64 {
            "more than 2^64".to_owned()
        } else {
            (1u128 << (max_len - len)).to_string()
        },
        max_len - MAX_RANGE.trailing_zeros()
    )
}

fn cidr_v4(addr: Ipv4Addr, len: u32) -> Result<Vec<IpAddr>, String> {
    if len > 32 {
        return Err(format!("prefix length {len} is longer than 32"));
    }
    if 32 - len > MAX_RANGE.trailing_zeros() {
        return Err(too_big(len, 32));
    }
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let base = u32::from(addr) & mask;
    let size = 1u32 << (32 - len);
    // Network and broadcast addresses are not hosts, except in /31 and /32 (RFC 3021).
    let (first, last) = if len <= 30 {
        (1, size - 2)
    } else {
        (0, size - 1)
    };
    Ok((first..=last)
        .map(|i| IpAddr::V4(Ipv4Addr::from(base + i)))
        .collect())
}

fn cidr_v6(addr: Ipv6Addr, len: u32) -> Result<Vec<IpAddr>, String> {
    if len > 128 {
        return Err(format!("prefix length {len} is longer than 128"));
    }
    if 128 - len > MAX_RANGE.trailing_zeros() {
        return Err(too_big(len, 128));
    }
    let mask = u128::MAX << (128 - len);
    let base = u128::from(addr) & mask;
    let size = 1u128 << (128 - len);
    Ok((0..size)
        .map(|i| IpAddr::V6(Ipv6Addr::from(base + i)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addrs(t: &[&str]) -> Result<Vec<String>, TargetError> {
        let owned: Vec<String> = t.iter().map(|s| (*s).to_owned()).collect();
        Ok(expand(&owned, 161)?.iter().map(Target::address).collect())
    }

    /// Addresses, names and ports in every notation the CLI accepts.
    #[test]
    fn single_targets() {
        assert_eq!(
            addrs(&[
                "192.0.2.1",
                "192.0.2.2:1161",
                "switch-1.example",
                "::1",
                "[::1]:16100"
            ])
            .unwrap(),
            [
                "192.0.2.1:161",
                "192.0.2.2:1161",
                "switch-1.example:161",
                "[::1]:161",
                "[::1]:16100"
            ]
        );
    }

    /// A /30 has two hosts; a /31 and a /32 keep every address; repeats are dropped.
    #[test]
    fn ranges() {
        assert_eq!(
            addrs(&["192.0.2.5/30", "192.0.2.6"]).unwrap(),
            ["192.0.2.5:161", "192.0.2.6:161"]
        );
        assert_eq!(
            addrs(&["192.0.2.0/31"]).unwrap(),
            ["192.0.2.0:161", "192.0.2.1:161"]
        );
        assert_eq!(addrs(&["192.0.2.9/32"]).unwrap(), ["192.0.2.9:161"]);
        assert_eq!(addrs(&["10.0.0.0/16"]).unwrap().len(), 65_534);
        assert_eq!(addrs(&["2001:db8::/126"]).unwrap().len(), 4);
    }

    /// Ranges above the cap and malformed targets are errors naming the target.
    #[test]
    fn rejected() {
        let e = addrs(&["10.0.0.0/8"]).unwrap_err();
        assert_eq!(e.target, "10.0.0.0/8");
        assert!(e.reason.contains("16777216"), "{e}");
        assert!(addrs(&["2001:db8::/64"]).is_err());
        assert!(addrs(&["10.0.0.0/33"]).is_err());
        assert!(addrs(&["10.0.0.300"]).is_ok(), "a name, resolved later");
        assert!(addrs(&["bad host"]).is_err());
        assert!(addrs(&["h:0"]).is_err());
        assert!(addrs(&["h:99999"]).is_err());
        assert!(addrs(&["[::1"]).is_err());
        assert!(addrs(&[""]).is_err());
    }
}
