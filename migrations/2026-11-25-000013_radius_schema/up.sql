-- FreeRADIUS's own tables, in their own schema of the same database: provisioning writes
-- radcheck / radreply / radusergroup / radgroupreply, FreeRADIUS (rlm_sql with
-- `search_path=radius`) reads them and writes radacct and radpostauth. Taken from the
-- PostgreSQL schema FreeRADIUS 3.2 ships (mods-config/sql/main/postgresql/schema.sql),
-- unchanged but for the schema name, so the server's stock queries work against it.

CREATE SCHEMA radius;

CREATE TABLE radius.radacct (
	RadAcctId		bigserial PRIMARY KEY,
	AcctSessionId		text NOT NULL,
	AcctUniqueId		text NOT NULL UNIQUE,
	UserName		text,
	Realm			text,
	NASIPAddress		inet NOT NULL,
	NASPortId		text,
	NASPortType		text,
	AcctStartTime		timestamp with time zone,
	AcctUpdateTime		timestamp with time zone,
	AcctStopTime		timestamp with time zone,
	AcctInterval		bigint,
	AcctSessionTime		bigint,
	AcctAuthentic		text,
	ConnectInfo_start	text,
	ConnectInfo_stop	text,
	AcctInputOctets		bigint,
	AcctOutputOctets	bigint,
	CalledStationId		text,
	CallingStationId	text,
	AcctTerminateCause	text,
	ServiceType		text,
	FramedProtocol		text,
	FramedIPAddress		inet,
	FramedIPv6Address	inet,
	FramedIPv6Prefix	inet,
	FramedInterfaceId	text,
	DelegatedIPv6Prefix	inet,
	Class			text
);

CREATE INDEX radacct_active_session_idx ON radius.radacct (AcctUniqueId) WHERE AcctStopTime IS NULL;

CREATE INDEX radacct_bulk_close ON radius.radacct (NASIPAddress, AcctStartTime) WHERE AcctStopTime IS NULL;

CREATE INDEX radacct_start_user_idx ON radius.radacct (AcctStartTime, UserName);

CREATE INDEX radacct_calss_idx ON radius.radacct (Class);

CREATE TABLE radius.radcheck (
	id			serial PRIMARY KEY,
	UserName		text NOT NULL DEFAULT '',
	Attribute		text NOT NULL DEFAULT '',
	op			VARCHAR(2) NOT NULL DEFAULT '==',
	Value			text NOT NULL DEFAULT ''
);
create index radcheck_UserName on radius.radcheck (UserName,Attribute);

CREATE TABLE radius.radgroupcheck (
	id			serial PRIMARY KEY,
	GroupName		text NOT NULL DEFAULT '',
	Attribute		text NOT NULL DEFAULT '',
	op			VARCHAR(2) NOT NULL DEFAULT '==',
	Value			text NOT NULL DEFAULT ''
);
create index radgroupcheck_GroupName on radius.radgroupcheck (GroupName,Attribute);

CREATE TABLE radius.radgroupreply (
	id			serial PRIMARY KEY,
	GroupName		text NOT NULL DEFAULT '',
	Attribute		text NOT NULL DEFAULT '',
	op			VARCHAR(2) NOT NULL DEFAULT '=',
	Value			text NOT NULL DEFAULT ''
);
create index radgroupreply_GroupName on radius.radgroupreply (GroupName,Attribute);

CREATE TABLE radius.radreply (
	id			serial PRIMARY KEY,
	UserName		text NOT NULL DEFAULT '',
	Attribute		text NOT NULL DEFAULT '',
	op			VARCHAR(2) NOT NULL DEFAULT '=',
	Value			text NOT NULL DEFAULT ''
);
create index radreply_UserName on radius.radreply (UserName,Attribute);

CREATE TABLE radius.radusergroup (
	id			serial PRIMARY KEY,
	UserName		text NOT NULL DEFAULT '',
	GroupName		text NOT NULL DEFAULT '',
	priority		integer NOT NULL DEFAULT 0
);
create index radusergroup_UserName on radius.radusergroup (UserName);

CREATE TABLE radius.radpostauth (
	id			bigserial PRIMARY KEY,
	username		text NOT NULL,
	pass			text,
	reply			text,
	CalledStationId		text,
	CallingStationId	text,
	authdate		timestamp with time zone NOT NULL default now(),
	Class			text
);
CREATE INDEX radpostauth_username_idx ON radius.radpostauth (username);
CREATE INDEX radpostauth_class_idx ON radius.radpostauth (Class);

CREATE TABLE radius.nas (
	id			serial PRIMARY KEY,
	nasname			text NOT NULL,
	shortname		text NOT NULL,
	type			text NOT NULL DEFAULT 'other',
	ports			integer,
	secret			text NOT NULL,
	server			text,
	community		text,
	description		text
);
create index nas_nasname on radius.nas (nasname);

CREATE TABLE radius.nasreload (
	NASIPAddress		inet PRIMARY KEY,
	ReloadTime		timestamp with time zone NOT NULL
);
