// Package fieldcrypt encrypts sensitive fields at rest with AES-256-GCM. Each
// ciphertext carries the id of the key that sealed it ("v2:<keyid>:<base64>"),
// so keys can rotate: new data is sealed with the active key, old data stays
// readable while its key is in the keyring. A separate index key makes keyed
// hashes (blind indexes) for looking data up without decrypting it.
package fieldcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// Versions of the sealed form. v2 (written now) pads the plaintext to a
// multiple of padBlock bytes before sealing; v1 (read only) did not pad.
const (
	version   = "v2"
	versionV1 = "v1"
	padBlock  = 32
)

// Keyring holds the encryption keys.
type Keyring struct {
	active   string
	aeads    map[string]cipher.AEAD
	indexKey []byte
}

// File is the on-disk form of a keyring (JSON, mode 0600).
type File struct {
	Active   string            `json:"active"`
	Keys     map[string]string `json:"keys"`     // key id → base64 of 32 bytes
	IndexKey string            `json:"indexKey"` // base64 of 32 bytes
}

// Generate makes a keyring file with one fresh key.
func Generate() File {
	id := randomID()
	return File{Active: id, Keys: map[string]string{id: b64(randomBytes(32))}, IndexKey: b64(randomBytes(32))}
}

// New builds a keyring from its file form, checking every key.
func New(f File) (*Keyring, error) {
	if len(f.Keys) == 0 {
		return nil, errors.New("no keys")
	}
	k := &Keyring{active: f.Active, aeads: map[string]cipher.AEAD{}}
	ids := make([]string, 0, len(f.Keys))
	for id := range f.Keys {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if id == "" || strings.Contains(id, ":") {
			return nil, fmt.Errorf("key id %q: must be non-empty without ':'", id)
		}
		raw, err := base64.StdEncoding.DecodeString(f.Keys[id])
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("key %q: want base64 of 32 bytes", id)
		}
		block, err := aes.NewCipher(raw)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		k.aeads[id] = aead
	}
	if _, ok := k.aeads[f.Active]; !ok {
		return nil, fmt.Errorf("active key %q is not in the keyring", f.Active)
	}
	idx, err := base64.StdEncoding.DecodeString(f.IndexKey)
	if err != nil || len(idx) != 32 {
		return nil, errors.New("indexKey: want base64 of 32 bytes")
	}
	k.indexKey = idx
	return k, nil
}

// LoadOrCreate reads the keyring at path. When the file does not exist it
// generates one with mode 0600 and reports created = true. A file that exists
// but that group or others may read or write (on Unix) is refused, as OpenSSH
// refuses such a private key: whoever reads it opens every sealed field of
// any copy of the database. A file that cannot be read or parsed is an error: Baken must not start with a key it
// cannot trust, or it would seal new data that old keys cannot open.
func LoadOrCreate(path string) (k *Keyring, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		f := Generate()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, false, fmt.Errorf("create key directory: %w", err)
		}
		data, _ := json.MarshalIndent(f, "", "  ")
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("create key file %s: %w", path, err)
		}
		if err := fh.Chmod(0o600); err != nil { // whatever the umask
			fh.Close()
			return nil, false, fmt.Errorf("create key file %s: %w", path, err)
		}
		if _, err := fh.Write(append(data, '\n')); err != nil {
			fh.Close()
			return nil, false, fmt.Errorf("write key file %s: %w", path, err)
		}
		if err := fh.Close(); err != nil {
			return nil, false, fmt.Errorf("write key file %s: %w", path, err)
		}
		k, err := New(f)
		return k, true, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("read key file %s: %w", path, err)
	}
	if err := checkMode(path); err != nil {
		return nil, false, err
	}
	var f File
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, false, fmt.Errorf("key file %s is not a Baken keyring: %w", path, err)
	}
	k, err = New(f)
	if err != nil {
		return nil, false, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, false, nil
}

// ActiveKeyID returns the id of the key that seals new data.
func (k *Keyring) ActiveKeyID() string { return k.active }

// Seal encrypts plaintext with the active key. aad binds the ciphertext to its
// place (for example "users.phone:<id>"): moved elsewhere it no longer opens.
// Every plaintext, the empty one included, is sealed: an absent value must
// not be told from a present one. The plaintext is padded (ISO/IEC 7816-4:
// 0x80, then zeros) to a multiple of 32 bytes, so values up to 31 bytes,
// empty included, seal to ciphertexts of one length, and longer ones tell
// their length only to 32 bytes.
func (k *Keyring) Seal(plaintext, aad string) (string, error) {
	aead := k.aeads[k.active]
	n := (len(plaintext)/padBlock + 1) * padBlock
	padded := make([]byte, n)
	copy(padded, plaintext)
	padded[len(plaintext)] = 0x80
	nonce := randomBytes(aead.NonceSize())
	ct := aead.Seal(nonce, nonce, padded, []byte(aad))
	return version + ":" + k.active + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// ErrDecrypt is returned for ciphertexts that do not open.
var ErrDecrypt = errors.New("fieldcrypt: ciphertext does not open")

// Open decrypts a value made by Seal with the same aad. "" (how empty values
// were stored before they were sealed too) opens to "", and v1 values
// (unpadded) still open.
func (k *Keyring) Open(sealed, aad string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != version && parts[0] != versionV1 {
		return "", ErrDecrypt
	}
	aead, ok := k.aeads[parts[1]]
	if !ok {
		return "", fmt.Errorf("%w: unknown key id %q", ErrDecrypt, parts[1])
	}
	ct, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || len(ct) < aead.NonceSize() {
		return "", ErrDecrypt
	}
	pt, err := aead.Open(nil, ct[:aead.NonceSize()], ct[aead.NonceSize():], []byte(aad))
	if err != nil {
		return "", ErrDecrypt
	}
	if parts[0] == versionV1 {
		return string(pt), nil
	}
	// Unpad: zeros, then the 0x80 marker.
	i := len(pt) - 1
	for i >= 0 && pt[i] == 0 {
		i--
	}
	if i < 0 || pt[i] != 0x80 || len(pt)%padBlock != 0 {
		return "", ErrDecrypt
	}
	return string(pt[:i]), nil
}

// KeyIDOf returns the key id of a sealed value ("" when it is not one).
func KeyIDOf(sealed string) string {
	parts := strings.SplitN(sealed, ":", 3)
	if len(parts) != 3 || parts[0] != version && parts[0] != versionV1 {
		return ""
	}
	return parts[1]
}

// Index returns a keyed hash (HMAC-SHA-256) of value in a domain, for lookups
// on encrypted data. Equal inputs give equal outputs; without the key it
// reveals nothing.
func (k *Keyring) Index(domain, value string) string {
	m := hmac.New(sha256.New, k.indexKey)
	m.Write([]byte(domain))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

func randomID() string { return hex.EncodeToString(randomBytes(4)) }

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// checkMode refuses a key file that group or others may access (Unix modes;
// Windows has none to check).
func checkMode(path string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("key file %s: %w", path, err)
	}
	if m := fi.Mode().Perm(); m&0o077 != 0 {
		return fmt.Errorf("key file %s has mode %04o: group or others may read the encryption keys; make it private (chmod 600 %s) and check who has read it", path, m, path)
	}
	return nil
}
