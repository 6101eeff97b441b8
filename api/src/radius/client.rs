//! Sending a request to a NAS over UDP and waiting for its answer.
//!
//! A retransmission repeats the very same packet (same Identifier and Authenticator), so a
//! NAS that already acted on the first copy recognises the duplicate (RFC 5176 §2.3).
//! Datagrams that are not a verified answer to this request are ignored, not trusted.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::UdpSocket;

use super::packet::{decode_reply, encode_request, Attribute, Code, Packet, PacketError};

/// A NAS to send Dynamic Authorization requests to.
#[derive(Clone)]
pub struct Nas {
    pub address: SocketAddr,
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for Nas {
    // The secret is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Nas")
            .field("address", &self.address)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("no answer from {address} after {attempts} attempts")]
    Timeout { address: SocketAddr, attempts: u32 },
    #[error("network error: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Packet(#[from] PacketError),
}

/// Sends `code` with `attributes` and returns the NAS's verified answer.
pub async fn send(
    nas: &Nas,
    code: Code,
    attributes: &[Attribute],
    wait: Duration,
    attempts: u32,
) -> Result<Packet, SendError> {
    let identifier: u8 = rand::random();
    let request = encode_request(code, identifier, attributes, &nas.secret)?;
    let mut request_authenticator = [0u8; 16];
    request_authenticator.copy_from_slice(&request[4..20]);
    let local: SocketAddr = if nas.address.is_ipv4() {
        "0.0.0.0:0".parse().expect("an address")
    } else {
        "[::]:0".parse().expect("an address")
    };
    let socket = UdpSocket::bind(local).await?;
    socket.connect(nas.address).await?;
    let mut buffer = vec![0u8; super::packet::MAX_PACKET_LEN];
    for _ in 0..attempts.max(1) {
        socket.send(&request).await?;
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let received = tokio::time::timeout_at(deadline, socket.recv(&mut buffer)).await;
            let Ok(received) = received else {
                break; // this attempt timed out
            };
            let len = match received {
                Ok(len) => len,
                // ICMP port unreachable shows up as a receive error on a connected socket:
                // count it as no answer and retry.
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => break,
                Err(e) => return Err(e.into()),
            };
            let bytes = &buffer[..len];
            if bytes.len() < 2 || bytes[1] != identifier {
                continue;
            }
            if let Ok(reply) = decode_reply(bytes, &request_authenticator, &nas.secret) {
                return Ok(reply);
            }
        }
    }
    Err(SendError::Timeout {
        address: nas.address,
        attempts: attempts.max(1),
    })
}
