-- A plan's subscribers are put in the RADIUS group named after the plan's `radius_group` (or
-- its code) and version, and provisioning writes that group's reply attributes from the
-- plan's speeds. Two plans on the same base name would overwrite each other's attributes,
-- so the base name is unique among plans.
CREATE UNIQUE INDEX products_plan_radius_group_key
    ON products ((lower(coalesce(radius_group, code))))
    WHERE kind = 'plan';
