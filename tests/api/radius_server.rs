//! A real FreeRADIUS 3.2 for one test database (`scripts/freeradius.sh`), and `radclient`
//! to talk to it.

use std::io::Write;
use std::process::{Command, Stdio};

/// A FreeRADIUS serving one test database; stopped when dropped.
pub struct RadiusServer {
    pub auth_port: u16,
    pub acct_port: u16,
    /// Where the test NAS answers Disconnect and CoA requests.
    pub coa_port: u16,
    pid: u32,
    workdir: std::path::PathBuf,
}

impl RadiusServer {
    pub fn start(database_url: &str) -> Self {
        let workdir = std::env::temp_dir().join(format!("ispbill-radius-{}", uuid::Uuid::new_v4()));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/freeradius.sh");
        let out = Command::new(script)
            .arg(database_url)
            .arg(&workdir)
            .output()
            .expect("scripts/freeradius.sh runs");
        assert!(
            out.status.success(),
            "FreeRADIUS did not start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let value = |key: &str| -> u32 {
            stdout
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{key} missing from {stdout}"))
        };
        RadiusServer {
            auth_port: value("AUTH_PORT") as u16,
            acct_port: value("ACCT_PORT") as u16,
            coa_port: value("COA_PORT") as u16,
            pid: value("PID"),
            workdir,
        }
    }

    /// Sends one request with `radclient` (secret of the stock localhost client) and
    /// returns its output: the reply's code and attributes.
    pub fn send(&self, kind: &str, attributes: &str) -> String {
        let port = if kind == "acct" {
            self.acct_port
        } else {
            self.auth_port
        };
        let mut child = Command::new("radclient")
            .args(["-x", "-r", "1", "-t", "2"])
            .arg(format!("127.0.0.1:{port}"))
            .args([kind, "testing123"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("radclient runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(attributes.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

impl Drop for RadiusServer {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
        let _ = std::fs::remove_dir_all(&self.workdir);
    }
}
