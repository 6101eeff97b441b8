-- The NASes (BRAS, routers) the ISP runs, in FreeRADIUS's own `radius.nas` table, so that
-- FreeRADIUS (read_clients) and provisioning (Disconnect/CoA) read the same rows. The shared
-- secret must stay readable: RADIUS signs packets with it. The API never returns it.
-- Added for us: one row per address, the port the NAS takes Disconnect/CoA on, and times.
ALTER TABLE radius.nas
    ADD COLUMN coa_port INTEGER NOT NULL DEFAULT 3799 CHECK (coa_port BETWEEN 1 AND 65535),
    ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();
CREATE UNIQUE INDEX nas_nasname_key ON radius.nas (nasname);
