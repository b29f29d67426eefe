-- Security review F16: a document's bytes are sealed into a binary column
-- (raw AES-GCM ciphertext: "v1:<key id>:" + nonce + sealed bytes) instead
-- of base64 text of sealed base64, so an upload is no longer copied and
-- re-encoded several times on its way in and out. Documents stored before
-- keep their data_enc text (still read); new ones store '' there.
ALTER TABLE case_documents ADD COLUMN data_sealed {{blob}};
