-- API tokens expire (F5): at most a year after creation, 90 days by default,
-- chosen when the token is made. Tokens from before this migration expire
-- 90 days after it ran, so that scripts using them get a quarter's notice.
-- A token without an expiry is refused (the service treats NULL as expired).
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = date_trunc('milliseconds', now()) + interval '90 days' WHERE expires_at IS NULL;
