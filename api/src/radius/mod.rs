//! RADIUS as the network speaks it: the packet format (RFC 2865, RFC 2866) and Dynamic
//! Authorization (RFC 5176: Disconnect-Request and CoA-Request sent to a NAS on port 3799).
//! `packet` is pure encoding and checking; `client` sends over UDP with a timeout.

pub mod client;
pub mod packet;
