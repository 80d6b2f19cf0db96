-- Writes temp table acct.
create or replace temp table acct as select uuidish({salt_account_id}, 0) as account_id
