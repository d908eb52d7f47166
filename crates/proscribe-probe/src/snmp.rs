//! Asking one agent: the system group (sysDescr, sysObjectID, sysName) and the interface
//! table's physical addresses, over SNMPv2c or SNMPv3 (USM).
//!
//! The wire protocol is the `snmp2` crate's synchronous session; this module adds what a
//! scanner needs around it: retries on silence, a hard cap on table rows, values copied out
//! of the receive buffer, and errors that say which address failed and why.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use snmp2::{v3, Oid, SyncSession, Value};

use crate::targets::{Host, Target};

/// `SNMPv2-MIB::sysDescr.0`.
pub const SYS_DESCR: &[u64] = &[1, 3, 6, 1, 2, 1, 1, 1, 0];
/// `SNMPv2-MIB::sysObjectID.0`.
pub const SYS_OBJECT_ID: &[u64] = &[1, 3, 6, 1, 2, 1, 1, 2, 0];
/// `SNMPv2-MIB::sysName.0`.
pub const SYS_NAME: &[u64] = &[1, 3, 6, 1, 2, 1, 1, 5, 0];
/// `IF-MIB::ifPhysAddress`, the column walked for MAC addresses.
pub const IF_PHYS_ADDRESS: &[u64] = &[1, 3, 6, 1, 2, 1, 2, 2, 1, 6];

/// How many interface rows are read at most from one agent (a chassis switch has a few
/// hundred; this bounds a misbehaving agent that never ends its table).
pub const MAX_INTERFACES: usize = 10_000;

/// How to authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// SNMPv2c with a community string.
    V2c {
        /// The community.
        community: Vec<u8>,
    },
    /// SNMPv3 with the user-based security model.
    V3(V3User),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Secrets stay out of debug output and logs.
        match self {
            Self::V2c { .. } => f.write_str("V2c { community: <hidden> }"),
            Self::V3(u) => write!(f, "V3({u:?})"),
        }
    }
}

impl std::fmt::Debug for V3User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "V3User {{ user: {:?}, level: {}, auth: {:?}, privacy: {:?} }}",
            self.user,
            self.level(),
            self.auth.as_ref().map(|(p, _)| p),
            self.privacy.as_ref().map(|(p, _)| p),
        )
    }
}

impl Credentials {
    /// `SNMPv2c` or `SNMPv3 (user, authPriv)`, for locations.
    pub fn describe(&self) -> String {
        match self {
            Self::V2c { .. } => "SNMPv2c".to_owned(),
            Self::V3(u) => format!("SNMPv3 (user `{}`, {})", u.user, u.level()),
        }
    }
}

/// An SNMPv3 user: name, and the authentication and privacy keys when the level needs them.
#[derive(Clone, PartialEq, Eq)]
pub struct V3User {
    /// The USM user name.
    pub user: String,
    /// Authentication protocol and pass phrase (authNoPriv, authPriv).
    pub auth: Option<(AuthProtocol, Vec<u8>)>,
    /// Privacy protocol and pass phrase (authPriv).
    pub privacy: Option<(PrivProtocol, Vec<u8>)>,
}

impl V3User {
    /// Parses `USER[:AUTHPASS[:PRIVPASS]]` (the privacy pass phrase may itself contain `:`).
    ///
    /// # Errors
    /// An empty user, or a pass phrase shorter than the 8 characters RFC 3414 requires.
    pub fn parse(s: &str, auth: AuthProtocol, privacy: PrivProtocol) -> Result<Self, String> {
        let mut parts = s.splitn(3, ':');
        let user = parts.next().unwrap_or_default();
        if user.is_empty() {
            return Err(
                "the SNMPv3 user name is empty (expected USER[:AUTHPASS[:PRIVPASS]])".into(),
            );
        }
        let check = |what: &str, p: &str| {
            if p.chars().count() < 8 {
                Err(format!(
                    "the SNMPv3 {what} pass phrase has fewer than 8 characters (RFC 3414 requires 8)"
                ))
            } else {
                Ok(p.as_bytes().to_vec())
            }
        };
        let auth = parts
            .next()
            .map(|p| check("authentication", p).map(|k| (auth, k)))
            .transpose()?;
        let privacy = parts
            .next()
            .map(|p| check("privacy", p).map(|k| (privacy, k)))
            .transpose()?;
        Ok(Self {
            user: user.to_owned(),
            auth,
            privacy,
        })
    }

