package fieldcrypt

import (
	"bytes"
	"errors"
	"testing"
)

func TestSealBytes(t *testing.T) {
	k, err := New(Generate())
	if err != nil {
		t.Fatal(err)
	}
	plain := bytes.Repeat([]byte("Verklaring Kwartelkoning "), 1000)
	keep := bytes.Clone(plain)
	sealed := k.SealBytes(plain, "case_documents.data:1")
	if !bytes.Equal(plain, keep) {
		t.Fatal("SealBytes changed its input")
	}
	if bytes.Contains(sealed, []byte("Kwartelkoning")) || !bytes.HasPrefix(sealed, []byte("b1:"+k.ActiveKeyID()+":")) {
		t.Fatalf("sealed = %.60q", sealed)
	}
	if _, err := k.OpenBytes(bytes.Clone(sealed), "case_documents.data:2"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("opened under another aad: %v", err)
	}
	for _, bad := range [][]byte{nil, []byte("v1"), []byte("v2:x:abc"), []byte("b1:nokey:abcdefghijklmnopqrstuvwxyz"), []byte("v1:nokey:abcdefghijklmnopqrstuvwxyz"), sealed[:20]} {
		if _, err := k.OpenBytes(bytes.Clone(bad), "case_documents.data:1"); !errors.Is(err, ErrDecrypt) {
			t.Errorf("OpenBytes(%q) = %v", bad, err)
		}
	}
	got, err := k.OpenBytes(sealed, "case_documents.data:1")
	if err != nil || !bytes.Equal(got, keep) {
		t.Fatalf("OpenBytes = %.40q, %v", got, err)
	}
}
