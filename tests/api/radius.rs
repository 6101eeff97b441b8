//! The network side against a real FreeRADIUS 3.2 (Debian's packages, started by
//! `scripts/freeradius.sh` on the test's own database): the `radius` schema our migration
//! creates is the one FreeRADIUS's stock rlm_sql queries read and write.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::helpers::spawn_app;
use crate::radius_server::RadiusServer;

#[tokio::test]
async fn freeradius_authenticates_from_the_radius_schema_and_applies_the_plan_group() {
    let app = spawn_app().await;
    app.conn()
        .batch_execute(
            "INSERT INTO radius.radcheck (username, attribute, op, value) \
               VALUES ('alice', 'Cleartext-Password', ':=', 's3cret'); \
             INSERT INTO radius.radusergroup (username, groupname, priority) \
               VALUES ('alice', 'fiber_100', 10); \
             INSERT INTO radius.radgroupreply (groupname, attribute, op, value) VALUES \
               ('fiber_100', 'Mikrotik-Rate-Limit', ':=', '20M/100M'), \
               ('fiber_100', 'Acct-Interim-Interval', ':=', '300')",
        )
        .unwrap();
    let radius = RadiusServer::start(&app.db.url);

    let accepted = radius.send("auth", "User-Name = alice, User-Password = s3cret");
    assert!(accepted.contains("Received Access-Accept"), "{accepted}");
    assert!(
        accepted.contains("Mikrotik-Rate-Limit = \"20M/100M\""),
        "{accepted}"
    );
    assert!(
        accepted.contains("Acct-Interim-Interval = 300"),
        "{accepted}"
    );

    let wrong = radius.send("auth", "User-Name = alice, User-Password = guess");
    assert!(wrong.contains("Received Access-Reject"), "{wrong}");
    let unknown = radius.send("auth", "User-Name = mallory, User-Password = s3cret");
    assert!(unknown.contains("Received Access-Reject"), "{unknown}");
}

#[tokio::test]
async fn freeradius_writes_accounting_into_the_radius_schema() {
    let app = spawn_app().await;
    let radius = RadiusServer::start(&app.db.url);
    let start = radius.send(
        "acct",
        "User-Name = alice, Acct-Status-Type = Start, Acct-Session-Id = s-1, \
         NAS-IP-Address = 127.0.0.1, Framed-IP-Address = 100.64.0.10",
    );
    assert!(start.contains("Received Accounting-Response"), "{start}");
    let interim = radius.send(
        "acct",
        "User-Name = alice, Acct-Status-Type = Interim-Update, Acct-Session-Id = s-1, \
         NAS-IP-Address = 127.0.0.1, Acct-Input-Octets = 1000, Acct-Output-Octets = 5000, \
         Acct-Input-Gigawords = 1, Acct-Session-Time = 60",
    );
    assert!(
        interim.contains("Received Accounting-Response"),
        "{interim}"
    );

    #[derive(QueryableByName, Debug)]
    struct Session {
        #[diesel(sql_type = diesel::sql_types::Text)]
        acctuniqueid: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        acctinputoctets: Option<i64>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        acctoutputoctets: Option<i64>,
    }
    let sessions: Vec<Session> = diesel::sql_query(
        "SELECT acctuniqueid, acctinputoctets, acctoutputoctets FROM radius.radacct \
         WHERE username = 'alice'",
    )
    .load(&mut app.conn())
    .unwrap();
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert!(!sessions[0].acctuniqueid.is_empty());
    // Gigawords are folded into 64-bit totals: 1 × 2^32 + 1000.
    assert_eq!(sessions[0].acctinputoctets, Some((1_i64 << 32) + 1000));
    assert_eq!(sessions[0].acctoutputoctets, Some(5000));
}

#[tokio::test]
async fn our_disconnect_request_is_acked_for_an_open_session_and_naked_without_one() {
    use api::radius::client::{send, Nas, SendError};
    use api::radius::packet::{attr, error_cause, Attribute, Code};
    use std::time::Duration;

    let app = spawn_app().await;
    let radius = RadiusServer::start(&app.db.url);
    let start = radius.send(
        "acct",
        "User-Name = alice, Acct-Status-Type = Start, Acct-Session-Id = s-9, \
         NAS-IP-Address = 127.0.0.1",
    );
    assert!(start.contains("Received Accounting-Response"), "{start}");
    let nas = Nas {
        address: format!("127.0.0.1:{}", radius.coa_port).parse().unwrap(),
        secret: b"testing123".to_vec(),
    };
    let disconnect = |user: &str| vec![Attribute::text(attr::USER_NAME, user)];
    let wait = Duration::from_secs(2);

    // alice has an open session: the NAS acknowledges and ends it.
    let reply = send(&nas, Code::DisconnectRequest, &disconnect("alice"), wait, 2)
        .await
        .expect("an answer");
    assert_eq!(reply.code, Code::DisconnectAck);
    let open: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "count(*) FROM radius.radacct WHERE username = 'alice' AND acctstoptime IS NULL",
    ))
    .get_result(&mut app.conn())
    .unwrap();
    assert_eq!(open, 0, "the session was ended");

    // Now there is none: a NAK saying so, which provisioning counts as done.
    let reply = send(&nas, Code::DisconnectRequest, &disconnect("alice"), wait, 2)
        .await
        .expect("an answer");
    assert_eq!(reply.code, Code::DisconnectNak);
    assert_eq!(
        reply
            .attribute(attr::ERROR_CAUSE)
            .and_then(Attribute::as_integer),
        Some(error_cause::SESSION_CONTEXT_NOT_FOUND)
    );

    // Our answer check is real: with another secret the true NAS's reply does not verify.
    let impostor = Nas {
        secret: b"not-the-secret".to_vec(),
        ..nas.clone()
    };
    let refused = send(
        &impostor,
        Code::DisconnectRequest,
        &disconnect("alice"),
        Duration::from_millis(300),
        1,
    )
    .await;
    assert!(
        matches!(refused, Err(SendError::Timeout { .. })),
        "{refused:?}"
    );
}
