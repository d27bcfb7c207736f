-- Accounts store. Tables arrive with the accounts feature; citext gives case-insensitive
-- usernames and emails.
CREATE EXTENSION IF NOT EXISTS citext;
