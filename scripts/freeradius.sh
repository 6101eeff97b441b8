#!/usr/bin/env bash
# Starts a real FreeRADIUS 3.2 against one database, for the tests: Debian's configuration
# copied to WORKDIR, its sql module pointed at DATABASE_URL's schema `radius`, listening on
# free UDP ports on 127.0.0.1 only (several tests may each run one at once).
#
# It also plays the NAS for RFC 5176 (a `coa` listener, the `test_nas` virtual server): a
# Disconnect-Request or CoA-Request for a user with an open session in radacct is ACKed (a
# Disconnect also closes that session, as a NAS's Accounting-Stop would); otherwise it is
# NAKed with Error-Cause = Session-Context-Not-Found. Its secret is the stock localhost
# client's, `testing123`.
#
#   scripts/freeradius.sh DATABASE_URL WORKDIR
#
# Prints `AUTH_PORT=… ACCT_PORT=… COA_PORT=… PID=…` once the server is ready; its log is
# WORKDIR/log.
# Installs FreeRADIUS from Debian's packages when absent (as root; otherwise prints the
# command to run).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
url="$1" workdir="$2"
"$root/scripts/ensure-freeradius.sh" >&2

# postgres://user@host:port/dbname → its parts (no password: trust auth, or PGPASSFILE).
rest="${url#*://}"; userhost="${rest%%/*}"; dbname="${rest#*/}"; dbname="${dbname%%\?*}"
user="${userhost%%@*}"; hostport="${userhost#*@}"; host="${hostport%%:*}"; port="${hostport##*:}"
[ "$port" = "$hostport" ] && port=5432

free_udp() {
  node -e 'const s=require("dgram").createSocket("udp4");s.bind(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'
}
auth_port="$(free_udp)"; acct_port="$(free_udp)"; coa_port="$(free_udp)"
while [ "$acct_port" = "$auth_port" ]; do acct_port="$(free_udp)"; done
while [ "$coa_port" = "$auth_port" ] || [ "$coa_port" = "$acct_port" ]; do coa_port="$(free_udp)"; done

rm -rf "$workdir"; mkdir -p "$workdir/run" "$workdir/logs"
cp -r /etc/freeradius/3.0 "$workdir/raddb"
raddb="$workdir/raddb"
python3 - "$raddb" "$auth_port" "$acct_port" "$host" "$port" "$user" "$dbname" "$workdir" "$coa_port" <<'PY'
import os, re, sys
raddb, auth, acct, host, port, user, db, work, coa = sys.argv[1:]

def edit(path, fn):
    with open(path) as f: s = f.read()
    with open(path, 'w') as f: f.write(fn(s))

def drop_blocks(s, keyword):
    """Removes every `keyword {...}` block (balanced braces) from s."""
    out, i = [], 0
    pattern = re.compile(r'^[ \t]*' + keyword + r'\s*\{', re.M)
    while True:
        m = pattern.search(s, i)
        if not m:
            out.append(s[i:]); return ''.join(out)
        out.append(s[i:m.start()])
        depth, j = 0, m.end() - 1
        while True:
            if s[j] == '{': depth += 1
            elif s[j] == '}':
                depth -= 1
                if depth == 0: break
            j += 1
        i = j + 1

# Runs as the test's user, with its own run and log directories.
edit(f'{raddb}/radiusd.conf', lambda s: re.sub(r'^\s*(user|group) = freerad\s*$', '', s, flags=re.M)
     .replace('logdir = /var/log/freeradius', f'logdir = {work}/logs')
     .replace('run_dir = ${localstatedir}/run/${name}', f'run_dir = {work}/run'))

# Only the default site, on our ports, on loopback.
os.remove(f'{raddb}/sites-enabled/inner-tunnel')
os.remove(f'{raddb}/sites-enabled/default')
def site(s):
    s = drop_blocks(s, 'listen')
    return s.replace('server default {', 'server default {\n'
        f'listen {{\n\ttype = auth\n\tipaddr = 127.0.0.1\n\tport = {auth}\n}}\n'
        f'listen {{\n\ttype = acct\n\tipaddr = 127.0.0.1\n\tport = {acct}\n}}\n', 1)
with open(f'{raddb}/sites-available/default') as f: text = site(f.read())
with open(f'{raddb}/sites-enabled/default', 'w') as f: f.write(text)

# rlm_sql on PostgreSQL, schema `radius` through the search_path.
def sql(s):
    s = s.replace('dialect = "sqlite"', 'dialect = "postgresql"')
    s = re.sub(r'driver = "rlm_sql_null"', 'driver = "rlm_sql_${dialect}"', s)
    s = re.sub(r'^\s*#?\s*radius_db = .*$', f'\tradius_db = "host={host} port={port} dbname={db} user={user} options=\'-c search_path=radius\'"', s, count=1, flags=re.M)
    return s
edit(f'{raddb}/mods-available/sql', sql)
os.symlink('../mods-available/sql', f'{raddb}/mods-enabled/sql')

# The test NAS.
with open(f'{raddb}/sites-enabled/test_nas', 'w') as f:
    f.write(f"""
listen {{
\ttype = coa
\tipaddr = 127.0.0.1
\tport = {coa}
\tvirtual_server = test_nas
}}
server test_nas {{
\trecv-coa {{
\t\tif ("%{{sql:SELECT count(*) FROM radacct WHERE username = '%{{User-Name}}' AND acctstoptime IS NULL}}" > 0) {{
\t\t\tif (&request:Packet-Type == Disconnect-Request) {{
\t\t\t\t"%{{sql:UPDATE radacct SET acctstoptime = now(), acctterminatecause = 'Admin-Reset' WHERE username = '%{{User-Name}}' AND acctstoptime IS NULL}}"
\t\t\t}}
\t\t\tok
\t\t}}
\t\telse {{
\t\t\tupdate reply {{
\t\t\t\t&Error-Cause := Session-Context-Not-Found
\t\t\t}}
\t\t\treject
\t\t}}
\t}}
\tsend-coa {{
\t\tok
\t}}
}}
""")
PY

freeradius -X -d "$raddb" >"$workdir/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  if grep -q "Ready to process requests" "$workdir/log" 2>/dev/null; then
    echo "AUTH_PORT=$auth_port ACCT_PORT=$acct_port COA_PORT=$coa_port PID=$pid"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.05
done
echo "freeradius did not start; last lines of $workdir/log:" >&2
tail -n 30 "$workdir/log" >&2
kill "$pid" 2>/dev/null || true
exit 1
