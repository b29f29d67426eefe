//go:build unix

package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-nl/baken/internal/auth/password"
	"github.com/baken-nl/baken/internal/config"
)

// TestStartupWarnsAboutReadableDatabase (F8): a SQLite database that group
// or others may read gets a warning at start-up naming the file and the
// chmod; a private one gets none. A readable key file is refused (F14).
func TestStartupWarnsAboutReadableDatabase(t *testing.T) {
	dir := t.TempDir()
	cfg := config.Defaults()
	cfg.DB = "sqlite:" + filepath.Join(dir, "baken.db")
	cfg.KeyFile = filepath.Join(dir, "baken.key")
	open := func() (string, error) {
		var buf bytes.Buffer
		a, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(&buf, nil)), Options{PasswordParams: password.Fast})
		if err == nil {
			a.Close()
		}
		return buf.String(), err
	}
	logs, err := open()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(logs, "readable by others") {
		t.Fatalf("warning for a fresh, private database:\n%s", logs)
	}
	if err := os.Chmod(filepath.Join(dir, "baken.db"), 0o644); err != nil {
		t.Fatal(err)
	}
	logs, err = open()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "readable by others") || !strings.Contains(logs, "baken.db") {
		t.Fatalf("no warning for a database of mode 0644:\n%s", logs)
	}
	os.Chmod(filepath.Join(dir, "baken.db"), 0o600)
	os.Chmod(cfg.KeyFile, 0o644)
	if _, err := open(); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a key file of mode 0644 was accepted: %v", err)
	}
}
