-- 016_service_name.sql: cert_expiry_notify() takes the service's name
-- too (cfg service_name, the subject's 【name】); functions/cert_expiry.sql
-- creates the two-argument form, so the old one goes.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

DROP FUNCTION IF EXISTS cert_expiry_notify(text);