    /// The USM security level: `noAuthNoPriv`, `authNoPriv` or `authPriv`.
    pub fn level(&self) -> &'static str {
        match (&self.auth, &self.privacy) {
            (None, _) => "noAuthNoPriv",
            (Some(_), None) => "authNoPriv",
            (Some(_), Some(_)) => "authPriv",
        }
    }

    fn security(&self) -> v3::Security {
        let (proto, key) = self
            .auth
            .as_ref()
            .map_or((AuthProtocol::Sha1, &[][..]), |(p, k)| (*p, k.as_slice()));
        let auth = match (&self.auth, &self.privacy) {
            (None, _) => v3::Auth::NoAuthNoPriv,
            (Some(_), None) => v3::Auth::AuthNoPriv,
            (Some(_), Some((cipher, key))) => v3::Auth::AuthPriv {
                cipher: cipher.cipher(),
                privacy_password: key.clone(),
            },
        };
        v3::Security::new(self.user.as_bytes(), key)
            .with_auth_protocol(proto.protocol())
            .with_auth(auth)
    }
}

/// SNMPv3 authentication protocols (RFC 3414 MD5/SHA-1, RFC 7860 SHA-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthProtocol {
    /// HMAC-MD5-96.
    Md5,
    /// HMAC-SHA-96.
    Sha1,
    /// HMAC-SHA-224 (usmHMAC128SHA224AuthProtocol).
    Sha224,
    /// HMAC-SHA-256 (usmHMAC192SHA256AuthProtocol).
    Sha256,
    /// HMAC-SHA-384.
    Sha384,
    /// HMAC-SHA-512.
    Sha512,
}

impl AuthProtocol {
    fn protocol(self) -> v3::AuthProtocol {
        match self {
            Self::Md5 => v3::AuthProtocol::Md5,
            Self::Sha1 => v3::AuthProtocol::Sha1,
            Self::Sha224 => v3::AuthProtocol::Sha224,
            Self::Sha256 => v3::AuthProtocol::Sha256,
            Self::Sha384 => v3::AuthProtocol::Sha384,
            Self::Sha512 => v3::AuthProtocol::Sha512,
        }
    }
}

/// SNMPv3 privacy protocols (RFC 3414 DES, RFC 3826 AES-128-CFB, and the AES-192/256
/// variants net-snmp calls AES192/AES256).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrivProtocol {
    /// CBC-DES.
    Des,
    /// AES-128 in CFB mode.
    Aes128,
    /// AES-192 in CFB mode.
    Aes192,
    /// AES-256 in CFB mode.
    Aes256,
}

impl PrivProtocol {
    fn cipher(self) -> v3::Cipher {
        match self {
            Self::Des => v3::Cipher::Des,
            Self::Aes128 => v3::Cipher::Aes128,
            Self::Aes192 => v3::Cipher::Aes192,
            Self::Aes256 => v3::Cipher::Aes256,
        }
    }
}

/// Timing of one probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// How long to wait for each response.
    pub timeout: Duration,
    /// How many times a request is sent again after silence.
    pub retries: u32,
}

/// What one agent said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// The address asked.
    pub address: SocketAddr,
    /// `sysDescr.0`, when the agent has it.
    pub sys_descr: Option<String>,
    /// `sysObjectID.0` in dotted form, without a leading dot.
    pub sys_object_id: Option<String>,
    /// `sysName.0`.
    pub sys_name: Option<String>,
    /// `(ifIndex, MAC)` of every interface with a 6-byte physical address, MAC in
    /// lower-case colon form.
    pub interfaces: Vec<(u64, String)>,
    /// Whether the interface walk stopped at [`MAX_INTERFACES`] rows.
    pub interfaces_truncated: bool,
}

