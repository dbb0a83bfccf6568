-- When the account's owner last corrected their date of birth: at most once in 30 days, as
-- care providers check identity with it.
ALTER TABLE accounts ADD COLUMN birth_date_changed_at BIGINT;
