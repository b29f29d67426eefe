package fieldcrypt

import (
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
	if e, _ := k.Seal("", "x"); e != "" {
		t.Fatal("empty value sealed to non-empty")
	}
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