/// Why an agent could not be read. Messages leave the address out: the inventory error
/// that carries them names it as its target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    /// A host name did not resolve.
    #[error("cannot resolve `{host}`: {reason}")]
    Resolve {
        /// The name.
        host: String,
        /// The resolver's answer.
        reason: String,
    },
    /// No (valid) response came back in time.
    #[error("no response after {} of {timeout_ms} ms each (host down, port closed or filtered, or wrong {credential})", tries_text(*.tries))]
    NoResponse {
        /// The address asked.
        address: SocketAddr,
        /// Requests sent.
        tries: u32,
        /// The timeout of each.
        timeout_ms: u128,
        /// `community` or `SNMPv3 credentials`.
        credential: &'static str,
    },
    /// The agent answered with an error or something unreadable.
    #[error("{reason}")]
    Agent {
        /// The address asked.
        address: SocketAddr,
        /// What went wrong.
        reason: String,
    },
    /// The local socket could not be set up.
    #[error("cannot open a UDP socket: {reason}")]
    Socket {
        /// The address asked.
        address: SocketAddr,
        /// The OS error.
        reason: String,
    },
}

fn tries_text(tries: u32) -> String {
    if tries == 1 {
        "1 try".to_owned()
    } else {
        format!("{tries} tries")
    }
}

/// Resolves a target to one socket address (the first the resolver returns).
///
/// # Errors
/// When a host name does not resolve.
pub fn resolve(target: &Target) -> Result<SocketAddr, ProbeError> {
    match &target.host {
        Host::Ip(ip) => Ok(SocketAddr::new(*ip, target.port)),
        Host::Name(name) => (name.as_str(), target.port)
            .to_socket_addrs()
            .map_err(|e| ProbeError::Resolve {
                host: name.clone(),
                reason: e.to_string(),
            })?
            .next()
            .ok_or_else(|| ProbeError::Resolve {
                host: name.clone(),
                reason: "no addresses".into(),
            }),
    }
}

/// A value copied out of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owned {
    Bytes(Vec<u8>),
    Oid(String),
    Missing,
    EndOfView,
    Other,
}

fn own(v: &Value<'_>) -> Owned {
    match v {
        Value::OctetString(b) => Owned::Bytes(b.to_vec()),
        Value::ObjectIdentifier(o) => Owned::Oid(o.to_id_string()),
        Value::NoSuchObject | Value::NoSuchInstance | Value::Null => Owned::Missing,
        Value::EndOfMibView => Owned::EndOfView,
        _ => Owned::Other,
    }
}

type Varbinds = Vec<(Vec<u64>, Owned)>;

struct Session {
    inner: SyncSession,
    address: SocketAddr,
    timing: Timing,
    credential: &'static str,
}

impl Session {
    fn open(address: SocketAddr, creds: &Credentials, timing: Timing) -> Result<Self, ProbeError> {
        let sock_err = |e: std::io::Error| ProbeError::Socket {
            address,
            reason: e.to_string(),
        };
        let timeout = Some(timing.timeout.max(Duration::from_millis(1)));
        // Request ids start at a per-process pseudo-random point so a late answer to an
        // earlier run cannot be taken for this one.
        let start = i32::try_from(std::process::id() % 0x7fff_0000).unwrap_or(1);
        let (inner, credential) = match creds {
            Credentials::V2c { community } => (
                SyncSession::new_v2c(address, community, timeout, start).map_err(sock_err)?,
                "community",
            ),
            Credentials::V3(user) => (
                SyncSession::new_v3(address, timeout, start, user.security()).map_err(sock_err)?,
                "SNMPv3 credentials",
            ),
        };
        let mut s = Self {
            inner,
            address,
            timing,
            credential,
        };
        if matches!(creds, Credentials::V3(_)) {
            // Engine discovery: an unauthenticated request that the agent answers with a
            // report carrying its engine id, boots and time.
            s.retry(|inner| Ok(inner.init().map(|()| Vec::new())?))?;
        }
        Ok(s)
    }

