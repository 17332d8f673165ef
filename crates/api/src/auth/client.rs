//! [`ClientAddresses`]: which address a request comes from, for limits per client.
//!
//! The TCP peer's IP (never its port: every new connection has another) is the client, unless the
//! peer is a configured trusted proxy (`PROSEKTOR_TRUSTED_PROXIES`); then `X-Forwarded-For` is read
//! from the right, hop by hop, while the hop that added an entry is trusted. The first address
//! added by an untrusted hop is the client: entries further left were written by the client itself
//! and prove nothing.

use std::net::{IpAddr, Ipv4Addr};

use ipnet::IpNet;
use poem::http::HeaderMap;
use poem::web::RemoteAddr;

/// The header proxies append the address they received a request from to.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// Resolves a request's client address, trusting `X-Forwarded-For` only from configured proxies.
#[derive(Debug, Clone, Default)]
pub struct ClientAddresses {
    trusted_proxies: Vec<IpNet>,
}

impl ClientAddresses {
    /// A resolver trusting the proxies in `trusted_proxies` (none: the TCP peer is the client).
    pub fn new(trusted_proxies: Vec<IpNet>) -> Self {
        Self { trusted_proxies }
    }

    /// The client address of a request from `remote` with `headers`.
    pub fn resolve(&self, remote: &RemoteAddr, headers: &HeaderMap) -> IpAddr {
        let peer = remote
            .as_socket_addr()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |addr| {
                addr.ip().to_canonical()
            });
        let hops: Vec<&str> = headers
            .get_all(FORWARDED_FOR)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            if !self.is_trusted(client) {
                break;
            }
            match hop.parse::<IpAddr>() {
                Ok(address) => client = address.to_canonical(),
                Err(_) => break,
            }
        }
        client
    }

    fn is_trusted(&self, address: IpAddr) -> bool {
        self.trusted_proxies
            .iter()
            .any(|network| network.contains(&address))
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use poem::http::HeaderValue;

    use super::*;

    fn remote(ip: &str) -> RemoteAddr {
        let addr: SocketAddr = format!("{ip}:40123").parse().unwrap();
        RemoteAddr(poem::Addr::SocketAddr(addr))
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(FORWARDED_FOR, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let resolver = ClientAddresses::default();
        let headers = forwarded(&["198.51.100.7"]);
        assert_eq!(
            resolver.resolve(&remote("203.0.113.9"), &headers),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn trusted_proxies_are_walked_from_the_right() {
        let resolver = ClientAddresses::new(vec![
            "10.0.0.0/8".parse().unwrap(),
            "192.0.2.1/32".parse().unwrap(),
        ]);
        // The client forged the leftmost entry; 198.51.100.7 reached our first proxy.
        let headers = forwarded(&["1.2.3.4, 198.51.100.7", "10.1.1.1"]);
        assert_eq!(
            resolver.resolve(&remote("192.0.2.1"), &headers),
            ip("198.51.100.7")
        );
        // A peer that is not a proxy is the client.
        assert_eq!(
            resolver.resolve(&remote("203.0.113.9"), &headers),
            ip("203.0.113.9")
        );
        // An unreadable hop stops the walk at the last trusted one.
        let headers = forwarded(&["198.51.100.7, garbage"]);
        assert_eq!(
            resolver.resolve(&remote("10.0.0.5"), &headers),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn ipv4_mapped_peers_are_their_ipv4_address() {
        let resolver = ClientAddresses::default();
        assert_eq!(
            resolver.resolve(&remote("[::ffff:198.51.100.7]"), &HeaderMap::new()),
            ip("198.51.100.7")
        );
    }
}
