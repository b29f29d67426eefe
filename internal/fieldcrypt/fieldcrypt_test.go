package fieldcrypt

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	k, err := New(Generate())
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.Seal("Jan de Vries", "users.name:1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, "Jan") || KeyIDOf(s) != k.ActiveKeyID() {
		t.Fatalf("sealed %q", s)
	}
	got, err := k.Open(s, "users.name:1")
	if err != nil || got != "Jan de Vries" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := k.Open(s, "users.name:2"); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("open with other aad: %v", err)
	}
	s2, _ := k.Seal("Jan de Vries", "users.name:1")
	if s2 == s {
		t.Fatal("two seals of one value are equal: nonce reused")
	}
	tampered := s[:len(s)-2] + "AA"
	if _, err := k.Open(tampered, "users.name:1"); err == nil {
		t.Fatal("tampered ciphertext opened")
	}
	// An empty value is sealed too (F14): see TestSealEmptyAndShortAlike.
}

func TestRotation(t *testing.T) {
	f := Generate()
	old, _ := New(f)
	sealed, _ := old.Seal("geheim", "a")
	nf := Generate()
	f.Keys[nf.Active] = nf.Keys[nf.Active]
	f.Active = nf.Active
	rotated, err := New(f)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(sealed, "a"); err != nil || got != "geheim" {
		t.Fatalf("old ciphertext after rotation: %q %v", got, err)
	}
	s, _ := rotated.Seal("x", "a")
	if KeyIDOf(s) != nf.Active {
		t.Fatal("new data not sealed with the new active key")
	}
	if old.Index("d", "v") != rotated.Index("d", "v") {
		t.Fatal("index changed with rotation")
	}
}

func TestLoadOrCreate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "baken.key")
	k1, created, err := LoadOrCreate(path)
	if err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	k2, created, err := LoadOrCreate(path)
	if err != nil || created {
		t.Fatalf("load: %v %v", created, err)
	}
	s, _ := k1.Seal("x", "")
	if v, err := k2.Open(s, ""); err != nil || v != "x" {
		t.Fatal("reloaded keyring cannot open")
	}
	for name, content := range map[string]string{
		"garbage":    "not json",
		"shortkey":   `{"active":"a","keys":{"a":"AAAA"},"indexKey":"AAAA"}`,
		"noactive":   `{"active":"b","keys":{"a":"` + Generate().Keys[""] + `"}}`,
		"extrafield": `{"active":"a","keys":{},"indexKey":"","x":1}`,
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		if _, _, err := LoadOrCreate(p); err == nil {
			t.Errorf("%s: bad key file accepted", name)
		}
	}
	unreadable := filepath.Join(dir, "dir.key")
	os.Mkdir(unreadable, 0o700)
	if _, _, err := LoadOrCreate(unreadable); err == nil {
		t.Error("a directory accepted as key file")
	}
}

func FuzzOpen(f *testing.F) {
	k, _ := New(Generate())
	s, _ := k.Seal("abc", "")
	f.Add(s)
	f.Add("v1:x:")
	f.Fuzz(func(t *testing.T, in string) {
		_, _ = k.Open(in, "") // must not panic
	})
}

// TestSealEmptyAndShortAlike (F14): an empty value seals to a ciphertext like
// any other, and values up to 31 bytes (empty included) give ciphertexts of
// one length, so the database tells neither absence nor short lengths. A ""
// stored before, and a v1 ciphertext (unpadded), still open.
func TestSealEmptyAndShortAlike(t *testing.T) {
	k, err := New(Generate())
	if err != nil {
		t.Fatal(err)
	}
	lengths := map[int]bool{}
	for _, pt := range []string{"", "a", "06", "M.", "ja", strings.Repeat("x", 31)} {
		s, err := k.Seal(pt, "t.c:1")
		if err != nil {
			t.Fatal(err)
		}
		if s == "" {
			t.Fatalf("%q sealed to the empty string", pt)
		}
		lengths[len(s)] = true
		if got, err := k.Open(s, "t.c:1"); err != nil || got != pt {
			t.Fatalf("open(seal(%q)) = %q, %v", pt, got, err)
		}
		if _, err := k.Open(s, "t.c:2"); err == nil {
			t.Fatalf("%q opened with another aad", pt)
		}
	}
	if len(lengths) != 1 {
		t.Fatalf("short values seal to %d different lengths: %v", len(lengths), lengths)
	}
	long, _ := k.Seal(strings.Repeat("x", 32), "t.c:1")
	if lengths[len(long)] {
		t.Fatal("a 32-byte value has the length of a short one: no length classes")
	}
	// Older forms keep opening: "" (an empty value before F14) and v1.
	if got, err := k.Open("", "t.c:1"); err != nil || got != "" {
		t.Fatalf("open(\"\") = %q, %v", got, err)
	}
	aead := k.aeads[k.active]
	nonce := randomBytes(aead.NonceSize())
	v1 := "v1:" + k.active + ":" + base64.RawStdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte("oud"), []byte("t.c:1")))
	if got, err := k.Open(v1, "t.c:1"); err != nil || got != "oud" {
		t.Fatalf("open(v1) = %q, %v", got, err)
	}
	if KeyIDOf(v1) != k.active || KeyIDOf(long) != k.active {
		t.Fatal("KeyIDOf does not read both versions")
	}
	// A v2 ciphertext whose padding is broken does not open.
	bad := "v2:" + k.active + ":" + base64.RawStdEncoding.EncodeToString(aead.Seal(nonce, nonce, []byte("no marker"), []byte("t.c:1")))
	if _, err := k.Open(bad, "t.c:1"); err == nil {
		t.Fatal("a v2 value without padding opened")
	}
}