    /// Runs one request, sending it again after silence, and copies the varbinds out.
    fn retry(
        &mut self,
        mut request: impl FnMut(&mut SyncSession) -> Result<Varbinds, ReqError>,
    ) -> Result<Varbinds, ProbeError> {
        let mut tries = 0;
        let mut resyncs = 0;
        loop {
            tries += 1;
            let e = match request(&mut self.inner) {
                Ok(v) => return Ok(v),
                Err(ReqError::Status(status)) => {
                    return Err(ProbeError::Agent {
                        address: self.address,
                        reason: format!(
                            "the agent answered with error status {status} ({})",
                            status_name(status)
                        ),
                    })
                }
                Err(ReqError::Snmp(e)) => e,
            };
            match e {
                // The agent told us its engine boots/time: the session updated itself and the
                // same request must be sent again (not a lost packet, so not a try).
                snmp2::Error::AuthUpdated if resyncs < 3 => {
                    resyncs += 1;
                    tries -= 1;
                }
                snmp2::Error::Receive | snmp2::Error::Send | snmp2::Error::RequestIdMismatch
                    if tries <= self.timing.retries => {}
                snmp2::Error::Receive | snmp2::Error::Send => {
                    return Err(ProbeError::NoResponse {
                        address: self.address,
                        tries,
                        timeout_ms: self.timing.timeout.as_millis(),
                        credential: self.credential,
                    })
                }
                e => {
                    return Err(ProbeError::Agent {
                        address: self.address,
                        reason: describe(&e),
                    })
                }
            }
        }
    }
}

/// Why one request failed: the transport or codec, or the agent's error status.
enum ReqError {
    Snmp(snmp2::Error),
    Status(u32),
}

impl From<snmp2::Error> for ReqError {
    fn from(e: snmp2::Error) -> Self {
        Self::Snmp(e)
    }
}

/// RFC 3416 error-status names.
fn status_name(status: u32) -> &'static str {
    const NAMES: [&str; 19] = [
        "noError",
        "tooBig",
        "noSuchName",
        "badValue",
        "readOnly",
        "genErr",
        "noAccess",
        "wrongType",
        "wrongLength",
        "wrongEncoding",
        "wrongValue",
        "noCreation",
        "inconsistentValue",
        "resourceUnavailable",
        "commitFailed",
        "undoFailed",
        "authorizationError",
        "notWritable",
        "inconsistentName",
    ];
    usize::try_from(status)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or("unknown")
}

fn describe(e: &snmp2::Error) -> String {
    match e {
        snmp2::Error::AuthFailure(kind) => format!(
            "SNMPv3 authentication failed ({kind}): check the user, pass phrases and protocols"
        ),
        snmp2::Error::RequestIdMismatch => {
            "responses did not match the requests (request id mismatch)".into()
        }
        other => format!("unreadable response: {other}"),
    }
}

fn collect(pdu: &snmp2::Pdu<'_>) -> Result<Varbinds, ReqError> {
    if pdu.error_status != snmp2::snmp::ERRSTATUS_NOERROR {
        return Err(ReqError::Status(pdu.error_status));
    }
    Ok(pdu
        .varbinds
        .clone()
        .map(|(oid, v)| {
            (
                oid.iter().map(Iterator::collect).unwrap_or_default(),
                own(&v),
            )
        })
        .collect())
}

fn oid(arcs: &[u64]) -> Option<Oid<'static>> {
    Oid::from(arcs).ok()
}

fn text(v: &Owned) -> Option<String> {
    match v {
        Owned::Bytes(b) => {
            let s = String::from_utf8_lossy(b);
            let s = s.trim_end_matches('\0').trim();
            (!s.is_empty()).then(|| s.to_owned())
        }
        Owned::Oid(o) => Some(o.clone()),
        _ => None,
    }
}

