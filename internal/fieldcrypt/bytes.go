package fieldcrypt

import (
	"bytes"
	"fmt"
)

// bytesVersion tags the raw form of SealBytes: the plaintext as it is (a
// document's size is no secret, so no padding as in Seal's v2).
const bytesVersion = "b1"

// SealBytes encrypts plaintext with the active key into one new slice:
// "b1:<key id>:" followed by the nonce and the AES-GCM ciphertext, raw (no
// base64), for a binary column. It is Seal for large values (documents): the
// plaintext is read once and the result allocated once, at its final size;
// plaintext is not changed. aad binds the value to its place, as for Seal.
func (k *Keyring) SealBytes(plaintext []byte, aad string) []byte {
	aead := k.aeads[k.active]
	prefix := bytesVersion + ":" + k.active + ":"
	ns := aead.NonceSize()
	out := make([]byte, len(prefix)+ns, len(prefix)+ns+len(plaintext)+aead.Overhead())
	copy(out, prefix)
	nonce := out[len(prefix):]
	copy(nonce, randomBytes(ns))
	return aead.Seal(out, nonce, plaintext, []byte(aad))
}

// OpenBytes decrypts a value made by SealBytes with the same aad. It opens
// in place: sealed (which the caller gives up) holds the plaintext after, so
// a large value is not copied again.
func (k *Keyring) OpenBytes(sealed []byte, aad string) ([]byte, error) {
	v, rest, ok := bytes.Cut(sealed, []byte(":"))
	if !ok || string(v) != bytesVersion {
		return nil, ErrDecrypt
	}
	id, ct, ok := bytes.Cut(rest, []byte(":"))
	if !ok {
		return nil, ErrDecrypt
	}
	aead, found := k.aeads[string(id)]
	if !found {
		return nil, fmt.Errorf("%w: unknown key id %q", ErrDecrypt, id)
	}
	if len(ct) < aead.NonceSize() {
		return nil, ErrDecrypt
	}
	nonce, box := ct[:aead.NonceSize()], ct[aead.NonceSize():]
	pt, err := aead.Open(box[:0], nonce, box, []byte(aad))
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}
