//! RADIUS packets: `Code | Identifier | Length | Authenticator | Attributes`.
//!
//! Rules kept here:
//! - A Disconnect-Request or CoA-Request carries a Request Authenticator of
//!   MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret) (RFC 5176 §3.5,
//!   as Accounting-Request in RFC 2866 §3).
//! - Every reply carries a Response Authenticator of
//!   MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret)
//!   (RFC 2865 §3); a reply that does not verify is not from the NAS we asked (or the
//!   secret is wrong) and is ignored.
//! - An attribute is `Type | Length | Value` with Length 3–255; a packet is 20–4096 octets.

use md5::{Digest, Md5};

pub const HEADER_LEN: usize = 20;
pub const MAX_PACKET_LEN: usize = 4096;
const MAX_VALUE_LEN: usize = 253;

/// The packet codes this system sends or reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    AccessRequest,
    AccessAccept,
    AccessReject,
    AccountingRequest,
    AccountingResponse,
    DisconnectRequest,
    DisconnectAck,
    DisconnectNak,
    CoaRequest,
    CoaAck,
    CoaNak,
}

impl Code {
    pub fn value(self) -> u8 {
        match self {
            Code::AccessRequest => 1,
            Code::AccessAccept => 2,
            Code::AccessReject => 3,
            Code::AccountingRequest => 4,
            Code::AccountingResponse => 5,
            Code::DisconnectRequest => 40,
            Code::DisconnectAck => 41,
            Code::DisconnectNak => 42,
            Code::CoaRequest => 43,
            Code::CoaAck => 44,
            Code::CoaNak => 45,
        }
    }

    pub fn from_value(value: u8) -> Option<Code> {
        [
            Code::AccessRequest,
            Code::AccessAccept,
            Code::AccessReject,
            Code::AccountingRequest,
            Code::AccountingResponse,
            Code::DisconnectRequest,
            Code::DisconnectAck,
            Code::DisconnectNak,
            Code::CoaRequest,
            Code::CoaAck,
            Code::CoaNak,
        ]
        .into_iter()
        .find(|c| c.value() == value)
    }
}

/// Attribute types used here (RFC 2865, 2866, 5176).
pub mod attr {
    pub const USER_NAME: u8 = 1;
    pub const NAS_IP_ADDRESS: u8 = 4;
    pub const FRAMED_IP_ADDRESS: u8 = 8;
    pub const REPLY_MESSAGE: u8 = 18;
    pub const VENDOR_SPECIFIC: u8 = 26;
    pub const ACCT_SESSION_ID: u8 = 44;
    pub const EVENT_TIMESTAMP: u8 = 55;
    pub const ERROR_CAUSE: u8 = 101;
}

/// RFC 5176 Error-Cause values a NAS may answer with.
pub mod error_cause {
    pub const SESSION_CONTEXT_NOT_FOUND: u32 = 503;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub kind: u8,
    pub value: Vec<u8>,
}

impl Attribute {
    pub fn text(kind: u8, value: &str) -> Self {
        Attribute {
            kind,
            value: value.as_bytes().to_vec(),
        }
    }

    pub fn integer(kind: u8, value: u32) -> Self {
        Attribute {
            kind,
            value: value.to_be_bytes().to_vec(),
        }
    }

    pub fn ipv4(kind: u8, address: std::net::Ipv4Addr) -> Self {
        Attribute {
            kind,
            value: address.octets().to_vec(),
        }
    }

    /// A Vendor-Specific attribute holding one vendor attribute (RFC 2865 §5.26).
    pub fn vendor(vendor_id: u32, vendor_type: u8, value: &[u8]) -> Self {
        let mut bytes = vendor_id.to_be_bytes().to_vec();
        bytes.push(vendor_type);
        bytes.push((value.len() + 2) as u8);
        bytes.extend_from_slice(value);
        Attribute {
            kind: attr::VENDOR_SPECIFIC,
            value: bytes,
        }
    }