/// Asks one agent for the system group and the interface MACs.
///
/// # Errors
/// When the name does not resolve, the agent stays silent through every retry, or it
/// answers with an error to the system-group request. An agent that answers the system
/// group but fails during the interface walk still yields a [`Device`] with the
/// interfaces read so far.
pub fn probe(target: &Target, creds: &Credentials, timing: Timing) -> Result<Device, ProbeError> {
    let address = resolve(target)?;
    let mut s = Session::open(address, creds, timing)?;
    let (Some(d), Some(o), Some(n)) = (oid(SYS_DESCR), oid(SYS_OBJECT_ID), oid(SYS_NAME)) else {
        return Err(ProbeError::Agent {
            address,
            reason: "internal error: a system-group OID does not encode".into(),
        });
    };
    let system = s.retry(|inner| collect(&inner.get_many(&[&d, &o, &n])?))?;
    let find = |arcs: &[u64]| {
        system
            .iter()
            .find(|(o, _)| o == arcs)
            .and_then(|(_, v)| text(v))
    };
    let mut device = Device {
        address,
        sys_descr: find(SYS_DESCR),
        sys_object_id: find(SYS_OBJECT_ID),
        sys_name: find(SYS_NAME),
        interfaces: Vec::new(),
        interfaces_truncated: false,
    };
    walk_interfaces(&mut s, &mut device);
    Ok(device)
}

/// Walks `ifPhysAddress` with GETBULK until the column ends, keeping 6-byte addresses.
/// Errors end the walk quietly: the system group already identifies the device.
fn walk_interfaces(s: &mut Session, device: &mut Device) {
    let mut last: Vec<u64> = IF_PHYS_ADDRESS.to_vec();
    let mut rows = 0usize;
    loop {
        let Some(start) = oid(&last) else {
            return;
        };
        let Ok(batch) = s.retry(|inner| collect(&inner.getbulk(&[&start], 0, 32)?)) else {
            return;
        };
        let mut advanced = false;
        for (o, v) in batch {
            if !o.starts_with(IF_PHYS_ADDRESS) || o.len() <= IF_PHYS_ADDRESS.len() {
                return;
            }
            if v == Owned::EndOfView || o <= last {
                return;
            }
            rows += 1;
            if rows > MAX_INTERFACES {
                device.interfaces_truncated = true;
                return;
            }
            if let Owned::Bytes(b) = &v {
                if let Some(mac) = mac(b) {
                    let index = o[IF_PHYS_ADDRESS.len()];
                    device.interfaces.push((index, mac));
                }
            }
            last = o;
            advanced = true;
        }
        if !advanced {
            return;
        }
    }
}

/// A 6-byte physical address in lower-case colon form; `None` for other lengths and for
/// the all-zero address loopback and tunnel interfaces report.
fn mac(b: &[u8]) -> Option<String> {
    if b.len() != 6 || b.iter().all(|&x| x == 0) {
        return None;
    }
    Some(
        b.iter()
            .map(|x| format!("{x:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--v3` strings: levels, the 8-character minimum, `:` inside the privacy pass phrase.
    #[test]
    fn v3_users() {
        let p = |s| V3User::parse(s, AuthProtocol::Sha1, PrivProtocol::Aes128);
        assert_eq!(p("ops").unwrap().level(), "noAuthNoPriv");
        assert_eq!(p("ops:authpass1").unwrap().level(), "authNoPriv");
        let u = p("ops:authpass1:priv:pass:2").unwrap();
        assert_eq!(u.level(), "authPriv");
        assert_eq!(u.privacy.unwrap().1, b"priv:pass:2");
        assert!(p("").is_err());
        assert!(p("ops:short").unwrap_err().contains("8 characters"));
        assert!(p("ops:authpass1:short").is_err());
    }

    /// Debug output never shows secrets.
    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::V2c {
            community: b"s3cret".to_vec(),
        };
        assert!(!format!("{c:?}").contains("s3cret"));
        let u = V3User::parse(
            "ops:authpass1:privpass1",
            AuthProtocol::Sha1,
            PrivProtocol::Aes128,
        )
        .unwrap();
        let d = format!("{:?}", Credentials::V3(u));
        assert!(!d.contains("authpass1") && !d.contains("privpass1"), "{d}");
    }

    /// Only 6-byte non-zero addresses are MACs.
    #[test]
    fn macs() {
        assert_eq!(
            mac(&[0x00, 0xe0, 0xfc, 0x12, 0x34, 0x5a]).as_deref(),
            Some("00:e0:fc:12:34:5a")
        );
        assert_eq!(mac(&[0; 6]), None);
        assert_eq!(mac(&[]), None);
        assert_eq!(mac(&[1, 2, 3, 4, 5, 6, 7, 8]), None);
    }
}
