-- Quick unlock: the unlock key sealed by a random key that lives in the OS
-- keyring, valid until quick_unlock_expires (ms since the epoch).
ALTER TABLE vault_header ADD COLUMN quick_unlock BLOB;
ALTER TABLE vault_header ADD COLUMN quick_unlock_expires INTEGER;
