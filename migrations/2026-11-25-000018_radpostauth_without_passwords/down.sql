DROP TRIGGER radpostauth_drop_password ON radius.radpostauth;
DROP FUNCTION radius.radpostauth_drop_password();
