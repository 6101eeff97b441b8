-- FreeRADIUS's stock post-auth query logs every attempt in radius.radpostauth with the
-- password the subscriber typed (`pass`), right or wrong, in clear. A billing database must
-- not keep those: whatever an ISP's FreeRADIUS configuration says, the column stays empty.
CREATE FUNCTION radius.radpostauth_drop_password() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.pass := NULL;
    RETURN NEW;
END $$;

CREATE TRIGGER radpostauth_drop_password BEFORE INSERT OR UPDATE OF pass ON radius.radpostauth
    FOR EACH ROW EXECUTE FUNCTION radius.radpostauth_drop_password();

UPDATE radius.radpostauth SET pass = NULL WHERE pass IS NOT NULL;
