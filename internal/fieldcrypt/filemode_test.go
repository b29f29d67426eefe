//go:build unix

package fieldcrypt

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestKeyFileModeChecked (F14): a key file is created 0600 whatever the
// umask, and a key file that group or others may read or write is refused:
// whoever reads it can open every sealed field of any copy of the database.
func TestKeyFileModeChecked(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	path := filepath.Join(t.TempDir(), "keys", "baken.key")
	if _, created, err := LoadOrCreate(path); err != nil || !created {
		t.Fatalf("create: %v %v", created, err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: mode %v, want %v (%v)", p, fi.Mode().Perm(), want, err)
		}
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644, 0o620} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadOrCreate(path)
		if err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %v: %v, want a refusal", mode, err)
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		os.Chmod(path, mode)
		if _, _, err := LoadOrCreate(path); err != nil {
			t.Errorf("mode %v refused: %v", mode, err)
		}
	}
}