    pub fn as_integer(&self) -> Option<u32> {
        <[u8; 4]>::try_from(self.value.as_slice())
            .ok()
            .map(u32::from_be_bytes)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PacketError {
    #[error("an attribute value is longer than 253 octets")]
    ValueTooLong,
    #[error("the packet would be longer than 4096 octets")]
    TooLong,
    #[error("the packet is malformed: {0}")]
    Malformed(&'static str),
    #[error("the response authenticator does not verify (wrong secret, or not our NAS)")]
    BadAuthenticator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub code: Code,
    pub identifier: u8,
    pub authenticator: [u8; 16],
    pub attributes: Vec<Attribute>,
}

impl Packet {
    pub fn attribute(&self, kind: u8) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.kind == kind)
    }
}

fn encode_attributes(attributes: &[Attribute]) -> Result<Vec<u8>, PacketError> {
    let mut out = Vec::new();
    for a in attributes {
        if a.value.len() > MAX_VALUE_LEN {
            return Err(PacketError::ValueTooLong);
        }
        out.push(a.kind);
        out.push((a.value.len() + 2) as u8);
        out.extend_from_slice(&a.value);
    }
    Ok(out)
}

fn header(code: Code, identifier: u8, length: usize) -> [u8; 4] {
    let len = (length as u16).to_be_bytes();
    [code.value(), identifier, len[0], len[1]]
}

/// Encodes a Disconnect-Request, CoA-Request or Accounting-Request with its Request
/// Authenticator computed from the secret.
pub fn encode_request(
    code: Code,
    identifier: u8,
    attributes: &[Attribute],
    secret: &[u8],
) -> Result<Vec<u8>, PacketError> {
    let attrs = encode_attributes(attributes)?;
    let length = HEADER_LEN + attrs.len();
    if length > MAX_PACKET_LEN {
        return Err(PacketError::TooLong);
    }
    let head = header(code, identifier, length);
    let authenticator: [u8; 16] = Md5::new()
        .chain_update(head)
        .chain_update([0u8; 16])
        .chain_update(&attrs)
        .chain_update(secret)
        .finalize()
        .into();
    let mut out = Vec::with_capacity(length);
    out.extend_from_slice(&head);
    out.extend_from_slice(&authenticator);
    out.extend_from_slice(&attrs);
    Ok(out)
}

/// Parses a packet without checking its authenticator.
pub fn decode(bytes: &[u8]) -> Result<Packet, PacketError> {
    if bytes.len() < HEADER_LEN {
        return Err(PacketError::Malformed("shorter than a header"));
    }
    let length = u16::from_be_bytes([bytes[2], bytes[3]]) as usize;
    if !(HEADER_LEN..=MAX_PACKET_LEN).contains(&length) || length > bytes.len() {
        return Err(PacketError::Malformed("bad length"));
    }
    let code = Code::from_value(bytes[0]).ok_or(PacketError::Malformed("unknown code"))?;
    let mut attributes = Vec::new();
    let mut rest = &bytes[HEADER_LEN..length];
    while !rest.is_empty() {
        if rest.len() < 2 || rest[1] < 2 || rest[1] as usize > rest.len() {
            return Err(PacketError::Malformed("bad attribute length"));
        }
        let len = rest[1] as usize;
        attributes.push(Attribute {
            kind: rest[0],
            value: rest[2..len].to_vec(),
        });
        rest = &rest[len..];
    }
    let mut authenticator = [0u8; 16];
    authenticator.copy_from_slice(&bytes[4..20]);
    Ok(Packet {
        code,
        identifier: bytes[1],
        authenticator,
        attributes,
    })
}

/// Parses a reply to the request whose authenticator was `request_authenticator`, and
/// checks its Response Authenticator.
pub fn decode_reply(
    bytes: &[u8],
    request_authenticator: &[u8; 16],
    secret: &[u8],
) -> Result<Packet, PacketError> {
    let packet = decode(bytes)?;
    let length = u16::from_be_bytes([bytes[2], bytes[3]]) as usize;
    let expected: [u8; 16] = Md5::new()
        .chain_update(&bytes[..4])
        .chain_update(request_authenticator)
        .chain_update(&bytes[HEADER_LEN..length])
        .chain_update(secret)
        .finalize()
        .into();
    if expected != packet.authenticator {
        return Err(PacketError::BadAuthenticator);
    }
    Ok(packet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply_to(request: &[u8], code: Code, attributes: &[Attribute], secret: &[u8]) -> Vec<u8> {
        let attrs = encode_attributes(attributes).unwrap();
        let head = header(code, request[1], HEADER_LEN + attrs.len());
        let auth: [u8; 16] = Md5::new()
            .chain_update(head)
            .chain_update(&request[4..20])
            .chain_update(&attrs)
            .chain_update(secret)
            .finalize()
            .into();
        [head.as_slice(), &auth, &attrs].concat()
    }

    #[test]
    fn a_disconnect_request_is_laid_out_as_rfc_5176_says() {
        let bytes = encode_request(
            Code::DisconnectRequest,
            7,
            &[Attribute::text(attr::USER_NAME, "alice")],
            b"s3cret",
        )
        .unwrap();
        assert_eq!(bytes[0], 40);
        assert_eq!(bytes[1], 7);
        assert_eq!(
            u16::from_be_bytes([bytes[2], bytes[3]]) as usize,
            bytes.len()
        );
        assert_eq!(&bytes[20..], [1, 7, b'a', b'l', b'i', b'c', b'e']);
        // The authenticator is MD5 over the packet with a zero authenticator, then the secret.
        let mut zeroed = bytes.clone();
        zeroed[4..20].fill(0);
        let expected: [u8; 16] = Md5::new()
            .chain_update(&zeroed)
            .chain_update(b"s3cret")
            .finalize()
            .into();
        assert_eq!(&bytes[4..20], expected);
        let other_secret = encode_request(
            Code::DisconnectRequest,
            7,
            &[Attribute::text(attr::USER_NAME, "alice")],
            b"other",
        )
        .unwrap();
        assert_ne!(bytes[4..20], other_secret[4..20]);
    }

    #[test]
    fn a_reply_verifies_only_with_the_same_secret_and_request() {
        let request = encode_request(
            Code::DisconnectRequest,
            9,
            &[Attribute::text(attr::USER_NAME, "bob")],
            b"s3cret",
        )
        .unwrap();
        let nak = reply_to(
            &request,
            Code::DisconnectNak,
            &[Attribute::integer(
                attr::ERROR_CAUSE,
                error_cause::SESSION_CONTEXT_NOT_FOUND,
            )],
            b"s3cret",
        );
        let mut auth = [0u8; 16];
        auth.copy_from_slice(&request[4..20]);
        let reply = decode_reply(&nak, &auth, b"s3cret").unwrap();
        assert_eq!(reply.code, Code::DisconnectNak);
        assert_eq!(
            reply
                .attribute(attr::ERROR_CAUSE)
                .and_then(Attribute::as_integer),
            Some(503)
        );
        assert_eq!(
            decode_reply(&nak, &auth, b"wrong"),
            Err(PacketError::BadAuthenticator)
        );
        let mut tampered = nak.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(
            decode_reply(&tampered, &auth, b"s3cret"),
            Err(PacketError::BadAuthenticator)
        );
    }

    #[test]
    fn malformed_packets_and_oversized_values_are_refused() {
        assert!(decode(&[40, 1, 0]).is_err());
        let mut bad = vec![41, 1, 0, 23];
        bad.extend_from_slice(&[0; 16]);
        bad.extend_from_slice(&[1, 9, b'x']); // attribute claims 9 octets, has 3
        assert_eq!(
            decode(&bad),
            Err(PacketError::Malformed("bad attribute length"))
        );
        assert_eq!(
            encode_request(
                Code::CoaRequest,
                1,
                &[Attribute::text(attr::REPLY_MESSAGE, &"x".repeat(254))],
                b"s"
            ),
            Err(PacketError::ValueTooLong)
        );
        let vsa = Attribute::vendor(14988, 8, b"10M/10M");
        assert_eq!(vsa.value[..4], 14988_u32.to_be_bytes());
        assert_eq!(vsa.value[4..6], [8, 9]);
    }
}
